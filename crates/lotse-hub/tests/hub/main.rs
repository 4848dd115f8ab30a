//! The hub's integration tests, in one binary so that the workspace links one test executable
//! for them: the shared store suite, harvests against fake nodes, the HTTP API, the search
//! index following the store, the other kinds' exports, quality and node health, and the
//! committed OpenAPI document.

mod api;
mod common;
mod e2e_nodes;
mod harvest;
mod kinds;
mod kinds_ops;
mod openapi;
mod quality;
mod record_store;
mod search;
mod store_suite;
