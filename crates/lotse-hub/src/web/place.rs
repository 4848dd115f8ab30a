//! A place typed by an adviser — a postcode, an address with a postcode, a municipality's
//! name, or `lat,lon` from the browser's position — turned into a point, with the region
//! pack only: no geocoder is asked, so no adviser's input leaves the hub.

use lotse_geo::LatLon;

/// A place the hub understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub point: LatLon,
    /// What the hub understood, shown back to the adviser ("45127 Essen").
    pub label: String,
}

/// Folds a name for comparison: lower case, umlauts and ß spelled out, so that "Muelheim"
/// and "mülheim" are the same.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// Reads `lat,lon` (the browser's position).
pub fn parse_lat_lon(text: &str) -> Option<LatLon> {
    let (lat, lon) = text.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some(LatLon { lat, lon })
}

/// Resolves what was typed: a known postcode anywhere in the text wins (an address such as
/// "Kettwiger Str. 1, 45127 Essen" is placed at its postcode's centre), then the name of a
/// municipality of the region (the longest that occurs, so "Mülheim an der Ruhr" is not
/// taken for another town), then `lat,lon`.
pub fn resolve(text: &str) -> Option<Place> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 200 {
        return None;
    }
    let region = lotse_geo::ruhr();
    for word in text.split(|c: char| !c.is_ascii_digit()) {
        if word.len() == 5
            && let Some(p) = region.postcode(word)
        {
            let town = region.municipality(&p.ags).map(|m| m.name.as_str()).unwrap_or_default();
            return Some(Place {
                point: p.position,
                label: format!("{} {town}", p.postcode).trim().to_owned(),
            });
        }
    }
    let typed = format!(" {} ", fold(text).split_whitespace().collect::<Vec<_>>().join(" "));
    let occurs = |name: &str| !name.is_empty() && typed.contains(&format!(" {name} "));
    let folded: Vec<Vec<String>> = region
        .municipalities
        .iter()
        .map(|m| fold(&m.name).split_whitespace().map(str::to_owned).collect())
        .collect();
    // The whole name first; then its first word alone ("Voerde" for "Voerde (Niederrhein)").
    let best = region
        .municipalities
        .iter()
        .zip(&folded)
        .filter(|(_, words)| occurs(&words.join(" ")))
        .max_by_key(|(m, _)| m.name.len())
        .or_else(|| {
            region
                .municipalities
                .iter()
                .zip(&folded)
                .find(|(_, words)| words.first().is_some_and(|w| occurs(w)))
        })
        .map(|(m, _)| m);
    if let Some(m) = best {
        return Some(Place { point: m.interior_point(), label: m.name.clone() });
    }
    parse_lat_lon(text).map(|point| Place { point, label: format!("{:.4}, {:.4}", point.lat, point.lon) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_addresses_and_names() {
        let p = resolve("45127").unwrap();
        assert_eq!(p.label, "45127 Essen");
        assert!((p.point.lat - 51.45).abs() < 0.05, "{p:?}");
        assert_eq!(resolve("Kettwiger Str. 1, 45127 Essen").unwrap().label, "45127 Essen");
        assert_eq!(resolve("dortmund").unwrap().label, "Dortmund");
        assert_eq!(resolve("Muelheim an der Ruhr").unwrap().label, "Mülheim an der Ruhr");
        assert_eq!(resolve("51.5, 7.2").unwrap().point, LatLon { lat: 51.5, lon: 7.2 });
        assert_eq!(resolve("Voerde").unwrap().label, "Voerde (Niederrhein)");
        assert_eq!(resolve("99999"), None);
        assert_eq!(resolve("Atlantis"), None);
        assert_eq!(resolve(""), None);
    }
}
