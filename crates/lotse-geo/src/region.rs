//! The embedded region pack.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::geometry::{BBox, LatLon, Polygon};

/// One municipality of the region.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// The 8-digit official municipality key (Amtlicher Gemeindeschlüssel).
    pub ags: String,
    pub name: String,
    /// `Stadt` or `Gemeinde`.
    pub kind: String,
    pub polygons: Vec<Polygon>,
    pub bbox: BBox,
}

impl Municipality {
    pub fn contains(&self, p: LatLon) -> bool {
        self.bbox.contains(p) && self.polygons.iter().any(|poly| poly.contains(p))
    }

    /// Metres from `p` to this municipality; zero when inside.
    pub fn distance_m(&self, p: LatLon) -> f64 {
        self.polygons.iter().map(|poly| poly.distance_m(p)).fold(f64::INFINITY, f64::min)
    }

    /// A point guaranteed to lie inside the municipality, found by scanning the bounding box.
    /// Used as the placement of last resort ("municipality" precision).
    pub fn interior_point(&self) -> LatLon {
        let b = self.bbox;
        let centre = LatLon::new((b.min_lat + b.max_lat) / 2.0, (b.min_lon + b.max_lon) / 2.0);
        if self.contains(centre) {
            return centre;
        }
        for step in 1..40 {
            for i in 0..=step {
                for j in 0..=step {
                    let p = LatLon::new(
                        b.min_lat + (b.max_lat - b.min_lat) * i as f64 / step as f64,
                        b.min_lon + (b.max_lon - b.min_lon) * j as f64 / step as f64,
                    );
                    if self.contains(p) {
                        return p;
                    }
                }
            }
        }
        centre
    }
}

/// A postcode centroid and the municipality that contains it.
#[derive(Debug, Clone)]
pub struct PostcodeCentroid {
    pub postcode: String,
    pub position: LatLon,
    pub ags: String,
}

/// A region pack: municipalities, postcodes, population, attribution.
#[derive(Debug)]
pub struct Region {
    pub id: &'static str,
    pub municipalities: Vec<Municipality>,
    by_ags: HashMap<String, usize>,
    postcodes: HashMap<String, PostcodeCentroid>,
    /// Population by 5-digit district key (Kreis or kreisfreie Stadt).
    pub district_population: HashMap<String, u64>,
    pub bbox: BBox,
    pub attribution: &'static [&'static str],
}

impl Region {
    pub fn municipality(&self, ags: &str) -> Option<&Municipality> {
        self.by_ags.get(ags).map(|&i| &self.municipalities[i])
    }

    /// The municipality containing `p`, if any.
    pub fn locate(&self, p: LatLon) -> Option<&Municipality> {
        if !self.bbox.contains(p) {
            return None;
        }
        self.municipalities.iter().find(|m| m.contains(p))
    }

    /// The municipality containing `p`, trying `hint` first: a record's declared municipality
    /// is nearly always right, and testing it first spares the polygons of its neighbours.
    pub fn locate_with_hint(&self, p: LatLon, hint: Option<&str>) -> Option<&Municipality> {
        match hint.and_then(|ags| self.municipality(ags)) {
            Some(m) if m.contains(p) => Some(m),
            _ => self.locate(p),
        }
    }

    pub fn postcode(&self, postcode: &str) -> Option<&PostcodeCentroid> {
        self.postcodes.get(postcode)
    }

    /// All postcodes whose centroid lies in the municipality `ags`, sorted.
    pub fn postcodes_of(&self, ags: &str) -> Vec<&PostcodeCentroid> {
        let mut v: Vec<_> = self.postcodes.values().filter(|p| p.ags == ags).collect();
        v.sort_by(|a, b| a.postcode.cmp(&b.postcode));
        v
    }

    /// Population of the municipality where the pack knows it: the district-free cities have
    /// their own figure; the towns inside a Kreis do not (the operator supplies those).
    pub fn population(&self, ags: &str) -> Option<u64> {
        let district = ags.get(..5)?;
        let is_city = ags.get(5..) == Some("000");
        if is_city { self.district_population.get(district).copied() } else { None }
    }
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Properties {
    AGS: String,
    GEN: String,
    BEZ: String,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// The raw GeoJSON of the Ruhr municipalities, as shipped (for the map layer).
pub const RUHR_MUNICIPALITIES_GEOJSON: &str =
    include_str!("../../../schemas/region/ruhr/ruhr-municipalities.geojson");
const RUHR_POSTCODES_CSV: &str = include_str!("../../../schemas/region/ruhr/ruhr-postcode-centroids.csv");
const RUHR_POPULATION_CSV: &str =
    include_str!("../../../schemas/region/ruhr/ruhr-district-population-2018.csv");

static RUHR: LazyLock<Region> = LazyLock::new(|| {
    parse_region(
        "ruhr",
        RUHR_MUNICIPALITIES_GEOJSON,
        RUHR_POSTCODES_CSV,
        RUHR_POPULATION_CSV,
        &[
            "© GeoBasis-DE / BKG 2016 (Daten verändert)",
            "© OpenStreetMap-Mitwirkende (ODbL)",
            "© Statistisches Bundesamt (Destatis), 2019, CC BY 4.0",
        ],
    )
});

/// The Ruhr region pack, parsed on first use.
pub fn ruhr() -> &'static Region {
    &RUHR
}

fn parse_region(
    id: &'static str,
    geojson: &str,
    postcodes_csv: &str,
    population_csv: &str,
    attribution: &'static [&'static str],
) -> Region {
    // The pack is compiled in; a malformed pack is a build defect that the tests catch.
    let fc: FeatureCollection = serde_json::from_str(geojson).expect("embedded region GeoJSON is valid");
    let mut municipalities = Vec::with_capacity(fc.features.len());
    for f in fc.features {
        let polygons: Vec<Polygon> = match f.geometry {
            Geometry::Polygon(rings) => vec![Polygon::new(rings)],
            Geometry::MultiPolygon(polys) => polys.into_iter().map(Polygon::new).collect(),
        };
        let bbox = polygons.iter().skip(1).fold(polygons[0].bbox, |acc, p| acc.union(&p.bbox));
        municipalities.push(Municipality {
            ags: f.properties.AGS,
            name: f.properties.GEN,
            kind: f.properties.BEZ,
            polygons,
            bbox,
        });
    }
    let by_ags = municipalities.iter().enumerate().map(|(i, m)| (m.ags.clone(), i)).collect();
    let bbox = municipalities.iter().skip(1).fold(municipalities[0].bbox, |acc, m| acc.union(&m.bbox));

    let mut postcodes = HashMap::new();
    for line in postcodes_csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        let (Ok(lat), Ok(lon)) = (cols[1].parse(), cols[2].parse()) else {
            panic!("embedded postcode line is malformed: {line}");
        };
        postcodes.insert(
            cols[0].to_string(),
            PostcodeCentroid {
                postcode: cols[0].to_string(),
                position: LatLon::new(lat, lon),
                ags: cols[3].to_string(),
            },
        );
    }

    let mut district_population = HashMap::new();
    for line in population_csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        // The name column is quoted and may contain a comma; the key is first, the population
        // is the second-to-last column.
        let cols: Vec<&str> = line.split(',').collect();
        if let (Some(key), Some(pop)) = (cols.first(), cols.get(cols.len().saturating_sub(2)))
            && let Ok(pop) = pop.parse()
        {
            district_population.insert(key.to_string(), pop);
        }
    }

    Region { id, municipalities, by_ags, postcodes, district_population, bbox, attribution }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_is_complete() {
        let r = ruhr();
        assert_eq!(r.municipalities.len(), 53);
        assert_eq!(r.postcodes.len(), 235);
        assert_eq!(r.district_population.len(), 15);
        assert_eq!(r.population("05113000"), Some(583_109));
        assert_eq!(r.population("05170004"), None);
        assert_eq!(r.municipality("05117000").unwrap().name, "Mülheim an der Ruhr");
    }

    #[test]
    fn every_postcode_centroid_lies_in_its_municipality() {
        let r = ruhr();
        for pc in r.postcodes.values() {
            let m = r.municipality(&pc.ags).expect("known AGS");
            assert!(m.distance_m(pc.position) < 50.0, "{} not in {}", pc.postcode, m.name);
        }
    }

    #[test]
    fn locate_known_places() {
        let r = ruhr();
        // Essen Hauptbahnhof, Dortmund Hauptbahnhof.
        assert_eq!(r.locate(LatLon::new(51.4513, 7.0139)).unwrap().name, "Essen");
        assert_eq!(r.locate(LatLon::new(51.5178, 7.4593)).unwrap().name, "Dortmund");
        // Cologne is outside the region.
        assert!(r.locate(LatLon::new(50.9430, 6.9589)).is_none());
    }

    #[test]
    fn interior_points_are_inside() {
        for m in &ruhr().municipalities {
            assert!(m.contains(m.interior_point()), "{}", m.name);
        }
    }
}
