//! The order of documents within a segment: along a Hilbert curve over their first point.
//!
//! A search of an area (a map window, a radius around a client's address) reads, for every
//! document in the area, its filter values, sort key and points. In the order the changes
//! arrived, the documents of one town lie scattered over the whole segment and each read
//! waits for memory; along the curve, the documents of one grid cell ([`crate::segment`]) are
//! neighbours, and those of nearby cells mostly too, so an area's reads are a few runs of
//! consecutive memory. tantivy keeps every segment sorted by this key as it writes and merges
//! segments ([`tantivy::IndexSettings::sort_by_field`]).

use crate::segment::{CELL_LAT, CELL_LON};

/// The name of the fast field that holds the key.
pub const FIELD: &str = "geo";

/// Subdivisions of a grid cell along each axis: a cell is an aligned block of the curve's
/// grid, and an aligned block of a Hilbert curve is one stretch of it, so the documents of a
/// cell are consecutive.
const SUB: f64 = 256.0;

/// Bits per axis of the curve's grid: ±90° of latitude at 1/256 of 0.02° and ±180° of
/// longitude at 1/256 of 0.03° fit in 2^23 either side of the centre.
const BITS: u32 = 24;

/// The key of a document whose first point is `(lat, lon)`; documents without a point sort
/// last ([`NONE`]).
pub fn key(lat: f64, lon: f64) -> u64 {
    let half = f64::from(1u32 << (BITS - 1));
    let max = f64::from((1u32 << BITS) - 1);
    let axis = |v: f64, cell: f64| ((v / cell * SUB).floor() + half).clamp(0.0, max) as u32;
    hilbert(axis(lon, CELL_LON), axis(lat, CELL_LAT))
}

/// The key of a document without a point.
pub const NONE: u64 = u64::MAX;

/// The position of `(x, y)` along the Hilbert curve that fills a square of `2^BITS` cells per
/// side (the classic iterative conversion: quadrant by quadrant, rotating the rest).
fn hilbert(mut x: u32, mut y: u32) -> u64 {
    let n: u32 = 1 << BITS;
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::cell_of;

    /// Consecutive positions of the curve are neighbouring squares, and every square of a
    /// small curve has its own position.
    #[test]
    fn the_curve_steps_to_a_neighbour_each_time() {
        // A curve of 2^BITS per side, restricted to a corner of 16 × 16 (an aligned block, so
        // one stretch of the curve): its positions are 0..256 in some order.
        let mut at = vec![None; 256];
        for x in 0..16u32 {
            for y in 0..16u32 {
                let d = hilbert(x, y) as usize;
                assert!(d < 256, "({x},{y}) → {d}");
                assert!(at[d].is_none());
                at[d] = Some((x, y));
            }
        }
        for w in at.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0].unwrap(), w[1].unwrap());
            assert_eq!(x0.abs_diff(x1) + y0.abs_diff(y1), 1);
        }
    }

    /// The documents of one grid cell are one stretch of keys: no point of another cell has a
    /// key between two keys of the cell.
    #[test]
    fn a_grid_cell_is_one_stretch_of_keys() {
        let points: Vec<(f64, f64)> = (0..60)
            .flat_map(|i| (0..60).map(move |j| (51.3 + f64::from(i) * 0.0031, 6.9 + f64::from(j) * 0.0047)))
            .collect();
        let mut keyed: Vec<(u64, (i32, i32))> =
            points.iter().map(|&(lat, lon)| (key(lat, lon), cell_of(lat, lon))).collect();
        keyed.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        for w in keyed.windows(2) {
            if w[0].1 != w[1].1 {
                assert!(seen.insert(w[0].1), "cell {:?} comes back", w[0].1);
            }
        }
        assert!(key(51.5, 7.0) < NONE);
    }
}
