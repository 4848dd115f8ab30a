//! The operator's view of the region's data: a quality score per offer from documented,
//! weighted checks with stored findings ([`checks`], [`score`]), the same for institutions,
//! networks and projects with checks of their own, scored as they are asked for
//! ([`record_checks`], [`record_scores`]), node health over every kind ([`health`]), the
//! link checker ([`links`]), the daily sweep ([`sweep`]), daily snapshots with trends and the
//! coverage per municipality ([`snapshot`]), server-rendered charts and map ([`svg`]) and the
//! job metrics ([`metrics`]).
//!
//! Two layers live here. The domain — `checks`, `score`, `record_checks`, `record_scores`,
//! `health`, `links`, `sweep`, `snapshot`, `svg`, `metrics` and `csv` — works on the store, the metrics and values from the
//! configuration, and knows nothing of HTTP. Its jobs' entry points (`run_once`,
//! [`score::score_changes_once`], [`score::rescore_all`]) take the [`crate::Hub`] the scheduler
//! and the tests hold and hand each part on; everything else takes only the parts it needs.
//! On top, the operator's JSON and CSV API ([`api`], and `record_api` for the other kinds) and the operator's pages under `/betrieb`
//! (`pages`, one module per page) take the shared state and the authentication extractors of
//! `crate::auth`, like every other handler.
//!
//! Every job has a `run_once` that tests call directly; [`crate::scheduler`] decides when the
//! jobs run. Each job's entry point opens a tracing span (level `debug`; the quality follower,
//! which runs every second, at `trace`), so that its store calls can be followed. Scores are derived data: the offers in the store are the truth, and a full
//! rescore ([`score::rescore_all`]) rebuilds every score from them.

pub mod api;
pub mod checks;
pub(crate) mod csv;
pub mod health;
pub mod links;
pub mod metrics;
mod pages;
pub(crate) mod record_api;
pub mod record_checks;
pub mod record_scores;
pub mod score;
pub mod snapshot;
pub mod svg;
pub mod sweep;

use axum::Router;

use crate::state::AppState;

/// The operator's API and pages; `public_url` tells the pages' CSRF check the hub's origin.
pub(crate) fn router(public_url: Option<String>) -> Router<AppState> {
    api::router().merge(pages::router(public_url))
}
