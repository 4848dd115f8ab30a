//! `lotse-bench records`: standard 1.1's kinds at scale, in one process — generated
//! institutions, networks and projects through the hub's harvest pipeline without the network
//! (validation, jurisdiction, placement, references: `harvest::records::judge`, then
//! `store_record_page` in pages of 500 on a fresh SQLite store), the resolution of every
//! reference after that harvest (`dangling_references`), the in-memory search index built from
//! the store as the hub's follower builds it, and searches with facets per query class:
//!
//! - R1 text only (a frequent word of names and titles);
//! - R2 text plus a facet filter;
//! - R3 facets only, in one municipality;
//! - R4 a 10 km radius with a facet filter.
//!
//! Reports records per second of the harvest by kind, the resolution's time, p50 and p99 per
//! class and kind, and the process's memory.

use std::time::Instant;

use lotse_generate::{Date, Generator, Options, Record};
use lotse_hub::harvest::client::{FeedItem, ItemBody};
use lotse_hub::harvest::records::{RECORD_KINDS, judge};
use lotse_hub::store::kinds::{RecordItem, RecordPageWrite};
use lotse_hub::store::{Checkpoint, StoreOptions};
use lotse_search::records::{RecordDoc, RecordFacet, RecordIndex, RecordQuery};
use lotse_standard::rpde::Kind;
use lotse_standard::validate::Validator;

use crate::stats::{peak_rss_mib, rss_mib};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 100_000)]
    organizations: u64,
    #[arg(long, default_value_t = 10_000)]
    networks: u64,
    #[arg(long, default_value_t = 50_000)]
    projects: u64,
    /// Queries per class and kind (each run once to warm up, then measured).
    #[arg(long, default_value_t = 200)]
    queries: usize,
}

const NODE: &str = "ruhr";
const PAGE: usize = 500;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The query classes of the records' search.
pub const CLASSES: [&str; 4] = ["R1", "R2", "R3", "R4"];

/// `n` queries of one class for `kind`: the same in process and over HTTP.
fn queries(
    kind: Kind,
    class: &str,
    n: usize,
    region: &[String],
    centres: &[lotse_geo::LatLon],
) -> Vec<RecordQuery> {
    let (words, facet, value): (&[&str], RecordFacet, &[&str]) = match kind {
        Kind::Organization => (
            &["kita", "schule", "beratung", "stadt", "bibliothek"],
            RecordFacet::OrganizationKind,
            &["kita", "schule", "beratungsstelle"],
        ),
        Kind::Network => (
            &["netzwerk", "arbeitskreis", "bildung", "frühe", "übergang"],
            RecordFacet::LifePhase,
            &["kita_3_6", "uebergang_16_25", "erwachsene"],
        ),
        _ => (
            &["sprach", "bildung", "schule", "projekt", "kinder"],
            RecordFacet::Status,
            &["running", "planned", "completed"],
        ),
    };
    (0..n)
        .map(|i| {
            let mut q = RecordQuery { page: 1, page_size: 20, lang: "de".into(), ..RecordQuery::default() };
            if class == "R1" || class == "R2" {
                q.q = Some(words[i % words.len()].to_owned());
            }
            if class != "R1" {
                q.filters.insert(facet, vec![value[i % value.len()].to_owned()]);
            }
            if class == "R3" {
                q.filters.insert(RecordFacet::Municipality, vec![region[i % region.len()].clone()]);
            }
            if class == "R4" {
                q.near = Some((centres[i % centres.len()], 10_000.0));
            }
            q
        })
        .collect()
}

/// Arguments of `lotse-bench record-urls`.
#[derive(clap::Args)]
pub struct UrlArgs {
    /// The hub's base URL (loopback only: load tests stay on this machine).
    #[arg(long)]
    base: String,
    /// organization, network or project.
    #[arg(long)]
    kind: String,
    /// R1 … R4.
    #[arg(long)]
    class: String,
    /// Number of URLs.
    #[arg(long, default_value_t = 500)]
    count: usize,
}

/// Prints search URLs of one class and kind, one per line, for a load generator
/// (`oha --urls-from-file`), as `search-urls` does for offers.
pub fn urls(args: UrlArgs) -> anyhow::Result<()> {
    crate::search::ensure_loopback(&args.base)?;
    let kind = Kind::from_singular(&args.kind)
        .filter(|k| *k != Kind::Offer)
        .ok_or_else(|| anyhow::anyhow!("--kind: organization, network or project"))?;
    anyhow::ensure!(CLASSES.contains(&args.class.as_str()), "--class: R1, R2, R3 or R4");
    let region: Vec<String> = lotse_geo::ruhr().municipalities.iter().map(|m| m.ags.clone()).collect();
    let centres: Vec<lotse_geo::LatLon> =
        lotse_geo::ruhr().municipalities.iter().map(|m| m.interior_point()).collect();
    for q in queries(kind, &args.class, args.count, &region, &centres) {
        let mut pairs: Vec<(String, String)> = vec![("kind".into(), kind.plural().into())];
        pairs.extend(q.q.iter().map(|w| ("q".to_owned(), w.clone())));
        let mut filters: Vec<_> = q.filters.iter().collect();
        filters.sort_by_key(|(f, _)| **f);
        for (facet, values) in filters {
            pairs.extend(values.iter().map(|v| (facet.param().to_owned(), v.clone())));
        }
        if let Some((at, radius)) = q.near {
            pairs.push(("near".into(), format!("{:.5},{:.5}", at.lat, at.lon)));
            pairs.push(("radius_km".into(), format!("{}", radius / 1000.0)));
        }
        println!("{}", crate::search::search_url(&args.base, &pairs));
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(run_async(args))
}

async fn run_async(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let store = lotse_hub::store::open(&url, &StoreOptions::default()).await?;
    let today = Date::today_utc();
    let mut options = Options::new(7, today);
    options.node_id = Some(NODE.into());
    options.organizations = Some(args.organizations);
    options.networks = Some(args.networks);
    options.projects = Some(args.projects);
    let generator = Generator::new(options)?;
    let region: Vec<String> = lotse_geo::ruhr().municipalities.iter().map(|m| m.ags.clone()).collect();
    let validator = Validator::new(today);
    println!(
        "records: {} organizations, {} networks, {} projects",
        args.organizations, args.networks, args.projects
    );
    for kind in RECORD_KINDS {
        let n = match kind {
            Kind::Organization => args.organizations,
            Kind::Network => args.networks,
            _ => args.projects,
        };
        let started = Instant::now();
        let (mut judge_s, mut store_s) = (0.0, 0.0);
        let mut after: Option<Checkpoint> = None;
        let mut records = generator.records(kind).take(usize::try_from(n)?);
        let mut k = 0i64;
        loop {
            let page: Vec<Record> = records.by_ref().take(PAGE).collect();
            if page.is_empty() {
                break;
            }
            let t = Instant::now();
            let items: Vec<RecordItem> = page
                .into_iter()
                .map(|r| {
                    k += 1;
                    let data = serde_json::to_value(&r).unwrap_or_default();
                    let item = FeedItem {
                        id: r.id().to_owned(),
                        modified: k,
                        body: ItemBody::Updated(data),
                        standard_version: None,
                    };
                    judge(&validator, kind, NODE, &region, item)
                })
                .collect();
            judge_s += t.elapsed().as_secs_f64();
            let rejected = items.iter().filter(|i| matches!(i, RecordItem::Reject(_))).count();
            anyhow::ensure!(rejected == 0, "{rejected} generated {kind} records rejected");
            let last = match items.last() {
                Some(RecordItem::Accept(a)) => Checkpoint { modified: a.node_modified, id: a.id.clone() },
                _ => anyhow::bail!("page without an accepted record"),
            };
            let t = Instant::now();
            let write = RecordPageWrite {
                kind,
                node_id: NODE.into(),
                after: after.clone(),
                checkpoint: last.clone(),
                items,
                now: 1,
            };
            store.store_record_page(&write).await?;
            store_s += t.elapsed().as_secs_f64();
            after = Some(last);
        }
        let total = started.elapsed().as_secs_f64();
        println!(
            "harvest {kind}: {n} records in {total:.2} s = {:.0} records/s (validate, check, place: {judge_s:.2} s; store: {store_s:.2} s)",
            n as f64 / total
        );
    }
    let t = Instant::now();
    let dangling = store.dangling_references(None, u32::MAX).await?;
    println!("resolve every reference: {:.2} s, {} dangling", t.elapsed().as_secs_f64(), dangling.len());

    // The index, built from the store as the hub's follower builds it.
    let t = Instant::now();
    let mut index = RecordIndex::new();
    for kind in RECORD_KINDS {
        let mut position = 0;
        loop {
            let rows = store.record_feed_page(kind, position, 2_000).await?;
            let Some(last) = rows.last() else { break };
            position = last.modified;
            for row in rows {
                let Some(data) = row.data.as_deref() else { continue };
                let v: serde_json::Value = serde_json::from_str(data)?;
                let (lat, lon, ags) = lotse_hub::placement::place_record(&v);
                let point = lat.zip(lon).map(|(a, b)| lotse_geo::LatLon::new(a, b));
                index.upsert(RecordDoc::new(kind, format!("{}/{}", row.node_id, row.id), &v, point, ags));
            }
        }
    }
    println!(
        "index: {} records in {:.2} s; RSS {:.0} MiB (peak {:.0} MiB)",
        RECORD_KINDS.iter().map(|k| index.len(*k)).sum::<usize>(),
        t.elapsed().as_secs_f64(),
        rss_mib().unwrap_or(0.0),
        peak_rss_mib().unwrap_or(0.0)
    );

    let centres: Vec<lotse_geo::LatLon> =
        lotse_geo::ruhr().municipalities.iter().map(|m| m.interior_point()).collect();
    println!("| kind | class | p50 ms | p99 ms | mean results |");
    println!("|---|---|---|---|---|");
    for kind in RECORD_KINDS {
        for class in CLASSES {
            let queries = queries(kind, class, args.queries, &region, &centres);
            for q in &queries {
                std::hint::black_box(index.search(kind, q));
            }
            let mut times = Vec::with_capacity(queries.len());
            let mut results = 0usize;
            for q in &queries {
                let t = Instant::now();
                let answer = std::hint::black_box(index.search(kind, q));
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                results += answer.total;
            }
            times.sort_by(|a, b| a.total_cmp(b));
            println!(
                "| {kind} | {class} | {:.3} | {:.3} | {:.0} |",
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                results as f64 / queries.len() as f64
            );
        }
    }
    println!(
        "RSS at the end {:.0} MiB (peak {:.0} MiB)",
        rss_mib().unwrap_or(0.0),
        peak_rss_mib().unwrap_or(0.0)
    );
    Ok(())
}
