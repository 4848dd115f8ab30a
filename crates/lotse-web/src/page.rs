//! Turning templates into responses, and the error page.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::{Chrome, Lang, Site};

/// Renders a page. A template that fails to render is a bug, so it is logged and the visitor
/// gets a plain error page rather than half a page.
pub fn html_page<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "page failed to render");
            error_page(Lang::De, StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler.", "Internal error.")
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
}

/// An HTML error page in the page's language (the API answers with problem+json instead).
pub fn error_page(lang: Lang, status: StatusCode, de: &str, en: &str) -> Response {
    let title = format!("{} {}", status.as_u16(), lang.t("Fehler", "Error"));
    let page = ErrorPage { chrome: Chrome::new(lang, title, Site::Hub), message: lang.t(de, en).to_owned() };
    let body = page.render().unwrap_or_else(|_| lang.t(de, en).to_owned());
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn error_page_has_landmarks_and_escapes() {
        let res = error_page(Lang::En, StatusCode::NOT_FOUND, "x", "<script>alert(1)</script>");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains(r#"<main id="main""#) && html.contains("<header") && html.contains("<footer"));
        assert!(html.contains("script&#62;alert(1)") || html.contains("script&gt;alert(1)"), "{html}");
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("GeoBasis-DE"), "attribution is always shown");
        assert!(html.contains(r#"href="?lang=de""#) || html.contains("lang=de"));
    }
}
