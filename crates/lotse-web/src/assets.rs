//! Static files, embedded in the binary: the shared stylesheet and script, the map library
//! from npm (installed by the build script from `web/package-lock.json`), and whatever a
//! service adds of its own. Served under `/static/` with an ETag, so a browser revalidates
//! cheaply instead of downloading again.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

macro_rules! vendor {
    ($path:literal) => {
        include_bytes!(concat!(env!("LOTSE_WEB_NODE_MODULES"), "/", $path))
    };
}

/// The map library's styles, in the order a page links them.
pub const MAP_STYLES: &[&str] = &[
    "/static/vendor/leaflet/leaflet.css",
    "/static/vendor/markercluster/MarkerCluster.css",
    "/static/vendor/markercluster/MarkerCluster.Default.css",
];
/// The map library's scripts, in load order (all deferred, so order is kept).
pub const MAP_SCRIPTS: &[&str] =
    &["/static/vendor/leaflet/leaflet.js", "/static/vendor/markercluster/leaflet.markercluster.js"];

struct Asset {
    path: String,
    content_type: &'static str,
    bytes: &'static [u8],
    etag: HeaderValue,
}

/// A set of files served under `/static/`.
#[derive(Clone, Default)]
pub struct Assets {
    files: Vec<Arc<Asset>>,
}

impl Assets {
    /// The files every service serves: the shared stylesheet and script and the map library.
    pub fn shared() -> Assets {
        const CSS: &str = "text/css; charset=utf-8";
        const JS: &str = "text/javascript; charset=utf-8";
        const PNG: &str = "image/png";
        Assets::default()
            .with("lotse.css", CSS, include_bytes!("../assets/lotse.css"))
            .with("lotse.js", JS, include_bytes!("../assets/lotse.js"))
            .with("vendor/leaflet/leaflet.js", JS, vendor!("leaflet/dist/leaflet.js"))
            .with("vendor/leaflet/leaflet.css", CSS, vendor!("leaflet/dist/leaflet.css"))
            .with("vendor/leaflet/images/layers.png", PNG, vendor!("leaflet/dist/images/layers.png"))
            .with("vendor/leaflet/images/layers-2x.png", PNG, vendor!("leaflet/dist/images/layers-2x.png"))
            .with(
                "vendor/leaflet/images/marker-icon.png",
                PNG,
                vendor!("leaflet/dist/images/marker-icon.png"),
            )
            .with(
                "vendor/leaflet/images/marker-icon-2x.png",
                PNG,
                vendor!("leaflet/dist/images/marker-icon-2x.png"),
            )
            .with(
                "vendor/leaflet/images/marker-shadow.png",
                PNG,
                vendor!("leaflet/dist/images/marker-shadow.png"),
            )
            .with(
                "vendor/markercluster/leaflet.markercluster.js",
                JS,
                vendor!("leaflet.markercluster/dist/leaflet.markercluster.js"),
            )
            .with(
                "vendor/markercluster/MarkerCluster.css",
                CSS,
                vendor!("leaflet.markercluster/dist/MarkerCluster.css"),
            )
            .with(
                "vendor/markercluster/MarkerCluster.Default.css",
                CSS,
                vendor!("leaflet.markercluster/dist/MarkerCluster.Default.css"),
            )
    }

    /// Adds a file at `/static/{path}`.
    pub fn with(mut self, path: &str, content_type: &'static str, bytes: &'static [u8]) -> Assets {
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..16]);
        self.files.push(Arc::new(Asset {
            path: path.to_owned(),
            content_type,
            bytes,
            etag: HeaderValue::from_str(&etag).expect("hex is ASCII"),
        }));
        self
    }

    /// The router serving `/static/{*path}`.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new().route("/static/{*path}", get(serve)).with_state(Arc::new(self))
    }
}

async fn serve(State(assets): State<Arc<Assets>>, Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = assets.files.iter().find(|a| a.path == path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    // An hour without asking, then a cheap revalidation: new releases show up within the hour.
    let cache = HeaderValue::from_static("public, max-age=3600");
    if headers.get(header::IF_NONE_MATCH) == Some(&a.etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, a.etag.clone()), (header::CACHE_CONTROL, cache)])
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(a.content_type)),
            (header::ETAG, a.etag.clone()),
            (header::CACHE_CONTROL, cache),
        ],
        a.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn serves_embedded_files_with_etags() {
        let app: Router = Assets::shared().router();
        let res = app
            .clone()
            .oneshot(Request::get("/static/vendor/leaflet/leaflet.js").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        let etag = res.headers()[header::ETAG].clone();
        let again = app
            .clone()
            .oneshot(
                Request::get("/static/vendor/leaflet/leaflet.js")
                    .header(header::IF_NONE_MATCH, etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let missing =
            app.oneshot(Request::get("/static/../Cargo.toml").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        for p in MAP_STYLES.iter().chain(MAP_SCRIPTS) {
            let name = p.strip_prefix("/static/").unwrap();
            assert!(Assets::shared().files.iter().any(|a| a.path == name), "{p} is served");
        }
    }
}
