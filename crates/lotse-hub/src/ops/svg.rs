//! Server-rendered SVG for the operator's pages: the trend line charts and the municipality
//! map shaded by coverage. No script, no chart library, no external request; colours are
//! presentation attributes (not inline styles), which the pages' content security policy
//! allows. Every text that comes from data is escaped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use lotse_standard::date::Date;

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A line chart of one series over the `days` days up to `today`. `points` are
/// `(day, value)`; days without a point leave a gap in the line.
pub fn line_chart(
    id: &str,
    title: &str,
    points: &[(String, f64)],
    days: u32,
    today: Date,
    y_max: Option<f64>,
) -> String {
    let days = i64::from(days.max(2));
    let first = today.add_days(-days + 1);
    let max = y_max.unwrap_or_else(|| points.iter().map(|p| p.1).fold(0.0, f64::max)).max(1.0);
    let x = |d: i64| LEFT + (d as f64) * (W - LEFT - RIGHT) / ((days - 1) as f64);
    let y = |v: f64| TOP + (1.0 - v / max) * (H - TOP - BOTTOM);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        esc(title)
    );
    // Axes and three grid lines with their values.
    for k in 0..=2 {
        let v = max * f64::from(k) / 2.0;
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            format_value(v),
            y = y(v)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{LEFT}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>",
        H - 8.0,
        first,
        W - RIGHT,
        H - 8.0,
        today
    );
    // Segments of consecutive days.
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last_day: Option<i64> = None;
    for (day, v) in points {
        let Some(d) = Date::parse_iso(day) else { continue };
        let off = d.days_since_epoch() - first.days_since_epoch();
        if !(0..days).contains(&off) {
            continue;
        }
        if last_day != Some(off - 1) || segments.is_empty() {
            segments.push(Vec::new());
        }
        if let Some(seg) = segments.last_mut() {
            seg.push((x(off), y(*v)));
        }
        last_day = Some(off);
    }
    for seg in &segments {
        if seg.len() == 1 {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#0b5394\"/>",
                seg[0].0, seg[0].1
            );
        } else {
            let pts: Vec<String> = seg.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#0b5394\" stroke-width=\"2\"/>",
                pts.join(" ")
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn format_value(v: f64) -> String {
    if v >= 100.0 || v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The municipalities' outlines as SVG path data in a 640-unit-wide frame, computed once.
struct Outlines {
    width: f64,
    height: f64,
    paths: Vec<(String, String, String)>,
}

static OUTLINES: LazyLock<Outlines> = LazyLock::new(|| {
    let region = lotse_geo::ruhr();
    let bb = region.bbox;
    let k = ((bb.min_lat + bb.max_lat) / 2.0).to_radians().cos();
    let width = 640.0;
    let scale = width / ((bb.max_lon - bb.min_lon) * k);
    let height = (bb.max_lat - bb.min_lat) * scale;
    let paths = region
        .municipalities
        .iter()
        .map(|m| {
            let mut d = String::new();
            for poly in &m.polygons {
                for ring in &poly.rings {
                    let mut last: Option<(f64, f64)> = None;
                    for (i, [lon, lat]) in ring.iter().enumerate() {
                        let p = ((lon - bb.min_lon) * k * scale, (bb.max_lat - lat) * scale);
                        // Points closer than half a unit to the previous one add nothing visible.
                        if let Some(l) = last
                            && (p.0 - l.0).abs() < 0.5
                            && (p.1 - l.1).abs() < 0.5
                            && i + 1 != ring.len()
                        {
                            continue;
                        }
                        let _ = write!(d, "{}{:.1},{:.1}", if last.is_none() { "M" } else { "L" }, p.0, p.1);
                        last = Some(p);
                    }
                    d.push('Z');
                }
            }
            (m.ags.clone(), m.name.clone(), d)
        })
        .collect();
    Outlines { width, height, paths }
});

/// Fill colours of the five classes, light to dark, and of "no figure".
pub const CLASS_COLOURS: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
pub const NO_DATA: &str = "#d9d9d9";

/// The class (0–4) of `value` with `max` as the top of the scale.
pub fn class_of(value: f64, max: f64) -> usize {
    if max <= 0.0 {
        return 0;
    }
    ((value / max * 5.0).ceil() as usize).clamp(1, 5) - 1
}

/// The region's municipalities shaded by `values` (AGS → value; absent = no figure), with a
/// legend. `label` names what the values are.
pub fn coverage_map(id: &str, title: &str, label: &str, values: &HashMap<String, f64>) -> String {
    let o = &*OUTLINES;
    let max = values.values().copied().fold(0.0, f64::max);
    let legend_h = 28.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" viewBox=\"0 0 {:.0} {:.0}\" role=\"img\" \
         aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        o.width,
        o.height + legend_h,
        esc(title)
    );
    for (ags, name, d) in &o.paths {
        let (fill, shown) = match values.get(ags) {
            Some(v) => (CLASS_COLOURS[class_of(*v, max)], format_value(*v)),
            None => (NO_DATA, "–".to_owned()),
        };
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"{fill}\" stroke=\"#555\" stroke-width=\"0.6\"><title>{}: {} {}</title></path>",
            esc(name),
            shown,
            esc(label)
        );
    }
    let y = o.height + 8.0;
    for (i, c) in CLASS_COLOURS.iter().enumerate() {
        let x = 8.0 + i as f64 * 60.0;
        let upper = max * (i as f64 + 1.0) / 5.0;
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{c}\" stroke=\"#555\" stroke-width=\"0.6\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#222\">≤ {}</text>",
            x + 18.0,
            y + 11.0,
            format_value(upper)
        );
    }
    let _ = write!(
        s,
        "<rect x=\"320\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{NO_DATA}\" stroke=\"#555\" stroke-width=\"0.6\"/>\
         <text x=\"338\" y=\"{}\" font-size=\"11\" fill=\"#222\">keine Angabe / no figure</text></svg>",
        y + 11.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let svg = line_chart("c", "<script>", &[], 90, Date::new(2026, 3, 1).unwrap(), None);
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn gaps_split_the_line() {
        let today = Date::new(2026, 3, 10).unwrap();
        let pts: Vec<(String, f64)> = ["2026-03-01", "2026-03-02", "2026-03-05", "2026-03-06", "2026-03-10"]
            .iter()
            .map(|d| ((*d).to_owned(), 3.0))
            .collect();
        let svg = line_chart("c", "t", &pts, 10, today, Some(10.0));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn the_map_has_every_municipality_and_classes_by_value() {
        let region = lotse_geo::ruhr();
        let values: HashMap<String, f64> =
            [("05113000".to_owned(), 10.0), ("05913000".to_owned(), 1.0)].into();
        let svg = coverage_map("m", "Karte", "Angebote", &values);
        assert_eq!(svg.matches("<path").count(), region.municipalities.len());
        assert!(svg.contains(CLASS_COLOURS[4]) && svg.contains(NO_DATA));
        assert_eq!(class_of(0.0, 10.0), 0);
        assert_eq!(class_of(10.0, 10.0), 4);
        assert_eq!(class_of(4.1, 10.0), 2);
    }
}
