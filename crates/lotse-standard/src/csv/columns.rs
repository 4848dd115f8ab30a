//! The mapping between CSV column names and the JSON paths of the standard, for every kind of
//! record: each kind has one column table (`tables.rs`), and reader and writer both go by it.

use super::tables;
use crate::rpde::Kind;
use crate::vocab::vocabularies;

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
    /// A field of the record (not inside a location).
    Field(&'static [&'static str], Leaf),
    /// A field of a location: `location_<key>`.
    Location(&'static str, Leaf),
    /// A language's text of a language map: `title_<lang>`, `name_<lang>`, …
    Text(&'static str, String),
    /// `link_<purpose>`: the URLs of the record's links of one purpose, separated by `|`.
    Link(&'static str),
    /// A member of one entry of a list of objects: `coordinator_<number>_<key>` (entry
    /// `number`, counting from 1) or, for a list that CSV holds one entry of, `funding_<key>`.
    Item { field: &'static str, number: usize, key: &'static str, leaf: Leaf },
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

/// The columns of one kind of record, in the order the writer writes them.
#[derive(Debug)]
pub(crate) struct Table {
    pub kind: Kind,
    pub layout: &'static [Col],
    /// The `location_<key>` columns; empty for a kind without locations.
    pub location: &'static [(&'static str, Leaf)],
}

/// One entry of a table's layout.
#[derive(Debug)]
pub(crate) enum Col {
    /// A column of its own: name, JSON path, leaf.
    Field(&'static str, &'static [&'static str], Leaf),
    /// `<field>_<lang>` for each export language.
    Texts(&'static str),
    /// The `location_*` columns.
    Locations,
    /// `link_<purpose>` for each code of `link-purposes`.
    Links,
    /// The columns of entries of a list of objects.
    Items(Items),
}

/// Entries of a list of objects spread over columns: `<prefix>_<n>_<key>` for `n` up to
/// `numbered`, or `<prefix>_<key>` for a single entry when `numbered` is `None`.
#[derive(Debug)]
pub(crate) struct Items {
    pub prefix: &'static str,
    pub field: &'static str,
    pub numbered: Option<usize>,
    pub keys: &'static [(&'static str, Leaf)],
}

impl Items {
    /// The column name of member `key` of entry `number`.
    pub fn column(&self, number: usize, key: &str) -> String {
        match self.numbered {
            Some(_) => format!("{}_{number}_{key}", self.prefix),
            None => format!("{}_{key}", self.prefix),
        }
    }

    /// `(number, key)` of a column name of these items.
    fn parse(&self, name: &str) -> Option<(usize, &'static str, Leaf)> {
        let rest = name.strip_prefix(self.prefix)?.strip_prefix('_')?;
        let (number, key) = match self.numbered {
            Some(max) => {
                let (n, key) = rest.split_once('_')?;
                let n: usize = n.parse().ok().filter(|n| (1..=max).contains(n))?;
                (n, key)
            }
            None => (1, rest),
        };
        self.keys.iter().find(|(k, _)| *k == key).map(|(k, leaf)| (number, *k, *leaf))
    }
}

/// The codes of `link-purposes`, which name the `link_*` columns.
pub(crate) fn link_purposes() -> impl Iterator<Item = &'static str> {
    vocabularies().link_purposes.codes()
}

impl Table {
    /// Classifies a header cell. Matching ignores case and surrounding spaces, because
    /// spreadsheets are edited by hand.
    pub fn column(&self, name: &str) -> Column {
        let key = name.trim().to_ascii_lowercase();
        Column { name: name.trim().to_owned(), target: self.target(&key) }
    }

    fn target(&self, key: &str) -> Target {
        if let Some((_, path, leaf)) = self.fields().find(|(n, _, _)| *n == key) {
            return Target::Field(path, leaf);
        }
        if let Some(loc) = key.strip_prefix("location_") {
            return self
                .location
                .iter()
                .find(|(n, _)| *n == loc)
                .map_or(Target::Unknown, |(n, leaf)| Target::Location(n, *leaf));
        }
        for col in self.layout {
            match col {
                Col::Links => {
                    if let Some(purpose) =
                        key.strip_prefix("link_").and_then(|p| link_purposes().find(|code| *code == p))
                    {
                        return Target::Link(purpose);
                    }
                }
                Col::Items(items) => {
                    if let Some((number, key, leaf)) = items.parse(key) {
                        return Target::Item { field: items.field, number, key, leaf };
                    }
                }
                Col::Texts(field) => {
                    if let Some(lang) = key.strip_prefix(field).and_then(|r| r.strip_prefix('_')) {
                        return Target::Text(field, lang.to_owned());
                    }
                }
                Col::Field(..) | Col::Locations => {}
            }
        }
        Target::Unknown
    }

    /// The columns of their own, with their JSON paths.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &'static [&'static str], Leaf)> + '_ {
        self.layout.iter().filter_map(|c| match c {
            Col::Field(name, path, leaf) => Some((*name, *path, *leaf)),
            _ => None,
        })
    }

    /// The entries of the list `field` that are spread over columns, if it is one.
    pub fn items(&self, field: &str) -> Option<&Items> {
        self.layout.iter().find_map(|c| match c {
            Col::Items(items) if items.field == field => Some(items),
            _ => None,
        })
    }

    fn has_texts(&self, field: &str) -> bool {
        self.layout.iter().any(|c| matches!(c, Col::Texts(f) if *f == field))
    }

    /// The header, in the order the columns are written.
    pub fn header(&self, languages: &[&str]) -> Vec<String> {
        let mut h = Vec::new();
        for col in self.layout {
            match col {
                Col::Field(name, _, _) => h.push((*name).to_owned()),
                Col::Texts(field) => h.extend(languages.iter().map(|lang| format!("{field}_{lang}"))),
                Col::Locations => h.extend(self.location.iter().map(|(key, _)| format!("location_{key}"))),
                Col::Links => h.extend(link_purposes().map(|p| format!("link_{p}"))),
                Col::Items(items) => {
                    for number in 1..=items.numbered.unwrap_or(1) {
                        h.extend(items.keys.iter().map(|(key, _)| items.column(number, key)));
                    }
                }
            }
        }
        h
    }

    /// The canonical column name of a JSON pointer's field, ignoring array indices
    /// (`/locations/1/lat` → `location_lat`, `/schedule/opening_hours/0/opens` →
    /// `schedule_opening_hours`). Entries of lists spread over columns need to know which
    /// column an entry came from, which `CsvOrigin` does; here they get their first column.
    pub fn for_pointer(&self, tokens: &[&str]) -> Option<String> {
        let named: Vec<&str> = tokens.iter().copied().filter(|t| t.parse::<usize>().is_err()).collect();
        match named.as_slice() {
            [] => None,
            ["locations", key, ..] if !self.location.is_empty() => Some(format!("location_{key}")),
            ["locations"] if !self.location.is_empty() => Some("location_street".to_owned()),
            ["links", ..] if self.layout.iter().any(|c| matches!(c, Col::Links)) => {
                link_purposes().next().map(|p| format!("link_{p}"))
            }
            [field, rest @ ..] if self.items(field).is_some() => {
                let items = self.items(field)?;
                let key = rest.first().copied().unwrap_or(items.keys[0].0);
                Some(items.column(1, key))
            }
            [field, lang, ..] if self.has_texts(field) => Some(format!("{field}_{lang}")),
            _ => {
                // The longest column whose path is a prefix of the pointer's path.
                self.fields()
                    .filter(|(_, path, _)| named.len() >= path.len() && named[..path.len()] == **path)
                    .max_by_key(|(_, path, _)| path.len())
                    .map(|(n, _, _)| n.to_owned())
                    .or_else(|| {
                        self.fields()
                            .find(|(_, path, _)| path.starts_with(&named))
                            .map(|(n, _, _)| n.to_owned())
                    })
            }
        }
    }
}

impl Column {
    /// Classifies a header cell of an offers' file.
    pub fn parse(name: &str) -> Column {
        tables::of(Kind::Offer).column(name)
    }

    /// Classifies a header cell of a file of the given kind.
    pub fn parse_for(kind: Kind, name: &str) -> Column {
        tables::of(kind).column(name)
    }

    /// The canonical column name of a JSON pointer's field in an offers' file.
    pub fn for_pointer(tokens: &[&str]) -> Option<String> {
        tables::of(Kind::Offer).for_pointer(tokens)
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
        assert_eq!(Column::parse("name_de").target, Target::Unknown, "offers have titles, not names");
        let org = |n| Column::parse_for(Kind::Organization, n).target;
        assert_eq!(org("name_de"), Target::Text("name", "de".into()));
        assert_eq!(org("location_opening_hours"), Target::Location("opening_hours", Leaf::OpeningHours));
        assert_eq!(org("Link_Integreat"), Target::Link("integreat"));
        assert_eq!(org("link_tiktok"), Target::Unknown);
        assert_eq!(org("part_of"), Target::Field(&["part_of"], Leaf::Text));
        let net = |n| Column::parse_for(Kind::Network, n).target;
        assert_eq!(
            net("coordinator_3_email"),
            Target::Item { field: "coordinators", number: 3, key: "email", leaf: Leaf::Text }
        );
        assert_eq!(net("coordinator_10_email"), Target::Unknown);
        assert_eq!(net("coordinator_0_email"), Target::Unknown);
        assert_eq!(net("location_street"), Target::Unknown, "networks have no locations");
        assert_eq!(net("meeting_schedule_en"), Target::Text("meeting_schedule", "en".into()));
        let project = |n| Column::parse_for(Kind::Project, n).target;
        assert_eq!(
            project("funding_funder"),
            Target::Item { field: "funding", number: 1, key: "funder", leaf: Leaf::Text }
        );
        assert_eq!(project("period_end"), Target::Field(&["period", "end"], Leaf::Date));
        assert_eq!(project("location_opening_hours"), Target::Unknown);
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
        assert_eq!(Column::for_pointer(&["provider", "ref"]).as_deref(), Some("provider_ref"));
        assert_eq!(Column::for_pointer(&["networks", "1"]).as_deref(), Some("networks"));
        assert_eq!(Column::for_pointer(&[]), None);
        let net = tables::of(Kind::Network);
        assert_eq!(net.for_pointer(&["coordinators"]).as_deref(), Some("coordinator_1_name"));
        assert_eq!(net.for_pointer(&["how_to_join", "de"]).as_deref(), Some("how_to_join_de"));
        assert_eq!(net.for_pointer(&["members", "0", "node"]).as_deref(), Some("members"));
        let project = tables::of(Kind::Project);
        assert_eq!(project.for_pointer(&["period", "end"]).as_deref(), Some("period_end"));
        assert_eq!(project.for_pointer(&["funding", "0", "code"]).as_deref(), Some("funding_code"));
        assert_eq!(project.for_pointer(&["links", "0", "url"]).as_deref(), Some("link_registration"));
    }

    #[test]
    fn every_table_has_distinct_column_names_that_read_back() {
        for kind in Kind::ALL {
            let table = tables::of(kind);
            let header = table.header(super::super::EXPORT_LANGUAGES);
            let mut seen = std::collections::HashSet::new();
            for name in &header {
                assert!(seen.insert(name), "{kind}: {name} twice");
                assert_ne!(table.column(name).target, Target::Unknown, "{kind}: {name} is not read");
            }
            assert_eq!(header[0], "id");
        }
    }
}
