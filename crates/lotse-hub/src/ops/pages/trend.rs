//! The trend charts of the overview and the node page.

use lotse_standard::date::Date;
use lotse_web::Lang;

use crate::ops::snapshot::TrendPoint;
use crate::ops::svg;

/// Days of the trend charts.
pub(super) const TREND_DAYS: u32 = 90;

/// The two trend charts (offers and mean score) as SVG.
pub(super) fn trend_charts(
    lang: Lang,
    id: &str,
    what: &str,
    points: &[TrendPoint],
    today: Date,
) -> (String, String) {
    let offers: Vec<(String, f64)> = points.iter().map(|p| (p.day.clone(), p.offers as f64)).collect();
    let scores: Vec<(String, f64)> = points.iter().map(|p| (p.day.clone(), p.mean_score)).collect();
    let title = |de: &str, en: &str| format!("{} – {what}", lang.t(de, en));
    (
        svg::line_chart(
            &format!("{id}-offers"),
            &title("Angebote, letzte 90 Tage", "Offers, last 90 days"),
            &offers,
            TREND_DAYS,
            today,
            None,
        ),
        svg::line_chart(
            &format!("{id}-score"),
            &title("Mittlere Bewertung, letzte 90 Tage", "Mean score, last 90 days"),
            &scores,
            TREND_DAYS,
            today,
            Some(100.0),
        ),
    )
}
