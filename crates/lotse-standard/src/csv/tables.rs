//! The column table of each kind of record: which columns a file of that kind has, in the
//! order exports write them. A column of its own is named by joining its JSON path with `_`.

use super::columns::{Col, Items, Leaf, Table};
use crate::rpde::Kind;

/// The table of a kind.
pub(crate) fn of(kind: Kind) -> &'static Table {
    match kind {
        Kind::Offer => &OFFER,
        Kind::Organization => &ORGANIZATION,
        Kind::Network => &NETWORK,
        Kind::Project => &PROJECT,
    }
}

/// The columns of a location, as offers and projects have them.
const LOCATION: &[(&str, Leaf)] = &[
    ("name", Leaf::Text),
    ("street", Leaf::Text),
    ("postcode", Leaf::Text),
    ("city", Leaf::Text),
    ("ags", Leaf::Text),
    ("lat", Leaf::Number),
    ("lon", Leaf::Number),
    ("accessibility", Leaf::List),
];

/// An organization's location also has its opening hours.
const LOCATION_WITH_HOURS: &[(&str, Leaf)] = &[
    ("name", Leaf::Text),
    ("street", Leaf::Text),
    ("postcode", Leaf::Text),
    ("city", Leaf::Text),
    ("ags", Leaf::Text),
    ("lat", Leaf::Number),
    ("lon", Leaf::Number),
    ("accessibility", Leaf::List),
    ("opening_hours", Leaf::OpeningHours),
];

const CONTACT_NAME: Col = Col::Field("contact_name", &["contact", "name"], Leaf::Text);
const CONTACT_EMAIL: Col = Col::Field("contact_email", &["contact", "email"], Leaf::Text);
const CONTACT_PHONE: Col = Col::Field("contact_phone", &["contact", "phone"], Leaf::Text);
const CONTACT_URL: Col = Col::Field("contact_url", &["contact", "url"], Leaf::Text);

/// Offers: the 1.0 columns in their 1.0 order, then the 1.1 ones (`provider_ref` beside the
/// provider, `networks` and `projects` at the end).
static OFFER: Table = Table {
    kind: Kind::Offer,
    location: LOCATION,
    layout: &[
        Col::Field("id", &["id"], Leaf::Text),
        Col::Field("offer_type", &["offer_type"], Leaf::Text),
        Col::Field("categories", &["categories"], Leaf::List),
        Col::Texts("title"),
        Col::Texts("description"),
        Col::Field("provider_name", &["provider", "name"], Leaf::Text),
        Col::Field("provider_kind", &["provider", "kind"], Leaf::Text),
        Col::Field("provider_url", &["provider", "url"], Leaf::Text),
        Col::Field("provider_identifiers", &["provider", "identifiers"], Leaf::Identifiers),
        Col::Field("provider_ref", &["provider", "ref"], Leaf::Text),
        Col::Field("status", &["status"], Leaf::Text),
        Col::Field("target_groups", &["target_groups"], Leaf::List),
        Col::Field("life_phases", &["life_phases"], Leaf::List),
        Col::Field("languages", &["languages"], Leaf::List),
        Col::Field("language_level_from", &["language_level", "from"], Leaf::Text),
        Col::Field("language_level_to", &["language_level", "to"], Leaf::Text),
        Col::Field("cost_kind", &["cost", "kind"], Leaf::Text),
        Col::Field("cost_amount_eur", &["cost", "amount_eur"], Leaf::Number),
        Col::Field("cost_note", &["cost", "note"], Leaf::Text),
        Col::Field("eligibility_age_min", &["eligibility", "age_min"], Leaf::Integer),
        Col::Field("eligibility_age_max", &["eligibility", "age_max"], Leaf::Integer),
        Col::Field("eligibility_residence_status", &["eligibility", "residence_status"], Leaf::List),
        Col::Field("eligibility_note", &["eligibility", "note"], Leaf::Text),
        Col::Field("delivery", &["delivery"], Leaf::Text),
        Col::Locations,
        Col::Field("service_area", &["service_area"], Leaf::List),
        Col::Field("schedule_start_date", &["schedule", "start_date"], Leaf::Date),
        Col::Field("schedule_end_date", &["schedule", "end_date"], Leaf::Date),
        Col::Field("schedule_opening_hours", &["schedule", "opening_hours"], Leaf::OpeningHours),
        Col::Field("schedule_note", &["schedule", "note"], Leaf::Text),
        CONTACT_NAME,
        CONTACT_EMAIL,
        CONTACT_PHONE,
        CONTACT_URL,
        Col::Field("features", &["features"], Leaf::List),
        Col::Field("url", &["url"], Leaf::Text),
        Col::Field("valid_until", &["valid_until"], Leaf::Date),
        Col::Field("verified_at", &["verified_at"], Leaf::Date),
        Col::Field("networks", &["networks"], Leaf::List),
        Col::Field("projects", &["projects"], Leaf::List),
    ],
};

static ORGANIZATION: Table = Table {
    kind: Kind::Organization,
    location: LOCATION_WITH_HOURS,
    layout: &[
        Col::Field("id", &["id"], Leaf::Text),
        Col::Texts("name"),
        Col::Field("kind", &["kind"], Leaf::Text),
        Col::Field("school_type", &["school_type"], Leaf::Text),
        Col::Texts("description"),
        Col::Locations,
        Col::Field("service_area", &["service_area"], Leaf::List),
        CONTACT_NAME,
        CONTACT_EMAIL,
        CONTACT_PHONE,
        CONTACT_URL,
        Col::Field("url", &["url"], Leaf::Text),
        Col::Field("identifiers", &["identifiers"], Leaf::Identifiers),
        Col::Links,
        Col::Field("languages", &["languages"], Leaf::List),
        Col::Field("life_phases", &["life_phases"], Leaf::List),
        Col::Field("part_of", &["part_of"], Leaf::Text),
        Col::Field("verified_at", &["verified_at"], Leaf::Date),
    ],
};

/// The most coordinators a network's CSV holds.
pub(crate) const COORDINATORS_MAX: usize = 9;

static NETWORK: Table = Table {
    kind: Kind::Network,
    location: &[],
    layout: &[
        Col::Field("id", &["id"], Leaf::Text),
        Col::Texts("name"),
        Col::Texts("topic"),
        Col::Texts("description"),
        Col::Items(Items {
            prefix: "coordinator",
            field: "coordinators",
            numbered: Some(COORDINATORS_MAX),
            keys: &[
                ("name", Leaf::Text),
                ("role", Leaf::Text),
                ("email", Leaf::Text),
                ("phone", Leaf::Text),
                ("organization", Leaf::Text),
            ],
        }),
        Col::Field("members", &["members"], Leaf::List),
        Col::Field("service_area", &["service_area"], Leaf::List),
        Col::Field("life_phases", &["life_phases"], Leaf::List),
        Col::Field("target_groups", &["target_groups"], Leaf::List),
        Col::Texts("meeting_schedule"),
        Col::Texts("how_to_join"),
        CONTACT_NAME,
        CONTACT_EMAIL,
        CONTACT_PHONE,
        CONTACT_URL,
        Col::Field("url", &["url"], Leaf::Text),
        Col::Field("verified_at", &["verified_at"], Leaf::Date),
    ],
};

static PROJECT: Table = Table {
    kind: Kind::Project,
    location: LOCATION,
    layout: &[
        Col::Field("id", &["id"], Leaf::Text),
        Col::Texts("title"),
        Col::Texts("summary"),
        Col::Texts("goals"),
        Col::Texts("description"),
        Col::Field("life_phases", &["life_phases"], Leaf::List),
        Col::Field("target_groups", &["target_groups"], Leaf::List),
        Col::Field("period_start", &["period", "start"], Leaf::Date),
        Col::Field("period_end", &["period", "end"], Leaf::Date),
        Col::Field("status", &["status"], Leaf::Text),
        Col::Items(Items {
            prefix: "funding",
            field: "funding",
            numbered: None,
            keys: &[("programme", Leaf::Text), ("funder", Leaf::Text), ("code", Leaf::Text)],
        }),
        Col::Field("responsible", &["responsible"], Leaf::Text),
        Col::Field("partners", &["partners"], Leaf::List),
        Col::Locations,
        Col::Field("service_area", &["service_area"], Leaf::List),
        Col::Texts("outcomes"),
        CONTACT_NAME,
        CONTACT_EMAIL,
        CONTACT_PHONE,
        CONTACT_URL,
        Col::Links,
        Col::Field("url", &["url"], Leaf::Text),
        Col::Field("verified_at", &["verified_at"], Leaf::Date),
    ],
};
