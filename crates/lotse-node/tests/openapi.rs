//! The committed OpenAPI document `docs/openapi-node.json` must equal what the code generates.
//! Run with `LOTSE_BLESS=1` to rewrite it after an intended change.

use std::path::PathBuf;

#[test]
fn committed_openapi_document_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi-node.json");
    let generated = lotse_node::openapi::openapi_json();
    if std::env::var_os("LOTSE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date; run `LOTSE_BLESS=1 cargo test -p lotse-node --test openapi` and commit it",
        path.display()
    );
}

#[test]
fn document_describes_every_endpoint() {
    let doc: serde_json::Value = serde_json::from_str(&lotse_node::openapi::openapi_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/offers",
        "/api/v1/offers/{id}",
        "/api/v1/imports",
        "/api/v1/imports/{id}",
        "/api/v1/admin/tokens",
        "/api/v1/admin/tokens/{id}",
        "/feed/offers",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
