//! The Lotse hub: the region's single view of all offers.
//!
//! The hub keeps a registry of nodes ([`registry`], stored in [`store`]), harvests each node's
//! RPDE feed ([`harvest`]) from a checkpoint, validates every item again with the shared
//! standard, checks the node's jurisdiction ([`jurisdiction`]) and quarantines what fails
//! ([`quarantine`]), places each location on the map ([`placement`], optionally with a
//! [`geocode`]r), stores the result and republishes it as its own RPDE feed ([`feed`]) so that
//! hubs can be stacked. [`Hub`] is the service as a value; [`Hub::start`] serves it on a socket
//! with its scheduled jobs ([`scheduler`]), which is how tests and the demo run a hub
//! in-process:
//!
//! ```no_run
//! # async fn demo() -> Result<(), lotse_hub::HubError> {
//! use lotse_hub::{Hub, HubConfig, NewNode};
//!
//! let config = HubConfig { listen: "127.0.0.1:0".into(), ..HubConfig::default() };
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

#![forbid(unsafe_code)]

mod api;
pub mod config;
pub mod egress;
pub mod error;
pub mod feed;
pub mod geocode;
pub mod harvest;
mod hub;
pub mod jurisdiction;
pub mod metrics;
pub mod ops;
pub mod placement;
pub mod quarantine;
pub mod registry;
pub mod scheduler;
pub mod search;
pub mod store;
mod web;

pub use config::{GeocoderConfig, GeocoderKind, HubConfig};
pub use error::HubError;
pub use harvest::{HarvestError, HarvestReport, HarvestResult, HarvestStatus};
pub use hub::{Hub, HubHandle, run};
pub use store::{NewNode, NodeInfo, NodeState, NodeUpdate, Role};

/// The OpenAPI document of the hub's API.
pub fn openapi_json() -> String {
    api::openapi::document_json()
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
