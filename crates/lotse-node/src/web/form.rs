//! The record forms — offers, institutions, networks, projects: their fields, the conversion
//! between form values and the standard's JSON, and the placement of the validator's findings
//! next to the fields.
//!
//! Every form field is named by the JSON pointer it fills (`/title/de`, `/locations/0/street`),
//! so a finding's pointer leads straight to its field. There is no rule here: the JSON built
//! from the form goes through the standard's validator (the same call as the API), and its
//! findings, codes and messages are shown as they are. The JavaScript check while typing posts
//! the form to [`super::offers::check`], which runs this same code. Each kind has a
//! [`Layout`] ([`layout`]): its texts by language, sections of plain fields, repeated rows and
//! the members the form replaces; the code around them is one for every kind.

use std::collections::BTreeMap;

use lotse_standard::rpde::Kind as RecordKind;
use lotse_standard::vocab::{Vocabulary, vocabularies};
use lotse_web::Lang;
use serde_json::{Map, Value};

use crate::ingest::report::ReportFinding;

/// Submitted values by field name, in the order sent (several for checkboxes and lists).
pub type Values = BTreeMap<String, Vec<String>>;

/// Turns decoded form pairs into [`Values`]. Fields starting with `_` (the CSRF token, the
/// extra language row) are not part of the record; the extra language row becomes the regular
/// `/{part}/{code}` fields of the layout's texts (`/title/{code}`, `/description/{code}`, …).
pub fn values_from_pairs(layout: &Layout, pairs: Vec<(String, String)>) -> Values {
    let mut values = Values::new();
    let mut extra: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in pairs {
        if let Some(name) = k.strip_prefix("_extra_") {
            extra.insert(name.to_owned(), v);
        } else if k.starts_with('/') {
            values.entry(k).or_default().push(v);
        }
    }
    let code = extra.get("lang").map(|c| c.trim().to_owned()).unwrap_or_default();
    if !code.is_empty() && !code.contains('/') && !code.contains('~') {
        for part in layout.texts.iter().map(|t| t.part) {
            if let Some(text) = extra.get(part).filter(|t| !t.trim().is_empty()) {
                values.entry(format!("/{part}/{code}")).or_default().push(text.clone());
            }
        }
    }
    values
}

/// How a field is shown.
#[derive(Debug, Clone, Copy)]
enum Control {
    /// `<input type=…>`
    Input(&'static str),
    TextArea,
    /// One code from a vocabulary, with an empty choice.
    Select(fn() -> &'static Vocabulary),
    /// Several codes from a small vocabulary, as checkboxes.
    Checks(fn() -> &'static Vocabulary),
    /// Several codes from a large vocabulary, as a multiple select.
    Multi(fn() -> &'static Vocabulary),
}

/// What JSON a field's value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
    /// The selected codes as an array.
    List,
    /// Comma-separated text as an array.
    CommaList,
    /// A reference (standard 1.1): `id` or `node/id` as typed; a stored reference object is
    /// shown in the same form.
    Ref,
    /// Comma-separated references as an array.
    RefList,
}

#[derive(Debug, Clone, Copy)]
struct Spec {
    /// The pointer, relative to the row for row fields.
    ptr: &'static str,
    de: &'static str,
    en: &'static str,
    control: Control,
    kind: Kind,
    required: bool,
    hint: Option<(&'static str, &'static str)>,
}

const fn spec(ptr: &'static str, de: &'static str, en: &'static str, control: Control, kind: Kind) -> Spec {
    Spec { ptr, de, en, control, kind, required: false, hint: None }
}

impl Spec {
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn hint(mut self, de: &'static str, en: &'static str) -> Self {
        self.hint = Some((de, en));
        self
    }
}

fn v_offer_types() -> &'static Vocabulary {
    &vocabularies().offer_types
}
fn v_categories() -> &'static Vocabulary {
    &vocabularies().categories
}
fn v_provider_kinds() -> &'static Vocabulary {
    &vocabularies().provider_kinds
}
fn v_statuses() -> &'static Vocabulary {
    &vocabularies().statuses
}
fn v_target_groups() -> &'static Vocabulary {
    &vocabularies().target_groups
}
fn v_life_phases() -> &'static Vocabulary {
    &vocabularies().life_phases
}
fn v_cefr() -> &'static Vocabulary {
    &vocabularies().cefr_levels
}
fn v_cost() -> &'static Vocabulary {
    &vocabularies().cost_kinds
}
fn v_delivery() -> &'static Vocabulary {
    &vocabularies().delivery
}
fn v_features() -> &'static Vocabulary {
    &vocabularies().features
}
fn v_accessibility() -> &'static Vocabulary {
    &vocabularies().accessibility
}
fn v_weekdays() -> &'static Vocabulary {
    &vocabularies().weekdays
}
fn v_school_types() -> &'static Vocabulary {
    &vocabularies().school_types
}
fn v_link_purposes() -> &'static Vocabulary {
    &vocabularies().link_purposes
}
fn v_project_statuses() -> &'static Vocabulary {
    &vocabularies().project_statuses
}

use Control::{Checks, Input, Multi, Select, TextArea};
use Kind::{CommaList, List, Num, Ref, RefList, Str};

/// The sections of plain fields, each with its legend, in the order shown. Titles and
/// descriptions, places and opening hours are rows added by [`build`].
const OFFER_SECTIONS: &[(&str, &str, &[Spec])] = &[
    (
        "Art und Status",
        "Type and status",
        &[
            spec("/offer_type", "Angebotsart", "Offer type", Select(v_offer_types), Str).required(),
            spec("/categories", "Kategorien", "Categories", Multi(v_categories), List)
                .hint("Mehrfachauswahl mit Strg bzw. Cmd.", "Select several with Ctrl or Cmd."),
            spec("/status", "Status", "Status", Select(v_statuses), Str).required(),
        ],
    ),
    (
        "Anbieter",
        "Provider",
        &[
            spec("/provider/name", "Name des Anbieters", "Provider's name", Input("text"), Str).required(),
            spec("/provider/kind", "Art des Anbieters", "Kind of provider", Select(v_provider_kinds), Str)
                .required(),
            spec("/provider/url", "Webseite des Anbieters", "Provider's website", Input("url"), Str),
            spec(
                "/provider/ref",
                "Einrichtung des Anbieters",
                "The provider's institution",
                Input("text"),
                Ref,
            )
            .hint(REF_DE, REF_EN),
        ],
    ),
    (
        "Zielgruppen und Sprachen",
        "Target groups and languages",
        &[
            spec("/target_groups", "Zielgruppen", "Target groups", Checks(v_target_groups), List).required(),
            spec("/life_phases", "Lebensphasen", "Life phases", Checks(v_life_phases), List),
            spec(
                "/languages",
                "Sprachen der Durchführung",
                "Languages of delivery",
                Input("text"),
                CommaList,
            )
            .required()
            .hint(
                "ISO-639-1-Codes, durch Komma getrennt, z. B. de, ar, uk",
                "ISO 639-1 codes separated by commas, e.g. de, ar, uk",
            ),
            spec("/language_level/from", "Sprachniveau von", "Language level from", Select(v_cefr), Str)
                .hint("Nur bei Sprachkursen.", "Language courses only."),
            spec("/language_level/to", "Sprachniveau bis", "Language level to", Select(v_cefr), Str),
        ],
    ),
    (
        "Kosten",
        "Cost",
        &[
            spec("/cost/kind", "Kosten", "Cost", Select(v_cost), Str).required(),
            spec("/cost/amount_eur", "Betrag in Euro", "Amount in euros", Input("text"), Num).hint(
                "Nur bei kostenpflichtigen Angeboten, z. B. 49,50",
                "Fee-based offers only, e.g. 49.50",
            ),
            spec("/cost/note", "Hinweis zu den Kosten", "Note on the cost", Input("text"), Str),
        ],
    ),
    (
        "Durchführung",
        "Delivery",
        &[
            spec("/delivery", "Form der Durchführung", "Form of delivery", Select(v_delivery), Str)
                .required(),
            spec("/features", "Merkmale", "Features", Checks(v_features), List),
            spec("/service_area", "Einzugsgebiet (AGS)", "Service area (AGS)", Input("text"), CommaList)
                .hint(
                    "Amtliche Gemeindeschlüssel, durch Komma getrennt, z. B. 05113000",
                    "Official municipality keys separated by commas, e.g. 05113000",
                ),
        ],
    ),
    (
        "Zeitraum",
        "Dates",
        &[
            spec("/schedule/start_date", "Beginn", "Start", Input("date"), Str),
            spec("/schedule/end_date", "Ende", "End", Input("date"), Str),
            spec("/schedule/note", "Hinweis zu den Zeiten", "Note on the times", Input("text"), Str),
        ],
    ),
    (
        "Kontakt",
        "Contact",
        &[
            spec("/contact/name", "Ansprechperson", "Contact person", Input("text"), Str),
            spec("/contact/email", "E-Mail", "E-mail", Input("email"), Str),
            spec("/contact/phone", "Telefon", "Phone", Input("tel"), Str),
            spec("/contact/url", "Kontaktseite", "Contact page", Input("url"), Str),
        ],
    ),
    (
        "Webseite und Gültigkeit",
        "Website and validity",
        &[
            spec("/url", "Webseite des Angebots", "The offer's website", Input("url"), Str),
            spec("/valid_until", "Gültig bis", "Valid until", Input("date"), Str),
            spec("/verified_at", "Zuletzt geprüft am", "Last checked on", Input("date"), Str),
        ],
    ),
    (
        "Netzwerke und Projekte",
        "Networks and projects",
        &[
            spec("/networks", "Netzwerke", "Networks", Input("text"), RefList).hint(REFS_DE, REFS_EN),
            spec("/projects", "Projekte", "Projects", Input("text"), RefList).hint(REFS_DE, REFS_EN),
        ],
    ),
];

const REF_DE: &str = "ID einer Einrichtung dieser Stelle, oder Knoten/ID einer anderen Stelle";
const REF_EN: &str = "The id of an institution of this node, or node/id of another node";
const REFS_DE: &str = "IDs dieser Stelle oder Knoten/ID anderer Stellen, durch Komma getrennt";
const REFS_EN: &str = "Ids of this node or node/id of other nodes, separated by commas";
const AGS_DE: &str = "Amtliche Gemeindeschlüssel, durch Komma getrennt, z. B. 05117000";
const AGS_EN: &str = "Official municipality keys separated by commas, e.g. 05117000";

/// The fields of one place (`/locations/{i}/…`).
const LOCATION: &[Spec] = &[
    spec("name", "Name des Orts", "Name of the place", Input("text"), Str),
    spec("street", "Straße und Hausnummer", "Street and number", Input("text"), Str).required(),
    spec("postcode", "Postleitzahl", "Postcode", Input("text"), Str).required(),
    spec("city", "Ort", "City", Input("text"), Str).required(),
    spec("ags", "Gemeindeschlüssel (AGS)", "Municipality key (AGS)", Input("text"), Str)
        .required()
        .hint("8 Ziffern, z. B. 05113000 für Essen", "8 digits, e.g. 05113000 for Essen"),
    spec("lat", "Breitengrad", "Latitude", Input("text"), Num),
    spec("lon", "Längengrad", "Longitude", Input("text"), Num),
    spec("accessibility", "Barrierefreiheit", "Accessibility", Checks(v_accessibility), List),
];

/// The fields of one opening-hours row (`/schedule/opening_hours/{i}/…`).
const OPENING: &[Spec] = &[
    spec("days", "Tage", "Days", Checks(v_weekdays), List),
    spec("opens", "Öffnet um", "Opens at", Input("time"), Str),
    spec("closes", "Schließt um", "Closes at", Input("time"), Str),
];

/// Row groups: the array's pointer, the row fields, the legend.
const OFFER_ROWS: &[(&str, &[Spec], &str, &str)] = &[
    ("/locations", LOCATION, "Ort", "Place"),
    ("/schedule/opening_hours", OPENING, "Öffnungszeiten", "Opening hours"),
];

/// Keys the form replaces entirely; everything else of a stored offer (e.g. `eligibility`,
/// `provider.identifiers`) is kept as it was.
const OFFER_REPLACED: &[&str] = &[
    "/offer_type",
    "/categories",
    "/status",
    "/title",
    "/description",
    "/provider/name",
    "/provider/kind",
    "/provider/url",
    "/target_groups",
    "/life_phases",
    "/languages",
    "/language_level",
    "/cost",
    "/delivery",
    "/features",
    "/service_area",
    "/locations",
    "/schedule",
    "/contact",
    "/url",
    "/valid_until",
    "/verified_at",
    "/provider/ref",
    "/networks",
    "/projects",
];

/// Languages whose text fields are always shown.
const ALWAYS_LANGS: &[&str] = &["de", "en"];

/// A text of the record in every language (`title`, `description`, …).
#[derive(Debug, Clone, Copy)]
pub struct TextPart {
    pub part: &'static str,
    de: &'static str,
    en: &'static str,
    /// A long text (a text area).
    long: bool,
    /// Required in German.
    required: bool,
}

const fn text(
    part: &'static str,
    de: &'static str,
    en: &'static str,
    long: bool,
    required: bool,
) -> TextPart {
    TextPart { part, de, en, long, required }
}

/// What a kind's form shows and fills.
pub struct Layout {
    pub kind: RecordKind,
    pub texts: &'static [TextPart],
    sections: &'static [(&'static str, &'static str, &'static [Spec])],
    rows: &'static [(&'static str, &'static [Spec], &'static str, &'static str)],
    replaced: &'static [&'static str],
}

/// The form of a kind.
pub fn layout(kind: RecordKind) -> &'static Layout {
    match kind {
        RecordKind::Offer => &OFFER,
        RecordKind::Organization => &ORGANIZATION,
        RecordKind::Network => &NETWORK,
        RecordKind::Project => &PROJECT,
    }
}

static OFFER: Layout = Layout {
    kind: RecordKind::Offer,
    texts: &[
        text("title", "Titel", "Title", false, true),
        text("description", "Beschreibung", "Description", true, true),
    ],
    sections: OFFER_SECTIONS,
    rows: OFFER_ROWS,
    replaced: OFFER_REPLACED,
};

/// The fields of a contact (`/contact/…`), shared by the kinds beside offers.
const CONTACT: (&str, &str, &[Spec]) = (
    "Kontakt",
    "Contact",
    &[
        spec("/contact/name", "Ansprechperson", "Contact person", Input("text"), Str),
        spec("/contact/email", "E-Mail", "E-mail", Input("email"), Str),
        spec("/contact/phone", "Telefon", "Phone", Input("tel"), Str),
        spec("/contact/url", "Kontaktseite", "Contact page", Input("url"), Str),
    ],
);

/// The fields of an institution's place, with one line of opening hours.
const ORG_LOCATION: &[Spec] = &[
    spec("name", "Name des Orts", "Name of the place", Input("text"), Str),
    spec("street", "Straße und Hausnummer", "Street and number", Input("text"), Str).required(),
    spec("postcode", "Postleitzahl", "Postcode", Input("text"), Str).required(),
    spec("city", "Ort", "City", Input("text"), Str).required(),
    spec("ags", "Gemeindeschlüssel (AGS)", "Municipality key (AGS)", Input("text"), Str).required().hint(
        "8 Ziffern, z. B. 05117000 für Mülheim an der Ruhr",
        "8 digits, e.g. 05117000 for Mülheim an der Ruhr",
    ),
    spec("lat", "Breitengrad", "Latitude", Input("text"), Num),
    spec("lon", "Längengrad", "Longitude", Input("text"), Num),
    spec("accessibility", "Barrierefreiheit", "Accessibility", Checks(v_accessibility), List),
    spec("opening_hours/0/days", "Geöffnet an", "Open on", Checks(v_weekdays), List),
    spec("opening_hours/0/opens", "Öffnet um", "Opens at", Input("time"), Str),
    spec("opening_hours/0/closes", "Schließt um", "Closes at", Input("time"), Str),
];

/// The fields of a link with its purpose.
const LINK: &[Spec] = &[
    spec("purpose", "Zweck", "Purpose", Select(v_link_purposes), Str),
    spec("url", "Adresse", "Address", Input("url"), Str),
];

static ORGANIZATION: Layout = Layout {
    kind: RecordKind::Organization,
    texts: &[
        text("name", "Name", "Name", false, true),
        text("description", "Beschreibung", "Description", true, false),
    ],
    sections: &[
        (
            "Art",
            "Kind",
            &[
                spec("/kind", "Art der Einrichtung", "Kind of institution", Select(v_provider_kinds), Str)
                    .required(),
                spec("/school_type", "Schulform", "School type", Select(v_school_types), Str)
                    .hint("Nur bei Schulen.", "Schools only."),
                spec("/part_of", "Gehört zu", "Part of", Input("text"), Ref).hint(REF_DE, REF_EN),
            ],
        ),
        (
            "Für wen",
            "For whom",
            &[
                spec("/life_phases", "Lebensphasen", "Life phases", Checks(v_life_phases), List),
                spec("/languages", "Gesprochene Sprachen", "Languages spoken", Input("text"), CommaList)
                    .hint(
                        "ISO-639-1-Codes, durch Komma getrennt, z. B. de, tr, ar",
                        "ISO 639-1 codes separated by commas, e.g. de, tr, ar",
                    ),
                spec(
                    "/service_area",
                    "Gemeinden (ohne festen Ort)",
                    "Municipalities (without a fixed place)",
                    Input("text"),
                    CommaList,
                )
                .hint(AGS_DE, AGS_EN),
            ],
        ),
        CONTACT,
        (
            "Webseite",
            "Website",
            &[
                spec("/url", "Webseite", "Website", Input("url"), Str),
                spec("/verified_at", "Zuletzt geprüft am", "Last checked on", Input("date"), Str),
            ],
        ),
    ],
    rows: &[("/locations", ORG_LOCATION, "Ort", "Place"), ("/links", LINK, "Link", "Link")],
    replaced: &[
        "/name",
        "/description",
        "/kind",
        "/school_type",
        "/part_of",
        "/life_phases",
        "/languages",
        "/service_area",
        "/contact",
        "/url",
        "/verified_at",
        "/locations",
        "/links",
    ],
};

/// The fields of a network's coordinator.
const COORDINATOR: &[Spec] = &[
    spec("name", "Name", "Name", Input("text"), Str).required(),
    spec("role", "Aufgabe", "Role", Input("text"), Str),
    spec("email", "E-Mail", "E-mail", Input("email"), Str),
    spec("phone", "Telefon", "Phone", Input("tel"), Str),
    spec("organization", "Einrichtung", "Institution", Input("text"), Ref).hint(REF_DE, REF_EN),
];

static NETWORK: Layout = Layout {
    kind: RecordKind::Network,
    texts: &[
        text("name", "Name", "Name", false, true),
        text("topic", "Thema", "Topic", false, false),
        text("description", "Beschreibung", "Description", true, false),
        text("meeting_schedule", "Treffen", "Meetings", false, false),
        text("how_to_join", "Mitmachen", "How to join", true, false),
    ],
    sections: &[
        (
            "Mitglieder und Gebiet",
            "Members and area",
            &[
                spec(
                    "/members",
                    "Mitglieder (Einrichtungen)",
                    "Members (institutions)",
                    Input("text"),
                    RefList,
                )
                .hint(REFS_DE, REFS_EN),
                spec("/service_area", "Gemeinden", "Municipalities", Input("text"), CommaList)
                    .required()
                    .hint(AGS_DE, AGS_EN),
                spec("/life_phases", "Lebensphasen", "Life phases", Checks(v_life_phases), List),
                spec("/target_groups", "Zielgruppen", "Target groups", Checks(v_target_groups), List),
            ],
        ),
        CONTACT,
        (
            "Webseite",
            "Website",
            &[
                spec("/url", "Webseite", "Website", Input("url"), Str),
                spec("/verified_at", "Zuletzt geprüft am", "Last checked on", Input("date"), Str),
            ],
        ),
    ],
    rows: &[("/coordinators", COORDINATOR, "Koordination", "Coordinator")],
    replaced: &[
        "/name",
        "/topic",
        "/description",
        "/meeting_schedule",
        "/how_to_join",
        "/members",
        "/service_area",
        "/life_phases",
        "/target_groups",
        "/contact",
        "/url",
        "/verified_at",
        "/coordinators",
    ],
};

/// The fields of a project's funding.
const FUNDING: &[Spec] = &[
    spec("programme", "Förderprogramm", "Funding programme", Input("text"), Str),
    spec("funder", "Fördermittelgeber", "Funder", Input("text"), Str),
    spec("code", "Kennzeichen", "Code", Input("text"), Str),
];

static PROJECT: Layout = Layout {
    kind: RecordKind::Project,
    texts: &[
        text("title", "Titel", "Title", false, true),
        text("summary", "Kurzbeschreibung", "Summary", true, true),
        text("goals", "Ziele", "Goals", true, false),
        text("description", "Beschreibung", "Description", true, false),
        text("outcomes", "Ergebnisse", "Outcomes", true, false),
    ],
    sections: &[
        (
            "Stand und Zeitraum",
            "Status and period",
            &[
                spec("/status", "Stand", "Status", Select(v_project_statuses), Str).required(),
                spec("/period/start", "Beginn", "Start", Input("date"), Str).required(),
                spec("/period/end", "Ende", "End", Input("date"), Str)
                    .hint("Leer: laufend.", "Empty: ongoing."),
            ],
        ),
        (
            "Bildungsbiografie und Zielgruppen",
            "Education biography and target groups",
            &[
                spec("/life_phases", "Lebensphasen", "Life phases", Checks(v_life_phases), List).required(),
                spec("/target_groups", "Zielgruppen", "Target groups", Checks(v_target_groups), List),
            ],
        ),
        (
            "Träger und Partner",
            "Responsible and partners",
            &[
                spec(
                    "/responsible",
                    "Verantwortliche Einrichtung",
                    "Responsible institution",
                    Input("text"),
                    Ref,
                )
                .hint(REF_DE, REF_EN),
                spec("/partners", "Partner", "Partners", Input("text"), RefList).hint(REFS_DE, REFS_EN),
                spec(
                    "/service_area",
                    "Gemeinden (ohne festen Ort)",
                    "Municipalities (without a fixed place)",
                    Input("text"),
                    CommaList,
                )
                .hint(AGS_DE, AGS_EN),
            ],
        ),
        CONTACT,
        (
            "Webseite",
            "Website",
            &[
                spec("/url", "Webseite", "Website", Input("url"), Str),
                spec("/verified_at", "Zuletzt geprüft am", "Last checked on", Input("date"), Str),
            ],
        ),
    ],
    rows: &[
        ("/locations", LOCATION, "Ort", "Place"),
        ("/funding", FUNDING, "Förderung", "Funding"),
        ("/links", LINK, "Link", "Link"),
    ],
    replaced: &[
        "/title",
        "/summary",
        "/goals",
        "/description",
        "/outcomes",
        "/status",
        "/period",
        "/life_phases",
        "/target_groups",
        "/responsible",
        "/partners",
        "/service_area",
        "/contact",
        "/url",
        "/verified_at",
        "/locations",
        "/funding",
        "/links",
    ],
};

/// The offer built from the form, and how its array rows map back to the form's rows.
pub struct Built {
    pub offer: Value,
    /// (pointer prefix in the offer, pointer prefix in the form) for rows that moved because
    /// an empty row before them was left out.
    row_map: Vec<(String, String)>,
}

fn is_blank(values: &Values, name: &str) -> bool {
    values.get(name).is_none_or(|vs| vs.iter().all(|v| v.trim().is_empty()))
}

fn json_of(kind: Kind, raw: &[String]) -> Option<Value> {
    let nonempty: Vec<&str> = raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
    match kind {
        Kind::Str => nonempty.first().map(|v| Value::String((*v).to_owned())),
        Kind::Num => nonempty.first().map(|v| {
            // A decimal comma is what German users type; anything unparsable goes to the
            // validator as text, which reports it as a type mismatch.
            match v.replace(',', ".").parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(n) => Value::Number(n),
                None => Value::String((*v).to_owned()),
            }
        }),
        Kind::List => (!nonempty.is_empty())
            .then(|| Value::Array(nonempty.iter().map(|v| Value::String((*v).into())).collect())),
        Kind::Ref => nonempty.first().map(|v| Value::String((*v).to_owned())),
        Kind::CommaList | Kind::RefList => {
            let items: Vec<Value> = nonempty
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
    }
}

fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

/// Sets `value` at `pointer`, creating objects and (for numeric segments) arrays on the way.
fn set(root: &mut Value, pointer: &str, value: Value) {
    let segs: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = segs.get(i + 1).is_some_and(|s| s.parse::<usize>().is_ok());
        let fresh = || if next_is_index { Value::Array(Vec::new()) } else { Value::Object(Map::new()) };
        if let Ok(index) = seg.parse::<usize>()
            && let Value::Array(items) = cur
        {
            while items.len() <= index {
                items.push(fresh());
            }
            if last {
                items[index] = value;
                return;
            }
            cur = &mut items[index];
            continue;
        }
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(map) = cur else { return };
        if last {
            map.insert(seg.clone(), value);
            return;
        }
        cur = map.entry(seg.clone()).or_insert_with(fresh);
    }
}

fn remove(root: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return };
    let target = if parent.is_empty() { Some(&mut *root) } else { root.pointer_mut(parent) };
    if let Some(Value::Object(map)) = target {
        map.remove(&unescape(key));
    }
}

/// Number of rows of a row group present in the values.
fn rows_in(values: &Values, group: &str) -> usize {
    let prefix = format!("{group}/");
    values
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// Builds the record from the form's values, on top of `base` (the stored record when editing).
pub fn to_record(layout: &Layout, values: &Values, base: Option<&Value>, id: Option<&str>) -> Built {
    let mut offer = base.cloned().filter(Value::is_object).unwrap_or_else(|| Value::Object(Map::new()));
    for ptr in layout.replaced {
        remove(&mut offer, ptr);
    }
    if let Some(id) = id {
        set(&mut offer, "/id", Value::String(id.to_owned()));
    } else if let Some(v) = json_of(Kind::Str, values.get("/id").map_or(&[][..], Vec::as_slice)) {
        set(&mut offer, "/id", v);
    }
    for (name, raw) in values {
        let is_text = layout.texts.iter().any(|t| {
            name.strip_prefix('/').and_then(|n| n.strip_prefix(t.part)).is_some_and(|r| r.starts_with('/'))
        });
        if is_text && let Some(v) = json_of(Kind::Str, raw) {
            set(&mut offer, name, v);
        }
    }
    for (_, _, specs) in layout.sections {
        for s in *specs {
            if let Some(v) = values.get(s.ptr).and_then(|raw| json_of(s.kind, raw)) {
                set(&mut offer, s.ptr, v);
            }
        }
    }
    let mut row_map = Vec::new();
    for (group, specs, _, _) in layout.rows {
        let mut next = 0;
        for i in 0..rows_in(values, group) {
            let form_prefix = format!("{group}/{i}");
            if specs.iter().all(|s| is_blank(values, &format!("{form_prefix}/{}", s.ptr))) {
                continue;
            }
            let json_prefix = format!("{group}/{next}");
            next += 1;
            for s in *specs {
                let raw = values.get(&format!("{form_prefix}/{}", s.ptr));
                if let Some(v) = raw.and_then(|raw| json_of(s.kind, raw)) {
                    set(&mut offer, &format!("{json_prefix}/{}", s.ptr), v);
                }
            }
            if json_prefix != form_prefix {
                row_map.push((json_prefix, form_prefix));
            }
        }
    }
    Built { offer, row_map }
}

/// Form values of a stored record.
pub fn values_of(layout: &Layout, offer: &Value) -> Values {
    let mut values = Values::new();
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    // A stored reference is an object; the form shows it as the steward types it.
    let reference = |v: &Value| match v {
        Value::Object(_) => {
            serde_json::from_value::<lotse_standard::model::Reference>(v.clone()).ok().map(|r| r.to_string())
        }
        other => text(other),
    };
    let mut put = |name: String, kind: Kind, v: &Value| {
        let list = match (kind, v) {
            (Kind::List, Value::Array(items)) => items.iter().filter_map(text).collect(),
            (Kind::CommaList, Value::Array(items)) => {
                vec![items.iter().filter_map(text).collect::<Vec<_>>().join(", ")]
            }
            (Kind::RefList, Value::Array(items)) => {
                vec![items.iter().filter_map(reference).collect::<Vec<_>>().join(", ")]
            }
            (Kind::Ref, v) => reference(v).into_iter().collect(),
            (_, v) => text(v).into_iter().collect(),
        };
        values.insert(name, list);
    };
    if let Some(id) = offer.get("id") {
        put("/id".into(), Kind::Str, id);
    }
    for part in layout.texts.iter().map(|t| t.part) {
        if let Some(Value::Object(map)) = offer.get(part) {
            for (lang, v) in map {
                put(format!("/{part}/{lang}"), Kind::Str, v);
            }
        }
    }
    for (_, _, specs) in layout.sections {
        for s in *specs {
            if let Some(v) = offer.pointer(s.ptr) {
                put(s.ptr.to_owned(), s.kind, v);
            }
        }
    }
    for (group, specs, _, _) in layout.rows {
        if let Some(Value::Array(rows)) = offer.pointer(group) {
            for (i, row) in rows.iter().enumerate() {
                for s in *specs {
                    if let Some(v) = row.pointer(&format!("/{}", s.ptr)) {
                        put(format!("{group}/{i}/{}", s.ptr), s.kind, v);
                    }
                }
            }
        }
    }
    values
}

/// A finding shown at a field.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldError {
    pub code: String,
    /// `error`, `warning` or `notice`.
    pub severity: String,
    pub severity_label: String,
    pub message: String,
    pub fix: String,
}

/// One option of a select or checkbox group.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// The id of a checkbox.
    pub id: String,
}

/// One field as the template shows it.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON pointer the field fills; also the form field's name.
    pub name: String,
    pub id: String,
    pub label: String,
    pub hint: Option<String>,
    /// `input`, `textarea`, `select`, `checks` or `multi`.
    pub control: &'static str,
    pub input_type: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub required: bool,
    /// The language of the field's text (title and description rows).
    pub text_lang: Option<String>,
    /// `ltr`, `rtl` or `auto`.
    pub dir: &'static str,
    pub errors: Vec<FieldError>,
}

impl Field {
    /// The ids for `aria-describedby`: the hint (if any) and the error list.
    pub fn described_by(&self) -> String {
        match self.hint {
            Some(_) => format!("{}-hint {}-error", self.id, self.id),
            None => format!("{}-error", self.id),
        }
    }

    pub fn invalid(&self) -> bool {
        self.errors.iter().any(|e| e.severity == "error")
    }
}

/// A fieldset of the form.
#[derive(Debug, Clone)]
pub struct Section {
    pub legend: String,
    pub fields: Vec<Field>,
}

/// An error with a link to its field, for the summary above the form.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummaryItem {
    /// The field's id, empty when the finding belongs to no field.
    pub field_id: String,
    pub label: String,
    pub error: FieldError,
}

/// The form's id for a field name: `f` and the pointer with `/` as `-` (other characters of a
/// language code are letters, digits or `-`).
pub fn field_id(name: &str) -> String {
    let mut id = String::from("f");
    for c in name.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' });
    }
    id
}

fn field(lang: Lang, name: String, s: &Spec, values: &Values) -> Field {
    let raw = values.get(&name).cloned().unwrap_or_default();
    let (control, input_type, vocab) = match s.control {
        Input(t) => ("input", t, None),
        TextArea => ("textarea", "", None),
        Select(v) => ("select", "", Some(v())),
        Checks(v) => ("checks", "", Some(v())),
        Multi(v) => ("multi", "", Some(v())),
    };
    let id = field_id(&name);
    let options = vocab
        .map(|v| {
            v.codes
                .iter()
                .map(|c| Opt {
                    value: c.code.clone(),
                    label: lang.t(&c.label.de, &c.label.en).to_owned(),
                    selected: raw.iter().any(|r| r == &c.code),
                    id: format!("{id}-{}", field_id(&c.code).trim_start_matches('f')),
                })
                .collect()
        })
        .unwrap_or_default();
    Field {
        value: if matches!(s.kind, Kind::List) {
            String::new()
        } else {
            raw.first().cloned().unwrap_or_default()
        },
        id,
        name,
        label: lang.t(s.de, s.en).to_owned(),
        hint: s.hint.map(|(de, en)| lang.t(de, en).to_owned()),
        control,
        input_type,
        options,
        required: s.required,
        text_lang: None,
        dir: "auto",
        errors: Vec::new(),
    }
}

fn language_label(lang: Lang, code: &str) -> String {
    vocabularies()
        .languages
        .get(code)
        .map_or_else(|| code.to_owned(), |c| lang.t(&c.label.de, &c.label.en).to_owned())
}

/// The whole form: sections with their fields, values filled in.
pub fn build(layout: &Layout, lang: Lang, values: &Values) -> Vec<Section> {
    let mut sections = Vec::new();
    // The texts: German and English always, every other language present, and (in the
    // template) one empty row to add a language.
    let mut langs: Vec<String> = ALWAYS_LANGS.iter().map(|s| (*s).to_owned()).collect();
    for k in values.keys() {
        let code = layout.texts.iter().find_map(|t| k.strip_prefix(&format!("/{}/", t.part)));
        if let Some(code) = code
            && !langs.iter().any(|l| l == code)
        {
            langs.push(code.to_owned());
        }
    }
    for code in &langs {
        let name = language_label(lang, code);
        let dir = lotse_web::dir_of(code);
        let mut fields = Vec::new();
        for t in layout.texts {
            let control = if t.long { TextArea } else { Input("text") };
            let required = t.required && code == "de";
            let s = Spec { ptr: "", de: t.de, en: t.en, control, kind: Kind::Str, required, hint: None };
            let mut f = field(lang, format!("/{}/{code}", t.part), &s, values);
            f.label = format!("{} ({name})", lang.t(t.de, t.en));
            f.text_lang = Some(code.clone());
            f.dir = dir;
            fields.push(f);
        }
        let legend = match layout.kind {
            RecordKind::Offer | RecordKind::Project => {
                lang.t("Titel und Beschreibung", "Title and description")
            }
            _ => lang.t("Name und Beschreibung", "Name and description"),
        };
        sections.push(Section { legend: format!("{legend} – {name}"), fields });
    }
    for (de, en, specs) in layout.sections {
        let fields = specs.iter().map(|s| field(lang, s.ptr.to_owned(), s, values)).collect();
        sections.push(Section { legend: lang.t(de, en).to_owned(), fields });
    }
    for (group, specs, de, en) in layout.rows {
        // One empty row more than filled ones, so that a place or a time can be added.
        let n = rows_in(values, group) + 1;
        for i in 0..n {
            let fields =
                specs.iter().map(|s| field(lang, format!("{group}/{i}/{}", s.ptr), s, values)).collect();
            sections.push(Section { legend: format!("{} {}", lang.t(de, en), i + 1), fields });
        }
    }
    sections
}

/// The fields of the extra language row: the layout's texts in a language the steward names
/// (`_extra_lang`), named `_extra_{part}`; [`values_from_pairs`] turns them into the text fields.
pub fn extra_fields(layout: &Layout, lang: Lang) -> Vec<Field> {
    layout
        .texts
        .iter()
        .map(|t| Field {
            name: format!("_extra_{}", t.part),
            id: format!("f-extra-{}", t.part.replace('_', "-")),
            label: format!("{} {}", lang.t(t.de, t.en), lang.t("in dieser Sprache", "in this language")),
            hint: None,
            control: if t.long { "textarea" } else { "input" },
            input_type: "text",
            value: String::new(),
            options: Vec::new(),
            required: false,
            text_lang: None,
            dir: "auto",
            errors: Vec::new(),
        })
        .collect()
}

/// The label of a finding's severity, in words (never colour alone).
pub fn severity_label(lang: Lang, severity: &str) -> String {
    match severity {
        "error" => lang.t("Fehler", "Error"),
        "warning" => lang.t("Warnung", "Warning"),
        _ => lang.t("Hinweis", "Notice"),
    }
    .to_owned()
}

/// The "how to fix" text of a finding code, from the standard.
pub fn fix_text(lang: Lang, code: &str) -> String {
    lotse_standard::Code::parse(code).map(|c| lang.t(&c.fix().de, &c.fix().en).to_owned()).unwrap_or_default()
}

fn field_error(lang: Lang, f: &ReportFinding) -> FieldError {
    FieldError {
        code: f.code.clone(),
        severity: f.severity.clone(),
        severity_label: severity_label(lang, &f.severity),
        message: lang.t(&f.message.de, &f.message.en).to_owned(),
        fix: fix_text(lang, &f.code),
    }
}

/// Puts each finding at its field (the field whose pointer is the finding's or the longest
/// prefix of it; for a missing object, its first field) and returns the summary of all.
pub fn place_findings(
    lang: Lang,
    sections: &mut [Section],
    built: &Built,
    findings: &[ReportFinding],
) -> Vec<SummaryItem> {
    let mut summary = Vec::new();
    for finding in findings {
        let mut pointer = finding.pointer.clone();
        for (json_prefix, form_prefix) in &built.row_map {
            if pointer == *json_prefix || pointer.starts_with(&format!("{json_prefix}/")) {
                pointer = format!("{form_prefix}{}", &pointer[json_prefix.len()..]);
                break;
            }
        }
        let error = field_error(lang, finding);
        let mut best: Option<(usize, usize, usize)> = None;
        for (si, s) in sections.iter().enumerate() {
            for (fi, f) in s.fields.iter().enumerate() {
                let exact_or_prefix = pointer == f.name || pointer.starts_with(&format!("{}/", f.name));
                if exact_or_prefix && best.is_none_or(|(_, _, len)| f.name.len() > len) {
                    best = Some((si, fi, f.name.len()));
                }
            }
        }
        if best.is_none() {
            // A missing object (e.g. `/cost`): its first field carries the message.
            let prefix = format!("{pointer}/");
            'outer: for (si, s) in sections.iter().enumerate() {
                for (fi, f) in s.fields.iter().enumerate() {
                    if f.name.starts_with(&prefix) {
                        best = Some((si, fi, 0));
                        break 'outer;
                    }
                }
            }
        }
        match best {
            Some((si, fi, _)) => {
                let f = &mut sections[si].fields[fi];
                f.errors.push(error.clone());
                summary.push(SummaryItem { field_id: f.id.clone(), label: f.label.clone(), error });
            }
            None => summary.push(SummaryItem { field_id: String::new(), label: pointer, error }),
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn round_trip_keeps_every_covered_field_and_the_rest() {
        let offer = json!({
            "id": "a1",
            "offer_type": "sprachkurs",
            "categories": ["integrationskurs"],
            "title": {"de": "Kurs", "en": "Course", "ar": "دورة"},
            "description": {"de": "Text"},
            "provider": {"name": "VHS", "kind": "volkshochschule", "identifiers": [{"scheme": "x", "value": "1"}]},
            "status": "active",
            "target_groups": ["eltern"],
            "languages": ["de", "ar"],
            "language_level": {"from": "A1", "to": "B1"},
            "cost": {"kind": "fee", "amount_eur": 49.5},
            "eligibility": {"age_min": 18},
            "delivery": "presential",
            "locations": [{"street": "Burgplatz 1", "postcode": "45127", "city": "Essen", "ags": "05113000", "lat": 51.45, "accessibility": ["wheelchair"]}],
            "schedule": {"opening_hours": [{"days": ["mo", "tu"], "opens": "09:00", "closes": "12:00"}]},
            "contact": {"email": "a@b.de"},
            "valid_until": "2099-12-31"
        });
        let values = values_of(&OFFER, &offer);
        assert_eq!(values["/languages"], ["de, ar"]);
        assert_eq!(values["/locations/0/accessibility"], ["wheelchair"]);
        let built = to_record(&OFFER, &values, Some(&offer), Some("a1"));
        assert_eq!(built.offer, offer);
    }

    #[test]
    fn the_other_kinds_round_trip_with_references_rows_and_nested_hours() {
        let network = json!({
            "id": "n1",
            "name": {"de": "Netzwerk Frühe Hilfen", "en": "Early help network"},
            "how_to_join": {"de": "Schreiben Sie uns."},
            "coordinators": [{"name": "Dana Beispiel", "email": "d@example.org", "organization": {"node": "muelheim", "id": "kita-1"}}],
            "members": [{"id": "vhs-1"}, {"node": "muelheim", "id": "kita-1"}],
            "service_area": ["05113000", "05117000"]
        });
        let values = values_of(&NETWORK, &network);
        assert_eq!(values["/members"], ["vhs-1, muelheim/kita-1"]);
        assert_eq!(values["/coordinators/0/organization"], ["muelheim/kita-1"]);
        let built = to_record(&NETWORK, &values, Some(&network), Some("n1"));
        // References come back as the steward typed them; the standard reads both forms.
        assert_eq!(built.offer["members"], json!(["vhs-1", "muelheim/kita-1"]));
        assert_eq!(built.offer["how_to_join"], network["how_to_join"]);
        let organization = json!({
            "id": "k1",
            "name": {"de": "Kita"},
            "kind": "kita",
            "locations": [{"street": "Weg 1", "postcode": "45468", "city": "Mülheim", "ags": "05117000",
                "opening_hours": [{"days": ["mo"], "opens": "08:00", "closes": "16:00"}]}]
        });
        let values = values_of(&ORGANIZATION, &organization);
        assert_eq!(values["/locations/0/opening_hours/0/opens"], ["08:00"]);
        assert_eq!(to_record(&ORGANIZATION, &values, None, Some("k1")).offer, organization);
        let sections = build(&PROJECT, Lang::En, &Values::new());
        assert!(sections.iter().flat_map(|s| &s.fields).any(|f| f.name == "/summary/de" && f.required));
    }

    #[test]
    fn empty_rows_are_left_out_and_findings_find_their_row() {
        let pairs = vec![
            ("_csrf".to_owned(), "x".to_owned()),
            ("/locations/0/street".to_owned(), String::new()),
            ("/locations/1/street".to_owned(), "Weg 1".to_owned()),
            ("/cost/amount_eur".to_owned(), "12,5".to_owned()),
            ("_extra_lang".to_owned(), "fa".to_owned()),
            ("_extra_title".to_owned(), "دوره".to_owned()),
        ];
        let values = values_from_pairs(&OFFER, pairs);
        let built = to_record(&OFFER, &values, None, Some("x"));
        assert_eq!(built.offer["locations"], json!([{"street": "Weg 1"}]));
        assert_eq!(built.offer["cost"]["amount_eur"], json!(12.5));
        assert_eq!(built.offer["title"]["fa"], json!("دوره"));
        let mut sections = build(&OFFER, Lang::De, &values);
        let finding = ReportFinding {
            record: 0,
            id: None,
            severity: "error".into(),
            code: "required".into(),
            pointer: "/locations/0/postcode".into(),
            line: None,
            column: None,
            message: crate::ingest::report::Text { de: "fehlt".into(), en: "missing".into() },
        };
        let summary = place_findings(Lang::De, &mut sections, &built, &[finding]);
        assert_eq!(summary[0].field_id, "f-locations-1-postcode");
        let fa = sections.iter().flat_map(|s| &s.fields).find(|f| f.name == "/title/fa").unwrap();
        assert_eq!(fa.dir, "rtl");
    }
}
