//! The steward pages over real HTTP: login (token, password, wrong password, rate limit), CSRF,
//! upload with report, cancel and confirm, the form's validation, delete, isolation between
//! nodes and escaping. SQLite always, PostgreSQL too when `LOTSE_TEST_POSTGRES_URL` is set.

mod common;

use lotse_standard::rpde::Kind;
use std::collections::BTreeMap;

use common::{CSV_HEADER, TestDb, TestNode, csv_row, offer};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

/// A browser without JavaScript: keeps cookies, does not follow redirects by itself.
struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { base: base.trim_end_matches('/').to_owned(), client, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let req = if self.cookies.is_empty() { req } else { req.header(COOKIE, self.cookie_header()) };
        let r = req.send().await.unwrap();
        let status = r.status();
        let location = r.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> =
            r.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.to_ascii_lowercase().contains("max-age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        Page { status, location, set_cookies, body: r.text().await.unwrap() }
    }

    async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let req = self.client.post(format!("{}{path}", self.base)).form(pairs);
        self.send(req).await
    }

    async fn post_multipart(&mut self, path: &str, csrf: &str, file_name: &str, content: &[u8]) -> Page {
        let boundary = "lotse-test-boundary-7d1f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"datei\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.send(req).await
    }

    /// The CSRF token of the last page that rendered a form.
    fn csrf_of(page: &Page) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start =
            page.body.find(marker).unwrap_or_else(|| panic!("no CSRF field in {}", page.body)) + marker.len();
        let end = page.body[start..].find('"').unwrap();
        page.body[start..start + end].to_owned()
    }

    async fn login_token(&mut self, token: &str) -> Page {
        let login = self.get("/anmelden").await;
        assert_eq!(login.status, 200, "{}", login.body);
        let csrf = Self::csrf_of(&login);
        self.post_form(
            "/anmelden",
            &[("_csrf", &csrf), ("method", "token"), ("token", token), ("next", "/angebote")],
        )
        .await
    }

    async fn login_password(&mut self, name: &str, password: &str) -> Page {
        let login = self.get("/anmelden").await;
        let csrf = Self::csrf_of(&login);
        self.post_form(
            "/anmelden",
            &[
                ("_csrf", &csrf),
                ("method", "password"),
                ("name", name),
                ("password", password),
                ("next", "/angebote"),
            ],
        )
        .await
    }
}

async fn each_node(adjust: fn(&mut lotse_node::NodeConfig), test: impl AsyncFn(&TestNode)) {
    for db in TestDb::all().await {
        eprintln!("on {}", db.kind());
        let node = TestNode::start(db, adjust).await;
        test(&node).await;
        node.node.shutdown().await.unwrap();
    }
}

fn no_change(_: &mut lotse_node::NodeConfig) {}

fn session_cookie(page: &Page) -> &str {
    page.set_cookies.iter().find(|c| c.starts_with("lotse_session=")).map(String::as_str).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_token_and_password_wrong_password_and_logout() {
    each_node(no_change, async |n| {
        let mut b = Browser::new(n.node.url());
        // Without a session every page sends to the login.
        let r = b.get("/angebote").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.as_deref().unwrap().starts_with("/anmelden?next="), "{:?}", r.location);

        let r = b.login_token(&n.steward).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/angebote"));
        let cookie = session_cookie(&r).to_ascii_lowercase();
        assert!(cookie.contains("httponly") && cookie.contains("samesite=lax"), "{cookie}");
        assert!(!cookie.contains("secure"), "plain http on loopback: {cookie}");
        let list = b.get("/angebote").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("vhs-essen"), "the header names the token");

        // Logout deletes the session: the old cookie no longer works.
        let old = b.cookies.get("lotse_session").cloned().unwrap();
        let csrf = Browser::csrf_of(&b.get("/hochladen").await);
        let r = b.post_form("/abmelden", &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        b.cookies.insert("lotse_session".into(), old);
        assert_eq!(b.get("/angebote").await.status, StatusCode::SEE_OTHER);

        // An account with a password; a wrong password gets no session.
        let store = n.node.store();
        lotse_node::web::password::add_user(&*store, "anna", "ein-langes-passwort").await.unwrap();
        let mut b = Browser::new(n.node.url());
        let r = b.login_password("anna", "falsches-passwort").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(session_cookie(&r).is_empty());
        assert!(r.body.contains("Name oder Passwort ist falsch."), "{}", r.body);
        let r = b.login_password("niemand", "ein-langes-passwort").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = b.login_password("anna", "ein-langes-passwort").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Logging in again replaces the session: the first cookie stops working.
        let first = b.cookies.get("lotse_session").cloned().unwrap();
        assert_eq!(b.login_password("anna", "ein-langes-passwort").await.status, StatusCode::SEE_OTHER);
        let mut stale = Browser::new(n.node.url());
        stale.cookies.insert("lotse_session".into(), first);
        assert_eq!(stale.get("/angebote").await.status, StatusCode::SEE_OTHER);
        let list = b.get("/angebote?lang=en").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("anna"));
        assert!(list.body.contains("lang=\"en\""), "English page");

        // A wrong token.
        let mut b = Browser::new(n.node.url());
        let r = b.login_token("lotse_0000").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Das Token ist nicht gültig."));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookie_behind_tls_and_login_rate_limit() {
    fn adjust(c: &mut lotse_node::NodeConfig) {
        c.login_attempts_per_minute = 3;
    }
    let n = TestNode::start(TestDb::sqlite(), adjust).await;
    let mut b = Browser::new(n.node.url());
    let login = b.get("/anmelden").await;
    let csrf = Browser::csrf_of(&login);
    let req = b.client.post(format!("{}/anmelden", b.base)).header("x-forwarded-proto", "https").form(&[
        ("_csrf", csrf.as_str()),
        ("method", "token"),
        ("token", n.steward.as_str()),
    ]);
    let r = b.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(session_cookie(&r).to_ascii_lowercase().contains("secure"), "{:?}", r.set_cookies);
    // Two more attempts are within the limit of three, the fourth is not.
    for _ in 0..2 {
        assert_eq!(b.login_password("anna", "falsch-falsch-falsch").await.status, StatusCode::UNAUTHORIZED);
    }
    let r = b.login_password("anna", "falsch-falsch-falsch").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Zu viele Anmeldeversuche"));
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_is_checked_on_login_and_on_changes() {
    each_node(no_change, async |n| {
        assert_eq!(n.post_json("/api/v1/offers", &offer("k1", "Kurs")).await.status(), 200);
        let mut b = Browser::new(n.node.url());
        // Login with a forged token: rejected, no session.
        b.get("/anmelden").await;
        let r = b
            .post_form("/anmelden", &[("_csrf", "forged"), ("method", "token"), ("token", &n.steward)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(session_cookie(&r).is_empty());
        // Without the CSRF cookie at all (a cross-site post).
        let mut stranger = Browser::new(n.node.url());
        let r = stranger
            .post_form("/anmelden", &[("_csrf", "x"), ("method", "token"), ("token", &n.steward)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
        let r = b.post_form("/angebote/k1/loeschen", &[("_csrf", "forged")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(n.node.store().get(Kind::Offer, "k1").await.unwrap().is_some(), "nothing deleted");
        let r = b.post_form("/angebote/k1", &[("_csrf", "forged"), ("/offer_type", "beratung")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = b.post_multipart("/hochladen", "forged", "a.csv", b"x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The check while typing wants the token in its header.
        let req = b
            .client
            .post(format!("{}/angebote/pruefen", b.base))
            .header("accept", "application/json")
            .body("");
        assert_eq!(b.send(req).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_report_cancel_stores_nothing_confirm_stores_and_logs() {
    each_node(no_change, async |n| {
        let store = n.node.store();
        let mut b = Browser::new(n.node.url());
        assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
        let form = b.get("/hochladen").await;
        assert_eq!(form.status, 200);
        let csrf = Browser::csrf_of(&form);
        let bad = csv_row("u2", "Schlechte Zeile").replace(";beratung;", ";gibt_es_nicht;");
        let csv = format!("{CSV_HEADER}\n{}\n{bad}\n", csv_row("u1", "Gute Zeile"));
        let imports_before = store.list_imports(None, 100).await.unwrap().len();

        let r = b.post_multipart("/hochladen", &csrf, "angebote.csv", csv.as_bytes()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let report_path = r.location.unwrap();
        let report = b.get(&report_path).await;
        assert_eq!(report.status, 200);
        // The table: record 2, line 3, column offer_type, the standard's message and fix.
        let fix = lotse_standard::Code::UnknownCode.fix().de;
        assert!(report.body.contains(&fix), "how to fix: {}", report.body);
        assert!(report.body.contains("<code>offer_type</code>"), "the column");
        assert!(report.body.contains("<td>3</td>"), "the line");
        assert!(report.body.contains("Fehler"), "the severity in words");
        let en = b.get(&format!("{report_path}?lang=en")).await;
        assert!(en.body.contains(&lotse_standard::Code::UnknownCode.fix().en), "English with ?lang=en");
        assert_eq!(store.count(Kind::Offer).await.unwrap(), 0, "nothing stored before the confirmation");

        // Cancel: nothing stored, no log entry, the pending file is gone.
        let csrf = Browser::csrf_of(&report);
        let r = b.post_form(&format!("{report_path}/verwerfen"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(b.get(&report_path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(store.count(Kind::Offer).await.unwrap(), 0);
        assert_eq!(store.list_imports(None, 100).await.unwrap().len(), imports_before);

        // Upload again and store only the valid row, as an explicit choice.
        let r = b.post_multipart("/hochladen", &csrf, "angebote.csv", csv.as_bytes()).await;
        let report_path = r.location.unwrap();
        let report = b.get(&report_path).await;
        assert!(!report.body.contains("value=\"atomic\""), "all-or-nothing is not offered with errors");
        let r = b
            .post_form(&format!("{report_path}/bestaetigen"), &[("_csrf", &csrf), ("mode", "partial")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("1 neu"), "{}", r.body);
        assert!(store.get(Kind::Offer, "u1").await.unwrap().is_some());
        assert!(store.get(Kind::Offer, "u2").await.unwrap().is_none());
        let log = store.list_imports(None, 1).await.unwrap();
        assert_eq!(
            (log[0].operation.as_str(), log[0].mode.as_str(), log[0].committed),
            ("post", "partial", true)
        );
        assert_eq!(log[0].token_name, "vhs-essen");
        // The pending file went with the confirmation: confirming twice imports once.
        let r = b
            .post_form(&format!("{report_path}/bestaetigen"), &[("_csrf", &csrf), ("mode", "partial")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // The fixed file, confirmed as a whole; the import log page lists both.
        let fixed =
            format!("{CSV_HEADER}\n{}\n{}\n", csv_row("u1", "Gute Zeile"), csv_row("u2", "Repariert"));
        let r = b.post_multipart("/hochladen", &csrf, "angebote.csv", fixed.as_bytes()).await;
        let report_path = r.location.unwrap();
        let r =
            b.post_form(&format!("{report_path}/bestaetigen"), &[("_csrf", &csrf), ("mode", "atomic")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(store.count(Kind::Offer).await.unwrap(), 2);
        let log = b.get("/importe").await;
        assert_eq!(log.status, 200);
        assert!(log.body.contains("nur gültige") && log.body.contains("alles oder nichts"), "{}", log.body);
        let entry = store.list_imports(None, 1).await.unwrap()[0].id;
        assert_eq!(b.get(&format!("/importe/{entry}")).await.status, 200);

        // An unreadable file: the position, nothing pending.
        let r = b.post_multipart("/hochladen", &csrf, "kaputt.json", b"[\n{\"id\": }\n]").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Zeile 2"), "{}", r.body);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_edit_reports_the_api_finding_code_and_saves_through_the_log() {
    each_node(no_change, async |n| {
        assert_eq!(n.post_json("/api/v1/offers", &offer("f1", "Kurs F1")).await.status(), 200);
        // The API's answer to an invalid offer type.
        let mut invalid = offer("f1", "Kurs F1");
        invalid["offer_type"] = json!("gibt_es_nicht");
        let api: Value = n.steward(reqwest::Method::PUT, "/api/v1/offers/f1").json(&invalid).send().await.unwrap().json().await.unwrap();
        let api_error = api["errors"].as_array().unwrap().iter().find(|e| e["pointer"] == "/offer_type").unwrap().clone();
        assert_eq!(api_error["code"], "unknown_code");

        let mut b = Browser::new(n.node.url());
        assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
        let page = b.get("/angebote/f1").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("value=\"Kurs F1\""), "the stored title is in the form");
        let csrf = Browser::csrf_of(&page);
        let mut pairs = form_pairs(&page.body);
        set_pair(&mut pairs, "_csrf", &csrf);
        set_pair(&mut pairs, "/offer_type", "gibt_es_nicht");
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

        // The check while typing: the same code and message as the API.
        let req = b
            .client
            .post(format!("{}/angebote/pruefen?id=f1", b.base))
            .header("x-csrf-token", &csrf)
            .header("accept", "application/json")
            .form(&borrowed);
        let check = b.send(req).await;
        assert_eq!(check.status, 200, "{}", check.body);
        let check: Value = serde_json::from_str(&check.body).unwrap();
        let found = check["findings"].as_array().unwrap().iter().find(|f| f["field_id"] == "f-offer_type").unwrap().clone();
        assert_eq!(found["error"]["code"], api_error["code"]);
        assert_eq!(found["error"]["message"], api_error["message"]["de"]);

        // Saving: 422, the message next to the field, linked by aria-describedby, nothing stored.
        let r = b.post_form("/angebote/f1", &borrowed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = api_error["message"]["de"].as_str().unwrap().replace('"', "&quot;");
        assert!(r.body.contains(&message) || r.body.contains(api_error["message"]["de"].as_str().unwrap()), "{}", r.body);
        assert!(r.body.contains("id=\"f-offer_type\" name=\"/offer_type\" aria-describedby=\"f-offer_type-error\" aria-invalid=\"true\""), "{}", r.body);
        let stored: Value = serde_json::from_str(&n.node.store().get(Kind::Offer, "f1").await.unwrap().unwrap().data).unwrap();
        assert_eq!(stored["offer_type"], "sprachkurs");

        // A valid change is stored through the push and logged.
        set_pair(&mut pairs, "/offer_type", "sprachkurs");
        set_pair(&mut pairs, "/title/de", "Kurs F1 neu");
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = b.post_form("/angebote/f1", &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored: Value = serde_json::from_str(&n.node.store().get(Kind::Offer, "f1").await.unwrap().unwrap().data).unwrap();
        assert_eq!(stored["title"]["de"], "Kurs F1 neu");
        assert_eq!(stored["locations"], offer("f1", "x")["locations"], "the rest is kept");
        let log = n.node.store().list_imports(None, 1).await.unwrap();
        assert_eq!((log[0].operation.as_str(), log[0].committed), ("put_one", true));

        // A new offer through the form.
        let page = b.get("/angebote/neu").await;
        assert_eq!(page.status, 200);
        let mut pairs = form_pairs(&page.body);
        for (k, v) in form_pairs(&b.get("/angebote/f1").await.body) {
            if k != "_csrf" && !v.is_empty() {
                set_pair(&mut pairs, &k, &v);
            }
        }
        set_pair(&mut pairs, "/id", "f2");
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = b.post_form("/angebote/neu", &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(n.node.store().get(Kind::Offer, "f2").await.unwrap().is_some());
        // The same id again is refused.
        let r = b.post_form("/angebote/neu", &borrowed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

/// The successful values of a rendered form: inputs (text, hidden, checked boxes), selected
/// options and textareas, as a browser would send them.
fn form_pairs(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let start = tag.find(&key)? + key.len();
        let end = tag[start..].find('"')?;
        Some(unescape(&tag[start..start + end]))
    };
    let mut pairs = Vec::new();
    // The offer form, not the layout's logout form before it.
    let form_start =
        html.find("id=\"offer-form\"").and_then(|i| html[..i].rfind("<form")).expect("the offer form");
    let html = &html[form_start..];
    let mut rest = html;
    let mut current_select: Option<String> = None;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let ty = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name")
                && (!matches!(ty.as_str(), "checkbox" | "radio") || tag.contains(" checked"))
                && ty != "file"
            {
                pairs.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            current_select = attr(tag, "name");
        } else if tag.starts_with("</select") {
            current_select = None;
        } else if tag.starts_with("<option") && tag.contains(" selected") {
            if let Some(name) = &current_select {
                pairs.push((name.clone(), attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap_or_default();
            let body_end = rest.find("</textarea>").unwrap();
            pairs.push((name, unescape(&rest[end + 1..body_end])));
        } else if tag.starts_with("</form") {
            break;
        }
        rest = &rest[end + 1..];
    }
    pairs
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn set_pair(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    pairs.retain(|(k, _)| k != name);
    pairs.push((name.to_owned(), value.to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_asks_then_deletes_and_logs() {
    each_node(no_change, async |n| {
        assert_eq!(n.post_json("/api/v1/offers", &offer("d1", "Zu löschen")).await.status(), 200);
        let mut b = Browser::new(n.node.url());
        assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
        let ask = b.get("/angebote/d1/loeschen").await;
        assert_eq!(ask.status, 200);
        assert!(ask.body.contains("Zu löschen"));
        assert!(n.node.store().get(Kind::Offer, "d1").await.unwrap().is_some(), "asking deletes nothing");
        let csrf = Browser::csrf_of(&ask);
        let r = b.post_form("/angebote/d1/loeschen", &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(n.node.store().get(Kind::Offer, "d1").await.unwrap().is_none());
        let log = n.node.store().list_imports(None, 1).await.unwrap();
        assert_eq!((log[0].operation.as_str(), log[0].token_name.as_str()), ("delete_one", "vhs-essen"));
        assert_eq!(b.get("/angebote/d1").await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_nodes_offer_and_session_are_not_reachable() {
    let a = TestNode::start(TestDb::sqlite(), no_change).await;
    let other = TestNode::start(TestDb::sqlite(), |c| c.node_id = "bochum".into()).await;
    assert_eq!(other.post_json("/api/v1/offers", &offer("fremd", "Fremdes Angebot")).await.status(), 200);
    let mut b = Browser::new(a.node.url());
    assert_eq!(b.login_token(&a.steward).await.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/angebote/fremd").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/angebote/fremd/loeschen").await.status, StatusCode::NOT_FOUND);
    let list = b.get("/angebote?q=fremd").await;
    assert!(!list.body.contains("Fremdes Angebot"));
    // The session of node A is no session on the other node.
    let session = b.cookies.get("lotse_session").cloned().unwrap();
    let mut on_other = Browser::new(other.node.url());
    on_other.cookies.insert("lotse_session".into(), session);
    assert_eq!(on_other.get("/angebote").await.status, StatusCode::SEE_OTHER);
    a.node.shutdown().await.unwrap();
    other.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_text_is_escaped_and_pages_carry_the_csp() {
    let n = TestNode::start(TestDb::sqlite(), no_change).await;
    let evil = "<script>alert(1)</script>";
    // The validator refuses markup in titles, so the hostile title is written to the store
    // directly, as data from before that rule would be.
    let data = offer("x1", evil).to_string();
    let write = lotse_node::store::RecordWrite {
        id: "x1".into(),
        hash: sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), data.as_bytes()))
            .to_vec(),
        data,
        standard_version: "1.0.0".into(),
    };
    let changes = lotse_node::store::ChangeSet { upserts: vec![write], now: 1, ..Default::default() };
    n.node.store().apply(Kind::Offer, changes, None).await.unwrap();
    let mut b = Browser::new(n.node.url());
    assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
    for path in ["/angebote", "/angebote/x1", "/angebote/x1/loeschen", "/angebote?q=script"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains(evil), "{path} has the raw title");
        assert!(
            page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
            "{path} shows it escaped: {}",
            page.body
        );
    }
    let req = b.client.get(format!("{}/angebote", b.base)).header(COOKIE, b.cookie_header());
    let r = req.send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_to_left_texts_get_their_direction() {
    let n = TestNode::start(TestDb::sqlite(), no_change).await;
    let mut o = offer("r1", "Integrationskurs");
    o["title"]["ar"] = json!("دورة الاندماج");
    o["description"]["fa"] = json!("دوره ادغام برای تازه‌واردان");
    assert_eq!(n.post_json("/api/v1/offers", &o).await.status(), 200);
    let mut b = Browser::new(n.node.url());
    assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
    let form = b.get("/angebote/r1").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("name=\"/title/ar\" type=\"text\" value=\"دورة الاندماج\" dir=\"rtl\" lang=\"ar\""),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("name=\"/description/fa\" rows=\"5\" dir=\"rtl\" lang=\"fa\""),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains("name=\"/title/de\" type=\"text\" value=\"Integrationskurs\" dir=\"ltr\" lang=\"de\"")
    );
    n.node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_are_kept_through_their_own_form_with_coordinators_and_references() {
    each_node(no_change, async |n| {
        let organization = json!({
            "id": "vhs-1", "name": {"de": "Volkshochschule"}, "kind": "volkshochschule",
            "service_area": ["05113000"]
        });
        assert_eq!(n.post_json("/api/v1/organizations", &organization).await.status(), 200);
        let mut b = Browser::new(n.node.url());
        assert_eq!(b.login_token(&n.steward).await.status, StatusCode::SEE_OTHER);
        let page = b.get("/netzwerke/neu").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("name=\"/coordinators/0/name\""), "a coordinator row");
        assert!(page.body.contains("name=\"/how_to_join/de\""), "the network's texts");
        let csrf = Browser::csrf_of(&page);
        let mut pairs = form_pairs(&page.body);
        set_pair(&mut pairs, "_csrf", &csrf);
        set_pair(&mut pairs, "/id", "net-1");
        set_pair(&mut pairs, "/name/de", "Netzwerk Frühe Hilfen");
        set_pair(&mut pairs, "/service_area", "05113000");
        set_pair(&mut pairs, "/members", "vhs-1, fehlt-1, muelheim/kita-1");
        set_pair(&mut pairs, "/coordinators/0/name", "Dana Beispiel");
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

        // Without a way to reach the coordinator the standard refuses the network, at its field.
        let r = b.post_form("/netzwerke/neu", &borrowed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Keine Koordinationsperson hat eine E-Mail-Adresse"), "{}", r.body);
        assert!(n.node.store().get(Kind::Network, "net-1").await.unwrap().is_none());

        // The check while typing warns about the member this node does not hold.
        set_pair(&mut pairs, "/coordinators/0/email", "dana@example.org");
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let req = b
            .client
            .post(format!("{}/netzwerke/pruefen", b.base))
            .header("x-csrf-token", &csrf)
            .header("accept", "application/json")
            .form(&borrowed);
        let check: Value = serde_json::from_str(&b.send(req).await.body).unwrap();
        let codes: Vec<&str> = check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["error"]["code"].as_str())
            .collect();
        assert_eq!(codes, ["reference_not_found"], "{check}");
        assert_eq!(check["findings"][0]["field_id"], "f-members");

        // Saved: in the network list and the feed of networks, references as objects.
        let r = b.post_form("/netzwerke/neu", &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored: Value =
            serde_json::from_str(&n.node.store().get(Kind::Network, "net-1").await.unwrap().unwrap().data)
                .unwrap();
        assert_eq!(stored["members"][2], json!({"node": "muelheim", "id": "kita-1"}));
        let list = b.get("/netzwerke").await;
        assert!(list.body.contains("Netzwerk Frühe Hilfen"), "{}", list.body);
        let edit = b.get("/netzwerke/net-1").await;
        assert!(edit.body.contains("vhs-1, fehlt-1, muelheim/kita-1"), "references read back as typed");
        assert_eq!(n.node.store().list_imports(None, 1).await.unwrap()[0].kind, Kind::Network);
        assert_eq!(b.get("/netzwerke/gibt-es-nicht").await.status, StatusCode::NOT_FOUND);
    })
    .await;
}
