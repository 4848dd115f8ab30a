//! Layered configuration: serde defaults, then a TOML file, then environment variables.
//!
//! Environment variables carry a service prefix and use `__` for nesting, so
//! `LOTSE_NODE__FEED_PAGE_SIZE=100` sets `feed_page_size` and `LOTSE_NODE__A__B=1` sets `a.b`.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Konfigurationsdatei {0} nicht gefunden / configuration file {0} not found")]
    FileNotFound(String),
    #[error("Ungültige Konfiguration / invalid configuration: {0}")]
    Invalid(Box<figment::Error>),
}

/// Loads `T` from its serde defaults, the TOML `file` (if given; it must exist) and the
/// environment variables starting with `env_prefix` (for example `LOTSE_NODE__`).
pub fn load<T: DeserializeOwned>(file: Option<&Path>, env_prefix: &str) -> Result<T, ConfigError> {
    let mut figment = Figment::new();
    if let Some(path) = file {
        if !path.exists() {
            return Err(ConfigError::FileNotFound(path.display().to_string()));
        }
        figment = figment.merge(Toml::file(path));
    }
    // figment's own `Env` provider parses values, so `NODE_ID=0042` would become the number 42
    // and fail as a string. Every variable is taken as a string instead, and the lossy
    // extraction turns it into a number or boolean only where the field asks for one.
    for (key, value) in Env::prefixed(env_prefix).split("__").iter() {
        figment = figment.merge(Serialized::global(key.as_str(), value));
    }
    figment.extract_lossy().map_err(|e| ConfigError::Invalid(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::Secret;

    #[derive(Debug, Deserialize)]
    struct Sample {
        #[serde(default = "default_name")]
        name: String,
        #[serde(default)]
        size: u32,
        #[serde(default)]
        nested: Nested,
        token: Option<Secret>,
    }

    #[derive(Debug, Default, Deserialize)]
    struct Nested {
        #[serde(default)]
        depth: u8,
    }

    fn default_name() -> String {
        "standard".into()
    }

    #[test]
    fn defaults_then_file_then_env() {
        #[allow(clippy::result_large_err)] // figment's own test helper returns its error type.
        figment::Jail::expect_with(|jail| {
            let s: Sample = load(None, "LOTSE_TEST__").unwrap();
            assert_eq!(s.name, "standard");
            assert_eq!(s.size, 0);

            jail.create_file("c.toml", "name = \"datei\"\nsize = 3\n[nested]\ndepth = 1\n")?;
            let s: Sample = load(Some(Path::new("c.toml")), "LOTSE_TEST__").unwrap();
            assert_eq!((s.name.as_str(), s.size, s.nested.depth), ("datei", 3, 1));

            jail.set_env("LOTSE_TEST__SIZE", "9");
            jail.set_env("LOTSE_TEST__NESTED__DEPTH", "4");
            jail.set_env("LOTSE_TEST__NAME", "0042");
            jail.set_env("LOTSE_TEST__TOKEN", "lotse_geheim");
            jail.set_env("LOTSE_OTHER__SIZE", "not a number");
            let s: Sample = load(Some(Path::new("c.toml")), "LOTSE_TEST__").unwrap();
            assert_eq!((s.name.as_str(), s.size, s.nested.depth), ("0042", 9, 4));
            assert!(!format!("{s:?}").contains("geheim"));
            assert_eq!(s.token.unwrap().expose(), "lotse_geheim");
            Ok(())
        });
    }

    #[test]
    fn missing_file_is_an_error() {
        let r: Result<Sample, _> = load(Some(Path::new("/nonexistent/lotse.toml")), "LOTSE_TEST__");
        assert!(matches!(r, Err(ConfigError::FileNotFound(_))));
    }
}
