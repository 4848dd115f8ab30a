//! A string that must never appear in logs, `Debug` output or error messages.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret value such as a token or a database URL with a password.
///
/// `Debug` and `Display` print `***`, so a configuration struct that holds a `Secret` can be
/// logged as a whole. The value is only reachable through [`Secret::expose`], which makes every
/// place that uses it easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Call this only where the value is actually needed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("lotse_abc");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "lotse_abc");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Config {
            token: Option<Secret>,
        }
        let printed = format!("{:?}", Config { token: Some(s) });
        assert!(!printed.contains("lotse_abc"), "{printed}");
    }

    #[test]
    fn deserializes_from_a_plain_string() {
        let s: Secret = serde_json::from_str("\"geheim\"").unwrap();
        assert_eq!(s.expose(), "geheim");
    }
}
