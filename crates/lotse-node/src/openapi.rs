//! The OpenAPI document of the node, served at `/api/openapi.json` and committed as
//! `docs/openapi-node.json` (a test keeps the two equal).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{api, feed};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lotse Node API",
        description = "Angebote, Einrichtungen, Netzwerke und Projekte einer Stelle (Kommune, Hochschule) pflegen und je Art als RPDE-Feed veröffentlichen. / \
                       Maintain the offers, institutions, networks and projects of one node (municipality, university) and publish each kind as an RPDE feed.",
        license(name = "EUPL-1.2")
    ),
    paths(
        api::records::post_records,
        api::records::put_records,
        api::records::list_records,
        api::records::get_record,
        api::records::put_record,
        api::records::delete_record,
        api::imports::list_imports,
        api::imports::get_import,
        api::tokens::list_tokens,
        api::tokens::create_token,
        api::tokens::revoke_token,
        feed::feed,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "records", description = "Angebote, Einrichtungen, Netzwerke und Projekte pflegen / maintain offers, institutions, networks and projects"),
        (name = "imports", description = "Importprotokoll / import log"),
        (name = "admin", description = "Tokens verwalten / manage tokens"),
        (name = "feed", description = "RPDE-1.0-Änderungsfeed / RPDE 1.0 change feed"),
    )
)]
pub struct ApiDoc;

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

/// The document as pretty JSON with a final newline, exactly as committed.
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    // The version comes from the package, which changes with releases; the document states the
    // API's version instead, so that the committed copy does not churn.
    doc.info.version = "1".to_owned();
    // The paths written once for every record kind appear once per kind, as the routes are.
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let kinds: Vec<&str> = lotse_standard::rpde::Kind::ALL.iter().map(|k| k.plural()).collect();
    for template in ["/api/v1/{kind}", "/api/v1/{kind}/{id}", "/feed/{kind}"] {
        lotse_http::openapi::expand_path_param(&mut doc, template, "kind", &kinds);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
