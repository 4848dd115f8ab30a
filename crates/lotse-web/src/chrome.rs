//! What the shared layout needs to know about a page: title, language, site, navigation,
//! the signed-in user and the page's extra scripts and styles.

use crate::Lang;

/// Which service renders the page; the header names it.
#[derive(Debug, Clone)]
pub enum Site {
    Hub,
    Node { name: String },
}

/// One entry of the main navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

impl NavItem {
    pub fn new(href: impl Into<String>, lang: Lang, de: &str, en: &str, current: bool) -> NavItem {
        NavItem { href: href.into(), label: lang.t(de, en).to_owned(), current }
    }
}

/// The page frame: every page struct has a field `chrome: Chrome`, which `base.html` reads.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub site: Site,
    pub nav: Vec<NavItem>,
    /// The signed-in user's name; the layout then shows a logout form.
    pub user: Option<String>,
    /// Where the logout form posts (only with `user`).
    pub logout_href: String,
    /// The CSRF token for the layout's own forms (logout).
    pub csrf: Option<String>,
    /// This page's path and query with the other language, for the switch.
    pub lang_switch_href: String,
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
    pub attribution: Vec<String>,
}

impl Chrome {
    pub fn new(lang: Lang, title: impl Into<String>, site: Site) -> Chrome {
        Chrome {
            lang,
            title: title.into(),
            site,
            nav: Vec::new(),
            user: None,
            logout_href: "/abmelden".to_owned(),
            csrf: None,
            lang_switch_href: format!("?lang={}", lang.other().code()),
            scripts: vec!["/static/lotse.js".to_owned()],
            styles: vec!["/static/lotse.css".to_owned()],
            attribution: crate::ATTRIBUTION.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    pub fn nav(mut self, nav: Vec<NavItem>) -> Chrome {
        self.nav = nav;
        self
    }

    pub fn user(mut self, user: Option<String>, logout_href: &str) -> Chrome {
        self.user = user;
        self.logout_href = logout_href.to_owned();
        self
    }

    pub fn csrf(mut self, token: impl Into<String>) -> Chrome {
        self.csrf = Some(token.into());
        self
    }

    /// Sets the language switch to this page (`path` with its query), in the other language.
    pub fn lang_switch(mut self, path_and_query: &str) -> Chrome {
        self.lang_switch_href = switch_href(path_and_query, self.lang.other());
        self
    }

    /// Adds the map library (Leaflet with marker clusters) to the page.
    pub fn with_map(mut self) -> Chrome {
        // The map's own styles come first, so that the shared stylesheet can adjust them.
        for (i, css) in crate::assets::MAP_STYLES.iter().enumerate() {
            self.styles.insert(i, (*css).to_owned());
        }
        for js in crate::assets::MAP_SCRIPTS {
            self.scripts.push((*js).to_owned());
        }
        self
    }

    pub fn script(mut self, src: impl Into<String>) -> Chrome {
        self.scripts.push(src.into());
        self
    }

    pub fn style(mut self, href: impl Into<String>) -> Chrome {
        self.styles.push(href.into());
        self
    }

    /// Text in the page's language.
    pub fn t<'a>(&self, de: &'a str, en: &'a str) -> &'a str {
        self.lang.t(de, en)
    }

    /// The site's name for the header.
    pub fn site_name(&self) -> String {
        match &self.site {
            Site::Hub => "Lotse".to_owned(),
            Site::Node { name } => format!("Lotse · {name}"),
        }
    }
}

/// `path?query` with `lang` set to `lang` (other parameters kept, in order).
fn switch_href(path_and_query: &str, lang: Lang) -> String {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut parts: Vec<&str> =
        query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
    let lang_part = format!("lang={}", lang.code());
    if lang == Lang::En {
        parts.push(&lang_part);
    }
    if parts.is_empty() { path.to_owned() } else { format!("{path}?{}", parts.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_switch_keeps_the_search() {
        assert_eq!(switch_href("/?q=kurs&page=2", Lang::En), "/?q=kurs&page=2&lang=en");
        assert_eq!(switch_href("/?q=kurs&lang=en", Lang::De), "/?q=kurs");
        assert_eq!(switch_href("/karte", Lang::En), "/karte?lang=en");
    }

    #[test]
    fn map_assets_come_before_the_own_stylesheet_override() {
        let c = Chrome::new(Lang::De, "t", Site::Hub).with_map();
        assert_eq!(c.styles.last().map(String::as_str), Some("/static/lotse.css"));
        assert!(c.scripts.iter().any(|s| s.contains("leaflet")));
    }
}
