//! A string that must never appear in logs, `Debug` output or error messages.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use subtle::ConstantTimeEq;

/// A secret value such as a token or a database URL with a password.
///
/// A thin wrapper around [`secrecy::SecretString`], which wipes the value from memory when it is
/// dropped. `Debug` and `Display` print `***`, so a configuration struct that holds a `Secret`
/// can be logged as a whole. The value is only reachable through [`Secret::expose`], which makes
/// every place that uses it easy to find.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret value itself. Call this only where the value is actually needed.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Compares in constant time, so that comparing a guess with a secret tells nothing about how
/// much of it was right.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose().as_bytes().ct_eq(other.expose().as_bytes()).into()
    }
}

impl Eq for Secret {}

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
        SecretString::deserialize(deserializer).map(Secret)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(SecretString::from(value))
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
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

    #[test]
    fn compares_by_value() {
        assert_eq!(Secret::new("a"), Secret::from("a"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
        assert_eq!(Secret::new("x").clone().expose(), "x");
    }
}
