//! The OpenAPI document of the node, served at `/api/openapi.json` and committed as
//! `docs/openapi-node.json` (a test keeps the two equal).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{api, feed};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lotse Node API",
        description = "Angebote einer Stelle (Kommune, Hochschule) pflegen und als RPDE-Feed veröffentlichen. / \
                       Maintain the offers of one node (municipality, university) and publish them as an RPDE feed.",
        license(name = "EUPL-1.2")
    ),
    paths(
        api::offers::post_offers,
        api::offers::put_offers,
        api::offers::list_offers,
        api::offers::get_offer,
        api::offers::put_offer,
        api::offers::delete_offer,
        api::imports::list_imports,
        api::imports::get_import,
        api::tokens::list_tokens,
        api::tokens::create_token,
        api::tokens::revoke_token,
        feed::feed,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "offers", description = "Angebote pflegen / maintain offers"),
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
    let mut s = doc.to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
