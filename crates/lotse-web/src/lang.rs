//! The interface language: German first, English on request.

/// The language of a page's own text (offer texts keep the languages they come in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    /// Reads `lang=en` from a query string; anything else is German, the default.
    pub fn from_query(query: Option<&str>) -> Lang {
        let Some(query) = query else { return Lang::De };
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("lang=") {
                return if value.eq_ignore_ascii_case("en") { Lang::En } else { Lang::De };
            }
        }
        Lang::De
    }

    /// The BCP 47 code, for `lang` attributes and links.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        }
    }

    /// Picks the text of this language from a German and an English one.
    pub fn t<'a>(self, de: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

/// The writing direction of a text in the given language, for the `dir` attribute, so that
/// Arabic or Persian offer text is laid out right to left inside a German page.
pub fn dir_of(lang_code: &str) -> &'static str {
    let primary = lang_code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "fa" | "he" | "ur" | "ps" | "ckb" | "dv" | "yi" | "sd" | "ug" => "rtl",
        _ => "ltr",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_picks_english_only_when_asked() {
        assert_eq!(Lang::from_query(None), Lang::De);
        assert_eq!(Lang::from_query(Some("q=kurs&lang=en")), Lang::En);
        assert_eq!(Lang::from_query(Some("lang=EN")), Lang::En);
        assert_eq!(Lang::from_query(Some("lang=fr")), Lang::De);
        assert_eq!(Lang::from_query(Some("xlang=en")), Lang::De);
    }

    #[test]
    fn right_to_left_languages() {
        assert_eq!(dir_of("ar"), "rtl");
        assert_eq!(dir_of("fa-IR"), "rtl");
        assert_eq!(dir_of("de"), "ltr");
        assert_eq!(dir_of("uk"), "ltr");
    }
}
