//! `lotse validate` and `lotse generate` as a user calls them: exit codes, JSON report, stdin.

use std::io::Write;
use std::process::{Command, Stdio};

fn lotse(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lotse"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lotse starts");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lotse-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn generated_data_validates_with_exit_zero() {
    let (code, ndjson, _) =
        lotse(&["generate", "--offers", "200", "--seed", "5", "--today", "2026-11-23"], None);
    assert_eq!(code, 0);
    assert_eq!(ndjson.lines().count(), 200);
    let (code, out, _) =
        lotse(&["validate", "--format", "json", "--today", "2026-11-23", "-"], Some(ndjson.as_bytes()));
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("exactly one JSON document");
    let file = &report["files"][0];
    assert_eq!(file["path"], "-");
    assert_eq!(file["format"], "ndjson");
    assert_eq!(file["records"], 200);
    assert_eq!(file["valid"], 200);
    assert_eq!(file["errors"], 0);
}

#[test]
fn errors_exit_one_with_record_pointer_and_messages() {
    let (_, json, _) = lotse(
        &["generate", "--offers", "3", "--seed", "9", "--format", "json", "--today", "2026-11-23"],
        None,
    );
    let mut offers: serde_json::Value = serde_json::from_str(&json).unwrap();
    offers[1]["status"] = "offen".into();
    let path = temp("bad.json", offers.to_string().as_bytes());
    let (code, out, _) =
        lotse(&["validate", "--format", "json", "--today", "2026-11-23", path.to_str().unwrap()], None);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap()
        .clone();
    assert_eq!(f["record"], 1);
    assert_eq!(f["id"], offers[1]["id"]);
    assert_eq!(f["code"], "unknown_code");
    assert_eq!(f["pointer"], "/status");
    assert!(f["message"]["de"].as_str().unwrap().contains("offen"));
    assert!(f["message"]["en"].as_str().is_some());
    let (code, text, _) =
        lotse(&["validate", "--lang", "en", "--today", "2026-11-23", path.to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert!(
        text.contains("Record 2") && text.contains("unknown_code") && text.contains("1 with errors"),
        "{text}"
    );
}

#[test]
fn unparsable_files_exit_two_naming_line_and_column() {
    let path = temp("broken.json", b"[\n  {\"id\": \"a\"},\n  {\"id\" \"b\"}\n]\n");
    let (code, out, _) = lotse(&["validate", "--format", "json", path.to_str().unwrap()], None);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"][0]["failure"]["line"], 3);
    assert_eq!(report["files"][0]["failure"]["column"], 9);
    let (code, text, _) = lotse(&["validate", "/nonexistent/offers.csv"], None);
    assert_eq!(code, 2);
    assert!(text.contains("nicht lesbar"), "{text}");
}

#[test]
fn generated_csv_round_trips_through_validate() {
    let (code, csv, _) = lotse(
        &["generate", "--offers", "150", "--seed", "11", "--format", "csv", "--today", "2026-11-23"],
        None,
    );
    assert_eq!(code, 0);
    let (code, out, _) =
        lotse(&["validate", "--format", "json", "--today", "2026-11-23", "-"], Some(csv.as_bytes()));
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"][0]["format"], "csv");
    assert_eq!(report["files"][0]["records"], 150);
}
