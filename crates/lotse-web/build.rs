//! Makes sure the third-party browser code (the map library) is installed from the npm registry
//! before the crate embeds it: the repository carries `web/package.json` and its lockfile, never
//! the code itself, and `cargo run` must still work on a fresh machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The vendor files the crate embeds, relative to `web/node_modules`.
const VENDOR: &[&str] = &[
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/images/layers.png",
    "leaflet/dist/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png",
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    println!("cargo:rerun-if-changed={}", web.join("package-lock.json").display());
    let modules = web.join("node_modules");
    if !VENDOR.iter().all(|f| modules.join(f).is_file()) {
        install(&web);
    }
    for f in VENDOR {
        let path = modules.join(f);
        assert!(path.is_file(), "{} fehlt nach `npm ci` / is missing after `npm ci`", path.display());
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rustc-env=LOTSE_WEB_NODE_MODULES={}", modules.display());
}

/// Installs exactly what the lockfile names. Only the runtime dependencies are needed to build;
/// the browser tests' packages come with a plain `npm ci` (as `.ci/run` does).
fn install(web: &Path) {
    let status = Command::new("npm")
        .args(["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(web)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "`npm ci` in {} endete mit {s} / ended with {s}: die Kartenbibliothek kommt aus der npm-Registry / the map library comes from the npm registry",
            web.display()
        ),
        Err(e) => panic!(
            "npm nicht gefunden / npm not found ({e}): Node.js mit npm wird zum Bauen gebraucht / Node.js with npm is needed to build"
        ),
    }
}
