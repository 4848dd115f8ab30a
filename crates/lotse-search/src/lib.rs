//! The hub's search index.
//!
//! The hub's store is the truth; this index is derived from it. It follows the store's change
//! log (the hub's change numbers) and remembers in each commit how far it got, so a hub that
//! restarts continues where it stopped and several hub replicas on one PostgreSQL each keep an
//! index of their own.
//!
//! - [`analysis`] and [`compound`]: German analysis — folding (`Muelheim` finds `Mülheim`),
//!   stemming, compound parts (`Kurs` finds `Integrationskurs`), other scripts as they are.
//! - [`schema`]: how an offer becomes a document; [`summary`]: what a result reads of it.
//! - [`request`]: a search as the API receives it.
//! - [`engine`]: text matching (with prefixes while typing and typo tolerance), filters, areas,
//!   ranking, and multi-select facet counts over per-segment bit sets ([`segment`], [`bitset`]);
//!   its parts are the query's expansion (`engine/expand.rs`), the area (`engine/area.rs`), the
//!   ranking buffer and champion lists (`engine/topk.rs`), the facet counts with their cost
//!   model (`engine/facets.rs`) and the results (`engine/hits.rs`).
//! - [`map`]: clusters for the map, every result for exports, suggestions while typing.
//! - [`records`]: the in-memory search of standard 1.1's kinds (institutions, networks, projects).
//! - [`index`]: the index on disk, its writer and its checkpoint; [`order`]: the order of
//!   documents in a segment (along a curve over their places, so that an area is read in runs).
//!
//! ```no_run
//! use lotse_search::{SearchIndex, SearchRequest, WriterOptions};
//! let index = SearchIndex::in_ram(WriterOptions::default()).unwrap();
//! let req = SearchRequest::from_pairs([("q", "Integrationskurs"), ("language", "ar")]).unwrap();
//! let answer = index.search(&req).unwrap();
//! println!("{} offers", answer.total);
//! ```

#![forbid(unsafe_code)]

pub mod analysis;
pub mod bitset;
pub mod compound;
pub mod engine;
pub mod index;
pub mod map;
pub mod order;
pub mod records;
pub mod request;
pub mod schema;
pub mod segment;
pub mod snippet;
pub mod summary;

pub use engine::{FacetValue, Hit, SearchResponse};
pub use index::{Change, IndexError, SearchIndex, WriterOptions};
pub use map::{Cluster, Clusters, Export, ExportItem, Suggestion};
pub use request::{BBox, Dim, RequestError, SearchRequest, Sort};
pub use schema::{IndexedOffer, IndexedPoint};
