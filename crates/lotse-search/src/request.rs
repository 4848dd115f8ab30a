//! A search as the API receives it: parsed and checked from the query string, with errors that
//! name the parameter in German and English.

use lotse_standard::date::Date;
use serde::Serialize;

/// The filters that have facets. The discriminant indexes [`crate::schema::Fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    OfferType,
    Category,
    TargetGroup,
    Language,
    LifePhase,
    Feature,
    Cost,
    Delivery,
    Ags,
    Level,
}

impl Dim {
    pub const ALL: [Dim; 10] = [
        Dim::OfferType,
        Dim::Category,
        Dim::TargetGroup,
        Dim::Language,
        Dim::LifePhase,
        Dim::Feature,
        Dim::Cost,
        Dim::Delivery,
        Dim::Ags,
        Dim::Level,
    ];

    /// The query parameter (and facet name) of the filter.
    pub fn param(self) -> &'static str {
        match self {
            Dim::OfferType => "offer_type",
            Dim::Category => "category",
            Dim::TargetGroup => "target_group",
            Dim::Language => "language",
            Dim::LifePhase => "life_phase",
            Dim::Feature => "feature",
            Dim::Cost => "cost",
            Dim::Delivery => "delivery",
            Dim::Ags => "ags",
            Dim::Level => "level",
        }
    }

    pub fn parse(param: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.param() == param)
    }
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By relevance to `q`; without `q`, the most recently changed first.
    #[default]
    Relevance,
    /// Nearest first (needs `near`).
    Distance,
    /// Most recently changed first.
    Changed,
}

/// A map window: the region pack's rectangle in degrees.
pub use lotse_geo::BBox;

/// The largest page size.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Results beyond this position are not served (deep pages cost memory and help nobody).
pub const MAX_RESULT_WINDOW: u32 = 10_000;
/// The radius around `near` when none is given.
pub const DEFAULT_RADIUS_KM: f64 = 25.0;

/// A parsed search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub q: String,
    /// Selected values per filter, indexed by [`Dim`]; empty means unfiltered.
    pub filters: [Vec<String>; 10],
    /// `(lat, lon)` and the radius in km.
    pub near: Option<(f64, f64, f64)>,
    pub bbox: Option<BBox>,
    /// Days since 1970 on which the offer must be running (any of them).
    pub open_on: Vec<i64>,
    pub sort: Sort,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
    /// `de` or `en`, for labels and titles.
    pub lang: String,
    pub include_expired: bool,
    /// Today, days since 1970: what "expired" is measured against.
    pub today: i64,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Default::default(),
            near: None,
            bbox: None,
            open_on: Vec::new(),
            sort: Sort::Relevance,
            page: 1,
            page_size: 20,
            lang: "de".into(),
            include_expired: false,
            today: Date::today_utc().days_since_epoch(),
        }
    }
}

/// A parameter that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{param}: {message_en}")]
pub struct RequestError {
    /// Stable machine-readable code, e.g. `invalid_parameter`.
    pub code: &'static str,
    pub param: String,
    pub message_de: String,
    pub message_en: String,
}

fn invalid(param: &str, de: &str, en: &str) -> RequestError {
    RequestError {
        code: "invalid_parameter",
        param: param.to_owned(),
        message_de: de.to_owned(),
        message_en: en.to_owned(),
    }
}

fn number(param: &str, value: &str) -> Result<f64, RequestError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| invalid(param, "Keine gültige Zahl.", "Not a valid number."))
}

fn numbers<const N: usize>(param: &str, value: &str) -> Result<[f64; N], RequestError> {
    let parts: Vec<&str> = value.split(',').collect();
    if parts.len() != N {
        return Err(invalid(
            param,
            &format!("Erwartet werden {N} durch Kommas getrennte Zahlen."),
            &format!("Expected {N} comma-separated numbers."),
        ));
    }
    let mut out = [0.0; N];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = number(param, p)?;
    }
    Ok(out)
}

impl SearchRequest {
    /// Reads a search from query-string pairs. Filters may repeat (`language=ar&language=fa`)
    /// or list values with commas; unknown parameters are refused so that a typo in a filter
    /// name does not silently widen the search.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, RequestError> {
        let mut r = SearchRequest::default();
        let mut radius = None;
        let mut near = None;
        for (key, value) in pairs {
            if let Some(dim) = Dim::parse(key) {
                let values = value.split(',').map(str::trim).filter(|v| !v.is_empty());
                for v in values {
                    if v.len() > 64 {
                        return Err(invalid(key, "Wert zu lang.", "Value too long."));
                    }
                    if !r.filters[dim as usize].iter().any(|x| x == v) {
                        r.filters[dim as usize].push(v.to_owned());
                    }
                }
                continue;
            }
            match key {
                "q" => {
                    if value.chars().count() > 500 {
                        return Err(invalid(
                            "q",
                            "Suchtext zu lang (höchstens 500 Zeichen).",
                            "Query too long (at most 500 characters).",
                        ));
                    }
                    r.q = value.to_owned();
                }
                "near" => {
                    let [lat, lon] = numbers::<2>("near", value)?;
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                        return Err(invalid(
                            "near",
                            "Koordinaten außerhalb des gültigen Bereichs.",
                            "Coordinates out of range.",
                        ));
                    }
                    near = Some((lat, lon));
                }
                "radius_km" => {
                    let v = number("radius_km", value)?;
                    if !(0.0..=500.0).contains(&v) || v == 0.0 {
                        return Err(invalid(
                            "radius_km",
                            "Radius muss zwischen 0 und 500 km liegen.",
                            "Radius must be between 0 and 500 km.",
                        ));
                    }
                    radius = Some(v);
                }
                "bbox" => {
                    let [min_lon, min_lat, max_lon, max_lat] = numbers::<4>("bbox", value)?;
                    if min_lon > max_lon || min_lat > max_lat {
                        return Err(invalid(
                            "bbox",
                            "Erwartet: minLon,minLat,maxLon,maxLat.",
                            "Expected minLon,minLat,maxLon,maxLat.",
                        ));
                    }
                    r.bbox = Some(BBox { min_lon, min_lat, max_lon, max_lat });
                }
                "open_on" => {
                    for d in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                        let date = Date::parse_iso(d).ok_or_else(|| {
                            invalid(
                                "open_on",
                                "Datum im Format JJJJ-MM-TT erwartet.",
                                "Expected a date as YYYY-MM-DD.",
                            )
                        })?;
                        r.open_on.push(date.days_since_epoch());
                    }
                }
                "sort" => {
                    r.sort = match value {
                        "relevance" => Sort::Relevance,
                        "distance" => Sort::Distance,
                        "changed" => Sort::Changed,
                        _ => {
                            return Err(invalid(
                                "sort",
                                "Erlaubt: relevance, distance, changed.",
                                "Allowed: relevance, distance, changed.",
                            ));
                        }
                    }
                }
                "page" => {
                    r.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                        invalid("page", "Seite muss eine Zahl ab 1 sein.", "Page must be a number from 1.")
                    })?;
                }
                "page_size" => {
                    r.page_size =
                        value.parse().ok().filter(|p| (1..=MAX_PAGE_SIZE).contains(p)).ok_or_else(|| {
                            invalid(
                                "page_size",
                                "Seitengröße muss zwischen 1 und 100 liegen.",
                                "Page size must be between 1 and 100.",
                            )
                        })?;
                }
                "lang" => {
                    r.lang = match value {
                        "de" | "en" => value.to_owned(),
                        _ => return Err(invalid("lang", "Erlaubt: de, en.", "Allowed: de, en.")),
                    }
                }
                "include_expired" => {
                    r.include_expired = match value {
                        "true" | "1" => true,
                        "false" | "0" | "" => false,
                        _ => {
                            return Err(invalid(
                                "include_expired",
                                "Erlaubt: true, false.",
                                "Allowed: true, false.",
                            ));
                        }
                    }
                }
                _ => {
                    return Err(RequestError {
                        code: "unknown_parameter",
                        param: key.to_owned(),
                        message_de: "Unbekannter Parameter.".into(),
                        message_en: "Unknown parameter.".into(),
                    });
                }
            }
        }
        if let Some((lat, lon)) = near {
            r.near = Some((lat, lon, radius.unwrap_or(DEFAULT_RADIUS_KM)));
        } else if radius.is_some() {
            return Err(invalid("radius_km", "radius_km braucht near.", "radius_km needs near."));
        }
        if r.sort == Sort::Distance && r.near.is_none() {
            return Err(invalid(
                "sort",
                "Sortierung nach Entfernung braucht near.",
                "Sorting by distance needs near.",
            ));
        }
        if r.page.saturating_mul(r.page_size) > MAX_RESULT_WINDOW {
            return Err(invalid(
                "page",
                "Nur die ersten 10.000 Treffer sind abrufbar; bitte die Suche eingrenzen.",
                "Only the first 10,000 results can be paged to; please narrow the search.",
            ));
        }
        Ok(r)
    }

    /// The selected values of a filter.
    pub fn selected(&self, dim: Dim) -> &[String] {
        &self.filters[dim as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_and_comma_separated_filters() {
        let r = SearchRequest::from_pairs([
            ("q", "Integrationskurs"),
            ("language", "ar"),
            ("language", "fa,ar"),
            ("near", "51.45,7.01"),
            ("sort", "distance"),
            ("page_size", "50"),
        ])
        .unwrap();
        assert_eq!(r.selected(Dim::Language), ["ar", "fa"]);
        assert_eq!(r.near, Some((51.45, 7.01, DEFAULT_RADIUS_KM)));
        assert_eq!(r.page_size, 50);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let err = |pairs: &[(&str, &str)]| SearchRequest::from_pairs(pairs.iter().copied()).unwrap_err();
        assert_eq!(err(&[("langauge", "ar")]).code, "unknown_parameter");
        assert_eq!(err(&[("page_size", "101")]).param, "page_size");
        assert_eq!(err(&[("sort", "distance")]).param, "sort");
        assert_eq!(err(&[("bbox", "7,51,6,52")]).param, "bbox");
        assert_eq!(err(&[("near", "NaN,7")]).param, "near");
        assert_eq!(err(&[("page", "200"), ("page_size", "100")]).param, "page");
        assert_eq!(err(&[("open_on", "31.12.2026")]).param, "open_on");
    }
}
