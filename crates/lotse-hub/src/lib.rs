//! The Lotse hub: the region's single view of all offers.
//!
//! The hub keeps a registry of nodes ([`registry`], stored in [`store`]), harvests each node's
//! RPDE feed ([`harvest`]) from a checkpoint, validates every item again with the shared
//! standard, checks the node's jurisdiction ([`jurisdiction`]) and quarantines what fails
//! ([`quarantine`]), places each location on the map ([`placement`], optionally with a
//! [`geocode`]r), stores the result and republishes it as its own RPDE feed ([`feed`]) so that
//! hubs can be stacked. It keeps a search index ([`search`]) current from the store and judges
//! the data's quality for the operator ([`ops`]). [`Hub`] is the service as a value;
//! [`Hub::start`] serves it on a socket with its scheduled jobs ([`scheduler`]), which is how
//! tests and the demo run a hub in-process:
//!
//! ```no_run
//! # async fn demo() -> Result<(), lotse_hub::HubError> {
//! use lotse_http::config::ServiceConfig;
//! use lotse_hub::{Hub, HubConfig, NewNode};
//!
//! let service = ServiceConfig { listen: "127.0.0.1:0".into(), ..ServiceConfig::default() };
//! let config = HubConfig { service, ..HubConfig::default() };
//! let running = Hub::start(config).await?;
//! let (_node, token) = running
//!     .hub()
//!     .add_node(NewNode {
//!         id: "essen".into(),
//!         name: "Stadt Essen".into(),
//!         feed_url: "http://127.0.0.1:8081/feed/offers".into(),
//!         jurisdiction: vec!["05113000".into()],
//!     })
//!     .await?;
//! println!("hub_token = {}", token.expose());
//! let report = running.harvest_now("essen").await;
//! running.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Architecture invariants: a page of a node's feed is stored together with the node's
//! checkpoint in one transaction (nothing is lost or stored twice across crashes); the hub's
//! change numbers are unique and become visible in commit order (a reader of the hub's feed
//! skips nothing); and the hub never trusts a node's validation: every item is judged again.
//!
//! # Layers
//!
//! Each module uses only modules of its own layer and of the layers below it (no two modules
//! import each other), and nothing below the HTTP layers knows of HTTP.
//!
//! 1. **Foundation**: [`config`], [`error`], [`store`], [`metrics`], [`egress`],
//!    [`placement`], [`jurisdiction`], [`version`], [`registry`], [`quarantine`], [`geocode`].
//! 2. **Domain services**: [`harvest`], [`search`] (the index follower and the search's query
//!    string) and [`feed`] (building the hub's feed pages). They take what they need: the
//!    store, the metrics, values from the configuration.
//! 3. **The hub** ([`Hub`], `hub`): the service as a value, built from the foundation and the
//!    domain services, with the registry operations. It knows neither HTTP nor the schedule.
//! 4. **The operator's jobs**: the domain half of [`ops`] (checks, scores, health, links,
//!    sweep, snapshots, charts). Their entry points (`run_once`) take the [`Hub`] the scheduler
//!    and the tests hold; everything else takes only the store, metrics and settings it needs.
//! 5. **HTTP foundation**: `state` (the handlers' shared state), `auth` (authentication as
//!    extractors: operator and node tokens with the rate limit, the operator pages' session)
//!    and `http_error` (the one place where errors become problem responses).
//! 6. **Handlers**: `api` (the JSON API and the feed over HTTP), the HTTP half of [`ops`]
//!    ([`ops::api`] and the operator pages) and `web` (the public pages). They never import
//!    each other; in particular `ops` and `web` do not import `api`.
//! 7. **Top**: `server` (the router of everything, the OpenAPI document, [`Hub::start`],
//!    [`Hub::serve`], [`run`]) and [`scheduler`] (when the jobs run).

#![forbid(unsafe_code)]

mod api;
mod auth;
pub mod config;
pub mod egress;
pub mod error;
pub mod feed;
pub mod geocode;
pub mod harvest;
mod http_error;
mod hub;
pub mod jurisdiction;
pub mod metrics;
pub mod ops;
pub mod placement;
pub mod quarantine;
pub mod registry;
pub mod scheduler;
pub mod search;
mod server;
mod state;
pub mod store;
pub mod version;
mod web;

pub use config::{GeocoderConfig, GeocoderKind, HubConfig};
pub use error::HubError;
pub use harvest::{HarvestError, HarvestReport, HarvestResult, HarvestStatus};
pub use hub::Hub;
pub use server::{HubHandle, run};
pub use store::{NewNode, NodeInfo, NodeState, NodeUpdate, Role};

/// The OpenAPI document of the hub's API.
pub fn openapi_json() -> String {
    server::openapi_json()
}

/// Unix seconds as an RFC 3339 UTC timestamp, for listings.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(|| secs.to_string(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The current time in Unix seconds.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
