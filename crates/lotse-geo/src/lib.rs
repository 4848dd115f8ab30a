//! The region pack and the geometry Lotse needs on it.
//!
//! A region pack is data, not code: the municipality boundaries, postcode centroids and
//! population figures of one region, embedded into the binary at build time from
//! `schemas/region/<region>/`. This crate parses it once and answers the questions that
//! validation and placement ask: which municipality contains a point, how far a point lies from
//! a municipality, where a postcode is. It does no I/O at run time.

#![forbid(unsafe_code)]

mod geometry;
mod region;

pub use geometry::{BBox, LatLon, chord2, chord2_of_m, haversine_m, m_of_chord2, unit_vector};
pub use region::{Municipality, PostcodeCentroid, Region, ruhr};
