//! Security headers and compression for every page a service renders.
//!
//! The Content-Security-Policy allows only the service's own scripts, styles and images
//! (`default-src 'self'`, no inline script): offer text is escaped anyway, and this is the
//! second line if an escape is ever forgotten. `img-src` may name one extra origin, the map
//! tiles' server when an operator configured one.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::CompressionLayer;

/// What may differ between deployments.
#[derive(Debug, Clone, Default)]
pub struct SecurityOptions {
    /// An extra origin for images, e.g. `https://tile.example.org` for configured map tiles.
    pub img_src_extra: Option<String>,
}

impl SecurityOptions {
    /// The policy as sent.
    pub fn content_security_policy(&self) -> String {
        let extra =
            self.img_src_extra.as_deref().and_then(origin_of).map(|o| format!(" {o}")).unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{extra}; \
             connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        )
    }
}

/// Scheme, host and port of a URL (a tile template like `https://{s}.tile.example.org/{z}/…`
/// becomes `https://*.tile.example.org`). Anything that is not http(s) is refused.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'));
    ok.then(|| format!("{scheme}://{host}"))
}

/// Adds the security headers and response compression to a router of pages.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, options: &SecurityOptions) -> Router<S> {
    let csp = HeaderValue::from_str(&options.content_security_policy()).expect("the policy is ASCII");
    router
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            async move {
                let mut res: Response = next.run(req).await;
                let h = res.headers_mut();
                h.insert(header::CONTENT_SECURITY_POLICY, csp);
                h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
                h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
                h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
                res
            }
        }))
        .layer(CompressionLayer::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_self_only_unless_tiles_are_configured() {
        let p = SecurityOptions::default().content_security_policy();
        assert!(p.starts_with("default-src 'self';"));
        assert!(p.contains("img-src 'self' data:;"));
        assert!(!p.contains("unsafe-inline"));
        let t =
            SecurityOptions { img_src_extra: Some("https://{s}.tile.example.org/{z}/{x}/{y}.png".into()) };
        assert!(t.content_security_policy().contains("img-src 'self' data: https://*.tile.example.org;"));
        let bad = SecurityOptions { img_src_extra: Some("javascript:alert(1)".into()) };
        assert!(bad.content_security_policy().contains("img-src 'self' data:;"));
        let inj = SecurityOptions { img_src_extra: Some("https://a.org; script-src *".into()) };
        assert!(inj.content_security_policy().contains("img-src 'self' data:;"));
    }
}
