//! The OpenAPI paths of the hub's API. [`crate::server`] merges them with those of the
//! operator's quality API ([`crate::ops::api`]) into the document served at
//! `/api/openapi.json` and committed as `docs/openapi-hub.json` (a test keeps the two equal;
//! `LOTSE_BLESS=1` rewrites the copy).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, feed, map, nodes, offers, record_export, records, search, standard};
use crate::quarantine;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lotse Hub",
        description = "Der Hub einer Region: sammelt die RPDE-Feeds der Knoten, prüft, verortet und veröffentlicht alle Angebote. / The hub of a region: harvests the nodes' RPDE feeds, checks and places every offer and republishes them.",
        license(name = "EUPL-1.2")
    ),
    paths(
        nodes::ping,
        nodes::quarantine,
        admin::list_nodes,
        admin::add_node,
        admin::get_node,
        admin::update_node,
        admin::remove_node,
        admin::harvest,
        admin::rotate_token,
        admin::quarantine,
        standard::standard,
        offers::get_offer,
        records::get_record,
        records::list_records,
        records::dangling,
        records::node_dangling,
        search::search,
        map::suggest,
        map::clusters,
        map::municipalities,
        map::offers_geojson,
        map::export_csv,
        map::export_ndjson,
        record_export::organizations_geojson,
        record_export::networks_geojson,
        record_export::projects_geojson,
        feed::feed,
    ),
    components(schemas(lotse_http::problem::ProblemDetails, quarantine::QuarantineView)),
    modifiers(&BearerAuth),
    tags(
        (name = "nodes", description = "Aufrufe der Knoten mit ihrem Hub-Token / calls of the nodes with their hub token"),
        (name = "admin", description = "Betrieb: Knotenverzeichnis und Quarantäne / operation: node registry and quarantine"),
        (name = "offers", description = "Angebote mit Verortung und Herkunft / offers with placement and provenance"),
        (name = "records", description = "Einrichtungen, Netzwerke und Projekte mit ihren Verweisen / institutions, networks and projects with their references"),
        (name = "standard", description = "Der durchgesetzte Standard / the enforced standard"),
        (name = "search", description = "Suche über alle Angebote der Region / search across all offers of the region"),
        (name = "feed", description = "Der RPDE-Feed des Hubs / the hub's RPDE feed"),
    )
)]
pub(crate) struct ApiDoc;
