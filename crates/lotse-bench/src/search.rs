//! `lotse-bench search`: the search index against PostgreSQL full-text search on the same
//! generated offers and the same queries, per query class:
//!
//! - Q1 text only, half frequent terms, half selective;
//! - Q2 text plus one to three filters, with facet counts;
//! - Q3 text plus a 10 km radius, sorted by distance;
//! - Q4 a map rectangle with filters and facet counts (100 points);
//! - Q5 a typo or an unfinished word.
//!
//! Both sides answer with the top 20 (Q4: 100) and the total; facets are counted by Lotse for
//! all ten filters and by PostgreSQL with `GROUP BY` for offer type and language (so the
//! baseline does less work than Lotse). Queries run one after another on one thread, warm
//! (every query once before measuring), and the harness reports p50, p99 and p99.9 per class
//! and the ratio of the baseline's figures to Lotse's.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use lotse_generate::{Generator, Options};
use lotse_search::{Change, IndexedOffer, SearchIndex, SearchRequest, WriterOptions};
use lotse_standard::date::Date;
use sqlx::{Connection, PgConnection, Row};

use crate::stats::{peak_rss_mib, rss_anon_mib, rss_mib};

#[derive(clap::Args)]
pub struct Args {
    /// Number of generated offers.
    #[arg(long, default_value_t = 100_000)]
    offers: u64,
    /// Queries per class (each run once to warm up, then measured).
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// PostgreSQL server for the baseline (a database `lotse_bench_search_{pid}` is created on it and dropped after);
    /// without it only Lotse is measured.
    #[arg(long)]
    postgres: Option<String>,
    /// Where the index is written (a temporary directory by default).
    #[arg(long)]
    index_dir: Option<std::path::PathBuf>,
    /// Index writer threads.
    #[arg(long, default_value_t = 2)]
    writer_threads: usize,
    /// Keep the index in `--index-dir` and use it again when it holds `--offers` offers
    /// (for measuring queries repeatedly; the build is then not measured).
    #[arg(long, requires = "index_dir")]
    reuse_index: bool,
    /// Only these query classes (e.g. `Q1,Q3`; all by default), for profiling one class.
    #[arg(long, value_delimiter = ',')]
    classes: Vec<String>,
}

/// One benchmark query in both forms.
struct BenchQuery {
    class: &'static str,
    pairs: Vec<(String, String)>,
    sql: PgQuery,
}

/// The baseline's version of a query.
struct PgQuery {
    /// Text for `plainto_tsquery` (or `to_tsquery` with `prefix`).
    text: Option<String>,
    prefix: bool,
    languages: Vec<String>,
    features: Vec<String>,
    cost: Option<String>,
    near: Option<(f64, f64, f64)>,
    bbox: Option<[f64; 4]>,
    limit: i64,
}

const FREQUENT: &[&str] =
    &["Beratung", "Sprachkurs", "Deutsch", "Integrationskurs", "Familie", "Kinder", "Frauen", "Kurs"];
const SELECTIVE: &[&str] = &[
    "Alphabetisierung Abendkurs",
    "Studienkolleg",
    "Bewerbungstraining",
    "Anerkennung Pflege",
    "Hausaufgabenhilfe",
    "Sprachcafé",
    "Jugendmigrationsdienst",
    "Asylverfahrensberatung",
];
const TYPOS: &[&str] = &["Integrationskrus", "Migrationsberatnug", "Bewerbungstrainig", "Sprachkrus"];
const PREFIXES: &[&str] = &["Sprachk", "Anerken", "Integrationsk", "Hausaufg"];
const LANGUAGES: &[&str] = &["ar", "uk", "tr", "fa", "ru", "en"];
const FEATURES: &[&str] = &["kinderbetreuung", "frauen_only", "barrierefrei", "abendkurs"];

/// Arguments of `lotse-bench search-urls`.
#[derive(clap::Args)]
pub struct UrlArgs {
    /// The hub's base URL, e.g. http://127.0.0.1:18080 (loopback only: load tests stay on
    /// this machine).
    #[arg(long)]
    base: String,
    /// Q1 … Q5.
    #[arg(long)]
    class: String,
    /// Number of URLs.
    #[arg(long, default_value_t = 500)]
    count: usize,
}

/// Prints full search URLs of one query class, one per line, for a load generator
/// (`oha --urls-from-file`). Refuses a base URL off loopback.
pub fn urls(args: UrlArgs) -> anyhow::Result<()> {
    ensure_loopback(&args.base)?;
    for q in queries(args.count).into_iter().filter(|q| q.class == args.class) {
        println!("{}", url_of(&args.base, &q));
    }
    Ok(())
}

/// Search URLs of every class on `base`, the classes taking turns: a mixed query load.
pub fn url_list(base: &str) -> Vec<String> {
    let qs = queries(100);
    let mut by_class: Vec<Vec<String>> = vec![Vec::new(); 5];
    for q in &qs {
        let i = usize::from(q.class.as_bytes()[1] - b'1').min(4);
        by_class[i].push(url_of(base, q));
    }
    (0..100).flat_map(|k| by_class.iter().filter_map(move |c| c.get(k).cloned())).collect()
}

/// Refuses a base URL off loopback: load tests stay on this machine.
pub(crate) fn ensure_loopback(base: &str) -> anyhow::Result<()> {
    let loopback = ["http://127.0.0.1:", "http://[::1]:", "http://localhost:"];
    if !loopback.iter().any(|p| base.starts_with(p)) {
        anyhow::bail!("load tests stay on loopback: {base} is not 127.0.0.1");
    }
    Ok(())
}

fn url_of(base: &str, q: &BenchQuery) -> String {
    search_url(base, &q.pairs)
}

/// The search URL on `base` with the given parameters.
pub(crate) fn search_url(base: &str, pairs: &[(String, String)]) -> String {
    let query: String =
        pairs.iter().map(|(k, v)| format!("{k}={}", percent(v))).collect::<Vec<_>>().join("&");
    format!("{}/api/v1/search?{query}", base.trim_end_matches('/'))
}

/// Percent-encodes a query value (everything but unreserved ASCII).
fn percent(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn queries(n: usize) -> Vec<BenchQuery> {
    let region = lotse_geo::ruhr();
    let centres: Vec<(f64, f64)> =
        region.municipalities.iter().map(|m| m.interior_point()).map(|p| (p.lat, p.lon)).collect();
    let mut out = Vec::new();
    let pg = |text: Option<&str>| PgQuery {
        text: text.map(str::to_owned),
        prefix: false,
        languages: Vec::new(),
        features: Vec::new(),
        cost: None,
        near: None,
        bbox: None,
        limit: 20,
    };
    for i in 0..n {
        let text =
            if i % 2 == 0 { FREQUENT[i / 2 % FREQUENT.len()] } else { SELECTIVE[i / 2 % SELECTIVE.len()] };
        out.push(BenchQuery { class: "Q1", pairs: vec![("q".into(), text.into())], sql: pg(Some(text)) });
    }
    for i in 0..n {
        let text = FREQUENT[i % FREQUENT.len()];
        let lang = LANGUAGES[i % LANGUAGES.len()];
        let mut pairs = vec![("q".into(), text.to_owned()), ("language".into(), lang.to_owned())];
        let mut sql = pg(Some(text));
        sql.languages.push(lang.into());
        if i % 3 >= 1 {
            let f = FEATURES[i % FEATURES.len()];
            pairs.push(("feature".into(), f.into()));
            sql.features.push(f.into());
        }
        if i % 3 == 2 {
            pairs.push(("cost".into(), "free".into()));
            sql.cost = Some("free".into());
        }
        out.push(BenchQuery { class: "Q2", pairs, sql });
    }
    for i in 0..n {
        let text = FREQUENT[i % FREQUENT.len()];
        let (lat, lon) = centres[i % centres.len()];
        let pairs = vec![
            ("q".into(), text.to_owned()),
            ("near".into(), format!("{lat},{lon}")),
            ("radius_km".into(), "10".into()),
            ("sort".into(), "distance".into()),
        ];
        let mut sql = pg(Some(text));
        sql.near = Some((lat, lon, 10.0));
        out.push(BenchQuery { class: "Q3", pairs, sql });
    }
    for i in 0..n {
        let (lat, lon) = centres[i % centres.len()];
        // A map window of about 20 × 15 km around a town.
        let b = [lon - 0.14, lat - 0.07, lon + 0.14, lat + 0.07];
        let lang = LANGUAGES[i % LANGUAGES.len()];
        let pairs = vec![
            ("bbox".into(), format!("{},{},{},{}", b[0], b[1], b[2], b[3])),
            ("language".into(), lang.to_owned()),
            ("page_size".into(), "100".into()),
        ];
        let mut sql = pg(None);
        sql.bbox = Some(b);
        sql.languages.push(lang.into());
        sql.limit = 100;
        out.push(BenchQuery { class: "Q4", pairs, sql });
    }
    for i in 0..n {
        let (text, prefix) = if i % 2 == 0 {
            (TYPOS[i / 2 % TYPOS.len()], false)
        } else {
            (PREFIXES[i / 2 % PREFIXES.len()], true)
        };
        let mut sql = pg(Some(text));
        sql.prefix = prefix;
        out.push(BenchQuery { class: "Q5", pairs: vec![("q".into(), text.into())], sql });
    }
    out
}

/// Generated offers as the hub would index them, placed as the hub places them.
fn indexed(k: u64, generator: &Generator) -> IndexedOffer {
    let offer = generator.offer(k);
    let region = lotse_geo::ruhr();
    let placements = lotse_hub::placement::place_offer(region, &offer.locations, &HashMap::new(), |_| false);
    let points = lotse_hub::search::indexed_points(&placements);
    IndexedOffer {
        hub_id: format!("bench/{}", offer.id),
        node_id: "bench".into(),
        offer,
        changed: k as i64,
        points,
    }
}

struct Figures {
    p50: Duration,
    p99: Duration,
    p999: Duration,
    mean_total: f64,
}

fn figures(mut d: Vec<Duration>, totals: &[u64]) -> Figures {
    d.sort();
    let at = |q: f64| d[((d.len() as f64 * q) as usize).min(d.len() - 1)];
    Figures {
        p50: at(0.5),
        p99: at(0.99),
        p999: at(0.999),
        mean_total: totals.iter().sum::<u64>() as f64 / totals.len().max(1) as f64,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let today = Date::today_utc();
    let generator = Generator::new(Options::new(42, today))?;
    let dir = match &args.index_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("lotse-bench-index-{}", std::process::id())),
    };
    println!(
        "search benchmark: {} offers, {} queries per class, index in {}",
        args.offers,
        args.queries,
        dir.display()
    );
    // An index that cannot be opened (another process holds its writer, say) is an error, not
    // a reason to delete it: only an index of another size is built again.
    let reused = if args.reuse_index && dir.exists() {
        let index = SearchIndex::open_in_dir(&dir, WriterOptions::default())
            .map_err(|e| anyhow::anyhow!("{} cannot be opened for reuse: {e}", dir.display()))?;
        if index.num_docs() == args.offers { Some(index) } else { None }
    } else {
        None
    };
    let index = match reused {
        Some(index) => {
            println!("index reused (its build is not measured)");
            index
        }
        None => {
            let _ = std::fs::remove_dir_all(&dir);
            build(&args, &dir, &generator)?
        }
    };
    let size = dir_size(&dir);
    println!(
        "index on disk {:.0} MiB; RSS {:.0} MiB (peak {:.0} MiB)",
        size as f64 / 1048576.0,
        rss_mib().unwrap_or(0.0),
        peak_rss_mib().unwrap_or(0.0)
    );

    let mut qs = queries(args.queries);
    if !args.classes.is_empty() {
        qs.retain(|q| args.classes.iter().any(|c| c == q.class));
    }
    let requests: Vec<SearchRequest> = qs
        .iter()
        .map(|q| SearchRequest::from_pairs(q.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
        .collect::<Result<_, _>>()?;
    // One search reads every segment's filter sets, points and dates (once per segment):
    // what follows measures searches, not that.
    index.search(&SearchRequest::from_pairs([("q", "Elterncafe")])?)?;
    // The warm-up runs every query once; the first run of each distinct query is its cold
    // run (prefix and typo expansions are computed then and remembered afterwards).
    let mut cold: HashMap<&str, Vec<Duration>> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for (q, r) in qs.iter().zip(&requests) {
        let t = Instant::now();
        index.search(r)?;
        if seen.insert(&q.pairs) {
            cold.entry(q.class).or_default().push(t.elapsed());
        }
    }
    let mut lotse: HashMap<&str, (Vec<Duration>, Vec<u64>)> = HashMap::new();
    for (q, r) in qs.iter().zip(&requests) {
        let t = Instant::now();
        let total = measured(&index, r)?;
        let e = lotse.entry(q.class).or_default();
        e.0.push(t.elapsed());
        e.1.push(total);
    }
    println!(
        "Lotse RSS after queries: {:.0} MiB, of which {:.0} MiB not of mapped index files",
        rss_mib().unwrap_or(0.0),
        rss_anon_mib().unwrap_or(0.0)
    );
    // Printed before the baseline, which can take long at a million offers.
    for class in ["Q1", "Q2", "Q3", "Q4", "Q5"] {
        if let Some((d, t)) = lotse.get(class) {
            let l = figures(d.clone(), t);
            println!(
                "Lotse {class}: p50 / p99 / p99.9 {:.2} / {:.2} / {:.2} ms",
                ms(l.p50),
                ms(l.p99),
                ms(l.p999)
            );
        }
    }

    let baseline = match &args.postgres {
        Some(url) => Some(postgres_baseline(url, &generator, args.offers, &qs)?),
        None => None,
    };

    println!();
    println!(
        "| class | Lotse p50 / p99 / p99.9 ms | mean total | PostgreSQL p50 / p99 / p99.9 ms | mean total | ratio p50 | ratio p99 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for class in ["Q1", "Q2", "Q3", "Q4", "Q5"] {
        // Classes left out by `--classes` have no row.
        let Some((d, t)) = lotse.remove(class) else { continue };
        let l = figures(d, &t);
        let (b, ratio50, ratio99) = match baseline.as_ref().and_then(|b| b.get(class)) {
            Some((d, t)) => {
                let b = figures(d.clone(), t);
                let r50 = ms(b.p50) / ms(l.p50);
                let r99 = ms(b.p99) / ms(l.p99);
                (
                    format!("{:.2} / {:.2} / {:.2} | {:.0}", ms(b.p50), ms(b.p99), ms(b.p999), b.mean_total),
                    format!("{r50:.1}×"),
                    format!("{r99:.1}×"),
                )
            }
            None => ("– | –".into(), "–".into(), "–".into()),
        };
        println!(
            "| {class} | {:.2} / {:.2} / {:.2} | {:.0} | {b} | {ratio50} | {ratio99} |",
            ms(l.p50),
            ms(l.p99),
            ms(l.p999),
            l.mean_total
        );
    }
    println!();
    println!("First runs of each distinct query (cold expansions), Lotse:");
    println!("| class | distinct queries | p50 ms | max ms |");
    println!("|---|---|---|---|");
    for class in ["Q1", "Q2", "Q3", "Q4", "Q5"] {
        let mut d = cold.remove(class).unwrap_or_default();
        d.sort();
        if let (Some(mid), Some(max)) = (d.get(d.len() / 2), d.last()) {
            println!("| {class} | {} | {:.2} | {:.2} |", d.len(), ms(*mid), ms(*max));
        }
    }
    if args.index_dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// A measured search (warm), in a function of its own so that a profiler can count only these:
/// `valgrind --tool=callgrind --toggle-collect='lotse_bench::search::measured'`. Returns the
/// total.
///
/// The answer is also written as the JSON the API sends: with a page of 100 results that is
/// part of the cost of a search.
#[inline(never)]
fn measured(index: &SearchIndex, r: &SearchRequest) -> anyhow::Result<u64> {
    let answer = index.search(r)?;
    std::hint::black_box(serde_json::to_vec(&answer)?);
    Ok(answer.total)
}

/// Builds the index from generated offers, timing its phases.
fn build(args: &Args, dir: &std::path::Path, generator: &Generator) -> anyhow::Result<SearchIndex> {
    let index = SearchIndex::open_in_dir(
        dir,
        WriterOptions { threads: args.writer_threads, memory_bytes: 512 << 20 },
    )?;
    let started = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    // Where the time goes: making the offers (generation and placement, which a hub has done
    // before indexing), building and adding the documents, and the final commit.
    let (mut making, mut staging) = (Duration::ZERO, Duration::ZERO);
    for k in 0..args.offers {
        let t = Instant::now();
        batch.push(Change::Upsert(Box::new(indexed(k, generator))));
        making += t.elapsed();
        if batch.len() == 10_000 {
            let t = Instant::now();
            index.stage(&batch)?;
            staging += t.elapsed();
            batch.clear();
        }
    }
    let t = Instant::now();
    index.stage(&batch)?;
    staging += t.elapsed();
    let t = Instant::now();
    index.commit(args.offers as i64)?;
    let committing = t.elapsed();
    let built = started.elapsed();
    println!(
        "build phases: offers generated and placed {:.1} s, documents built and added {:.1} s, final commit {:.1} s",
        making.as_secs_f64(),
        staging.as_secs_f64(),
        committing.as_secs_f64()
    );
    // Let merges finish so that queries see the index as it settles.
    let t = Instant::now();
    index.wait_merging()?;
    println!(
        "index build (generation and placement included): {:.1} s = {:.0} offers/s until searchable; background merges finished {:.1} s later",
        built.as_secs_f64(),
        args.offers as f64 / built.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    Ok(SearchIndex::open_in_dir(dir, WriterOptions::default())?)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}

type ClassTimes = HashMap<&'static str, (Vec<Duration>, Vec<u64>)>;

/// Loads the same offers into PostgreSQL (a `german` tsvector with a GIN index, B-tree on the
/// coordinates, GIN on the language and feature arrays) and runs the same queries.
fn postgres_baseline(
    url: &str,
    generator: &Generator,
    n: u64,
    qs: &[BenchQuery],
) -> anyhow::Result<ClassTimes> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut admin = PgConnection::connect(url).await.context("PostgreSQL baseline")?;
        // One database per process, so that a run never drops another's.
        let name = format!("lotse_bench_search_{}", std::process::id());
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await?;
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
        let db_url = match url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("PostgreSQL URL without a database name"),
        };
        let mut c = PgConnection::connect(&db_url).await?;
        sqlx::query(
            "CREATE TABLE offers (id text PRIMARY KEY, title text, body text, offer_type text, languages text[], \
             features text[], cost text, lat float8, lon float8, tsv tsvector)",
        )
        .execute(&mut c)
        .await?;
        let started = Instant::now();
        let mut k = 0;
        while k < n {
            let end = (k + 1000).min(n);
            let mut q = String::from("INSERT INTO offers (id, title, body, offer_type, languages, features, cost, lat, lon) VALUES ");
            let mut rows = Vec::new();
            for i in k..end {
                rows.push(indexed(i, generator));
            }
            for (j, _) in rows.iter().enumerate() {
                let b = j * 9;
                q.push_str(&format!(
                    "{}(${},${},${},${},${},${},${},${},${})",
                    if j == 0 { "" } else { "," },
                    b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9
                ));
            }
            let mut query = sqlx::query(&q);
            for r in &rows {
                let o = &r.offer;
                let body = format!(
                    "{} {} {}",
                    o.description.get("de").cloned().unwrap_or_default(),
                    o.provider.name,
                    o.locations.iter().map(|l| l.city.as_str()).collect::<Vec<_>>().join(" ")
                );
                query = query
                    .bind(r.hub_id.clone())
                    .bind(o.title.get("de").cloned().unwrap_or_default())
                    .bind(body)
                    .bind(o.offer_type.clone())
                    .bind(o.languages.clone())
                    .bind(o.features.clone())
                    .bind(o.cost.kind.clone())
                    .bind(r.points.first().map(|p| p.lat))
                    .bind(r.points.first().map(|p| p.lon));
            }
            query.execute(&mut c).await?;
            k = end;
        }
        sqlx::query("UPDATE offers SET tsv = setweight(to_tsvector('german', title), 'A') || to_tsvector('german', body)")
            .execute(&mut c)
            .await?;
        for ddl in [
            "CREATE INDEX ON offers USING gin (tsv)",
            "CREATE INDEX ON offers (lat, lon)",
            "CREATE INDEX ON offers USING gin (languages)",
            "CREATE INDEX ON offers USING gin (features)",
            "VACUUM ANALYZE offers",
        ] {
            sqlx::query(ddl).execute(&mut c).await?;
        }
        println!("PostgreSQL load and index: {:.1} s", started.elapsed().as_secs_f64());
        for q in qs {
            pg_run(&mut c, &q.sql).await?;
        }
        let mut out: ClassTimes = HashMap::new();
        for q in qs {
            let t = Instant::now();
            let total = pg_run(&mut c, &q.sql).await?;
            let e = out.entry(q.class).or_default();
            e.0.push(t.elapsed());
            e.1.push(total);
        }
        drop(c);
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await?;
        Ok(out)
    })
}

/// Runs one baseline query: the top rows, the total, and facets for offer type and language.
async fn pg_run(c: &mut PgConnection, q: &PgQuery) -> anyhow::Result<u64> {
    let mut conds = Vec::new();
    let tsq = if q.prefix { "to_tsquery('german', $1 || ':*')" } else { "plainto_tsquery('german', $1)" };
    if q.text.is_some() {
        conds.push(format!("tsv @@ {tsq}"));
    } else {
        conds.push("$1::text IS NULL".into());
    }
    conds.push("($2::text[] = '{}' OR languages && $2)".into());
    conds.push("($3::text[] = '{}' OR features @> $3)".into());
    conds.push("($4::text IS NULL OR cost = $4)".into());
    let (lat, lon, radius) = q.near.unwrap_or((0.0, 0.0, 0.0));
    let bbox = q.bbox.or_else(|| {
        q.near.map(|(lat, lon, r)| {
            let dlat = r / 111.0;
            let dlon = r / (111.0 * lat.to_radians().cos());
            [lon - dlon, lat - dlat, lon + dlon, lat + dlat]
        })
    });
    if bbox.is_some() {
        conds.push("lat BETWEEN $6 AND $8 AND lon BETWEEN $5 AND $7".into());
    } else {
        conds.push("$5::float8 IS NOT NULL AND $6::float8 IS NOT NULL AND $7::float8 IS NOT NULL AND $8::float8 IS NOT NULL".into());
    }
    let distance = "(6371.0 * 2 * asin(sqrt(power(sin(radians(lat - $9) / 2), 2) + cos(radians($9)) * cos(radians(lat)) * power(sin(radians(lon - $10) / 2), 2))))";
    if q.near.is_some() {
        conds.push(format!("{distance} <= $11"));
    } else {
        conds.push("$9::float8 IS NOT NULL AND $10::float8 IS NOT NULL AND $11::float8 IS NOT NULL".into());
    }
    let filter = conds.join(" AND ");
    let order = if q.near.is_some() {
        distance.to_owned()
    } else if q.text.is_some() {
        format!("ts_rank(tsv, {tsq}) DESC")
    } else {
        "id".to_owned()
    };
    let b = bbox.unwrap_or([0.0; 4]);
    let sqls = [
        format!("SELECT id FROM offers WHERE {filter} ORDER BY {order} LIMIT {}", q.limit),
        format!("SELECT count(*) FROM offers WHERE {filter}"),
        format!("SELECT offer_type, count(*) FROM offers WHERE {filter} GROUP BY 1"),
        format!("SELECT l, count(*) FROM offers, unnest(languages) l WHERE {filter} GROUP BY 1"),
    ];
    let mut total = 0;
    for (i, sql) in sqls.iter().enumerate() {
        let rows = sqlx::query(sql)
            .bind(q.text.clone())
            .bind(q.languages.clone())
            .bind(q.features.clone())
            .bind(q.cost.clone())
            .bind(b[0])
            .bind(b[1])
            .bind(b[2])
            .bind(b[3])
            .bind(lat)
            .bind(lon)
            .bind(radius)
            .fetch_all(&mut *c)
            .await?;
        if i == 1 {
            total = rows.first().map_or(0, |r| r.get::<i64, _>(0)) as u64;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    /// The harness at a small size, as a smoke test in every test run (with the PostgreSQL
    /// baseline where the test database is configured).
    #[test]
    fn runs_at_a_small_size() {
        let dir = tempfile::tempdir().unwrap();
        super::run(super::Args {
            offers: 300,
            queries: 5,
            postgres: std::env::var("LOTSE_TEST_POSTGRES_URL").ok(),
            index_dir: Some(dir.path().join("index")),
            writer_threads: 1,
            reuse_index: false,
            classes: Vec::new(),
        })
        .unwrap();
    }
}
