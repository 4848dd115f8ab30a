//! The operator's view of the region's data: a quality score per offer from documented,
//! weighted checks with stored findings ([`checks`], [`score`]), node health ([`health`]), the
//! link checker ([`links`]), the daily sweep ([`sweep`]), daily snapshots with trends and the
//! coverage per municipality ([`snapshot`]), server-rendered charts and map ([`svg`]), the
//! operator's JSON and CSV API ([`api`]) and metrics ([`metrics`]).
//!
//! Every job has a `run_once` that tests call directly; [`crate::scheduler`] decides when the
//! jobs run. Scores are derived data: the offers in the store are the truth, and a full
//! rescore ([`score::rescore_all`]) rebuilds every score from them.

pub mod api;
pub mod checks;
pub(crate) mod csv;
pub mod health;
pub mod links;
pub mod metrics;
mod pages;
pub mod score;
pub mod snapshot;
pub mod svg;
pub mod sweep;

pub(crate) use api::router;
