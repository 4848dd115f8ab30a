//! The index schema and how an offer becomes an index document.
//!
//! Text fields are filled with terms from [`crate::analysis`] (joined by spaces, split again
//! by tantivy's whitespace tokenizer), so that the index and the query side share one analysis
//! that tantivy does not need to know. Every filter has a keyword field `f_<filter>` whose
//! postings become the per-segment bit sets that filters and facet counts work on
//! ([`crate::segment`]). Points, dates and the sort key are fast fields; a summary of the offer
//! for results ([`crate::summary`]) and the offer itself (for exports) are stored.

use lotse_standard::Offer;
use lotse_standard::date::Date;
use lotse_standard::vocab::vocabularies;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{TantivyDocument, Term};

use crate::analysis;
use crate::compound;
use crate::request::Dim;
use crate::summary;

/// Days since 1970-01-01 for "no date".
pub const NO_START: i64 = i64::MIN;
pub const NO_END: i64 = i64::MAX;

/// One located point of an offer, as the hub placed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedPoint {
    /// Index of the location in the offer's `locations`.
    pub idx: u32,
    pub lat: f64,
    pub lon: f64,
    /// The municipality that contains the point (or the declared one when none does).
    pub ags: String,
    /// How the point was found: `exact`, `geocoded`, `postcode` or `municipality`.
    pub precision: String,
}

/// An offer as the index receives it: the offer, its hub id and placement.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedOffer {
    /// `{node_id}/{id}`.
    pub hub_id: String,
    pub node_id: String,
    pub offer: Offer,
    /// When the offer last changed at the hub, Unix seconds.
    pub changed: i64,
    pub points: Vec<IndexedPoint>,
}

/// The fields of the index.
#[derive(Debug, Clone)]
pub struct Fields {
    pub hub_id: Field,
    pub title: Field,
    pub tags: Field,
    pub provider: Field,
    pub place: Field,
    pub body: Field,
    pub words: Field,
    pub status: Field,
    pub lat: Field,
    pub lon: Field,
    pub changed: Field,
    pub sort_key: Field,
    pub valid_until: Field,
    pub start_day: Field,
    pub end_day: Field,
    /// The document's place in its segment ([`crate::order`]).
    pub geo: Field,
    pub offer: Field,
    pub summary: Field,
    pub node: Field,
    dims: Vec<Field>,
}

impl Fields {
    /// The keyword field of a filter.
    pub fn dim(&self, dim: Dim) -> Field {
        self.dims[dim as usize]
    }

    /// The text fields with their weights in relevance.
    pub fn weighted_text(&self) -> [(Field, f32); 5] {
        [(self.title, 3.0), (self.tags, 2.0), (self.provider, 1.5), (self.place, 1.5), (self.body, 1.0)]
    }
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let summary = b.add_text_field("summary", STORED);
    // The hub id and the change time are in the summary: stored again, nothing would read them.
    let hub_id = b.add_text_field("hub_id", STRING);
    let title = b.add_text_field("title", text.clone());
    let tags = b.add_text_field("tags", text.clone());
    let provider = b.add_text_field("provider", text.clone());
    let place = b.add_text_field("place", text.clone());
    let body = b.add_text_field("body", text.clone());
    let words = b.add_text_field("words", text);
    let status = b.add_text_field("f_status", STRING);
    let node = b.add_text_field("f_node", STRING);
    let dims = Dim::ALL.iter().map(|d| b.add_text_field(&format!("f_{}", d.param()), STRING)).collect();
    let lat = b.add_f64_field("lat", FAST);
    let lon = b.add_f64_field("lon", FAST);
    let changed = b.add_i64_field("changed", FAST);
    let sort_key = b.add_u64_field("sort_key", FAST | INDEXED);
    let valid_until = b.add_i64_field("valid_until", FAST);
    let start_day = b.add_i64_field("start_day", FAST);
    let end_day = b.add_i64_field("end_day", FAST);
    let geo = b.add_u64_field(crate::order::FIELD, FAST);
    let offer = b.add_text_field("offer", STORED);
    let fields = Fields {
        hub_id,
        title,
        tags,
        provider,
        place,
        body,
        words,
        status,
        lat,
        lon,
        changed,
        sort_key,
        valid_until,
        start_day,
        end_day,
        geo,
        offer,
        summary,
        node,
        dims,
    };
    (b.build(), fields)
}

/// A stable 64-bit key of a hub id (FNV-1a), the tie-breaker of equal scores: the same offer
/// always sorts the same way, whatever segment it lives in.
pub fn sort_key(hub_id: &str) -> u64 {
    hub_id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The term that identifies an offer's document, for replacing and deleting it.
pub fn id_term(fields: &Fields, hub_id: &str) -> Term {
    Term::from_field_text(fields.hub_id, hub_id)
}

fn day(date: Option<&str>, missing: i64) -> i64 {
    date.and_then(Date::parse_iso).map_or(missing, Date::days_since_epoch)
}

/// The index document of an offer.
pub fn document(fields: &Fields, item: &IndexedOffer) -> TantivyDocument {
    let o = &item.offer;
    let vocab = vocabularies();
    let mut doc = TantivyDocument::new();
    // Stored values keep the order they are added in: the summary first, so that a result
    // reads it and stops (see `crate::summary`).
    doc.add_text(fields.summary, summary::encode(item));
    doc.add_text(fields.hub_id, &item.hub_id);
    doc.add_text(fields.node, &item.node_id);

    for text in o.title.values() {
        add_text(&mut doc, fields.title, Some(fields.words), text);
    }
    for text in o.description.values() {
        add_text(&mut doc, fields.body, None, text);
    }
    add_text(&mut doc, fields.provider, Some(fields.words), &o.provider.name);
    // Tags: the labels of the offer's codes in both languages, so that `Kinderbetreuung` or
    // `childcare` finds offers with that feature although their texts may not say so.
    let mut tags = Vec::new();
    let mut label = |v: &lotse_standard::vocab::Vocabulary, code: &str| {
        if let Some(c) = v.get(code) {
            tags.push(c.label.de.clone());
            tags.push(c.label.en.clone());
        }
    };
    label(&vocab.offer_types, &o.offer_type);
    o.categories.iter().for_each(|c| label(&vocab.categories, c));
    o.target_groups.iter().for_each(|c| label(&vocab.target_groups, c));
    o.life_phases.iter().for_each(|c| label(&vocab.life_phases, c));
    o.features.iter().for_each(|c| label(&vocab.features, c));
    o.languages.iter().for_each(|c| label(&vocab.languages, c));
    for t in &tags {
        add_text(&mut doc, fields.tags, Some(fields.words), t);
    }
    // Places: the locations' names and cities and the names of the municipalities served.
    let region = lotse_geo::ruhr();
    let mut places: Vec<&str> = Vec::new();
    for l in &o.locations {
        places.extend(l.name.as_deref());
        places.push(&l.city);
    }
    let mut ags: Vec<&str> = item.points.iter().map(|p| p.ags.as_str()).collect();
    ags.extend(o.locations.iter().map(|l| l.ags.as_str()));
    ags.extend(o.service_area.iter().map(String::as_str));
    ags.sort_unstable();
    ags.dedup();
    places.extend(ags.iter().filter_map(|a| region.municipality(a)).map(|m| m.name.as_str()));
    for p in places {
        add_text(&mut doc, fields.place, Some(fields.words), p);
    }

    let mut keyword = |dim: Dim, value: &str| doc.add_text(fields.dim(dim), value);
    keyword(Dim::OfferType, &o.offer_type);
    o.categories.iter().for_each(|v| keyword(Dim::Category, v));
    o.target_groups.iter().for_each(|v| keyword(Dim::TargetGroup, v));
    o.languages.iter().for_each(|v| keyword(Dim::Language, v));
    o.life_phases.iter().for_each(|v| keyword(Dim::LifePhase, v));
    o.features.iter().for_each(|v| keyword(Dim::Feature, v));
    keyword(Dim::Cost, &o.cost.kind);
    keyword(Dim::Delivery, &o.delivery);
    // An offer belongs to a municipality by its locations (where the hub placed them) and by
    // its service area.
    for a in &ags {
        keyword(Dim::Ags, a);
    }
    if let Some(level) = &o.language_level {
        let levels = &vocab.cefr_levels;
        if let (Some(from), Some(to)) = (levels.position(&level.from), levels.position(&level.to)) {
            for code in levels.codes().skip(from).take(to.saturating_sub(from) + 1) {
                keyword(Dim::Level, code);
            }
        }
    }
    doc.add_text(fields.status, &o.status);

    for p in &item.points {
        doc.add_f64(fields.lat, p.lat);
        doc.add_f64(fields.lon, p.lon);
    }
    doc.add_u64(
        fields.geo,
        item.points.first().map_or(crate::order::NONE, |p| crate::order::key(p.lat, p.lon)),
    );
    doc.add_i64(fields.changed, item.changed);
    doc.add_u64(fields.sort_key, sort_key(&item.hub_id));
    doc.add_i64(fields.valid_until, day(o.valid_until.as_deref(), NO_END));
    let schedule = o.schedule.as_ref();
    doc.add_i64(fields.start_day, day(schedule.and_then(|s| s.start_date.as_deref()), NO_START));
    doc.add_i64(fields.end_day, day(schedule.and_then(|s| s.end_date.as_deref()), NO_END));
    doc.add_text(fields.offer, summary::stored_offer(o));
    doc
}

/// Adds `text` to a stemmed field, with the stems of its compounds' parts, and its folded
/// words to the `words` field, which prefix and typo matching use. Descriptions stay out of
/// `words`: typing a prefix should find titles, providers and places, not every long text.
///
/// The terms go to tantivy as one string separated by spaces, which its whitespace tokenizer
/// splits again (terms never contain spaces). Pre-tokenised text would say the same, but
/// tantivy's documents keep it as JSON, written and read again for every field: that cost
/// more than the analysis itself. Positions are not indexed, so nothing else differs.
fn add_text(doc: &mut TantivyDocument, stemmed: Field, words: Option<Field>, text: &str) {
    let analysed = analysis::words(text);
    if analysed.is_empty() {
        return;
    }
    let mut stems = String::with_capacity(text.len() * 2);
    let mut folded = String::with_capacity(text.len() * 2);
    let push = |out: &mut String, term: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    };
    for w in &analysed {
        push(&mut stems, &w.stem);
        push(&mut folded, &w.folded);
        if let Some(bare) = analysis::bare_vowel_variant(&text[w.start..w.end]) {
            push(&mut stems, &analysis::stem(&bare));
            push(&mut folded, &bare);
        }
        for part in compound::split(&w.folded) {
            push(&mut stems, &analysis::stem(part));
            push(&mut folded, part);
        }
    }
    doc.add_text(stemmed, stems);
    if let Some(words) = words {
        doc.add_text(words, folded);
    }
}
