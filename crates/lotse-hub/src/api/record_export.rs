//! Exports of institutions, networks and projects: `GET /api/v1/export.csv` and
//! `/api/v1/export.ndjson` with `kind=organizations|networks|projects` (offers, the default,
//! stay with [`super::map`]), and each kind's map layer as GeoJSON
//! (`/api/v1/organizations.geojson`, `/networks.geojson`, `/projects.geojson`). All take the
//! filters of the kinds' search ([`super::search::parse_record_query`]).
//!
//! An export reads the store, not the search's in-memory index: the store has the records' own
//! JSON, and an export holds one page of records at a time however many there are. Whether a
//! record matches is decided by the search's own code, [`RecordIndex::search`], run on an index
//! of just that page, so that an export and a search with the same filters never disagree.
//! Every record that matches is exported, batch by batch as it is read, like the offers'
//! exports; records are in the order of the store (by node, then id).
//!
//! Each exported record is a record of the standard, with two changes so that one file can
//! hold the records of every node: its id is made unique across nodes as the offers' export
//! makes it (`{node_id}:{id}`), and a reference that names no node — a record of the
//! referring record's own node — names that node, so that it still names the same record.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lotse_geo::LatLon;
use lotse_http::Problem;
use lotse_http::problem::ProblemDetails;
use lotse_search::records::{RecordDoc, RecordIndex, RecordQuery};
use lotse_standard::canonical::Canonical;
use lotse_standard::model::Record;
use lotse_standard::rpde::Kind;
use serde_json::{Value, json};

use super::map::{Format, strip_bom_and_header};
use super::search::parse_record_query;
use crate::http_error::HttpResult;
use crate::state::AppState;
use crate::store::HubStore;
use crate::store::kinds::{RecordFilter, StoredRecord};

/// Records read from the store per batch of an export.
const EXPORT_BATCH: u32 = 500;

/// The search's page size, which [`RecordIndex::search`] caps at 100.
const MATCH_PAGE: usize = 100;

/// Splits `kind` off a query string's pairs: the kind it names (offers without it) and the
/// other pairs. A kind twice, or one that is not a kind, is refused.
pub(crate) fn split_kind(query: Option<&str>) -> Result<(Kind, Vec<(String, String)>), Problem> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let kinds: Vec<&str> = pairs.iter().filter(|(k, _)| k == "kind").map(|(_, v)| v.as_str()).collect();
    let kind = match kinds.as_slice() {
        [] => Kind::Offer,
        [one] => Kind::from_plural(one).ok_or_else(|| {
            Problem::bad_request(
                "kind muss offers, organizations, networks oder projects sein.",
                "kind must be offers, organizations, networks or projects.",
            )
            .with_extension("parameter", Value::from("kind"))
        })?,
        _ => {
            return Err(Problem::bad_request("kind höchstens einmal.", "kind at most once.")
                .with_extension("parameter", Value::from("kind")));
        }
    };
    Ok((kind, pairs.into_iter().filter(|(k, _)| k != "kind").collect()))
}

/// The path of a record's page at the hub (`lotse_http::kind::page_root`, which the public
/// pages of `crate::web` serve; a test follows the URLs to the pages).
fn page_url(kind: Kind, node_id: &str, id: &str) -> String {
    let root = lotse_http::kind::page_root(kind);
    format!("{root}/{node_id}/{id}")
}

/// A stored record as an export writes it (see the module documentation), or `None` when its
/// JSON cannot be read, which the harvest's validation makes impossible.
fn exported(kind: Kind, row: &StoredRecord, value: &Value) -> Option<Record> {
    let record = Record::from_value(kind, value.clone()).ok()?;
    let mut v = value.clone();
    // The references by their pointers, from the one list the standard keeps of them.
    for (pointer, _, reference) in record.references() {
        if reference.node.is_none()
            && let Some(slot) = v.pointer_mut(&pointer)
        {
            *slot = json!({"node": row.node_id, "id": reference.id});
        }
    }
    v["id"] = Value::from(format!("{}:{}", row.node_id, row.id));
    Record::from_value(kind, v).ok()
}

/// A record as a GeoJSON feature (RFC 7946): its point at the hub as `[lon, lat]`, or no
/// geometry when the hub could not place it.
fn feature(kind: Kind, row: &StoredRecord, doc: &RecordDoc, lang: &str) -> Value {
    let hub_id = format!("{}/{}", row.node_id, row.id);
    let geometry = match (row.lat, row.lon) {
        (Some(lat), Some(lon)) => json!({"type": "Point", "coordinates": [lon, lat]}),
        _ => Value::Null,
    };
    json!({
        "type": "Feature",
        "id": hub_id,
        "geometry": geometry,
        "properties": {
            "id": hub_id,
            "kind": kind.singular(),
            "title": doc.title(lang),
            "ags": row.ags,
            "url": page_url(kind, &row.node_id, &row.id),
        },
    })
}

/// A batch read from the store: each record with its JSON and its search document.
type Read = Vec<(StoredRecord, Value, RecordDoc)>;

/// The records of a batch that `q` matches, in the batch's order, by the search's own rules.
fn matching(kind: Kind, q: &RecordQuery, batch: Read) -> Read {
    let mut index = RecordIndex::new();
    for (_, _, doc) in &batch {
        index.upsert(doc.clone());
    }
    let mut q = q.clone();
    q.page_size = MATCH_PAGE;
    let mut matched: HashSet<String> = HashSet::new();
    for page in 1.. {
        q.page = page;
        let answer = index.search(kind, &q);
        matched.extend(answer.results.into_iter().map(|h| h.id));
        if page * MATCH_PAGE >= answer.total {
            break;
        }
    }
    batch.into_iter().filter(|(_, _, doc)| matched.contains(&doc.hub_id)).collect()
}

/// Reads a batch: the records after `after`, each with its JSON and search document (placed
/// where the hub placed it). A record whose JSON cannot be read is left out.
fn read(kind: Kind, rows: Vec<StoredRecord>) -> Read {
    rows.into_iter()
        .filter_map(|row| {
            let value: Value = serde_json::from_str(&row.data).ok()?;
            let hub_id = format!("{}/{}", row.node_id, row.id);
            let point = row.lat.zip(row.lon).map(|(lat, lon)| LatLon::new(lat, lon));
            let doc = RecordDoc::new(kind, hub_id, &value, point, row.ags.clone());
            Some((row, value, doc))
        })
        .collect()
}

/// Writes the matching records of a batch; `first` says whether this is the export's first
/// output (the CSV's BOM and header, the GeoJSON without a comma before).
fn write(
    kind: Kind,
    format: Format,
    lang: &str,
    matched: &Read,
    first: &mut bool,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(matched.len() * 1500);
    match format {
        Format::GeoJson => {
            for (row, _, doc) in matched {
                if !*first {
                    out.push(b',');
                }
                *first = false;
                out.extend(serde_json::to_vec(&feature(kind, row, doc, lang)).unwrap_or_default());
            }
        }
        Format::Ndjson => {
            for (row, value, _) in matched {
                if let Some(record) = exported(kind, row, value) {
                    out.extend(Canonical::of_record(&record).json.into_bytes());
                    out.push(b'\n');
                }
            }
        }
        Format::Csv => {
            if matched.is_empty() {
                return Ok(out);
            }
            // A writer per batch, as the offers' export has: the first batch keeps the BOM
            // and the header, later ones continue the same table.
            let mut writer = lotse_standard::csv::write_kind(kind, Vec::new());
            for (row, value, _) in matched {
                if let Some(record) = exported(kind, row, value) {
                    writer.write_record(&record)?;
                }
            }
            let bytes = writer.finish()?;
            out = if *first { bytes } else { strip_bom_and_header(&bytes).to_vec() };
            *first = false;
        }
    }
    Ok(out)
}

/// Streams every record of `kind` that `q` matches in `format`, batch by batch as the store
/// gives them.
pub(crate) fn stream(state: &AppState, kind: Kind, q: RecordQuery, format: Format) -> HttpResult<Response> {
    let store = state.hub.store().clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let store: &dyn HubStore = store.as_ref();
        let lang = if q.lang.is_empty() { "de".to_owned() } else { q.lang.clone() };
        let q = std::sync::Arc::new(q);
        let failed = || Err(std::io::Error::other("export failed"));
        if matches!(format, Format::GeoJson)
            && tx.send(Ok(br#"{"type":"FeatureCollection","features":["#.to_vec())).await.is_err()
        {
            return;
        }
        let mut after: Option<(String, String)> = None;
        let mut first = true;
        loop {
            let rows = match store
                .list_records(
                    kind,
                    &RecordFilter::default(),
                    after.as_ref().map(|(n, i)| (n.as_str(), i.as_str())),
                    EXPORT_BATCH,
                )
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, %kind, "export stopped");
                    let _ = tx.send(failed()).await;
                    return;
                }
            };
            let Some(last) = rows.last() else { break };
            after = Some((last.node_id.clone(), last.id.clone()));
            let full = rows.len() == EXPORT_BATCH as usize;
            // Matching and writing take the CPU; the blocking pool keeps them off the
            // runtime's threads.
            let (q, lang, was_first) = (q.clone(), lang.clone(), first);
            let written = tokio::task::spawn_blocking(move || {
                let matched = matching(kind, &q, read(kind, rows));
                let mut first = was_first;
                write(kind, format, &lang, &matched, &mut first).map(|bytes| (bytes, first))
            })
            .await;
            let bytes = match written {
                Ok(Ok((bytes, still_first))) => {
                    first = still_first;
                    bytes
                }
                Ok(Err(e)) => {
                    tracing::error!(error = %e, %kind, "export could not be written");
                    let _ = tx.send(failed()).await;
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, %kind, "export task failed");
                    let _ = tx.send(failed()).await;
                    return;
                }
            };
            if !bytes.is_empty() && tx.send(Ok(bytes)).await.is_err() {
                return;
            }
            if !full {
                break;
            }
        }
        let end = match format {
            Format::GeoJson => b"]}\n".to_vec(),
            // No record matched: still a table with its BOM and header.
            Format::Csv if first => {
                lotse_standard::csv::write_kind(kind, Vec::new()).finish().unwrap_or_default()
            }
            _ => return,
        };
        let _ = tx.send(Ok(end)).await;
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    let (de, _) = lotse_http::kind::plural_label(kind);
    let name = de.to_lowercase();
    let (content_type, file) = match format {
        Format::GeoJson => ("application/geo+json", format!("{name}.geojson")),
        Format::Csv => ("text/csv; charset=utf-8", format!("{name}.csv")),
        Format::Ndjson => ("application/x-ndjson", format!("{name}.ndjson")),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// A kind's map layer with the query's filters.
fn geojson(state: &AppState, kind: Kind, query: Option<&str>) -> HttpResult<Response> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    stream(state, kind, parse_record_query(&pairs)?, Format::GeoJson)
}

/// Every institution that matches the filters as GeoJSON (RFC 7946), streamed.
#[utoipa::path(get, path = "/api/v1/organizations.geojson", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Suchtext / search text"),
        ("organization_kind" = Option<Vec<String>>, Query, description = "Art der Einrichtung / kind of institution"),
        ("school_type" = Option<Vec<String>>, Query, description = "Schulform / school type"),
        ("life_phase" = Option<Vec<String>>, Query, description = "Lebensphase / life phase"),
        ("language" = Option<Vec<String>>, Query, description = "Sprache / language"),
        ("ags" = Option<Vec<String>>, Query, description = "Gemeinde (AGS) / municipality (AGS)"),
        ("near" = Option<String>, Query, description = "lat,lon"),
        ("radius_km" = Option<f64>, Query, description = "Umkreis um near in km (Standard 25) / radius around near in km (default 25)"),
        ("lang" = Option<String>, Query, description = "de | en: Sprache der Namen / language of the names"),
    ),
    responses((status = 200, description = "GeoJSON FeatureCollection; properties id, kind, title, ags, url (die Seite am Hub / the page at the hub)", body = Object, content_type = "application/geo+json"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn organizations_geojson(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    geojson(&state, Kind::Organization, query.as_deref())
}

/// Every network that matches the filters as GeoJSON (RFC 7946), streamed.
#[utoipa::path(get, path = "/api/v1/networks.geojson", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Suchtext / search text"),
        ("life_phase" = Option<Vec<String>>, Query, description = "Lebensphase / life phase"),
        ("target_group" = Option<Vec<String>>, Query, description = "Zielgruppe / target group"),
        ("ags" = Option<Vec<String>>, Query, description = "Gemeinde (AGS) / municipality (AGS)"),
        ("near" = Option<String>, Query, description = "lat,lon"),
        ("radius_km" = Option<f64>, Query, description = "Umkreis um near in km (Standard 25) / radius around near in km (default 25)"),
        ("lang" = Option<String>, Query, description = "de | en: Sprache der Namen / language of the names"),
    ),
    responses((status = 200, description = "GeoJSON FeatureCollection; properties id, kind, title, ags, url (die Seite am Hub / the page at the hub)", body = Object, content_type = "application/geo+json"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn networks_geojson(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    geojson(&state, Kind::Network, query.as_deref())
}

/// Every project that matches the filters as GeoJSON (RFC 7946), streamed.
#[utoipa::path(get, path = "/api/v1/projects.geojson", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Suchtext / search text"),
        ("status" = Option<Vec<String>>, Query, description = "planned | running | completed"),
        ("life_phase" = Option<Vec<String>>, Query, description = "Lebensphase / life phase"),
        ("target_group" = Option<Vec<String>>, Query, description = "Zielgruppe / target group"),
        ("ags" = Option<Vec<String>>, Query, description = "Gemeinde (AGS) / municipality (AGS)"),
        ("near" = Option<String>, Query, description = "lat,lon"),
        ("radius_km" = Option<f64>, Query, description = "Umkreis um near in km (Standard 25) / radius around near in km (default 25)"),
        ("lang" = Option<String>, Query, description = "de | en: Sprache der Titel / language of the titles"),
    ),
    responses((status = 200, description = "GeoJSON FeatureCollection; properties id, kind, title, ags, url (die Seite am Hub / the page at the hub)", body = Object, content_type = "application/geo+json"),
              (status = 400, description = "Ungültiger Parameter / invalid parameter", body = ProblemDetails, content_type = "application/problem+json")))]
pub(crate) async fn projects_geojson(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> HttpResult<Response> {
    geojson(&state, Kind::Project, query.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(node: &str, id: &str) -> StoredRecord {
        StoredRecord {
            kind: Kind::Network,
            node_id: node.into(),
            id: id.into(),
            modified: 1,
            data: String::new(),
            standard_version: None,
            findings: None,
            first_seen: 0,
            last_changed: 0,
            lat: Some(51.45),
            lon: Some(7.01),
            ags: Some("05113000".into()),
        }
    }

    #[test]
    fn an_exported_record_is_unique_and_names_its_references_nodes() {
        let value = json!({
            "id": "net-1",
            "name": {"de": "Netzwerk"},
            "coordinators": [{"name": "Dana", "email": "dana@example.org", "organization": "kita-1"}],
            "members": ["kita-1", "muelheim/kita-2"],
            "service_area": ["05113000"]
        });
        let Some(Record::Network(n)) = exported(Kind::Network, &stored("essen", "net-1"), &value) else {
            panic!("a network");
        };
        assert_eq!(n.id, "essen:net-1");
        let hub_ids: Vec<String> = n.members.iter().map(|r| r.hub_id("elsewhere")).collect();
        assert_eq!(hub_ids, ["essen/kita-1", "muelheim/kita-2"]);
        assert_eq!(n.coordinators[0].organization.as_ref().unwrap().hub_id("elsewhere"), "essen/kita-1");
    }

    #[test]
    fn a_feature_has_lon_lat_and_the_hub_page() {
        let row = stored("essen", "net-1");
        let value = json!({"id": "net-1", "name": {"de": "Netzwerk", "en": "Network"}});
        let doc = RecordDoc::new(Kind::Network, "essen/net-1".into(), &value, None, None);
        let f = feature(Kind::Network, &row, &doc, "en");
        assert_eq!(f["geometry"]["coordinates"], json!([7.01, 51.45]));
        assert_eq!(f["properties"]["url"], "/netzwerke/essen/net-1");
        assert_eq!(
            (f["properties"]["title"].as_str(), f["properties"]["kind"].as_str()),
            (Some("Network"), Some("network"))
        );
    }

    #[test]
    fn kind_once_and_known() {
        assert_eq!(split_kind(None).unwrap().0, Kind::Offer);
        let (kind, rest) = split_kind(Some("kind=projects&q=kita")).unwrap();
        assert_eq!((kind, rest), (Kind::Project, vec![("q".to_owned(), "kita".to_owned())]));
        assert!(split_kind(Some("kind=events")).is_err());
        assert!(split_kind(Some("kind=projects&kind=networks")).is_err());
    }
}
