//! Layered configuration: serde defaults, then a TOML file, then environment variables.
//!
//! Environment variables carry a service prefix and use `__` for nesting, so
//! `LOTSE_NODE__FEED_PAGE_SIZE=100` sets `feed_page_size` and `LOTSE_NODE__A__B=1` sets `a.b`.
//!
//! The keys both services share (address, database, request limits, log format) are
//! [`ServiceConfig`], which each service flattens into its own configuration, so they stay
//! top-level keys of the file and of the environment.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use crate::Secret;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Konfigurationsdatei {0} nicht gefunden / configuration file {0} not found")]
    FileNotFound(String),
    #[error("Ungültige Konfiguration / invalid configuration: {0}")]
    Invalid(Box<figment::Error>),
    /// A value that deserialises but cannot work.
    #[error("Ungültiger Wert für {key} / invalid value for {key}: {reason}")]
    InvalidValue { key: &'static str, reason: String },
}

impl ConfigError {
    /// An [`ConfigError::InvalidValue`] for `key`.
    pub fn invalid(key: &'static str, reason: impl Into<String>) -> Self {
        ConfigError::InvalidValue { key, reason: reason.into() }
    }
}

/// Loads `T` from its serde defaults, the TOML `file` (if given; it must exist) and the
/// environment variables starting with `env_prefix` (for example `LOTSE_NODE__`).
pub fn load<T: DeserializeOwned>(file: Option<&Path>, env_prefix: &str) -> Result<T, ConfigError> {
    load_renaming(file, env_prefix, &[]).map(|(config, _)| config)
}

/// A key that was renamed, found under its old name while loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprecatedKey {
    /// Where it was found: the file's path, or `Umgebung / environment`.
    pub source: String,
    /// The old name as it was written (a key of the file or a variable's name).
    pub old: String,
    /// The new name, written the same way.
    pub new: String,
    /// Whether the new name was given in the same place too, so that the old one was ignored.
    pub ignored: bool,
}

impl DeprecatedKey {
    /// Logs a warning that names the new key.
    pub fn warn(&self) {
        let DeprecatedKey { source, old, new, .. } = self;
        if self.ignored {
            tracing::warn!(
                "{source}: {old} ist veraltet und wird ignoriert, weil {new} gesetzt ist / \
                 {old} is deprecated and ignored because {new} is set"
            );
        } else {
            tracing::warn!(
                "{source}: {old} ist veraltet, bitte {new} verwenden / {old} is deprecated, use {new}"
            );
        }
    }
}

/// Like [`load`], and accepts the old names of renamed keys: `renames` pairs an old top-level
/// key with its new dotted path (`("harvest_schedule", "harvest.schedule")`). A value under
/// an old name is moved to the new one before `T` sees it, unless the same source (the file,
/// or the environment) also gives the new name, which then wins. Sources keep their order, so
/// an old variable still overrides a new key in the file. Returns every old name found, for
/// the caller to log once logging is set up.
pub fn load_renaming<T: DeserializeOwned>(
    file: Option<&Path>,
    env_prefix: &str,
    renames: &[(&'static str, &'static str)],
) -> Result<(T, Vec<DeprecatedKey>), ConfigError> {
    let mut deprecated = Vec::new();
    let mut figment = Figment::new();
    if let Some(path) = file {
        if !path.exists() {
            return Err(ConfigError::FileNotFound(path.display().to_string()));
        }
        let toml = Toml::file(path);
        match toml.data() {
            Ok(mut data) if !renames.is_empty() => {
                let source = path.display().to_string();
                for dict in data.values_mut() {
                    deprecated.extend(rename_in_file(dict, renames, &source));
                }
                figment = figment.merge(Renamed { metadata: toml.metadata(), data });
            }
            // A file that does not parse is merged as it is, so that extraction reports the
            // error the way figment always does.
            _ => figment = figment.merge(toml),
        }
    }
    // figment's own `Env` provider parses values, so `NODE_ID=0042` would become the number 42
    // and fail as a string. Every variable is taken as a string instead, and the lossy
    // extraction turns it into a number or boolean only where the field asks for one (fields
    // of a flattened struct cannot ask; see `ServiceConfig`).
    let vars: Vec<(String, String)> = Env::prefixed(env_prefix)
        .split("__")
        .iter()
        .map(|(key, value)| (key.as_str().to_owned(), value))
        .collect();
    for (key, value) in &vars {
        let mut key = key.as_str();
        if let Some((old, new)) = renames.iter().find(|(old, _)| *old == key) {
            let ignored = vars.iter().any(|(k, _)| k == new);
            let variable = |key: &str| format!("{env_prefix}{}", key.replace('.', "__").to_uppercase());
            deprecated.push(DeprecatedKey {
                source: "Umgebung / environment".into(),
                old: variable(old),
                new: variable(new),
                ignored,
            });
            if ignored {
                continue;
            }
            key = new;
        }
        figment = figment.merge(Serialized::global(key, value));
    }
    let config = figment.extract_lossy().map_err(|e| ConfigError::Invalid(Box::new(e)))?;
    Ok((config, deprecated))
}

/// Moves the old keys of one profile of the file to their new paths.
fn rename_in_file(
    dict: &mut Dict,
    renames: &[(&'static str, &'static str)],
    source: &str,
) -> Vec<DeprecatedKey> {
    let mut found = Vec::new();
    for (old, new) in renames {
        let Some(value) = dict.remove(*old) else { continue };
        let (sections, leaf) = match new.rsplit_once('.') {
            Some((sections, leaf)) => (sections.split('.').collect::<Vec<_>>(), leaf),
            None => (Vec::new(), *new),
        };
        // A section that is not a table is an error of its own, reported at extraction.
        let ignored = match section(dict, &sections) {
            Some(table) if !table.contains_key(leaf) => {
                table.insert(leaf.to_owned(), value);
                false
            }
            _ => true,
        };
        found.push(DeprecatedKey {
            source: source.to_owned(),
            old: (*old).to_owned(),
            new: (*new).to_owned(),
            ignored,
        });
    }
    found
}

/// The table at `path` below `dict`, created where missing; `None` if a value on the way is
/// not a table.
fn section<'a>(dict: &'a mut Dict, path: &[&str]) -> Option<&'a mut Dict> {
    match path.split_first() {
        None => Some(dict),
        Some((first, rest)) => match dict.entry((*first).to_owned()).or_insert_with(|| Dict::new().into()) {
            Value::Dict(_, inner) => section(inner, rest),
            _ => None,
        },
    }
}

/// A file's data after renaming, under the file's own metadata so that errors still name it.
struct Renamed {
    metadata: Metadata,
    data: Map<Profile, Dict>,
}

impl Provider for Renamed {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(self.data.clone())
    }
}

/// A service's own defaults for the keys of [`ServiceConfig`].
pub trait ServiceDefaults {
    /// Address to listen on.
    const LISTEN: &'static str;
    /// Directory for the default SQLite database.
    const DATA_DIR: &'static str;
    /// File name of the default SQLite database in the data directory.
    const DATABASE_FILE: &'static str;
    /// Maximum request body in bytes.
    const BODY_LIMIT_BYTES: usize;
    /// Maximum connections of the database pool.
    const DB_MAX_CONNECTIONS: u32;
    /// Requests per token and minute.
    const RATE_LIMIT_PER_MINUTE: u32;
}

/// The keys every service has, with defaults from `D`. Flatten it into the service's
/// configuration (`#[serde(flatten)] pub service: ServiceConfig<…>`), which refuses unknown
/// keys (`deny_unknown_fields` on the outer struct also covers the flattened keys).
///
/// A flattened struct receives its values untyped, so figment's lossy conversion of strings
/// (every environment variable is one) never reaches it; its numbers and booleans therefore
/// read strings themselves.
#[derive(Clone, Deserialize)]
#[serde(default, bound(deserialize = "D: ServiceDefaults"))]
pub struct ServiceConfig<D> {
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// The URL under which clients reach the service, used for absolute links in feeds.
    /// Without it, `http://{bound address}` is used.
    pub public_url: Option<String>,
    /// Directory for the default SQLite database.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default `sqlite://{data_dir}/{D::DATABASE_FILE}`.
    pub database_url: Option<Secret>,
    /// Maximum connections of the database pool.
    #[serde(deserialize_with = "lossy")]
    pub db_max_connections: u32,
    /// Maximum request body in bytes; larger requests get 413.
    #[serde(deserialize_with = "lossy")]
    pub body_limit_bytes: usize,
    /// Requests per token and minute; 0 disables the limit.
    #[serde(deserialize_with = "lossy")]
    pub rate_limit_per_minute: u32,
    /// Logs as JSON lines instead of text.
    #[serde(deserialize_with = "lossy")]
    pub log_json: bool,
    /// Which service's defaults apply; it holds no data. Public only so that other crates can
    /// write `ServiceConfig { listen: …, ..ServiceConfig::default() }`.
    #[serde(skip)]
    pub defaults: PhantomData<fn() -> D>,
}

impl<D: ServiceDefaults> Default for ServiceConfig<D> {
    fn default() -> Self {
        Self {
            listen: D::LISTEN.to_owned(),
            public_url: None,
            data_dir: PathBuf::from(D::DATA_DIR),
            database_url: None,
            db_max_connections: D::DB_MAX_CONNECTIONS,
            body_limit_bytes: D::BODY_LIMIT_BYTES,
            rate_limit_per_minute: D::RATE_LIMIT_PER_MINUTE,
            log_json: false,
            defaults: PhantomData,
        }
    }
}

// By hand, so that the marker type needs no `Debug` and does not show. `Secret` hides itself.
impl<D> fmt::Debug for ServiceConfig<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceConfig")
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url)
            .field("db_max_connections", &self.db_max_connections)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("log_json", &self.log_json)
            .finish()
    }
}

impl<D: ServiceDefaults> ServiceConfig<D> {
    /// The database URL: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> Secret {
        match &self.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!("sqlite://{}", self.data_dir.join(D::DATABASE_FILE).display())),
        }
    }

    /// The kind of database, for logs (the URL may hold a password).
    pub fn database_kind(&self) -> &'static str {
        if self.database_url().expose().starts_with("sqlite:") { "sqlite" } else { "postgres" }
    }

    /// Checks values that deserialise but cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.body_limit_bytes == 0 {
            return Err(ConfigError::invalid("body_limit_bytes", "must be positive"));
        }
        if self.db_max_connections == 0 {
            return Err(ConfigError::invalid("db_max_connections", "must be positive"));
        }
        if let Some(url) = &self.public_url
            && !is_http_url(url)
        {
            return Err(ConfigError::invalid("public_url", "expected an http(s) URL"));
        }
        Ok(())
    }
}

/// Whether `url` is an `http://` or `https://` URL.
pub fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Reads a number or boolean that may also come as a string, by figment's own lossy rules
/// (`"3"` is 3; `"true"`, `"yes"`, `"on"` and `"1"` are true).
fn lossy<'de, De: Deserializer<'de>, T: DeserializeOwned>(deserializer: De) -> Result<T, De::Error> {
    let value = <Value as Deserialize>::deserialize(deserializer)?;
    value.deserialize::<T>().or_else(|error| {
        let tag = value.tag();
        let as_num = value.to_num_lossy().map(|n| Value::Num(tag, n));
        let as_bool = value.to_bool_lossy().map(|b| Value::Bool(tag, b));
        as_num
            .into_iter()
            .chain(as_bool)
            .find_map(|v| v.deserialize::<T>().ok())
            .ok_or_else(|| De::Error::custom(error))
    })
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

    #[derive(Debug, Clone, Copy)]
    struct TestDefaults;

    impl ServiceDefaults for TestDefaults {
        const LISTEN: &'static str = "127.0.0.1:7000";
        const DATA_DIR: &'static str = "data/test";
        const DATABASE_FILE: &'static str = "test.db";
        const BODY_LIMIT_BYTES: usize = 1000;
        const DB_MAX_CONNECTIONS: u32 = 4;
        const RATE_LIMIT_PER_MINUTE: u32 = 60;
    }

    /// A service's configuration as the services write theirs.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Service {
        #[serde(flatten)]
        service: ServiceConfig<TestDefaults>,
        #[serde(default)]
        page_size: u32,
        #[serde(default)]
        verbose: bool,
        #[serde(default)]
        section: Section,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Section {
        schedule: String,
        retries: u32,
    }

    const RENAMES: &[(&str, &str)] =
        &[("section_schedule", "section.schedule"), ("section_retries", "section.retries")];

    #[test]
    fn service_defaults_come_from_the_service() {
        let c = ServiceConfig::<TestDefaults>::default();
        assert_eq!(
            (c.listen.as_str(), c.body_limit_bytes, c.db_max_connections),
            ("127.0.0.1:7000", 1000, 4)
        );
        assert_eq!(c.rate_limit_per_minute, 60);
        assert_eq!(c.database_url().expose(), "sqlite://data/test/test.db");
        assert_eq!(c.database_kind(), "sqlite");
        c.validate().unwrap();
        let c = ServiceConfig::<TestDefaults> {
            database_url: Some(Secret::new("postgres://u:pw@h/db")),
            ..ServiceConfig::default()
        };
        assert_eq!(c.database_kind(), "postgres");
        assert!(!format!("{c:?}").contains("pw@"));
        for c in [
            ServiceConfig::<TestDefaults> { body_limit_bytes: 0, ..ServiceConfig::default() },
            ServiceConfig::<TestDefaults> { db_max_connections: 0, ..ServiceConfig::default() },
            ServiceConfig::<TestDefaults> { public_url: Some("ftp://x".into()), ..ServiceConfig::default() },
        ] {
            assert!(matches!(c.validate(), Err(ConfigError::InvalidValue { .. })), "{c:?}");
        }
    }

    #[test]
    fn flattened_keys_read_strings_and_unknown_keys_are_refused() {
        #[allow(clippy::result_large_err)] // figment's own test helper returns its error type.
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "s.toml",
                "listen = \"0.0.0.0:1\"\nbody_limit_bytes = 5\nlog_json = true\npage_size = 2\n",
            )?;
            let s: Service = load(Some(Path::new("s.toml")), "LOTSE_TEST__").unwrap();
            assert_eq!(
                (s.service.listen.as_str(), s.service.body_limit_bytes, s.page_size),
                ("0.0.0.0:1", 5, 2)
            );
            assert!(s.service.log_json);

            jail.set_env("LOTSE_TEST__DB_MAX_CONNECTIONS", "3");
            jail.set_env("LOTSE_TEST__BODY_LIMIT_BYTES", "65536");
            jail.set_env("LOTSE_TEST__RATE_LIMIT_PER_MINUTE", "0");
            jail.set_env("LOTSE_TEST__LOG_JSON", "off");
            jail.set_env("LOTSE_TEST__DATABASE_URL", "postgres://u:pw@h/db");
            jail.set_env("LOTSE_TEST__PAGE_SIZE", "7");
            jail.set_env("LOTSE_TEST__VERBOSE", "yes");
            let s: Service = load(Some(Path::new("s.toml")), "LOTSE_TEST__").unwrap();
            let c = &s.service;
            assert_eq!((c.db_max_connections, c.body_limit_bytes, c.rate_limit_per_minute), (3, 65536, 0));
            assert!(!c.log_json && s.verbose);
            assert_eq!((c.database_url().expose(), s.page_size), ("postgres://u:pw@h/db", 7));

            jail.set_env("LOTSE_TEST__DB_MAX_CONNECTIONS", "drei");
            let err = load::<Service>(Some(Path::new("s.toml")), "LOTSE_TEST__").unwrap_err();
            assert!(err.to_string().contains("drei"), "{err}");
            jail.set_env("LOTSE_TEST__DB_MAX_CONNECTIONS", "3");

            for misspelt in
                ["lisen = \"x\"\n", "db_max_conections = 1\n", "pagesize = 1\n", "[section]\nretires = 1\n"]
            {
                jail.create_file("bad.toml", misspelt)?;
                let err = load::<Service>(Some(Path::new("bad.toml")), "LOTSE_TEST__").unwrap_err();
                assert!(err.to_string().contains("unknown field"), "{misspelt}: {err}");
            }
            jail.set_env("LOTSE_TEST__BODY_LIMIT_BYTE", "1");
            assert!(load::<Service>(None, "LOTSE_TEST__").is_err());
            Ok(())
        });
    }

    #[test]
    fn renamed_keys_are_moved_and_reported() {
        #[allow(clippy::result_large_err)] // figment's own test helper returns its error type.
        figment::Jail::expect_with(|jail| {
            jail.create_file("old.toml", "section_schedule = \"alt\"\nsection_retries = 2\n")?;
            let (s, found): (Service, _) =
                load_renaming(Some(Path::new("old.toml")), "LOTSE_TEST__", RENAMES).unwrap();
            assert_eq!((s.section.schedule.as_str(), s.section.retries), ("alt", 2));
            assert_eq!(found.len(), 2);
            assert_eq!(
                (found[0].old.as_str(), found[0].new.as_str()),
                ("section_schedule", "section.schedule")
            );
            assert!(found.iter().all(|d| !d.ignored && d.source == "old.toml"));

            // In the same source the new key wins.
            jail.create_file("both.toml", "section_schedule = \"alt\"\n[section]\nschedule = \"neu\"\n")?;
            let (s, found): (Service, _) =
                load_renaming(Some(Path::new("both.toml")), "LOTSE_TEST__", RENAMES).unwrap();
            assert_eq!(s.section.schedule, "neu");
            assert!(found[0].ignored);

            // A variable under the old name still overrides the file and is read as a number.
            jail.set_env("LOTSE_TEST__SECTION_RETRIES", "5");
            let (s, found): (Service, _) =
                load_renaming(Some(Path::new("both.toml")), "LOTSE_TEST__", RENAMES).unwrap();
            assert_eq!((s.section.schedule.as_str(), s.section.retries), ("neu", 5));
            let env = found.iter().find(|d| d.source.contains("environment")).unwrap();
            assert_eq!(
                (env.old.as_str(), env.new.as_str(), env.ignored),
                ("LOTSE_TEST__SECTION_RETRIES", "LOTSE_TEST__SECTION__RETRIES", false)
            );
            jail.set_env("LOTSE_TEST__SECTION__RETRIES", "6");
            let (s, _): (Service, _) =
                load_renaming(Some(Path::new("both.toml")), "LOTSE_TEST__", RENAMES).unwrap();
            assert_eq!(s.section.retries, 6);

            // Without the renames, old keys are unknown.
            assert!(load::<Service>(Some(Path::new("old.toml")), "LOTSE_TEST__").is_err());
            Ok(())
        });
    }
}
