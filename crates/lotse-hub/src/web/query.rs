//! The search page's URL: what the adviser's form sends, cleaned into the search API's
//! parameters, and the state kept in every link of the page (pagination, language switch).
//!
//! The form sends every field, filled or not, so empty values are dropped here; the place
//! (`ort`) is the page's own parameter and becomes the API's `near`. Everything else is passed
//! unchanged to the parser the API uses too ([`crate::search::parse_request`]), so the page
//! searches exactly as `/api/v1/search` does.

use lotse_search::SearchRequest;

use super::place::{self, Place};
use crate::http_error::HttpError;
use crate::search::parse_request;

/// The page's own parameters, not the search API's.
pub const PLACE: &str = "ort";
/// Only the map window (`bbox`) is searched, set by the map's checkbox.
const IN_MAP: &str = "karte";
/// Results per page.
pub const PAGE_SIZE: u32 = 20;
/// The radius when a place is given without one.
pub const DEFAULT_RADIUS_KM: &str = "5";

/// A search page's request, cleaned.
#[derive(Debug, Default)]
pub struct PageQuery {
    /// The parameters that describe the search (no `page`, no `lang`), in the order sent:
    /// what a bookmark keeps.
    pub state: Vec<(String, String)>,
    pub page: u32,
    pub place_text: String,
    pub place: Option<Place>,
    /// A place was typed that the region pack does not know.
    pub place_unknown: bool,
    /// A distance order was asked for without a place, and relevance was used.
    pub sort_dropped: bool,
}

impl PageQuery {
    pub fn parse(raw: Option<&str>) -> PageQuery {
        let mut q = PageQuery { page: 1, ..PageQuery::default() };
        let pairs = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned();
        for (key, value) in pairs {
            let value = value.trim().to_owned();
            if value.is_empty() && key != "q" {
                continue;
            }
            match key.as_str() {
                "lang" | "_csrf" => {}
                "page" => q.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                PLACE => q.place_text = value,
                "q" if value.is_empty() => {}
                _ => q.state.push((key, value)),
            }
        }
        if !q.place_text.is_empty() {
            q.place = place::resolve(&q.place_text);
            q.place_unknown = q.place.is_none();
            // A typed place replaces the browser's position.
            q.state.retain(|(k, _)| k != "near");
            q.state.push((PLACE.to_owned(), q.place_text.clone()));
        }
        let has_near = q.place.is_some() || q.get("near").is_some();
        if !has_near {
            q.state.retain(|(k, _)| k != "radius_km");
            if q.get("sort") == Some("distance") {
                q.sort_dropped = true;
                q.state.retain(|(k, _)| k != "sort");
            }
        }
        if q.get(IN_MAP).is_none() {
            q.state.retain(|(k, _)| k != "bbox");
        }
        q
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.state.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, key: &str, value: &str) -> bool {
        self.state.iter().any(|(k, v)| k == key && v.split(',').any(|x| x == value))
    }

    /// The search as the API's parser reads it.
    pub fn request(&self, lang: &str) -> Result<SearchRequest, HttpError> {
        let mut pairs: Vec<(String, String)> =
            self.state.iter().filter(|(k, _)| k != PLACE && k != IN_MAP).cloned().collect();
        if let Some(p) = &self.place {
            pairs.push(("near".into(), format!("{},{}", p.point.lat, p.point.lon)));
            if !pairs.iter().any(|(k, _)| k == "radius_km") {
                pairs.push(("radius_km".into(), DEFAULT_RADIUS_KM.into()));
            }
        }
        pairs.push(("page".into(), self.page.to_string()));
        pairs.push(("page_size".into(), PAGE_SIZE.to_string()));
        pairs.push(("lang".into(), lang.to_owned()));
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        parse_request(Some(&query)).map_err(HttpError::from)
    }

    /// `/path?state&page=N&lang=en`, for links that keep the search.
    pub fn href(&self, path: &str, page: u32, lang: &str) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.extend_pairs(self.state.iter());
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        if lang != "de" {
            s.append_pair("lang", lang);
        }
        let query = s.finish();
        if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
    }

    /// The search's filters without paging, for the map's requests.
    pub fn filter_query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.state {
            if !matches!(k.as_str(), "sort" | "bbox" | PLACE | IN_MAP) {
                s.append_pair(k, v);
            }
        }
        if let Some(p) = &self.place {
            s.append_pair("near", &format!("{},{}", p.point.lat, p.point.lon));
            if self.get("radius_km").is_none() {
                s.append_pair("radius_km", DEFAULT_RADIUS_KM);
            }
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_what_the_form_sends() {
        let q = PageQuery::parse(Some(
            "q=Integrationskurs&ort=45127&radius_km=5&language=ar&feature=&sort=distance&page=2&lang=en",
        ));
        assert_eq!(q.page, 2);
        assert_eq!(q.place.as_ref().unwrap().label, "45127 Essen");
        let r = q.request("en").map_err(|e| e.0.title.clone()).unwrap();
        assert_eq!(r.q, "Integrationskurs");
        assert_eq!(r.near.unwrap().2, 5.0);
        assert_eq!(r.page, 2);
        assert_eq!(
            q.href("/", 3, "en"),
            "/?q=Integrationskurs&radius_km=5&language=ar&sort=distance&ort=45127&page=3&lang=en"
        );
    }

    #[test]
    fn drops_what_cannot_apply() {
        let q = PageQuery::parse(Some("q=&radius_km=10&sort=distance&bbox=6,51,7,52"));
        assert!(q.sort_dropped);
        assert!(q.state.is_empty(), "{:?}", q.state);
        assert!(q.request("de").is_ok());
        let q = PageQuery::parse(Some("ort=Atlantis"));
        assert!(q.place_unknown);
        assert!(q.request("de").is_ok());
        assert!(PageQuery::parse(Some("langauge=ar")).request("de").is_err());
    }
}
