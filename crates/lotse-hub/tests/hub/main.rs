//! The hub's integration tests, in one binary so that the workspace links one test executable
//! for them: the shared store suite, harvests against fake nodes, the HTTP API, and the
//! committed OpenAPI document.

mod api;
mod common;
mod e2e_nodes;
mod harvest;
mod openapi;
mod store_suite;
