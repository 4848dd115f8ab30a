//! What the hub's and the node's web pages share: the page layout and its language, the
//! security headers, CSRF protection, cookies and login sessions, and the static files.
//!
//! Pages are server-rendered with askama; every page struct has a field `chrome: Chrome`
//! that the shared layout (`templates/base.html`) reads. A crate's `askama.toml` lists this
//! crate's `templates/` after its own, so its pages can `{% extends "base.html" %}`.

#![forbid(unsafe_code)]

pub mod assets;
mod chrome;
pub mod cookie;
pub mod csrf;
mod lang;
mod page;
pub mod security;
pub mod session;

pub use chrome::{Chrome, NavItem, Site};
pub use lang::{Lang, dir_of};
pub use page::{error_page, html_page};

/// The data's attribution lines, shown in every page's footer (the region pack's licences
/// require them wherever its outlines or figures are shown).
pub const ATTRIBUTION: &[&str] = &[
    "© GeoBasis-DE / BKG 2016 (Daten verändert)",
    "© OpenStreetMap-Mitwirkende (ODbL)",
    "© Statistisches Bundesamt (Destatis), 2019, CC BY 4.0",
];
