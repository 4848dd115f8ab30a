//! The typed records, as the standard's JSON gives them (snake_case, optional fields omitted):
//! offers, organizations, networks and projects, one module each, and the parts they share.
//!
//! The validator works on untyped JSON so that it can point at every wrong field; this model is
//! what a record becomes once it has passed, and what the generator writes. Members are
//! serialised in the order of the structs, which is therefore part of the canonical JSON
//! (`canonical.rs`) and must not change.

mod network;
mod offer;
mod organization;
mod parts;
mod project;
mod reference;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::rpde::Kind;

pub use network::{Coordinator, Network};
pub use offer::{Cost, Eligibility, LanguageLevel, Offer, Provider, Schedule};
pub use organization::{Organization, OrganizationLocation};
pub use parts::{Contact, Identifier, Link, Location, OpeningHours};
pub use project::{Funding, Period, Project};
pub use reference::Reference;

/// Texts by language code; `de` is required by the standard.
pub type LangMap = BTreeMap<String, String>;

/// Where a record declares an AGS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgsSite {
    /// The `ags` of location `i`.
    Location(usize),
    /// Entry `i` of the service area.
    ServiceArea(usize),
}

impl AgsSite {
    /// The JSON pointer of the AGS in the record.
    pub fn pointer(self) -> String {
        match self {
            AgsSite::Location(i) => format!("/locations/{i}/ags"),
            AgsSite::ServiceArea(i) => format!("/service_area/{i}"),
        }
    }
}

/// Every AGS of some locations and a service area, with where: each location's `ags`, then
/// each entry of the service area, in the record's order.
fn declared_ags<'a>(
    locations: impl Iterator<Item = &'a Location>,
    service_area: &'a [String],
) -> impl Iterator<Item = (AgsSite, &'a str)> {
    let locations = locations.enumerate().map(|(i, l)| (AgsSite::Location(i), l.ags.as_str()));
    let area = service_area.iter().enumerate().map(|(i, a)| (AgsSite::ServiceArea(i), a.as_str()));
    locations.chain(area)
}

/// The references of a list field, with their pointers.
fn listed<'a>(
    field: &'a str,
    role: ReferenceRole,
    refs: &'a [Reference],
) -> impl Iterator<Item = (String, ReferenceRole, &'a Reference)> {
    refs.iter().enumerate().map(move |(i, r)| (format!("/{field}/{i}"), role, r))
}

/// A record of any kind.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "the variants hold the records themselves, as callers match on them; records are handled one at a time, so the size does not add up"
)]
pub enum Record {
    Offer(Offer),
    Organization(Organization),
    Network(Network),
    Project(Project),
}

/// What a reference means, seen from the record that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceRole {
    /// An offer's `provider.ref`: the organization that provides the offer.
    ProviderOf,
    /// An offer's `networks`: a network the offer belongs to.
    NetworkOf,
    /// An offer's `projects`: a project the offer is part of.
    ProjectOf,
    /// An organization's `part_of`: its umbrella organization.
    PartOf,
    /// A network's `members`: a member organization.
    Member,
    /// A network coordinator's `organization`: the organization the person works for.
    CoordinatorOrganization,
    /// A project's `responsible`: the responsible organization.
    Responsible,
    /// A project's `partners`: a partner organization.
    Partner,
}

impl ReferenceRole {
    /// The kind of record the reference must resolve to.
    pub fn target_kind(self) -> Kind {
        match self {
            ReferenceRole::NetworkOf => Kind::Network,
            ReferenceRole::ProjectOf => Kind::Project,
            ReferenceRole::ProviderOf
            | ReferenceRole::PartOf
            | ReferenceRole::Member
            | ReferenceRole::CoordinatorOrganization
            | ReferenceRole::Responsible
            | ReferenceRole::Partner => Kind::Organization,
        }
    }
}

impl Record {
    /// Reads a record of the given kind from the standard's JSON (which should have passed the
    /// validator; see `validate::finish_kind`).
    pub fn from_value(kind: Kind, value: Value) -> Result<Record, serde_json::Error> {
        Ok(match kind {
            Kind::Offer => Record::Offer(Offer::deserialize(value)?),
            Kind::Organization => Record::Organization(Organization::deserialize(value)?),
            Kind::Network => Record::Network(Network::deserialize(value)?),
            Kind::Project => Record::Project(Project::deserialize(value)?),
        })
    }

    pub fn kind(&self) -> Kind {
        match self {
            Record::Offer(_) => Kind::Offer,
            Record::Organization(_) => Kind::Organization,
            Record::Network(_) => Kind::Network,
            Record::Project(_) => Kind::Project,
        }
    }

    /// The node's own id of the record.
    pub fn id(&self) -> &str {
        match self {
            Record::Offer(o) => &o.id,
            Record::Organization(o) => &o.id,
            Record::Network(n) => &n.id,
            Record::Project(p) => &p.id,
        }
    }

    /// Every reference the record holds, with its JSON pointer and role, in the record's order.
    /// Node and hub resolve them against the records they know (`reference_not_found`).
    pub fn references(&self) -> Vec<(String, ReferenceRole, &Reference)> {
        let mut out = Vec::new();
        match self {
            Record::Offer(o) => {
                out.extend(
                    o.provider
                        .reference
                        .iter()
                        .map(|r| ("/provider/ref".to_owned(), ReferenceRole::ProviderOf, r)),
                );
                out.extend(listed("networks", ReferenceRole::NetworkOf, &o.networks));
                out.extend(listed("projects", ReferenceRole::ProjectOf, &o.projects));
            }
            Record::Organization(o) => {
                out.extend(o.part_of.iter().map(|r| ("/part_of".to_owned(), ReferenceRole::PartOf, r)));
            }
            Record::Network(n) => {
                for (i, c) in n.coordinators.iter().enumerate() {
                    if let Some(r) = &c.organization {
                        out.push((
                            format!("/coordinators/{i}/organization"),
                            ReferenceRole::CoordinatorOrganization,
                            r,
                        ));
                    }
                }
                out.extend(listed("members", ReferenceRole::Member, &n.members));
            }
            Record::Project(p) => {
                out.extend(
                    p.responsible.iter().map(|r| ("/responsible".to_owned(), ReferenceRole::Responsible, r)),
                );
                out.extend(listed("partners", ReferenceRole::Partner, &p.partners));
            }
        }
        out
    }

    /// Every AGS the record declares, with where: its locations' `ags`, then its service area.
    /// For networks that is only the service area; the caller decides what jurisdiction
    /// applies to which kind.
    pub fn declared_ags(&self) -> impl Iterator<Item = (AgsSite, &str)> {
        let ags: Box<dyn Iterator<Item = (AgsSite, &str)>> = match self {
            Record::Offer(o) => Box::new(o.declared_ags()),
            Record::Organization(o) => {
                Box::new(declared_ags(o.locations.iter().map(|l| &l.location), &o.service_area))
            }
            Record::Network(n) => Box::new(declared_ags(std::iter::empty(), &n.service_area)),
            Record::Project(p) => Box::new(declared_ags(p.locations.iter(), &p.service_area)),
        };
        ags
    }
}

/// A record is written as its kind's JSON; the kind itself travels beside it (the feed item's
/// `kind`).
impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Record::Offer(o) => o.serialize(s),
            Record::Organization(o) => o.serialize(s),
            Record::Network(n) => n.serialize(s),
            Record::Project(p) => p.serialize(s),
        }
    }
}

impl From<Offer> for Record {
    fn from(o: Offer) -> Self {
        Record::Offer(o)
    }
}

impl From<Organization> for Record {
    fn from(o: Organization) -> Self {
        Record::Organization(o)
    }
}

impl From<Network> for Record {
    fn from(n: Network) -> Self {
        Record::Network(n)
    }
}

impl From<Project> for Record {
    fn from(p: Project) -> Self {
        Record::Project(p)
    }
}
