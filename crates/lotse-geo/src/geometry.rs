//! Plane geometry on small areas of the earth's surface.
//!
//! A municipality is at most a few tens of kilometres across, so an equirectangular projection
//! around the point in question is accurate to well under a metre for the distances that matter
//! here (the 500 m border tolerance); it is much cheaper than geodesic arithmetic per segment.

/// A WGS84 position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub const fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres.
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// A point on the unit sphere: the straight-line (chord) distance between two such points
/// grows with their great-circle distance, so comparing squared chords orders points by
/// distance exactly as [`haversine_m`] does, with six multiplications instead of five
/// trigonometric functions per point (see [`chord2_of_m`] and [`m_of_chord2`]).
pub fn unit_vector(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The squared chord between two points of [`unit_vector`].
#[inline]
pub fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (x, y, z) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    x * x + y * y + z * z
}

/// The squared chord of a great-circle distance in metres.
pub fn chord2_of_m(m: f64) -> f64 {
    let c = 2.0 * (m.max(0.0) / (2.0 * EARTH_RADIUS_M)).min(std::f64::consts::FRAC_PI_2).sin();
    c * c
}

/// The great-circle distance in metres of a squared chord.
pub fn m_of_chord2(c2: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (c2.max(0.0).sqrt() / 2.0).min(1.0).asin()
}

/// An axis-aligned bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub(crate) fn of(ring: &[[f64; 2]]) -> Self {
        let mut b = BBox {
            min_lon: f64::INFINITY,
            min_lat: f64::INFINITY,
            max_lon: f64::NEG_INFINITY,
            max_lat: f64::NEG_INFINITY,
        };
        for &[lon, lat] in ring {
            b.min_lon = b.min_lon.min(lon);
            b.min_lat = b.min_lat.min(lat);
            b.max_lon = b.max_lon.max(lon);
            b.max_lat = b.max_lat.max(lat);
        }
        b
    }

    pub fn contains(&self, p: LatLon) -> bool {
        p.lon >= self.min_lon && p.lon <= self.max_lon && p.lat >= self.min_lat && p.lat <= self.max_lat
    }

    pub(crate) fn union(&self, o: &BBox) -> BBox {
        BBox {
            min_lon: self.min_lon.min(o.min_lon),
            min_lat: self.min_lat.min(o.min_lat),
            max_lon: self.max_lon.max(o.max_lon),
            max_lat: self.max_lat.max(o.max_lat),
        }
    }
}

/// A polygon as GeoJSON gives it: an outer ring and holes, each ring `[lon, lat]` pairs.
#[derive(Debug, Clone)]
pub struct Polygon {
    pub rings: Vec<Vec<[f64; 2]>>,
    pub bbox: BBox,
}

impl Polygon {
    pub(crate) fn new(rings: Vec<Vec<[f64; 2]>>) -> Self {
        let bbox = BBox::of(rings.first().map(Vec::as_slice).unwrap_or(&[]));
        Self { rings, bbox }
    }

    /// Even-odd rule over all rings, so holes are handled without knowing ring orientation.
    pub fn contains(&self, p: LatLon) -> bool {
        if !self.bbox.contains(p) {
            return false;
        }
        let mut inside = false;
        for ring in &self.rings {
            let n = ring.len();
            if n < 3 {
                continue;
            }
            let mut j = n - 1;
            for i in 0..n {
                let [xi, yi] = ring[i];
                let [xj, yj] = ring[j];
                if (yi > p.lat) != (yj > p.lat) && p.lon < (xj - xi) * (p.lat - yi) / (yj - yi) + xi {
                    inside = !inside;
                }
                j = i;
            }
        }
        inside
    }

    /// Distance in metres from `p` to the nearest point of the polygon's boundary.
    pub fn distance_to_boundary_m(&self, p: LatLon) -> f64 {
        let kx = EARTH_RADIUS_M * p.lat.to_radians().cos() * std::f64::consts::PI / 180.0;
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let project = |[lon, lat]: [f64; 2]| ((lon - p.lon) * kx, (lat - p.lat) * ky);
        let mut best = f64::INFINITY;
        for ring in &self.rings {
            for w in ring.windows(2) {
                let (ax, ay) = project(w[0]);
                let (bx, by) = project(w[1]);
                best = best.min(point_segment_distance(ax, ay, bx, by));
            }
        }
        best
    }

    /// Distance in metres from `p` to the polygon: zero inside, else to the boundary.
    pub fn distance_m(&self, p: LatLon) -> f64 {
        if self.contains(p) { 0.0 } else { self.distance_to_boundary_m(p) }
    }
}

/// Distance from the origin to the segment a–b in the projected plane.
fn point_segment_distance(ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    (cx * cx + cy * cy).sqrt()
}

#[cfg(test)]
mod tests {
    #[test]
    fn chords_give_the_great_circle_distance() {
        let a = LatLon::new(51.4556, 7.0116);
        for b in [LatLon::new(51.5136, 7.4653), LatLon::new(51.4556, 7.0117), LatLon::new(-33.9, 151.2)] {
            let m = haversine_m(a, b);
            let c2 = chord2(&unit_vector(a), &unit_vector(b));
            assert!((m_of_chord2(c2) - m).abs() < 1e-6 * m.max(1.0), "{b:?}: {} vs {m}", m_of_chord2(c2));
            assert!((chord2_of_m(m) - c2).abs() <= 1e-12, "{b:?}");
        }
    }

    use super::*;

    fn square() -> Polygon {
        // About 1.4 km × 2.2 km near Essen, with a hole in the middle.
        Polygon::new(vec![
            vec![[7.0, 51.4], [7.02, 51.4], [7.02, 51.42], [7.0, 51.42], [7.0, 51.4]],
            vec![[7.009, 51.409], [7.011, 51.409], [7.011, 51.411], [7.009, 51.411], [7.009, 51.409]],
        ])
    }

    #[test]
    fn contains_respects_holes() {
        let sq = square();
        assert!(sq.contains(LatLon::new(51.405, 7.005)));
        assert!(!sq.contains(LatLon::new(51.41, 7.01)), "the hole is outside");
        assert!(!sq.contains(LatLon::new(51.45, 7.01)));
    }

    #[test]
    fn boundary_distance_matches_haversine() {
        let sq = square();
        let p = LatLon::new(51.43, 7.01);
        let d = sq.distance_m(p);
        let expected = haversine_m(p, LatLon::new(51.42, 7.01));
        assert!((d - expected).abs() < 2.0, "{d} vs {expected}");
        assert_eq!(sq.distance_m(LatLon::new(51.405, 7.005)), 0.0);
    }
}
