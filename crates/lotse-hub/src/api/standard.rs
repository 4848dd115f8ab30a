//! `GET /api/v1/standard`: the standard the hub enforces, as data.

use std::sync::LazyLock;

use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The standard: its version, descriptor, JSON Schemas and vocabularies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardView {
    /// The version the hub validates with (semver).
    pub version: &'static str,
    /// `schemas/standard.json`.
    #[schema(value_type = Object)]
    pub standard: Value,
    /// JSON Schemas (draft 2020-12) by kind: `offer`, `organization`, `network`, `project`,
    /// each the schema of one record.
    #[schema(value_type = Object)]
    pub schemas: Map<String, Value>,
    /// Every vocabulary by id (`offer-types`, `categories`, …), as in `schemas/vocabularies/`.
    #[schema(value_type = Object)]
    pub vocabularies: Map<String, Value>,
}

/// Parsed once: the embedded files do not change while the process runs.
static STANDARD: LazyLock<StandardView> = LazyLock::new(|| {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    StandardView {
        version: lotse_standard::STANDARD_VERSION,
        standard: parse(lotse_standard::STANDARD_JSON),
        schemas: lotse_standard::rpde::Kind::ALL
            .iter()
            .map(|k| (k.singular().to_owned(), parse(lotse_standard::schema_json(*k))))
            .collect(),
        vocabularies: lotse_standard::vocab::FILES
            .iter()
            .map(|(id, json)| ((*id).to_owned(), parse(json)))
            .collect(),
    }
});

/// The standard the hub enforces.
#[utoipa::path(
    get,
    path = "/api/v1/standard",
    tag = "standard",
    responses((status = 200, description = "The standard", body = StandardView))
)]
pub(crate) async fn standard() -> Json<StandardView> {
    Json(STANDARD.clone())
}
