//! An optional geocoder for locations without coordinates: a Nominatim- or Photon-compatible
//! HTTP API, with a persistent cache in the store and a rate limit.
//!
//! The geocoder is the operator's own choice of service, so its URL is not put through the
//! feed guard. Answers outside the region pack are discarded, because a street name exists in
//! many towns and a far-away match is worse than the postcode centroid. Answers (found or not)
//! are cached by the normalised address, so each address is asked once; failures are not
//! cached, so a geocoder that was down is asked again at the next harvest.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lotse_geo::LatLon;
use lotse_standard::model::Location;
use reqwest::Url;
use serde::Deserialize;

use crate::config::{GeocoderConfig, GeocoderKind};
use crate::metrics::HubMetrics;
use crate::placement::address_key;
use crate::store::HubStore;

/// Why a geocoder could not be set up or asked.
#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    #[error("Ungültige Geocoder-Adresse / invalid geocoder URL: {0}")]
    Url(#[from] url::ParseError),
    #[error("Geocoder-Anfrage fehlgeschlagen / geocoder request failed: {0}")]
    Http(#[from] reqwest::Error),
}

pub struct Geocoder {
    kind: GeocoderKind,
    base: Url,
    client: reqwest::Client,
    interval: Duration,
    /// The earliest moment the next request may start; one request at a time holds the lock.
    next_slot: tokio::sync::Mutex<Instant>,
    store: Arc<dyn HubStore>,
    metrics: HubMetrics,
}

impl std::fmt::Debug for Geocoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geocoder").field("kind", &self.kind).field("base", &self.base.as_str()).finish()
    }
}

#[derive(Deserialize)]
struct NominatimHit {
    lat: String,
    lon: String,
}

#[derive(Deserialize)]
struct PhotonAnswer {
    features: Vec<PhotonFeature>,
}

#[derive(Deserialize)]
struct PhotonFeature {
    geometry: PhotonGeometry,
}

#[derive(Deserialize)]
struct PhotonGeometry {
    /// `[lon, lat]`, as GeoJSON orders them.
    coordinates: Vec<f64>,
}

impl Geocoder {
    pub fn new(
        config: &GeocoderConfig,
        store: Arc<dyn HubStore>,
        metrics: HubMetrics,
    ) -> Result<Self, GeocodeError> {
        let mut base = Url::parse(&config.url)?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("lotse-hub/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(config.timeout_secs.max(1)))
            .build()?;
        Ok(Self {
            kind: config.kind,
            base,
            client,
            interval: Duration::from_secs_f64(1.0 / config.rate_limit_per_sec),
            next_slot: tokio::sync::Mutex::new(Instant::now()),
            store,
            metrics,
        })
    }

    /// Positions for the addresses of these locations, by [`address_key`]: from the cache, else
    /// from the geocoder. Addresses without an answer are left out.
    pub async fn geocode(&self, locations: &[&Location]) -> HashMap<String, LatLon> {
        let mut keys: Vec<String> = locations.iter().map(|l| address_key(l)).collect();
        keys.sort();
        keys.dedup();
        let cached = match self.store.geocode_lookup(&keys).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "geocode cache not readable; asking the geocoder");
                HashMap::new()
            }
        };
        let mut found = HashMap::new();
        for location in locations {
            let key = address_key(location);
            if found.contains_key(&key) {
                continue;
            }
            let answer = match cached.get(&key) {
                Some(hit) => {
                    self.metrics.geocoder.inc(&["cached"]);
                    *hit
                }
                None => match self.ask(location).await {
                    Ok(answer) => {
                        self.metrics.geocoder.inc(&[if answer.is_some() { "found" } else { "not_found" }]);
                        if let Err(e) = self.store.geocode_store(&key, answer, crate::unix_now()).await {
                            tracing::warn!(error = %e, "geocode answer not cached");
                        }
                        answer
                    }
                    Err(e) => {
                        self.metrics.geocoder.inc(&["error"]);
                        tracing::warn!(error = %e, "geocoder failed; placing by postcode");
                        None
                    }
                },
            };
            if let Some((lat, lon)) = answer {
                found.insert(key, LatLon::new(lat, lon));
            }
        }
        found
    }

    /// Waits for the rate limit, then asks the geocoder for one address.
    async fn ask(&self, location: &Location) -> Result<Option<(f64, f64)>, GeocodeError> {
        {
            let mut slot = self.next_slot.lock().await;
            let now = Instant::now();
            if *slot > now {
                tokio::time::sleep(*slot - now).await;
            }
            *slot = Instant::now() + self.interval;
        }
        let point = match self.kind {
            GeocoderKind::Nominatim => {
                let url = self.base.join("search")?;
                let hits: Vec<NominatimHit> = self
                    .client
                    .get(url)
                    .query(&[
                        ("format", "jsonv2"),
                        ("limit", "1"),
                        ("countrycodes", "de"),
                        ("street", location.street.as_str()),
                        ("postalcode", location.postcode.as_str()),
                        ("city", location.city.as_str()),
                    ])
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                hits.first().and_then(|h| Some((h.lat.parse::<f64>().ok()?, h.lon.parse::<f64>().ok()?)))
            }
            GeocoderKind::Photon => {
                let url = self.base.join("api")?;
                let q = format!("{}, {} {}", location.street, location.postcode, location.city);
                let answer: PhotonAnswer = self
                    .client
                    .get(url)
                    .query(&[("q", q.as_str()), ("limit", "1")])
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                answer.features.first().and_then(|f| match f.geometry.coordinates.as_slice() {
                    [lon, lat, ..] => Some((*lat, *lon)),
                    _ => None,
                })
            }
        };
        Ok(point.filter(|&(lat, lon)| lotse_geo::ruhr().locate(LatLon::new(lat, lon)).is_some()))
    }
}
