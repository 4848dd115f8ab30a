//! HTTP and service plumbing shared by the Lotse services (node and hub).
//!
//! Every piece here is independent of the domain: errors as `application/problem+json`
//! ([`problem`]), bearer tokens that are stored only as hashes ([`token`]), secrets that never
//! show in logs ([`secret`]), a per-token rate limiter ([`rate_limit`]), request-body limits
//! ([`body`]), health endpoints ([`health`]), Prometheus metrics ([`metrics`]), tracing
//! setup ([`telemetry`]), layered configuration ([`config`]) and graceful shutdown
//! ([`shutdown`]). Architecture invariant: nothing here knows about offers, feeds or SQL.

#![forbid(unsafe_code)]

pub mod body;
pub mod config;
pub mod health;
pub mod json;
pub mod kind;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod query;
pub mod rate_limit;
pub mod secret;
pub mod shutdown;
pub mod telemetry;
pub mod token;

pub use problem::Problem;
pub use secret::Secret;
