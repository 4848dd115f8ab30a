//! The standard version a node reports with its items, compared with the version the hub
//! validates with. Node health, the registry's node view and an offer's provenance all flag an
//! outdated version by this one rule.

use semver::Version;

/// Whether `reported` is an older version than the hub's standard, comparing
/// `major.minor.patch` by semver precedence; pre-release and build parts do not count, so a
/// node on `1.0.0-rc.1` is not behind a hub on `1.0.0`. A version that is not semver counts as
/// outdated, since the hub cannot tell.
pub fn outdated(reported: Option<&str>) -> bool {
    fn core(v: &str) -> Option<(u64, u64, u64)> {
        Version::parse(v.trim()).ok().map(|v| (v.major, v.minor, v.patch))
    }
    match reported {
        None => false,
        Some(v) => match (core(v), core(lotse_standard::STANDARD_VERSION)) {
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

    #[test]
    fn pre_release_and_build_parts_do_not_count() {
        assert!(!outdated(Some("1.1.0-rc.1")));
        assert!(!outdated(Some("1.1.0+build.7")));
        assert!(outdated(Some("0.99.99-beta")));
        assert!(!outdated(Some("1.1.1")));
        // A node on standard 1.0 is behind a hub on 1.1: it keeps working, publishing offers
        // only, and its health says so.
        assert!(outdated(Some("1.0.0")));
    }

    #[test]
    fn what_is_not_semver_counts_as_outdated() {
        for v in ["", "1", "1.0", "v1.0.0", "1.0.x", "1.0.0-"] {
            assert!(outdated(Some(v)), "{v:?}");
        }
    }
}
