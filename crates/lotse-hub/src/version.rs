//! The standard version a node reports with its items, compared with the version the hub
//! validates with. Node health, the registry's node view and an offer's provenance all flag an
//! outdated version by this one rule.

/// Whether `reported` is an older version than the hub's standard (by semver precedence of
/// `major.minor.patch`); unreadable versions count as outdated, since the hub cannot tell.
pub fn outdated(reported: Option<&str>) -> bool {
    fn parse(v: &str) -> Option<(u64, u64, u64)> {
        let core = v.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    }
    match reported {
        None => false,
        Some(v) => match (parse(v), parse(lotse_standard::STANDARD_VERSION)) {
            (Some(r), Some(h)) => r < h,
            _ => true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::outdated;

    #[test]
    fn versions_compare_by_precedence() {
        assert!(!outdated(None));
        assert!(!outdated(Some(lotse_standard::STANDARD_VERSION)));
        assert!(outdated(Some("0.9.0")));
        assert!(outdated(Some("0.10.3")));
        assert!(!outdated(Some("1.10.0")));
        assert!(!outdated(Some("2.0.0-rc.1")));
        assert!(outdated(Some("eins")));
    }
}
