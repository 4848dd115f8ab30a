//! The daily sweep: every offer is scored again as of the day, which marks offers whose
//! `valid_until` or schedule end has passed or that are defunct (`expired`: hidden from search
//! by default, which applies the same rule, and shown to operator and steward), and offers not
//! verified for over a year (`unverified`). Dates move on without the offers changing, so only
//! a sweep notices these.

use std::time::Instant;

use lotse_standard::date::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::score::{self, ScoreReport};
use crate::error::HubError;
use crate::hub::Hub;

/// What a sweep did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SweepReport {
    /// `YYYY-MM-DD`.
    pub day: String,
    #[serde(flatten)]
    pub scores: ScoreReport,
}

/// The sweep once, as of `today`.
#[tracing::instrument(level = "debug", skip_all, fields(day = %today))]
pub async fn run_once(hub: &Hub, today: Date) -> Result<SweepReport, HubError> {
    let started = Instant::now();
    let result = score::rescore_all(hub, today).await;
    super::metrics::job_finished(hub.metrics(), "sweep", started, result.is_ok());
    let scores = result?;
    tracing::info!(
        scored = scores.scored,
        expired = scores.expired,
        unverified = scores.unverified,
        "quality sweep finished"
    );
    Ok(SweepReport { day: today.to_string(), scores })
}
