//! Findings: what the validator reports about a record.
//!
//! Every finding has a stable machine-readable [`Code`], a severity, a JSON pointer into the
//! record (RFC 6901), for CSV input also the line and column, and a message in German and
//! English. The codes are part of the standard: they are listed in `docs/standard.md`, a test
//! keeps that list complete, and a code is never renamed within a major version.

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record is rejected.
    Error,
    /// The record is accepted; its quality score is lowered.
    Warning,
    /// A hint; nothing is lowered.
    Notice,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// A message in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub de: String,
    pub en: String,
}

impl Message {
    pub fn new(de: impl Into<String>, en: impl Into<String>) -> Self {
        Self { de: de.into(), en: en.into() }
    }
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $sev:ident, $de:literal, $en:literal, $fix_de:literal, $fix_en:literal; )*) => {
        /// The stable codes of findings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }

            /// What the code means, in German and English (for documentation and report tables).
            pub fn meaning(self) -> Message {
                match self { $(Code::$variant => Message::new($de, $en)),* }
            }

            /// How a data steward fixes it.
            pub fn fix(self) -> Message {
                match self { $(Code::$variant => Message::new($fix_de, $fix_en)),* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                match s { $($code => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    TypeMismatch = "type_mismatch", Error,
        "Der Wert hat den falschen Typ.", "The value has the wrong type.",
        "Den Wert im erwarteten Typ angeben (Text, Zahl, Liste oder Objekt).", "Give the value in the expected type (text, number, list or object).";
    Required = "required", Error,
        "Ein Pflichtfeld fehlt.", "A required field is missing.",
        "Das Feld ausfüllen.", "Fill in the field.";
    UnknownField = "unknown_field", Error,
        "Das Feld gehört nicht zum Standard.", "The field is not part of the standard.",
        "Schreibweise prüfen oder das Feld entfernen.", "Check the spelling or remove the field.";
    EmptyValue = "empty_value", Error,
        "Der Wert ist leer.", "The value is empty.",
        "Einen Wert eintragen oder das Feld weglassen.", "Enter a value or leave the field out.";
    TooLong = "too_long", Error,
        "Der Text ist zu lang.", "The text is too long.",
        "Den Text kürzen (Titel und Namen höchstens 200, Beschreibungen höchstens 5.000 Zeichen; die Meldung nennt die Grenze).", "Shorten the text (titles and names at most 200, descriptions at most 5,000 characters; the message names the limit).";
    InvalidId = "invalid_id", Error,
        "Die ID hat ein ungültiges Format.", "The id has an invalid format.",
        "Nur A–Z, a–z, 0–9 und . _ : - verwenden, höchstens 128 Zeichen.", "Use only A–Z, a–z, 0–9 and . _ : -, at most 128 characters.";
    UnknownCode = "unknown_code", Error,
        "Der Code steht nicht in der Werteliste.", "The code is not in the vocabulary.",
        "Einen Code aus der Werteliste in schemas/vocabularies/ verwenden.", "Use a code from the vocabulary in schemas/vocabularies/.";
    CategoryMismatch = "category_mismatch", Error,
        "Die Kategorie gehört zu einer anderen Angebotsart.", "The category belongs to another offer type.",
        "Eine Kategorie der gewählten Angebotsart wählen oder die Angebotsart ändern.", "Choose a category of the offer type or change the offer type.";
    DuplicateItem = "duplicate_item", Error,
        "Ein Wert steht doppelt in der Liste.", "A value appears twice in the list.",
        "Den doppelten Eintrag entfernen.", "Remove the duplicate entry.";
    TooFewItems = "too_few_items", Error,
        "Die Liste ist leer.", "The list is empty.",
        "Mindestens einen Eintrag angeben.", "Give at least one entry.";
    LevelNotAllowed = "level_not_allowed", Error,
        "Ein Sprachniveau ist nur bei Sprachkursen erlaubt.", "A language level is only allowed on language courses.",
        "Das Sprachniveau entfernen oder die Angebotsart auf sprachkurs setzen.", "Remove the language level or set the offer type to sprachkurs.";
    LevelRange = "level_range", Error,
        "Das Start-Niveau liegt über dem Ziel-Niveau.", "The starting level is above the target level.",
        "from und to tauschen: from muss ≤ to sein (alpha < A1 < … < C2).", "Swap from and to: from must be ≤ to (alpha < A1 < … < C2).";
    InvalidDate = "invalid_date", Error,
        "Das Datum ist ungültig.", "The date is invalid.",
        "Datum als JJJJ-MM-TT angeben (in CSV auch TT.MM.JJJJ).", "Give the date as YYYY-MM-DD (in CSV also DD.MM.YYYY).";
    DateRange = "date_range", Error,
        "Das Enddatum liegt vor dem Startdatum.", "The end date is before the start date.",
        "Start- und Enddatum prüfen.", "Check the start and end dates.";
    InvalidTime = "invalid_time", Error,
        "Die Uhrzeit ist ungültig.", "The time is invalid.",
        "Uhrzeit als HH:MM im 24-Stunden-Format angeben.", "Give the time as HH:MM on the 24-hour clock.";
    TimeRange = "time_range", Error,
        "Die Schließzeit liegt nicht nach der Öffnungszeit.", "The closing time is not after the opening time.",
        "Öffnungs- und Schließzeit prüfen.", "Check the opening and closing times.";
    InvalidEmail = "invalid_email", Error,
        "Die E-Mail-Adresse ist ungültig.", "The e-mail address is invalid.",
        "Eine Adresse der Form name@beispiel.de angeben.", "Give an address of the form name@example.org.";
    InvalidPhone = "invalid_phone", Error,
        "Die Telefonnummer ist ungültig.", "The phone number is invalid.",
        "Nur Ziffern, Leerzeichen, +, /, -, ( ) verwenden, z. B. +49 201 123456.", "Use only digits, spaces, +, /, -, ( ), e.g. +49 201 123456.";
    InvalidUrl = "invalid_url", Error,
        "Die Webadresse ist ungültig oder nicht http(s).", "The web address is invalid or not http(s).",
        "Eine vollständige Adresse mit https:// angeben.", "Give a complete address starting with https://.";
    InvalidLanguage = "invalid_language", Error,
        "Der Sprachcode ist kein ISO-639-/BCP-47-Code.", "The language code is not an ISO 639 / BCP 47 code.",
        "Zweibuchstabige ISO-639-1-Codes verwenden, z. B. de, ar, uk, tr, fa.", "Use two-letter ISO 639-1 codes, e.g. de, ar, uk, tr, fa.";
    OutOfRange = "out_of_range", Error,
        "Die Zahl liegt außerhalb des erlaubten Bereichs.", "The number is outside the allowed range.",
        "Den Wert prüfen (z. B. Betrag ≥ 0, Alter 0–120).", "Check the value (e.g. amount ≥ 0, age 0–120).";
    AgeRange = "age_range", Error,
        "Das Mindestalter liegt über dem Höchstalter.", "The minimum age is above the maximum age.",
        "age_min und age_max prüfen.", "Check age_min and age_max.";
    AmountRequired = "amount_required", Error,
        "Bei kostenpflichtigen Angeboten fehlt der Betrag.", "A fee-based offer lacks the amount.",
        "cost.amount_eur angeben (0 ist erlaubt).", "Give cost.amount_eur (0 is allowed).";
    AmountNotAllowed = "amount_not_allowed", Error,
        "Ein Betrag ist nur bei cost.kind = fee erlaubt.", "An amount is only allowed with cost.kind = fee.",
        "Den Betrag entfernen oder cost.kind auf fee setzen.", "Remove the amount or set cost.kind to fee.";
    LocationRequired = "location_required", Error,
        "Präsenzangebote brauchen mindestens einen Ort, Einrichtungen und Projekte einen Ort oder ein Einzugsgebiet.", "Presential offers need at least one location, organizations and projects a location or a service area.",
        "Einen Ort mit Straße, PLZ, Ort und AGS angeben; bei Angeboten sonst delivery auf online/outreach setzen, bei Einrichtungen und Projekten sonst service_area angeben.", "Give a location with street, postcode, city and AGS; otherwise set delivery to online/outreach for an offer, or give service_area for an organization or project.";
    ServiceAreaRequired = "service_area_required", Error,
        "Ohne Ort braucht das Angebot ein Einzugsgebiet.", "Without a location the offer needs a service area.",
        "In service_area die AGS der versorgten Kommunen angeben.", "List the AGS of the municipalities served in service_area.";
    ContactEmpty = "contact_empty", Error,
        "Der Kontakt enthält keine Angabe.", "The contact has no entry.",
        "Mindestens Name, E-Mail, Telefon oder Webadresse angeben.", "Give at least a name, e-mail, phone or web address.";
    InvalidPostcode = "invalid_postcode", Error,
        "Die Postleitzahl hat nicht fünf Ziffern.", "The postcode does not have five digits.",
        "Fünfstellige Postleitzahl angeben, z. B. 45127.", "Give a five-digit postcode, e.g. 45127.";
    UnknownAgs = "unknown_ags", Error,
        "Der Gemeindeschlüssel (AGS) ist in der Region unbekannt.", "The municipality key (AGS) is unknown in the region.",
        "Den achtstelligen AGS der Kommune angeben, z. B. 05113000 für Essen.", "Give the 8-digit AGS of the municipality, e.g. 05113000 for Essen.";
    CoordinatesIncomplete = "coordinates_incomplete", Error,
        "Es fehlt lat oder lon.", "Either lat or lon is missing.",
        "Beide Koordinaten angeben oder beide weglassen.", "Give both coordinates or neither.";
    CoordinatesOutsideRegion = "coordinates_outside_region", Error,
        "Die Koordinaten liegen außerhalb der Region.", "The coordinates lie outside the region.",
        "Koordinaten prüfen (WGS84, Dezimalgrad, Punkt oder Komma).", "Check the coordinates (WGS84, decimal degrees).";
    CoordinatesSwapped = "coordinates_swapped", Error,
        "Breite und Länge sind vertauscht.", "Latitude and longitude are swapped.",
        "lat und lon tauschen: im Ruhrgebiet ist lat ≈ 51,5 und lon ≈ 7.", "Swap lat and lon: in the Ruhr region lat ≈ 51.5 and lon ≈ 7.";
    MunicipalityMismatch = "municipality_mismatch", Error,
        "Die Koordinaten liegen in einer anderen Kommune als der angegebenen.", "The coordinates lie in another municipality than the declared one.",
        "Koordinaten oder AGS korrigieren.", "Correct the coordinates or the AGS.";
    MunicipalityNearBorder = "municipality_near_border", Warning,
        "Die Koordinaten liegen knapp (≤ 500 m) außerhalb der angegebenen Kommune.", "The coordinates lie just (≤ 500 m) outside the declared municipality.",
        "Prüfen, ob Koordinaten und AGS zusammenpassen; an Grenzen ist das oft nur Ungenauigkeit.", "Check that coordinates and AGS agree; near borders this is often mere imprecision.";
    DuplicateId = "duplicate_id", Error,
        "Die ID kommt in dieser Lieferung mehrfach vor.", "The id appears more than once in this batch.",
        "Jedem Datensatz eine eigene ID geben.", "Give every record its own id.";
    MarkupInText = "markup_in_text", Error,
        "Der Text enthält HTML oder andere Auszeichnung.", "The text contains HTML or other markup.",
        "Nur reinen Text verwenden; Zeilenumbrüche sind erlaubt.", "Use plain text only; line breaks are allowed.";
    CsvFieldCount = "csv_field_count", Error,
        "Die CSV-Zeile hat eine andere Spaltenzahl als die Kopfzeile.", "The CSV row has a different number of fields than the header.",
        "Trennzeichen und Anführungszeichen in der Zeile prüfen.", "Check delimiters and quotes in the row.";
    UnknownColumn = "unknown_column", Warning,
        "Die CSV-Spalte gehört nicht zum Standard; ihr Wert wird ignoriert.", "The CSV column is not part of the standard; its value is ignored.",
        "Spaltennamen prüfen (Pfad mit _ verbunden, z. B. contact_email).", "Check the column name (path joined with _, e.g. contact_email).";
    VerifiedStale = "verified_stale", Warning,
        "Der Datensatz wurde seit über einem Jahr nicht geprüft.", "The record has not been checked for over a year.",
        "Angaben prüfen und verified_at auf das heutige Datum setzen.", "Check the record and set verified_at to today.";
    ValidUntilPassed = "valid_until_passed", Warning,
        "Das Angebot ist abgelaufen (valid_until liegt in der Vergangenheit).", "The offer has expired (valid_until is in the past).",
        "valid_until verlängern oder das Angebot löschen.", "Extend valid_until or delete the offer.";
    MissingEnglishTitle = "missing_english_title", Notice,
        "Es gibt keinen englischen Titel.", "There is no English title.",
        "title.en ergänzen, damit auch englischsprachige Beratende das Angebot finden.", "Add title.en so that English-speaking advisers find the offer too.";
    InvalidReference = "invalid_reference", Error,
        "Der Verweis auf einen anderen Datensatz hat ein ungültiges Format.", "The reference to another record has an invalid format.",
        "Als „org-7“ (Datensatz des eigenen Knotens), „muelheim/org-7“ (Knoten/ID) oder {\"node\": \"muelheim\", \"id\": \"org-7\"} angeben.", "Give it as \"org-7\" (a record of your own node), \"muelheim/org-7\" (node/id) or {\"node\": \"muelheim\", \"id\": \"org-7\"}.";
    ReferenceNotFound = "reference_not_found", Warning,
        "Der Verweis führt zu keinem bekannten Datensatz der erwarteten Art.", "The reference leads to no known record of the expected kind.",
        "Knoten und ID prüfen; der Datensatz muss geliefert sein (auf dem eigenen Knoten oder, für andere Knoten, im Hub).", "Check node and id; the record must have been delivered (to your own node or, for other nodes, to the hub).";
    ReferenceCycle = "reference_cycle", Error,
        "Einrichtungen verweisen über part_of im Kreis aufeinander.", "Organizations refer to each other in a circle through part_of.",
        "part_of auf die übergeordnete Einrichtung setzen, nie auf sich selbst oder eine untergeordnete.", "Set part_of to the umbrella organization, never to the organization itself or one below it.";
    CoordinatorRequired = "coordinator_required", Error,
        "Das Netzwerk nennt keine Koordination.", "The network names no coordinator.",
        "In coordinators mindestens eine Person mit Namen angeben.", "List at least one person with a name in coordinators.";
    CoordinatorUnreachable = "coordinator_unreachable", Error,
        "Keine Koordinationsperson ist per E-Mail oder Telefon erreichbar.", "No coordinator can be reached by e-mail or phone.",
        "Bei mindestens einer Person in coordinators email oder phone angeben.", "Give email or phone for at least one person in coordinators.";
    SchoolTypeNotAllowed = "school_type_not_allowed", Error,
        "Eine Schulform ist nur bei Einrichtungen der Art schule erlaubt.", "A school type is only allowed for organizations of kind schule.",
        "school_type entfernen oder kind auf schule setzen.", "Remove school_type or set kind to schule.";
    EndDateMissing = "end_date_missing", Warning,
        "Das Projekt ist abgeschlossen, nennt aber kein Enddatum.", "The project is completed but gives no end date.",
        "period.end auf den letzten Tag des Projekts setzen.", "Set period.end to the project's last day.";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {s}")))
    }
}

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: Code,
    /// RFC 6901 pointer into the record; `""` is the record itself.
    pub pointer: String,
    /// For CSV input: the 1-based line of the row the value came from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u64>,
    /// For CSV input: the header name of the column.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<String>,
    pub message: Message,
}

impl Finding {
    pub fn new(code: Code, pointer: impl Into<String>, message: Message) -> Self {
        Finding {
            severity: code.severity(),
            code,
            pointer: pointer.into(),
            line: None,
            column: None,
            message,
        }
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) { token.replace('~', "~0").replace('/', "~1").into() } else { token.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert_eq!(Code::parse(c.as_str()), Some(*c));
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(escape_token("plain"), "plain");
    }
}
