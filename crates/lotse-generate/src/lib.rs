//! Realistic, deterministic sample data for Lotse: offers, organizations, networks and
//! projects.
//!
//! Every test, demo and benchmark of Lotse needs data that looks like what municipalities and
//! universities of the Ruhr region really publish: German titles and descriptions that read like
//! real counselling services, language courses, recognition advice, qualification programmes,
//! school and university access, leisure and family offers; real provider kinds with the names
//! of welfare associations, adult education centres, universities, chambers and job centres;
//! addresses with real postcodes and coordinates inside the right municipality; a realistic mix
//! of languages, target groups, costs and schedules; record sizes like real records (a median
//! of about 1.5 KB and a long tail to about 20 KB); and a few percent of records that the
//! validator warns about (a `verified_at` older than a year) but none that it rejects.
//!
//! Beside offers, standard 1.1 knows organizations (the providers that offers name, and the
//! day-care centres, schools, counselling centres, libraries and offices of a municipality),
//! networks (with coordinators, members and meetings) and education projects (with a period
//! that agrees with their status, funding, a responsible organization and partners). When the
//! [`Options`] say how many of each kind a node publishes, the records refer to each other
//! (offers to their provider's organization, networks to their members, …), and every reference
//! resolves within the generated set, or on the partner node the options name.
//!
//! [`Generator`] is an endless iterator of [`Offer`]s, and [`Generator::records`] one of any
//! kind. Record `k` of a kind depends only on the seed, the options and `k` (it is drawn from
//! its own random stream), so the data is reproducible, any slice of it can be generated on its
//! own, and generating a million records takes constant memory. [`write_records`] (and
//! [`write_offers`]) stream them as NDJSON, a JSON array or CSV; `lotse generate` is a thin
//! wrapper around the two.
//!
//! ```
//! use lotse_generate::{Date, Format, Generator, Kind, Options, write_offers, write_records};
//!
//! let mut options = Options::new(42, Date::new(2026, 3, 1).unwrap());
//! let mut out = Vec::new();
//! write_offers(Generator::new(options.clone()).unwrap(), 3, Format::Ndjson, &mut out).unwrap();
//! assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 3);
//!
//! // A node's set: 50 organizations, and networks whose members are among them.
//! options.node_id = Some("essen".into());
//! options.municipalities = Some(vec!["05113000".into()]);
//! options.organizations = Some(50);
//! let generator = Generator::new(options).unwrap();
//! let mut networks = Vec::new();
//! write_records(generator.records(Kind::Network), 5, Kind::Network, Format::Ndjson, &mut networks).unwrap();
//! assert!(generator.network(0).members.iter().all(|m| m.id.starts_with("essen-org-")));
//! ```

#![forbid(unsafe_code)]

mod catalog;
mod draw;
mod generator;
mod institutions;
mod network;
mod offer;
mod organization;
mod places;
mod project;
mod providers;
mod scripts;
mod texts;
mod write;

pub use generator::{GenerateError, Generator, Options, PartnerNode, Records};
pub use lotse_standard::date::Date;
pub use lotse_standard::model::{Network, Offer, Organization, Project, Record};
pub use lotse_standard::rpde::Kind;
pub use write::{Format, write_offers, write_records};
