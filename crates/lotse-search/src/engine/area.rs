//! The area of a search (a radius around a place, a bounding box, or both), tested against a
//! segment's grid cells: cells wholly inside need no test per document, and a search ordered
//! by distance reads the cells nearest first.

use lotse_geo::LatLon;

use crate::bitset::BitSet;
use crate::request::SearchRequest;
use crate::segment::{CELL_LAT, CELL_LON, GridPoint, SegmentData, cell_of};

/// A grid cell and its points.
type Cell<'d> = ((i32, i32), &'d [GridPoint]);

/// Where documents must lie, prepared for a fast test.
pub(super) struct Area {
    near: Option<(LatLon, f64)>,
    /// `near` on the unit sphere and the squared chord of its radius: a point is inside when
    /// its squared chord to the centre is at most that.
    near_xyz: Option<([f64; 3], f64)>,
    /// A rectangle around `near` that holds its circle: most points fail this cheap test
    /// and need no great-circle distance.
    near_box: Option<crate::request::BBox>,
    bbox: Option<crate::request::BBox>,
}

impl Area {
    pub(super) fn new(req: &SearchRequest) -> Area {
        let near = req.near.map(|(lat, lon, radius_km)| (LatLon { lat, lon }, radius_km * 1000.0));
        let near_xyz = near.map(|(c, r)| (lotse_geo::unit_vector(c), lotse_geo::chord2_of_m(r)));
        let near_box = req.near.map(|(lat, lon, radius_km)| {
            // On the sphere of the distance function a degree is 111.2 km of latitude and
            // 111.2 km × cos(latitude) of longitude; the smaller divisors and the latitude of
            // the circle's edge nearer the pole keep the rectangle a little larger than the
            // circle.
            let dlat = radius_km / 110.5;
            let edge = (lat.abs() + dlat).min(89.0).to_radians().cos();
            let dlon = (radius_km / (111.0 * edge)).min(180.0);
            crate::request::BBox {
                min_lon: lon - dlon,
                min_lat: lat - dlat,
                max_lon: lon + dlon,
                max_lat: lat + dlat,
            }
        });
        Area { near, near_xyz, near_box, bbox: req.bbox }
    }

    /// The grid cells of a segment the area overlaps, with their documents; `None` without an
    /// area.
    fn cells<'d>(&self, data: &'d SegmentData) -> Option<Vec<Cell<'d>>> {
        let rect = match (self.bbox, self.near_box) {
            (None, None) => return None,
            (Some(b), None) | (None, Some(b)) => b,
            (Some(a), Some(b)) => crate::request::BBox {
                min_lon: a.min_lon.max(b.min_lon),
                min_lat: a.min_lat.max(b.min_lat),
                max_lon: a.max_lon.min(b.max_lon),
                max_lat: a.max_lat.min(b.max_lat),
            },
        };
        let mut out = Vec::new();
        if !(rect.min_lat <= rect.max_lat && rect.min_lon <= rect.max_lon) {
            return Some(out);
        }
        let (y0, x0) = cell_of(rect.min_lat, rect.min_lon);
        let (y1, x1) = cell_of(rect.max_lat, rect.max_lon);
        let span = (i64::from(y1) - i64::from(y0) + 1) * (i64::from(x1) - i64::from(x0) + 1);
        if span > data.grid.len() as i64 {
            // A window larger than the populated grid (a map of the whole country): walk the
            // cells there are.
            for (&cell, docs) in &data.grid {
                if (y0..=y1).contains(&cell.0) && (x0..=x1).contains(&cell.1) {
                    out.push((cell, docs.as_slice()));
                }
            }
        } else {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    if let Some(docs) = data.grid.get(&(y, x)) {
                        out.push(((y, x), docs.as_slice()));
                    }
                }
            }
        }
        Some(out)
    }

    /// The documents of a segment in the area, read from the grid cells the area overlaps;
    /// `None` without an area. Cells that lie wholly inside need no test per document.
    ///
    /// Only documents of `within` are tested one by one (the others are not wanted anyway),
    /// so the caller narrows the search by the cheaper sets first.
    pub(super) fn set(&self, data: &SegmentData, within: &BitSet) -> Option<BitSet> {
        let cells = self.cells(data)?;
        let mut set = BitSet::empty(data.max_doc);
        for (cell, points) in cells {
            if self.covers(cell) {
                points.iter().for_each(|p| set.insert(p.doc));
            } else {
                // A document is in the area when one of its points is: each point is tested
                // in its own cell.
                for p in points {
                    if within.contains(p.doc) && !set.contains(p.doc) && self.holds(data, p) {
                        set.insert(p.doc);
                    }
                }
            }
        }
        Some(set)
    }

    /// Whether the area holds one point of the grid.
    fn holds(&self, data: &SegmentData, p: &GridPoint) -> bool {
        self.point(LatLon { lat: p.lat, lon: p.lon }, || &data.xyz[p.point as usize]).is_some()
    }

    /// `None` when the point lies outside; otherwise its squared chord to `near` (if any).
    /// Its unit vector is asked for only when there is a `near` to compare it with.
    fn point<'v>(&self, at: LatLon, xyz: impl FnOnce() -> &'v [f64; 3]) -> Option<Option<f64>> {
        if self.bbox.as_ref().is_some_and(|b| !b.contains(at))
            || self.near_box.as_ref().is_some_and(|b| !b.contains(at))
        {
            return None;
        }
        match self.near_xyz {
            Some((centre, radius)) => {
                let c2 = lotse_geo::chord2(&centre, xyz());
                (c2 <= radius).then_some(Some(c2))
            }
            None => Some(None),
        }
    }

    /// The cells around `near`, nearest first, each with a lower bound of the squared chord
    /// from `near` to any point in it: a search ordered by distance stops at the first cell
    /// that cannot hold anything nearer than its page's farthest entry. `None` without `near`.
    pub(super) fn cells_by_distance<'d>(&self, data: &'d SegmentData) -> Option<Vec<(f64, &'d [GridPoint])>> {
        let (centre, _) = self.near?;
        let mut out: Vec<(f64, &[GridPoint])> = self
            .cells(data)?
            .into_iter()
            .map(|((y, x), docs)| {
                // The cell's point nearest the centre, taken by clamping its coordinates, is
                // within a metre of the true nearest point for cells of two kilometres; 100 m
                // less keeps the bound safely below every distance in the cell.
                let lat = centre.lat.clamp(f64::from(y) * CELL_LAT, f64::from(y + 1) * CELL_LAT);
                let lon = centre.lon.clamp(f64::from(x) * CELL_LON, f64::from(x + 1) * CELL_LON);
                let m = lotse_geo::haversine_m(centre, LatLon { lat, lon }) - 100.0;
                (lotse_geo::chord2_of_m(m), docs)
            })
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(out)
    }

    /// Whether every point of a grid cell lies inside the area. The cell is taken a hair
    /// larger than it is (rounding in [`cell_of`]); for a circle, all four corners must lie
    /// 10 m inside it, which covers the bulge of the cell's edges along the parallels (well
    /// under a metre for cells of two kilometres).
    fn covers(&self, (y, x): (i32, i32)) -> bool {
        const EPS: f64 = 1e-9;
        let (la0, la1) = (f64::from(y) * CELL_LAT - EPS, f64::from(y + 1) * CELL_LAT + EPS);
        let (lo0, lo1) = (f64::from(x) * CELL_LON - EPS, f64::from(x + 1) * CELL_LON + EPS);
        let inside = |b: &crate::request::BBox| {
            la0 >= b.min_lat && la1 <= b.max_lat && lo0 >= b.min_lon && lo1 <= b.max_lon
        };
        if self.bbox.as_ref().is_some_and(|b| !inside(b))
            || self.near_box.as_ref().is_some_and(|b| !inside(b))
        {
            return false;
        }
        match self.near {
            Some((centre, radius)) => [(la0, lo0), (la0, lo1), (la1, lo0), (la1, lo1)]
                .iter()
                .all(|&(lat, lon)| lotse_geo::haversine_m(centre, LatLon { lat, lon }) <= radius - 10.0),
            None => true,
        }
    }

    /// `None` when the document (with its points and their [`lotse_geo::unit_vector`]s) lies
    /// outside; otherwise the squared chord to `near` (if any) of its nearest point inside.
    pub(super) fn check(&self, points: &[(f64, f64)], xyz: &[[f64; 3]]) -> Option<Option<f64>> {
        if self.near.is_none() && self.bbox.is_none() {
            return Some(None);
        }
        let mut inside: Option<Option<f64>> = None;
        for (&(lat, lon), v) in points.iter().zip(xyz) {
            if let Some(c2) = self.point(LatLon { lat, lon }, || v) {
                inside = Some(match (inside.flatten(), c2) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                });
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points just inside the radius, in every direction and far north, pass the rectangle
    /// test; points just outside do not.
    #[test]
    fn the_rectangle_around_a_circle_never_cuts_it() {
        for (lat, lon) in [(51.45, 7.01), (0.0, 0.0), (70.0, 20.0), (-45.0, 170.0)] {
            for radius_km in [0.5, 10.0, 100.0] {
                let req = SearchRequest { near: Some((lat, lon, radius_km)), ..SearchRequest::default() };
                let area = Area::new(&req);
                let centre = LatLon { lat, lon };
                for step in 0..72 {
                    let bearing = f64::from(step) * 5.0_f64.to_radians();
                    for (factor, expect) in [(0.999, true), (1.001, false)] {
                        // Walk along the bearing until the distance reaches the radius × factor.
                        let target = radius_km * 1000.0 * factor;
                        let (mut lo, mut hi) = (0.0, radius_km / 50.0);
                        for _ in 0..60 {
                            let mid = (lo + hi) / 2.0;
                            let p = LatLon {
                                lat: lat + mid * bearing.cos(),
                                lon: lon + mid * bearing.sin() / lat.to_radians().cos(),
                            };
                            if lotse_geo::haversine_m(centre, p) < target { lo = mid } else { hi = mid }
                        }
                        let p = (lat + lo * bearing.cos(), lon + lo * bearing.sin() / lat.to_radians().cos());
                        assert_eq!(
                            area.check(&[p], &[lotse_geo::unit_vector(LatLon { lat: p.0, lon: p.1 })])
                                .is_some(),
                            expect,
                            "{lat},{lon} r={radius_km} bearing {step}"
                        );
                    }
                }
            }
        }
    }
}
