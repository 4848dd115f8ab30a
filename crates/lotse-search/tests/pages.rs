//! Paging through every result of a search gives exactly the order of the export, which ranks
//! all results by scoring each one: the shortcuts of the page ranking (champion lists, block-max
//! pruning after them, scoring only the results of selective filters, nearest cells first)
//! must not change what is listed or in what order.
//!
//! The dataset is large enough that frequent words match more documents than a champion list
//! holds, so that deep pages and selective filters run past the lists.

use std::sync::LazyLock;

use lotse_generate::{Generator, Options};
use lotse_search::{Change, SearchIndex, SearchRequest, WriterOptions};
use lotse_standard::date::Date;

mod common;
use common::placed;

const OFFERS: usize = 6_000;
/// Champion lists shorter than the frequent words' documents in each segment.
const CHAMPIONS: usize = 2_048;

fn today() -> Date {
    Date::new(2026, 3, 1).unwrap()
}

/// Two segments (of unequal size), so that the page is merged across segments too.
static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    let index = SearchIndex::in_ram(WriterOptions::default()).unwrap().with_champion_lists(CHAMPIONS);
    let changes: Vec<Change> = Generator::new(Options::new(7, today()))
        .unwrap()
        .take(OFFERS)
        .enumerate()
        .map(|(k, o)| Change::Upsert(Box::new(placed("pages", o, k as i64 % 30))))
        .collect();
    let (a, b) = changes.split_at(OFFERS * 2 / 3);
    index.stage(a).unwrap();
    index.commit(1).unwrap();
    index.stage(b).unwrap();
    index.commit(2).unwrap();
    index
});

fn request(pairs: &[(&str, &str)]) -> SearchRequest {
    let mut req = SearchRequest::from_pairs(pairs.iter().copied()).unwrap();
    req.today = today().days_since_epoch();
    req
}

/// The hub ids of every page of `pairs`, 100 at a time, and the total the first page gave.
fn paged(pairs: &[(&str, &str)]) -> (Vec<String>, u64) {
    let mut ids = Vec::new();
    let mut total = None;
    for page in 1.. {
        let mut p = pairs.to_vec();
        let page = page.to_string();
        p.extend([("page", page.as_str()), ("page_size", "100")]);
        let answer = INDEX.search(&request(&p)).unwrap();
        total.get_or_insert(answer.total);
        if answer.results.is_empty() {
            break;
        }
        ids.extend(answer.results.into_iter().map(|h| h.id));
    }
    (ids, total.unwrap_or(0))
}

fn exported(pairs: &[(&str, &str)]) -> Vec<String> {
    let mut export = INDEX.export(&request(pairs)).unwrap();
    let mut ids = Vec::new();
    loop {
        let batch = export.next_batch(500).unwrap();
        if batch.is_empty() {
            return ids;
        }
        ids.extend(batch.into_iter().map(|i| i.hub_id));
    }
}

#[test]
fn every_page_follows_the_order_of_the_export() {
    let queries: &[&[(&str, &str)]] = &[
        // Frequent words: deep pages run past the champion lists.
        &[("q", "Beratung")],
        &[("q", "Kurs")],
        &[("q", "Deutsch ")],
        // Selective filters: the lists hold few results, the rest is scored one by one.
        &[("q", "Beratung"), ("language", "ar")],
        &[("q", "Kurs"), ("feature", "kinderbetreuung"), ("cost", "free")],
        // An unfinished word that matches only as a prefix, and a typo.
        &[("q", "Sprachk")],
        &[("q", "Integrationskrus")],
        // Two words.
        &[("q", "Sprachkurs Abend")],
        // Nearest first, with and without words; relevance with a place.
        &[("q", "Beratung"), ("near", "51.4556,7.0116"), ("radius_km", "15"), ("sort", "distance")],
        &[("near", "51.5136,7.4653"), ("radius_km", "10"), ("sort", "distance")],
        &[("q", "Kurs"), ("near", "51.4818,7.2162"), ("radius_km", "12")],
        // Newest first, with and without words, and a map window with a filter.
        &[("q", "Beratung"), ("sort", "changed")],
        &[("sort", "changed")],
        &[("bbox", "6.9,51.4,7.3,51.55"), ("language", "en")],
    ];
    let mut long = 0;
    for q in queries {
        let all = exported(q);
        let (pages, total) = paged(q);
        assert_eq!(total, all.len() as u64, "{q:?}: total");
        assert_eq!(pages.len(), all.len(), "{q:?}: number of results over all pages");
        if let Some(i) = pages.iter().zip(&all).position(|(a, b)| a != b) {
            panic!("{q:?}: result {i} is {} on the pages but {} in the export", pages[i], all[i]);
        }
        if all.len() > CHAMPIONS {
            long += 1;
        }
    }
    // The test is only worth its name if some searches run past a champion list.
    assert!(long >= 2, "only {long} searches have more results than a champion list holds");
}

/// Ordered by date, a result still shows its relevance score: every result of a search by
/// words matched them and scores above zero, as it does in the order by relevance.
#[test]
fn results_by_date_keep_their_scores() {
    let by_date =
        INDEX.search(&request(&[("q", "Beratung"), ("sort", "changed"), ("page_size", "100")])).unwrap();
    let by_relevance = INDEX.search(&request(&[("q", "Beratung"), ("page_size", "100")])).unwrap();
    assert_eq!(by_date.results.len(), 100);
    let relevance: std::collections::HashMap<_, _> =
        by_relevance.results.iter().map(|h| (h.id.clone(), h.score)).collect();
    for hit in &by_date.results {
        assert!(hit.score > 0.0, "{} has no score", hit.id);
        if let Some(score) = relevance.get(&hit.id) {
            assert_eq!(*score, hit.score, "{}: the same score in both orders", hit.id);
        }
    }
}
