//! The project map at `/projekte`: the education projects of the region on a map and in a
//! table, filtered by stage of the education biography (life phase), status and municipality;
//! the landscape as it was at a past date (`stand=YYYY-MM-DD`, from the hub's project
//! history); and what changed between two dates (`seit`, `bis`): new projects, completed ones
//! and those removed, per municipality — what BildungsProjekte RUHR tracks for decision makers.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use lotse_standard::date::Date;
use lotse_standard::rpde::Kind;
use lotse_standard::vocab::vocabularies;
use lotse_web::{Chrome, Lang};
use serde_json::Value;

use super::chrome;
use super::records::{lang_map, record_href};
use super::sheet::{Link, label, municipality_name, pick};
use crate::state::AppState;
use crate::store::kinds::{ProjectEvent, RecordFilter, StoredRecord};

/// Most projects a page shows; the filters narrow a larger landscape.
const SHOWN: usize = 500;
/// Records read per store call while filtering.
const BATCH: u32 = 500;

pub struct ProjectRow {
    pub link: Option<Link>,
    pub id: String,
    pub status: String,
    pub municipality: String,
    pub period: String,
    pub lat: String,
    pub lon: String,
}

pub struct ChangeRow {
    pub municipality: String,
    pub new: usize,
    pub completed: usize,
    pub removed: usize,
}

#[derive(Template)]
#[template(path = "projects.html")]
pub struct ProjectsPage {
    pub chrome: Chrome,
    pub lang: &'static str,
    pub rows: Vec<ProjectRow>,
    pub total: usize,
    pub truncated: bool,
    pub phases: Vec<(String, String, bool)>,
    pub statuses: Vec<(String, String, bool)>,
    pub municipalities: Vec<(String, String, bool)>,
    pub at: String,
    pub since: String,
    pub until: String,
    pub at_note: Option<String>,
    pub changes: Vec<ChangeRow>,
    pub has_map: bool,
}

impl ProjectsPage {
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        if self.lang == "en" { en } else { de }
    }
}

/// The filters of the page, from its query.
#[derive(Default)]
struct Filters {
    phase: Option<String>,
    status: Option<String>,
    ags: Option<String>,
    at: Option<Date>,
    since: Option<Date>,
    until: Option<Date>,
}

impl Filters {
    fn parse(raw: Option<&str>) -> Filters {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
        let get = |k: &str| {
            pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
        };
        Filters {
            phase: get("lebensphase"),
            status: get("status"),
            ags: get("gemeinde"),
            at: get("stand").and_then(|d| Date::parse_iso(&d)),
            since: get("seit").and_then(|d| Date::parse_iso(&d)),
            until: get("bis").and_then(|d| Date::parse_iso(&d)),
        }
    }

    fn keeps(&self, v: &Value, status: Option<&str>, ags: Option<&str>) -> bool {
        let phase_ok = self.phase.as_deref().is_none_or(|p| {
            v.get("life_phases")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(p)))
        });
        phase_ok
            && self.status.as_deref().is_none_or(|s| status == Some(s))
            && self.ags.as_deref().is_none_or(|a| ags == Some(a))
    }
}

/// End of a day in Unix seconds (UTC): a date names the whole day.
fn end_of(d: Date) -> i64 {
    (d.days_since_epoch() + 1) * 86_400 - 1
}

fn period_of(v: &Value, lang: &str) -> String {
    let p = v.get("period").cloned().unwrap_or(Value::Null);
    let d = |k: &str| p.get(k).and_then(Value::as_str).map(|s| super::text::date(s, lang));
    match (d("start"), d("end")) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) => format!("{} {a}", if lang == "en" { "since" } else { "seit" }),
        _ => String::new(),
    }
}

fn row_of(r: &StoredRecord, v: &Value, status: Option<&str>, lang: &str) -> ProjectRow {
    let voc = vocabularies();
    let hub_id = format!("{}/{}", r.node_id, r.id);
    let title = lang_map(v, "title").map(|m| pick(&m, lang).text).unwrap_or_else(|| hub_id.clone());
    ProjectRow {
        link: Some(Link { href: record_href(Kind::Project, &hub_id, lang), text: title }),
        id: hub_id,
        status: status.map(|s| label(&voc.project_statuses, s, lang)).unwrap_or_default(),
        municipality: r.ags.as_deref().map(municipality_name).unwrap_or_default(),
        period: period_of(v, lang),
        lat: r.lat.map(|x| x.to_string()).unwrap_or_default(),
        lon: r.lon.map(|x| x.to_string()).unwrap_or_default(),
    }
}

/// The projects as they are now, filtered.
async fn current(
    state: &AppState,
    f: &Filters,
    lang: &str,
) -> Result<(Vec<ProjectRow>, usize), crate::store::StoreError> {
    let store = state.hub.store();
    let filter = RecordFilter { node_id: None, ags: f.ags.clone() };
    let mut rows = Vec::new();
    let mut total = 0;
    let mut after: Option<(String, String)> = None;
    loop {
        let page = store
            .list_records(
                Kind::Project,
                &filter,
                after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                BATCH,
            )
            .await?;
        for r in &page {
            let v: Value = serde_json::from_str(&r.data).unwrap_or(Value::Null);
            let status = v.get("status").and_then(Value::as_str);
            if f.keeps(&v, status, r.ags.as_deref()) {
                total += 1;
                if rows.len() < SHOWN {
                    rows.push(row_of(r, &v, status, lang));
                }
            }
        }
        match page.last() {
            Some(last) if page.len() == BATCH as usize => {
                after = Some((last.node_id.clone(), last.id.clone()))
            }
            _ => return Ok((rows, total)),
        }
    }
}

/// The projects as they were at the end of `at`, from the history; a project removed since is
/// listed by its id.
async fn at_date(
    state: &AppState,
    f: &Filters,
    at: Date,
    lang: &str,
) -> Result<(Vec<ProjectRow>, usize), crate::store::StoreError> {
    let store = state.hub.store();
    let mut rows = Vec::new();
    let mut total = 0;
    for e in store.projects_at(end_of(at)).await? {
        let stored = store.get_record(Kind::Project, &e.node_id, &e.id).await?;
        let v: Value =
            stored.as_ref().and_then(|r| serde_json::from_str(&r.data).ok()).unwrap_or(Value::Null);
        if !f.keeps(&v, e.status.as_deref(), e.ags.as_deref()) {
            continue;
        }
        total += 1;
        if rows.len() >= SHOWN {
            continue;
        }
        rows.push(match &stored {
            Some(r) => row_of(r, &v, e.status.as_deref(), lang),
            None => ProjectRow {
                link: None,
                id: format!("{}/{}", e.node_id, e.id),
                status: e
                    .status
                    .as_deref()
                    .map(|s| label(&vocabularies().project_statuses, s, lang))
                    .unwrap_or_default(),
                municipality: e.ags.as_deref().map(municipality_name).unwrap_or_default(),
                period: String::new(),
                lat: String::new(),
                lon: String::new(),
            },
        });
    }
    Ok((rows, total))
}

/// New, completed and removed projects per municipality between two dates.
fn changes(events: &[ProjectEvent], ags_filter: Option<&str>) -> Vec<ChangeRow> {
    let mut by: BTreeMap<String, ChangeRow> = BTreeMap::new();
    for e in events {
        let ags = e.ags.clone().unwrap_or_default();
        if ags_filter.is_some_and(|a| a != ags) {
            continue;
        }
        let row = by.entry(ags.clone()).or_insert_with(|| ChangeRow {
            municipality: if ags.is_empty() { "–".to_owned() } else { municipality_name(&ags) },
            new: 0,
            completed: 0,
            removed: 0,
        });
        match (e.event.as_str(), e.status.as_deref()) {
            ("first_seen", _) => row.new += 1,
            ("status", Some("completed")) => row.completed += 1,
            ("removed", _) => row.removed += 1,
            _ => {}
        }
    }
    let mut rows: Vec<ChangeRow> = by.into_values().collect();
    rows.sort_by(|a, b| a.municipality.cmp(&b.municipality));
    rows
}

/// Most events a comparison reads.
const MAX_EVENTS: u32 = 200_000;

/// `GET /projekte`
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let lang = Lang::from_query(raw.as_deref());
    let code = lang.code();
    let f = Filters::parse(raw.as_deref());
    let listed = match f.at {
        Some(at) => at_date(&state, &f, at, code).await,
        None => current(&state, &f, code).await,
    };
    let (rows, total) = match listed {
        Ok(x) => x,
        Err(e) => {
            tracing::error!(error = %e, "project map");
            return lotse_web::error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Interner Fehler.",
                "Internal error.",
            );
        }
    };
    let changes = match f.since {
        Some(since) => {
            let until = f.until.unwrap_or_else(Date::today_utc);
            let from = since.days_since_epoch() * 86_400;
            match state.hub.store().project_events(from, end_of(until), MAX_EVENTS).await {
                Ok(events) => changes(&events, f.ags.as_deref()),
                Err(e) => {
                    tracing::error!(error = %e, "project changes");
                    Vec::new()
                }
            }
        }
        None => Vec::new(),
    };
    let voc = vocabularies();
    let choices =
        |vocab: &lotse_standard::vocab::Vocabulary, chosen: Option<&str>| -> Vec<(String, String, bool)> {
            vocab.codes().map(|c| (c.to_owned(), label(vocab, c, code), chosen == Some(c))).collect()
        };
    let mut municipalities: Vec<(String, String, bool)> = lotse_geo::ruhr()
        .municipalities
        .iter()
        .map(|m| (m.ags.clone(), m.name.clone(), f.ags.as_deref() == Some(m.ags.as_str())))
        .collect();
    municipalities.sort_by(|a, b| a.1.cmp(&b.1));
    let at_note = f.at.map(|d| {
        format!(
            "{} {}.",
            lang.t("Stand der Projektlandschaft am", "The project landscape as it was on"),
            super::text::date(&d.to_string(), code)
        )
    });
    let path_query = match raw.as_deref() {
        Some(q) if !q.is_empty() => format!("/projekte?{q}"),
        _ => "/projekte".to_owned(),
    };
    let has_map = rows.iter().any(|r| !r.lat.is_empty());
    let mut chrome =
        chrome(&state, lang, lang.t("Bildungsprojekte", "Education projects"), "/projekte", &path_query);
    if has_map {
        chrome = chrome.with_map().script("/static/hub/map.js");
    }
    lotse_web::html_page(&ProjectsPage {
        chrome,
        lang: code,
        truncated: total > rows.len(),
        rows,
        total,
        phases: choices(&voc.life_phases, f.phase.as_deref()),
        statuses: choices(&voc.project_statuses, f.status.as_deref()),
        municipalities,
        at: f.at.map(|d| d.to_string()).unwrap_or_default(),
        since: f.since.map(|d| d.to_string()).unwrap_or_default(),
        until: f.until.map(|d| d.to_string()).unwrap_or_default(),
        at_note,
        changes,
        has_map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ags: &str, event: &str, status: Option<&str>) -> ProjectEvent {
        ProjectEvent {
            node_id: "n".into(),
            id: "p".into(),
            at: 1,
            event: event.into(),
            status: status.map(str::to_owned),
            ags: Some(ags.into()),
        }
    }

    #[test]
    fn changes_are_counted_per_municipality() {
        let events = [
            event("05117000", "first_seen", Some("planned")),
            event("05117000", "status", Some("running")),
            event("05117000", "status", Some("completed")),
            event("05119000", "first_seen", Some("running")),
            event("05119000", "removed", None),
        ];
        let rows = changes(&events, None);
        let counts: Vec<(usize, usize, usize)> =
            rows.iter().map(|r| (r.new, r.completed, r.removed)).collect();
        assert_eq!(rows.len(), 2);
        assert!(counts.contains(&(1, 1, 0)) && counts.contains(&(1, 0, 1)), "{counts:?}");
        assert_eq!(changes(&events, Some("05119000")).len(), 1);
    }
}
