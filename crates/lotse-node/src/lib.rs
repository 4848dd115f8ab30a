//! The Lotse ingest node.
//!
//! A municipality or university runs one node. Its data stewards push offers (JSON, NDJSON or
//! CSV); the node validates them with the shared standard ([`lotse_standard`]), stores them
//! (SQLite or PostgreSQL, [`store`]), publishes every change in an RPDE 1.0 feed ([`feed`]) and
//! pings the hub after each committed change ([`ping`]).
//!
//! Code map:
//! - [`config`]: settings from defaults, TOML and `LOTSE_NODE__…` variables.
//! - [`store`]: the storage traits by area, their queries written once for SQLite and
//!   PostgreSQL (token queries from [`lotse_store`]), and the change-number allocation.
//! - [`ingest`]: the push pipeline (read → validate → store with import log → ping), ending in
//!   a domain outcome that the API and the pages turn into answers; the calls into the standard
//!   are all in [`ingest::validate`].
//! - [`api`]: the steward and admin endpoints; [`auth`]: tokens, roles, rate limit.
//! - [`feed`]: the RPDE feed; [`purge`]: the tombstone purge job; [`openapi`]: the API document.
//! - [`web`]: the data steward's pages (login, upload with report, offer form, import log).
//! - [`server`]: the router ([`app`]) and a running [`Node`].
//!
//! Use in tests and the demo:
//! ```no_run
//! # async fn demo() -> Result<(), lotse_node::NodeError> {
//! let service = lotse_http::config::ServiceConfig { listen: "127.0.0.1:0".into(), ..Default::default() };
//! let config = lotse_node::NodeConfig { service, ..Default::default() };
//! let node = lotse_node::Node::start(config).await?;
//! println!("feed at {}/feed/offers", node.url());
//! node.shutdown().await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod config;
pub mod feed;
pub mod ingest;
pub mod metrics;
pub mod openapi;
pub mod ping;
pub mod purge;
pub mod server;
pub mod state;
pub mod store;
pub mod tokens;
pub mod web;

pub use config::NodeConfig;
pub use server::{Node, NodeError, app, run};
pub use state::AppState;
pub use store::{NodeStore, Role};
