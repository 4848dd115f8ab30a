//! The mapping between CSV column names and the JSON paths of the standard.

/// How a cell turns into a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Text,
    Number,
    Integer,
    Date,
    /// Values separated by `|`.
    List,
    /// `mo,tu 09:00-12:00|fr 14:00-16:00`.
    OpeningHours,
    /// `scheme:value|scheme:value`.
    Identifiers,
}

/// Where a column's value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A field of the offer (not inside a location).
    Field(&'static [&'static str], Leaf),
    /// A field of a location: `location_<key>`.
    Location(&'static str, Leaf),
    /// `title_<lang>` or `description_<lang>`.
    Text(&'static str, String),
    /// Not part of the standard: reported and ignored.
    Unknown,
}

/// One column of a CSV header.
#[derive(Debug, Clone)]
pub struct Column {
    /// The name as written in the file.
    pub name: String,
    pub target: Target,
}

pub(crate) const FIELDS: &[(&str, &[&str], Leaf)] = &[
    ("id", &["id"], Leaf::Text),
    ("offer_type", &["offer_type"], Leaf::Text),
    ("categories", &["categories"], Leaf::List),
    ("provider_name", &["provider", "name"], Leaf::Text),
    ("provider_kind", &["provider", "kind"], Leaf::Text),
    ("provider_url", &["provider", "url"], Leaf::Text),
    ("provider_identifiers", &["provider", "identifiers"], Leaf::Identifiers),
    ("status", &["status"], Leaf::Text),
    ("target_groups", &["target_groups"], Leaf::List),
    ("life_phases", &["life_phases"], Leaf::List),
    ("languages", &["languages"], Leaf::List),
    ("language_level_from", &["language_level", "from"], Leaf::Text),
    ("language_level_to", &["language_level", "to"], Leaf::Text),
    ("cost_kind", &["cost", "kind"], Leaf::Text),
    ("cost_amount_eur", &["cost", "amount_eur"], Leaf::Number),
    ("cost_note", &["cost", "note"], Leaf::Text),
    ("eligibility_age_min", &["eligibility", "age_min"], Leaf::Integer),
    ("eligibility_age_max", &["eligibility", "age_max"], Leaf::Integer),
    ("eligibility_residence_status", &["eligibility", "residence_status"], Leaf::List),
    ("eligibility_note", &["eligibility", "note"], Leaf::Text),
    ("delivery", &["delivery"], Leaf::Text),
    ("service_area", &["service_area"], Leaf::List),
    ("schedule_start_date", &["schedule", "start_date"], Leaf::Date),
    ("schedule_end_date", &["schedule", "end_date"], Leaf::Date),
    ("schedule_opening_hours", &["schedule", "opening_hours"], Leaf::OpeningHours),
    ("schedule_note", &["schedule", "note"], Leaf::Text),
    ("contact_name", &["contact", "name"], Leaf::Text),
    ("contact_email", &["contact", "email"], Leaf::Text),
    ("contact_phone", &["contact", "phone"], Leaf::Text),
    ("contact_url", &["contact", "url"], Leaf::Text),
    ("features", &["features"], Leaf::List),
    ("url", &["url"], Leaf::Text),
    ("valid_until", &["valid_until"], Leaf::Date),
    ("verified_at", &["verified_at"], Leaf::Date),
];

pub(crate) const LOCATION_FIELDS: &[(&str, Leaf)] = &[
    ("name", Leaf::Text),
    ("street", Leaf::Text),
    ("postcode", Leaf::Text),
    ("city", Leaf::Text),
    ("ags", Leaf::Text),
    ("lat", Leaf::Number),
    ("lon", Leaf::Number),
    ("accessibility", Leaf::List),
];

impl Column {
    /// Classifies a header cell. Matching ignores case and surrounding spaces, because
    /// spreadsheets are edited by hand.
    pub fn parse(name: &str) -> Column {
        let key = name.trim().to_ascii_lowercase();
        let target = if let Some((_, path, leaf)) = FIELDS.iter().find(|(n, _, _)| *n == key) {
            Target::Field(path, *leaf)
        } else if let Some(loc) = key.strip_prefix("location_") {
            LOCATION_FIELDS
                .iter()
                .find(|(n, _)| *n == loc)
                .map_or(Target::Unknown, |(n, leaf)| Target::Location(n, *leaf))
        } else if let Some(lang) = key.strip_prefix("title_") {
            Target::Text("title", lang.to_owned())
        } else if let Some(lang) = key.strip_prefix("description_") {
            Target::Text("description", lang.to_owned())
        } else {
            Target::Unknown
        };
        Column { name: name.trim().to_owned(), target }
    }

    /// The canonical column name of a JSON pointer's field, ignoring array indices
    /// (`/locations/1/lat` → `location_lat`, `/schedule/opening_hours/0/opens` →
    /// `schedule_opening_hours`).
    pub fn for_pointer(tokens: &[&str]) -> Option<String> {
        let named: Vec<&str> = tokens.iter().copied().filter(|t| t.parse::<usize>().is_err()).collect();
        match named.as_slice() {
            [] => None,
            ["locations", key, ..] => Some(format!("location_{key}")),
            ["locations"] => Some("location_street".to_owned()),
            [field @ ("title" | "description"), lang, ..] => Some(format!("{field}_{lang}")),
            _ => {
                // The longest column whose path is a prefix of the pointer's path.
                FIELDS
                    .iter()
                    .filter(|(_, path, _)| named.len() >= path.len() && named[..path.len()] == **path)
                    .max_by_key(|(_, path, _)| path.len())
                    .map(|(n, _, _)| (*n).to_owned())
                    .or_else(|| {
                        FIELDS
                            .iter()
                            .find(|(_, path, _)| path.starts_with(&named))
                            .map(|(n, _, _)| (*n).to_owned())
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_classify() {
        assert_eq!(Column::parse(" Contact_Email ").target, Target::Field(&["contact", "email"], Leaf::Text));
        assert_eq!(Column::parse("location_lat").target, Target::Location("lat", Leaf::Number));
        assert_eq!(Column::parse("title_ar").target, Target::Text("title", "ar".into()));
        assert_eq!(Column::parse("bemerkung").target, Target::Unknown);
    }

    #[test]
    fn pointers_map_to_columns() {
        assert_eq!(Column::for_pointer(&["locations", "1", "lat"]).as_deref(), Some("location_lat"));
        assert_eq!(
            Column::for_pointer(&["schedule", "opening_hours", "0", "opens"]).as_deref(),
            Some("schedule_opening_hours")
        );
        assert_eq!(Column::for_pointer(&["title", "en"]).as_deref(), Some("title_en"));
        assert_eq!(Column::for_pointer(&["cost", "amount_eur"]).as_deref(), Some("cost_amount_eur"));
        assert_eq!(Column::for_pointer(&["categories", "2"]).as_deref(), Some("categories"));
        assert_eq!(Column::for_pointer(&["contact"]).as_deref(), Some("contact_name"));
        assert_eq!(Column::for_pointer(&[]), None);
    }
}
