//! The hub's HTTP API: the handlers of the JSON endpoints and the hub's feed, with their
//! OpenAPI paths ([`openapi`]). The state they share is [`crate::state`], who may call them is decided by the
//! extractors of [`crate::auth`], their errors are [`crate::http_error`]; [`crate::server`]
//! merges this router with the others.
//!
//! | path | who |
//! |---|---|
//! | `POST /api/v1/nodes/{node_id}/ping`, `GET /api/v1/nodes/{node_id}/quarantine` | the node (its hub token) |
//! | `/api/v1/admin/nodes…`, `GET /api/v1/admin/quarantine` | operators (operator token) |
//! | `GET /api/v1/standard`, `GET /api/v1/offers/{node_id}/{id}`, `GET /feed/{kind}` | everyone |
//! | `GET /api/v1/search`, `/suggest`, `/clusters`, `/municipalities.geojson`, `/offers.geojson`, `/export.csv`, `/export.ndjson` (`kind=…`), `/organizations.geojson`, `/networks.geojson`, `/projects.geojson` | everyone |
//!
//! The operator's quality API (`/api/v1/admin/quality/…`) is [`crate::ops::api`]; the OpenAPI
//! document of both, at `/api/openapi.json`, is assembled by [`crate::server`].

mod admin;
mod feed;
mod map;
mod nodes;
mod offers;
pub(crate) mod openapi;
mod record_export;
mod records;
mod search;
mod standard;

use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::state::AppState;

/// The API's routes.
pub(crate) fn router() -> Router<AppState> {
    let mut router = Router::new();
    // Each kind's feed under its own path, so that request metrics name it.
    for kind in lotse_standard::rpde::Kind::ALL {
        router = router.route(&format!("/feed/{}", kind.plural()), get(feed::feed).layer(Extension(kind)));
    }
    router
        .route("/api/v1/nodes/{node_id}/ping", post(nodes::ping))
        .route("/api/v1/nodes/{node_id}/quarantine", get(nodes::quarantine))
        .route("/api/v1/admin/nodes", get(admin::list_nodes).post(admin::add_node))
        .route(
            "/api/v1/admin/nodes/{node_id}",
            get(admin::get_node).patch(admin::update_node).delete(admin::remove_node),
        )
        .route("/api/v1/admin/nodes/{node_id}/harvest", post(admin::harvest))
        .route("/api/v1/admin/nodes/{node_id}/token", post(admin::rotate_token))
        .route("/api/v1/admin/quarantine", get(admin::quarantine))
        .route("/api/v1/standard", get(standard::standard))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/suggest", get(map::suggest))
        .route("/api/v1/clusters", get(map::clusters))
        .route("/api/v1/municipalities.geojson", get(map::municipalities))
        .route("/api/v1/offers.geojson", get(map::offers_geojson))
        .route("/api/v1/export.csv", get(map::export_csv))
        .route("/api/v1/export.ndjson", get(map::export_ndjson))
        .route("/api/v1/organizations.geojson", get(record_export::organizations_geojson))
        .route("/api/v1/networks.geojson", get(record_export::networks_geojson))
        .route("/api/v1/projects.geojson", get(record_export::projects_geojson))
        .route("/api/v1/offers/{node_id}/{*id}", get(offers::get_offer))
        .route("/api/v1/nodes/{node_id}/references", get(records::node_dangling))
        .route("/api/v1/admin/references", get(records::dangling))
        // Institutions, networks and projects under their plurals; the static routes above
        // (and offers' own) take precedence.
        .route("/api/v1/{kind}", get(records::list_records))
        .route("/api/v1/{kind}/{node_id}/{id}", get(records::get_record))
}
