//! [`SearchIndex`]: the tantivy index on disk (or in memory), written by one writer that
//! follows the hub's change log, read by any number of searches.
//!
//! The index remembers how far it has followed: each commit carries the hub change number it
//! is complete up to (the commit payload, together with the schema version). A hub that starts
//! continues from there; an index of an older schema is rebuilt from the store.

use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::engine::{self, SearchResponse};
use crate::map::{self, Clusters, Export, Suggestion};
use crate::request::SearchRequest;
use crate::schema::{self, Fields, IndexedOffer};
use crate::segment::SegmentCache;

/// Bumped whenever the schema or the analysis changes: an index of another version is
/// rebuilt from the store.
pub const SCHEMA_VERSION: u32 = 5;

/// Errors of the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index closed")]
    Closed,
}

/// One change of the hub's store, as the index applies it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The offer is new or changed.
    Upsert(Box<IndexedOffer>),
    /// The offer (by hub id) is gone.
    Delete(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    checkpoint: i64,
}

/// Writer settings: the memory budget bounds the writer's buffers (and the hub's memory).
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    pub threads: usize,
    pub memory_bytes: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { threads: 1, memory_bytes: 128 * 1024 * 1024 }
    }
}

/// The search index.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// `None` once [`SearchIndex::close`] has released the writer and its lock on the directory.
    writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    /// The hub change number of the last commit (what searches see).
    checkpoint: Mutex<i64>,
    cache: SegmentCache,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("checkpoint", &self.checkpoint()).finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing and recreating it (empty, checkpoint
    /// 0) when it was written with another schema version.
    pub fn open_in_dir(dir: &Path, options: WriterOptions) -> Result<SearchIndex, IndexError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::schema();
        let existing = Index::open_in_dir(dir).ok();
        let index = match existing {
            Some(index) if read_payload(&index).is_some_and(|p| p.schema == SCHEMA_VERSION) => index,
            _ => {
                // Nothing usable here: start afresh (the store is the truth; the follower
                // rebuilds from change number 0).
                for entry in std::fs::read_dir(dir)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
                Index::create(MmapDirectory::open(dir)?, schema, settings())?
            }
        };
        Self::with_index(index, fields, options)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_ram(options: WriterOptions) -> Result<SearchIndex, IndexError> {
        let (schema, fields) = schema::schema();
        Self::with_index(
            Index::builder().schema(schema).settings(settings()).create_in_ram()?,
            fields,
            options,
        )
    }

    fn with_index(index: Index, fields: Fields, options: WriterOptions) -> Result<SearchIndex, IndexError> {
        let checkpoint = read_payload(&index).map_or(0, |p| p.checkpoint);
        let writer = index.writer_with_num_threads(options.threads.max(1), options.memory_bytes)?;
        // No cache of decompressed blocks: results lie scattered over a segment, so a cached
        // block is hardly ever asked for again, and keeping the cache costs every read.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(0)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(Some(writer)),
            checkpoint: Mutex::new(checkpoint),
            cache: SegmentCache::default(),
        })
    }

    /// Sets the length of the words' champion lists (see [`crate::segment::CHAMPIONS`], the
    /// default); tests use short lists so that a small index runs past them.
    pub fn with_champion_lists(mut self, length: usize) -> SearchIndex {
        self.cache.champions = length.max(1);
        self
    }

    /// The hub change number the searchable index is complete up to.
    pub fn checkpoint(&self) -> i64 {
        *self.checkpoint.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds changes to the writer; they become searchable with the next [`Self::commit`].
    pub fn stage(&self, changes: &[Change]) -> Result<(), IndexError> {
        // Analysing the texts is most of the work of indexing: build the documents on every
        // core, then hand them to the writer in the order of the changes (a later change of
        // the same offer must win).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let chunk = changes.len().div_ceil(threads).max(1);
        let built: Vec<Vec<Option<TantivyDocument>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = changes
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|c| match c {
                                Change::Upsert(item) => Some(schema::document(&self.fields, item)),
                                Change::Delete(_) => None,
                            })
                            .collect()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        });
        let guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = guard.as_ref().ok_or(IndexError::Closed)?;
        for (change, doc) in changes.iter().zip(built.into_iter().flatten()) {
            let hub_id = match change {
                Change::Upsert(item) => &item.hub_id,
                Change::Delete(hub_id) => hub_id,
            };
            writer.delete_term(schema::id_term(&self.fields, hub_id));
            if let Some(doc) = doc {
                writer.add_document(doc)?;
            }
        }
        Ok(())
    }

    /// Commits what was staged, recording that the index is complete up to `checkpoint`, and
    /// makes it searchable.
    pub fn commit(&self, checkpoint: i64) -> Result<(), IndexError> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = guard.as_mut().ok_or(IndexError::Closed)?;
        let mut prepared = writer.prepare_commit()?;
        let payload =
            serde_json::to_string(&Payload { schema: SCHEMA_VERSION, checkpoint }).unwrap_or_default();
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(guard);
        self.reader.reload()?;
        *self.checkpoint.lock().unwrap_or_else(|p| p.into_inner()) = checkpoint;
        let searcher = self.reader.searcher();
        let live: Vec<_> = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        self.cache.retain(&live);
        // Read what searches need of new segments here, on the writer's side, so that no
        // search after a commit (or after a merge) waits for it.
        let today = lotse_standard::date::Date::today_utc().days_since_epoch();
        for reader in searcher.segment_readers() {
            self.cache.get(reader, &self.fields)?.visible(reader, today, false);
        }
        Ok(())
    }

    /// Removes everything (for a rebuild); searchable at once, checkpoint 0.
    pub fn clear(&self) -> Result<(), IndexError> {
        self.writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
            .ok_or(IndexError::Closed)?
            .delete_all_documents()?;
        self.commit(0)
    }

    /// The number of offers searchable.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes of the index's files (on disk, or in memory).
    pub fn size_bytes(&self) -> u64 {
        self.reader.searcher().space_usage().map_or(0, |u| u.total().get_bytes())
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, IndexError> {
        let searcher = self.reader.searcher();
        Ok(engine::search(&searcher, &self.fields, &self.cache, req)?)
    }

    /// Clusters of every result in the request's `bbox` at a web-map `zoom` level.
    pub fn clusters(&self, req: &SearchRequest, zoom: u8) -> Result<Clusters, IndexError> {
        let searcher = self.reader.searcher();
        Ok(map::clusters(&searcher, &self.fields, &self.cache, req, zoom)?)
    }

    /// Every result of a search, in order, to be read in batches.
    pub fn export(&self, req: &SearchRequest) -> Result<Export, IndexError> {
        Ok(Export::new(self.reader.searcher(), self.fields.clone(), &self.cache, req)?)
    }

    /// Suggestions for the search field.
    pub fn suggest(&self, q: &str, lang: &str, limit: usize) -> Result<Vec<Suggestion>, IndexError> {
        let searcher = self.reader.searcher();
        Ok(map::suggest(&searcher, &self.fields, &self.cache, q, lang, limit)?)
    }

    /// Waits for background merges to finish and releases the writer with its lock on the
    /// directory, so that the same directory can be opened again at once (a restart in the
    /// same process). Searches keep working; changes fail with [`IndexError::Closed`].
    pub fn close(&self) -> Result<(), IndexError> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(writer) = writer {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Waits for background merges to finish (before a benchmark measures).
    pub fn wait_merging(self) -> Result<(), IndexError> {
        self.close()?;
        drop(self.index);
        Ok(())
    }
}

/// The settings of a new index. A result reads its stored summary, and reading one document
/// decompresses the whole block it lies in. A block is closed once it holds more than the
/// block size; with 2 KiB (instead of tantivy's 16 KiB) nearly every offer (typically 1.5–3
/// KiB of summary and stored offer) is a block of its own, so a result decompresses only
/// itself, for an index a little larger on disk. (Uncompressed blocks made a page of 100
/// results about a tenth cheaper, but the index 40 % larger, and the hub's peak memory at a
/// million offers, which counts the mapped index files it reads while merging, rose by 320
/// MiB to within 6 % of its limit.) Segments are sorted by place ([`crate::order`]).
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: 2048,
        sort_by_field: Some(tantivy::IndexSortByField {
            field: crate::order::FIELD.to_owned(),
            order: tantivy::Order::Asc,
        }),
        ..tantivy::IndexSettings::default()
    }
}

fn read_payload(index: &Index) -> Option<Payload> {
    index.load_metas().ok()?.payload.and_then(|p| serde_json::from_str(&p).ok())
}
