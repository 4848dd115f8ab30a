//! The node registry's rules: which ids, names, feed URLs and jurisdictions a node may be
//! registered with. The registry itself lives in the store; [`crate::Hub`] combines both.

use reqwest::Url;

use crate::egress;
use crate::error::HubError;
use crate::jurisdiction;

/// Checks a node id: `[A-Za-z0-9._-]{1,64}`, the rule of the node's own configuration. A `/`
/// is excluded in particular, because the hub's offer ids are `{node_id}/{id}`.
pub fn check_node_id(id: &str) -> Result<(), HubError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(HubError::invalid(
            "id",
            format!("Ungültige Knoten-ID „{id}“: erlaubt sind 1 bis 64 Zeichen aus A–Z, a–z, 0–9, . _ -"),
            format!("Invalid node id \"{id}\": use 1 to 64 characters from A-Z, a-z, 0-9, . _ -"),
        ))
    }
}

/// Checks a display name: not empty, at most 200 characters.
pub fn check_name(name: &str) -> Result<String, HubError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(HubError::invalid(
            "name",
            "Der Name muss 1 bis 200 Zeichen lang sein.".into(),
            "The name must be 1 to 200 characters long.".into(),
        ));
    }
    Ok(name.to_owned())
}

/// Checks a feed URL: an absolute http(s) URL without credentials, and an IP-literal host must
/// be public unless private feeds are allowed. Host names are checked again at every request,
/// since what a name resolves to can change after registration.
pub fn check_feed_url(url: &str, allow_private: bool) -> Result<String, HubError> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        HubError::invalid(
            "feed_url",
            format!("Ungültige Feed-Adresse: {e}"),
            format!("Invalid feed URL: {e}"),
        )
    })?;
    egress::check_url(&parsed, allow_private).map_err(|e| {
        HubError::invalid(
            "feed_url",
            format!("Feed-Adresse nicht erlaubt: {e}"),
            format!("Feed URL not allowed: {e}"),
        )
    })?;
    Ok(parsed.to_string())
}

/// Checks and normalises a jurisdiction (see [`jurisdiction::normalise`]).
pub fn check_jurisdiction(entries: &[String]) -> Result<Vec<String>, HubError> {
    jurisdiction::normalise(entries).map_err(|e| HubError::invalid("jurisdiction", e.clone(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids() {
        assert!(check_node_id("essen-vhs_1.0").is_ok());
        for bad in ["", "a/b", "ä", &"x".repeat(65)] {
            assert!(check_node_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn feed_urls() {
        assert_eq!(
            check_feed_url(" http://127.0.0.1:1/feed/offers ", true).unwrap(),
            "http://127.0.0.1:1/feed/offers"
        );
        assert!(check_feed_url("http://127.0.0.1:1/feed/offers", false).is_err());
        assert!(check_feed_url("https://node.example.org/feed/offers", false).is_ok());
        assert!(check_feed_url("ftp://node.example.org/feed", true).is_err());
        assert!(check_feed_url("not a url", true).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(check_name("  VHS Essen ").unwrap(), "VHS Essen");
        assert!(check_name(" ").is_err());
    }
}
