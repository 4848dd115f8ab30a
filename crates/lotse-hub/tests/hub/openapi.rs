//! The committed `docs/openapi-hub.json` must equal the document the hub serves;
//! `LOTSE_BLESS=1 cargo test -p lotse-hub` rewrites it.

use std::path::PathBuf;

#[test]
fn committed_openapi_document_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi-hub.json");
    let current = lotse_hub::openapi_json();
    if std::env::var_os("LOTSE_BLESS").is_some() {
        std::fs::write(&path, &current).expect("write docs/openapi-hub.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "docs/openapi-hub.json is outdated; run `LOTSE_BLESS=1 cargo test -p lotse-hub --test hub openapi` and commit it"
    );
}

#[test]
fn the_document_lists_every_route() {
    let doc: serde_json::Value = serde_json::from_str(&lotse_hub::openapi_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/nodes/{node_id}/ping",
        "/api/v1/nodes/{node_id}/quarantine",
        "/api/v1/admin/nodes",
        "/api/v1/admin/nodes/{node_id}",
        "/api/v1/admin/nodes/{node_id}/harvest",
        "/api/v1/admin/nodes/{node_id}/token",
        "/api/v1/admin/quarantine",
        "/api/v1/standard",
        "/api/v1/offers/{node_id}/{id}",
        "/feed/offers",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
