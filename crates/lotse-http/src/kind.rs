//! The record kind named by a path segment (`/feed/{kind}`, `/api/v1/{kind}`), for node and hub.

use lotse_standard::rpde::Kind;

use crate::Problem;

/// The kind whose plural is `segment` (`offers`, `organizations`, `networks`, `projects`), or a
/// 404 problem: a path with another word names nothing.
pub fn from_path(segment: &str) -> Result<Kind, Problem> {
    Kind::from_plural(segment).ok_or_else(|| Problem::not_found("Die Datensatzart", "The record kind"))
}

/// The German and English name of a kind's records, plural, for pages and messages.
pub fn plural_label(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Offer => ("Angebote", "offers"),
        Kind::Organization => ("Einrichtungen", "institutions"),
        Kind::Network => ("Netzwerke", "networks"),
        Kind::Project => ("Projekte", "projects"),
    }
}

/// The path of a kind's web pages, on the hub (the public pages of a record are below it,
/// `{root}/{node_id}/{id}`) and on a node (the steward's list and forms): `/angebote`,
/// `/einrichtungen`, `/netzwerke`, `/projekte`.
pub fn page_root(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "/angebote",
        Kind::Organization => "/einrichtungen",
        Kind::Network => "/netzwerke",
        Kind::Project => "/projekte",
    }
}

/// The German and English name of one record of a kind.
pub fn singular_label(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Offer => ("Angebot", "offer"),
        Kind::Organization => ("Einrichtung", "institution"),
        Kind::Network => ("Netzwerk", "network"),
        Kind::Project => ("Projekt", "project"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_name_kinds() {
        for kind in Kind::ALL {
            assert_eq!(from_path(kind.plural()).unwrap(), kind);
        }
        assert_eq!(from_path("tokens").unwrap_err().status_code(), axum::http::StatusCode::NOT_FOUND);
    }
}
