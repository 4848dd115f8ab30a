//! The hub's error type.

use crate::geocode::GeocodeError;
use crate::store::StoreError;
use lotse_http::config::ConfigError;

/// Errors of the hub's library API.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A value given by the caller (operator, command line) is not acceptable.
    #[error("{de} / {en}")]
    Invalid { field: &'static str, de: String, en: String },
    #[error("Knoten {0} ist nicht registriert / node {0} is not registered")]
    NodeNotFound(String),
    #[error(transparent)]
    Geocoder(#[from] GeocodeError),
    #[error("HTTP-Client nicht einsatzbereit / HTTP client not ready: {0}")]
    Client(#[from] reqwest::Error),
    #[error("Ein-/Ausgabefehler / I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("Suchindex / search index: {0}")]
    Search(String),
}

impl HubError {
    pub fn invalid(field: &'static str, de: String, en: String) -> Self {
        HubError::Invalid { field, de, en }
    }
}
