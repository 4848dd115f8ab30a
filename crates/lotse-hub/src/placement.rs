//! Geographic placement of an offer's locations.
//!
//! Every location gets a point and a precision, in this order of preference: the coordinates
//! of the record (`exact`); the geocoder's answer for the address, when a geocoder is configured
//! (`geocoded`); the centroid of the postcode from the region pack (`postcode`); an interior
//! point of the declared municipality (`municipality`). The municipality that contains the point
//! is then found by point-in-polygon and compared with the declared AGS; a difference is stored
//! as a mismatch with the distance of the point from the declared municipality, so that the
//! quality dashboard can show it.

use std::collections::HashMap;
use std::sync::LazyLock;

use lotse_geo::{LatLon, Region};
use lotse_standard::model::Location;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a location's point was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Coordinates given in the record.
    Exact,
    /// The geocoder's answer for the street address.
    Geocoded,
    /// The centroid of the postcode.
    Postcode,
    /// An interior point of the declared municipality.
    Municipality,
    /// Nothing was found to place the location by.
    None,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::Geocoded => "geocoded",
            Precision::Postcode => "postcode",
            Precision::Municipality => "municipality",
            Precision::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "exact" => Precision::Exact,
            "geocoded" => Precision::Geocoded,
            "postcode" => Precision::Postcode,
            "municipality" => Precision::Municipality,
            "none" => Precision::None,
            _ => return None,
        })
    }
}

/// Where one location of an offer lies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Placement {
    /// Index of the location in the offer's `locations`.
    pub idx: u32,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: Precision,
    /// The AGS the record declares.
    pub declared_ags: String,
    /// The AGS of the municipality that contains the point, if any.
    pub found_ags: Option<String>,
    /// The point lies outside the declared municipality.
    pub mismatch: bool,
    /// With a mismatch: metres from the point to the declared municipality.
    pub distance_m: Option<f64>,
}

/// Interior points per AGS, computed once: finding one scans the bounding box.
static INTERIOR: LazyLock<HashMap<&'static str, LatLon>> = LazyLock::new(|| {
    lotse_geo::ruhr().municipalities.iter().map(|m| (m.ags.as_str(), m.interior_point())).collect()
});

fn interior_point(region: &Region, ags: &str) -> Option<LatLon> {
    if std::ptr::eq(region, lotse_geo::ruhr()) {
        INTERIOR.get(ags).copied()
    } else {
        region.municipality(ags).map(|m| m.interior_point())
    }
}

/// The geocoder's key for a location's address: lower case, single spaces, so that spelling
/// variants of the same address share one cache entry.
pub fn address_key(location: &Location) -> String {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    format!("{}, {} {}", norm(&location.street), norm(&location.postcode), norm(&location.city))
}

/// Places one location. `geocoded` is the geocoder's answer for its address, if any.
/// `inside_declared` says that the record's own coordinates are already known to lie in the
/// declared municipality (the validator found that out by point-in-polygon), so the search is
/// not repeated.
pub fn place_location(
    region: &Region,
    idx: u32,
    location: &Location,
    geocoded: Option<LatLon>,
    inside_declared: bool,
) -> Placement {
    let declared = || region.municipality(&location.ags);
    // The municipality that contains the point: known without a search for the record's
    // checked coordinates, a postcode centroid (the pack stores its municipality) and an
    // interior point (inside by construction).
    let (point, precision, known) = match (location.lat, location.lon) {
        (Some(lat), Some(lon)) => (
            Some(LatLon::new(lat, lon)),
            Precision::Exact,
            if inside_declared { Some(declared()) } else { None },
        ),
        _ => {
            if let Some(p) = geocoded {
                (Some(p), Precision::Geocoded, None)
            } else if let Some(pc) = region.postcode(&location.postcode) {
                (Some(pc.position), Precision::Postcode, Some(region.municipality(&pc.ags)))
            } else if let Some(p) = interior_point(region, &location.ags) {
                (Some(p), Precision::Municipality, Some(declared()))
            } else {
                (None, Precision::None, None)
            }
        }
    };
    let found = match known {
        Some(m) => m,
        None => point.and_then(|p| region.locate(p)),
    };
    let mismatch = point.is_some() && found.is_none_or(|m| m.ags != location.ags);
    let distance_m = match (mismatch, point, region.municipality(&location.ags)) {
        (true, Some(p), Some(declared)) => Some(declared.distance_m(p)),
        _ => None,
    };
    Placement {
        idx,
        lat: point.map(|p| p.lat),
        lon: point.map(|p| p.lon),
        precision,
        declared_ags: location.ags.clone(),
        found_ags: found.map(|m| m.ags.clone()),
        mismatch,
        distance_m,
    }
}

/// Places every location of an offer; `geocoded` maps [`address_key`]s to the geocoder's
/// answers, `inside_declared(i)` tells whether location `i`'s own coordinates were found in
/// its declared municipality already.
pub fn place_offer(
    region: &Region,
    locations: &[Location],
    geocoded: &HashMap<String, LatLon>,
    inside_declared: impl Fn(usize) -> bool,
) -> Vec<Placement> {
    locations
        .iter()
        .enumerate()
        .map(|(i, loc)| {
            let g = if geocoded.is_empty() { None } else { geocoded.get(&address_key(loc)).copied() };
            place_location(region, i as u32, loc, g, inside_declared(i))
        })
        .collect()
}

/// The point and municipality a record is shown at: its first location's coordinates (or that
/// location's municipality, or its postcode's centroid), else its first served municipality's
/// interior point. Read from the canonical JSON, which every kind shapes alike here.
pub fn place_record(data: &serde_json::Value) -> (Option<f64>, Option<f64>, Option<String>) {
    let region = lotse_geo::ruhr();
    let first = data.get("locations").and_then(serde_json::Value::as_array).and_then(|l| l.first());
    if let Some(loc) = first {
        let ags = loc.get("ags").and_then(serde_json::Value::as_str).map(str::to_owned);
        if let (Some(lat), Some(lon)) = (
            loc.get("lat").and_then(serde_json::Value::as_f64),
            loc.get("lon").and_then(serde_json::Value::as_f64),
        ) {
            return (Some(lat), Some(lon), ags);
        }
        if let Some(pc) =
            loc.get("postcode").and_then(serde_json::Value::as_str).and_then(|p| region.postcode(p))
        {
            return (Some(pc.position.lat), Some(pc.position.lon), ags.or_else(|| Some(pc.ags.clone())));
        }
        if let Some(m) = ags.as_deref().and_then(|a| region.municipality(a)) {
            let p = m.interior_point();
            return (Some(p.lat), Some(p.lon), ags);
        }
    }
    let served = data
        .get("service_area")
        .and_then(serde_json::Value::as_array)
        .and_then(|a| a.first())
        .and_then(serde_json::Value::as_str);
    match served.and_then(|a| region.municipality(a)) {
        Some(m) => {
            let p = m.interior_point();
            (Some(p.lat), Some(p.lon), Some(m.ags.clone()))
        }
        None => (None, None, served.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_placed_at_its_first_location_or_its_municipality() {
        let exact = serde_json::json!({"locations": [{"ags": "05117000", "lat": 51.43, "lon": 6.88}]});
        assert_eq!(place_record(&exact), (Some(51.43), Some(6.88), Some("05117000".to_owned())));
        let served = serde_json::json!({"service_area": ["05117000"]});
        let (lat, lon, ags) = place_record(&served);
        assert!(lat.is_some() && lon.is_some());
        assert_eq!(ags.as_deref(), Some("05117000"));
        assert_eq!(place_record(&serde_json::json!({})), (None, None, None));
    }

    fn location(ags: &str, postcode: &str, lat: Option<f64>, lon: Option<f64>) -> Location {
        Location {
            name: None,
            street: "Rathausplatz  1".into(),
            postcode: postcode.into(),
            city: "Essen".into(),
            ags: ags.into(),
            lat,
            lon,
            accessibility: Vec::new(),
        }
    }

    fn a_postcode_of(ags: &str) -> String {
        lotse_geo::ruhr().postcodes_of(ags)[0].postcode.clone()
    }

    #[test]
    fn exact_then_geocoded_then_postcode_then_municipality() {
        let region = lotse_geo::ruhr();
        let essen = "05113000";
        let inside = interior_point(region, essen).unwrap();
        let pc = a_postcode_of(essen);

        let p =
            place_location(region, 0, &location(essen, &pc, Some(inside.lat), Some(inside.lon)), None, false);
        assert_eq!(p.precision, Precision::Exact);
        assert_eq!(p.found_ags.as_deref(), Some(essen));
        assert!(!p.mismatch);
        assert_eq!(p.distance_m, None);

        let p = place_location(region, 1, &location(essen, &pc, None, None), Some(inside), false);
        assert_eq!((p.precision, p.idx), (Precision::Geocoded, 1));
        assert_eq!(p.lat, Some(inside.lat));

        let p = place_location(region, 0, &location(essen, &pc, None, None), None, false);
        assert_eq!(p.precision, Precision::Postcode);
        assert_eq!(p.lat, Some(region.postcode(&pc).unwrap().position.lat));

        let p = place_location(region, 0, &location(essen, "99999", None, None), None, false);
        assert_eq!(p.precision, Precision::Municipality);
        assert_eq!(p.found_ags.as_deref(), Some(essen));
        assert!(!p.mismatch);

        let p = place_location(region, 0, &location("01001000", "99999", None, None), None, false);
        assert_eq!(p.precision, Precision::None);
        assert_eq!((p.lat, p.found_ags, p.mismatch), (None, None, false));
    }

    #[test]
    fn a_point_in_another_municipality_is_a_mismatch_with_distance() {
        let region = lotse_geo::ruhr();
        let dortmund = interior_point(region, "05913000").unwrap();
        let p = place_location(
            region,
            0,
            &location("05113000", "45127", Some(dortmund.lat), Some(dortmund.lon)),
            None,
            false,
        );
        assert!(p.mismatch);
        assert_eq!(p.found_ags.as_deref(), Some("05913000"));
        // Essen and Dortmund do not touch: the point is kilometres away.
        assert!(p.distance_m.unwrap() > 5_000.0, "{p:?}");
    }

    #[test]
    fn known_municipalities_agree_with_the_search() {
        let region = lotse_geo::ruhr();
        let essen = "05113000";
        let inside = interior_point(region, essen).unwrap();
        let loc = location(essen, "45127", Some(inside.lat), Some(inside.lon));
        assert_eq!(place_location(region, 0, &loc, None, true), place_location(region, 0, &loc, None, false));
        // Every postcode centroid lies in the municipality the pack names for it.
        for m in &region.municipalities {
            for pc in region.postcodes_of(&m.ags) {
                assert_eq!(
                    region.locate(pc.position).map(|f| f.ags.as_str()),
                    Some(pc.ags.as_str()),
                    "{}",
                    pc.postcode
                );
            }
            let p = interior_point(region, &m.ags).unwrap();
            assert_eq!(region.locate(p).map(|f| f.ags.as_str()), Some(m.ags.as_str()));
        }
    }

    #[test]
    fn address_keys_normalise_spacing_and_case() {
        let a = location("05113000", "45127", None, None);
        let mut b = a.clone();
        b.street = "RATHAUSPLATZ 1 ".into();
        assert_eq!(address_key(&a), address_key(&b));
        assert_eq!(address_key(&a), "rathausplatz 1, 45127 essen");
    }
}
