//! What the search suites share: placing an offer as the hub does.

use lotse_search::{IndexedOffer, IndexedPoint};
use lotse_standard::Offer;

/// `offer` of `node` as the hub would index it: each location at its coordinates, or at its
/// postcode's centre when it has none (a location with neither is not placed).
pub fn placed(node: &str, offer: Offer, changed: i64) -> IndexedOffer {
    let region = lotse_geo::ruhr();
    let points = offer
        .locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let (lat, lon, precision) = match (l.lat, l.lon) {
                (Some(lat), Some(lon)) => (lat, lon, "exact"),
                _ => {
                    let c = region.postcode(&l.postcode)?;
                    (c.position.lat, c.position.lon, "postcode")
                }
            };
            Some(IndexedPoint { idx: i as u32, lat, lon, ags: l.ags.clone(), precision: precision.into() })
        })
        .collect();
    IndexedOffer { hub_id: format!("{node}/{}", offer.id), node_id: node.into(), offer, changed, points }
}
