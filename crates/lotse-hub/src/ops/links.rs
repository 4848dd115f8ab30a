//! The link checker: checks every offer's `url` and `contact.url` and stores the answer, which
//! the `links_reachable` check then scores.
//!
//! - **At most once per URL and day**: a URL with a check of the same UTC day is skipped.
//! - **HEAD first, then GET**: many servers answer HEAD with 405 or an error although the page
//!   is there, so any failed HEAD is tried once more with GET (whose body is never read).
//! - **Bounded and polite**: at most `links.concurrency` requests at once, at least
//!   `links.host_interval_ms` between two requests to the same host, URLs interleaved by
//!   host so that one large host does not hold every slot, and a timeout per request.
//! - **Never into the hub's network**: offer URLs come from data stewards, so the hub's
//!   egress guard ([`crate::egress`]) is always on (unless `links.allow_private`): IP
//!   literals are checked before the request and on every redirect, and host names are
//!   resolved by the guarded resolver, which drops private, loopback and link-local addresses
//!   after DNS resolution (so a name that points at `127.0.0.1` is refused as well).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lotse_standard::date::Date;
use reqwest::{StatusCode, Url};
use serde::Serialize;
use tokio::sync::Semaphore;
use utoipa::ToSchema;

use crate::config::HubConfig;
use crate::egress::{self, GuardedResolver, Refused};
use crate::error::HubError;
use crate::hub::Hub;
use crate::store::HubStore;
use crate::store::quality::LinkCheck;

/// Most redirects one check follows.
const MAX_REDIRECTS: usize = 5;
/// Results written per transaction, so that a long run keeps what it has checked.
const WRITE_BATCH: usize = 500;

/// How the link checker works.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub concurrency: usize,
    pub host_interval: Duration,
    pub timeout: Duration,
    pub allow_private: bool,
    /// Socket addresses (IP literal and port) exempt from the guard. Only tests set it: they
    /// need one server on loopback reachable (say, one that redirects) while the guard stays on
    /// for every other address, that server's other ports included.
    pub exempt: Vec<SocketAddr>,
}

impl LinkSettings {
    pub fn from_config(c: &HubConfig) -> Self {
        LinkSettings {
            concurrency: c.links.concurrency,
            host_interval: Duration::from_millis(c.links.host_interval_ms),
            timeout: Duration::from_secs(c.links.timeout_secs),
            allow_private: c.links.allow_private,
            exempt: Vec::new(),
        }
    }
}

/// The answer to one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ok: bool,
    pub status: Option<u16>,
    /// Why there is no good answer.
    pub error: Option<String>,
    /// The guard refused the URL or one of its redirects.
    pub refused: bool,
}

/// Checks URLs (see the module documentation).
pub struct LinkChecker {
    client: reqwest::Client,
    settings: LinkSettings,
    /// The earliest time of the next request per host.
    next_slot: Mutex<HashMap<String, Instant>>,
}

fn exempt(url: &Url, exempt: &[SocketAddr]) -> bool {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return false,
    };
    url.port_or_known_default().is_some_and(|port| exempt.contains(&SocketAddr::new(ip, port)))
}

/// The guard for one URL: the egress check, unless the address is exempt.
fn guard(url: &Url, settings_allow: bool, exempt_list: &[SocketAddr]) -> Result<(), Refused> {
    match egress::check_url(url, settings_allow) {
        Err(Refused::Private(_)) if exempt(url, exempt_list) => Ok(()),
        other => other,
    }
}

/// Whether an error was the guard's refusal (before DNS, on a redirect or in the resolver).
fn refusal(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return Some(r.to_string());
        }
        source = s.source();
    }
    None
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "Zeitüberschreitung / timeout".into()
    } else if e.is_connect() {
        "keine Verbindung / no connection".into()
    } else if e.is_redirect() {
        "zu viele Weiterleitungen / too many redirects".into()
    } else {
        "Anfrage fehlgeschlagen / request failed".into()
    }
}

impl LinkChecker {
    pub fn new(settings: LinkSettings) -> Result<Self, reqwest::Error> {
        let allow = settings.allow_private;
        let exempt_list = settings.exempt.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error("too many redirects");
            }
            match guard(attempt.url(), allow, &exempt_list) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(concat!("lotse-hub-linkcheck/", env!("CARGO_PKG_VERSION")))
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(policy)
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver::new(allow)))
            .build()?;
        Ok(LinkChecker { client, settings, next_slot: Mutex::new(HashMap::new()) })
    }

    /// Waits until the host may be asked again, and books the next slot.
    async fn polite(&self, host: &str) {
        let wait = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = slots.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            slots.insert(host.to_owned(), at + self.settings.host_interval);
            at - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    async fn request(&self, method: reqwest::Method, url: &Url) -> Result<StatusCode, reqwest::Error> {
        self.polite(url.host_str().unwrap_or("")).await;
        // The body is never read: dropping the response closes the connection.
        Ok(self.client.request(method, url.clone()).send().await?.status())
    }

    /// Checks one URL.
    pub async fn check(&self, raw: &str) -> Outcome {
        let bad =
            |error: String, refused: bool| Outcome { ok: false, status: None, error: Some(error), refused };
        let url = match Url::parse(raw) {
            Ok(u) => u,
            Err(e) => return bad(format!("ungültige Adresse / invalid URL: {e}"), false),
        };
        if let Err(r) = guard(&url, self.settings.allow_private, &self.settings.exempt) {
            return bad(r.to_string(), true);
        }
        let head = self.request(reqwest::Method::HEAD, &url).await;
        match &head {
            Ok(s) if s.is_success() => {
                return Outcome { ok: true, status: Some(s.as_u16()), error: None, refused: false };
            }
            Err(e) => {
                if let Some(r) = refusal(e) {
                    return bad(r, true);
                }
            }
            Ok(_) => {}
        }
        match self.request(reqwest::Method::GET, &url).await {
            Ok(s) => Outcome {
                ok: s.is_success(),
                status: Some(s.as_u16()),
                error: (!s.is_success()).then(|| format!("HTTP {}", s.as_u16())),
                refused: false,
            },
            Err(e) => match refusal(&e) {
                Some(r) => bad(r, true),
                None => bad(describe(&e), false),
            },
        }
    }
}

/// URLs in an order that alternates between hosts (round robin), so that consecutive checks
/// rarely wait for the same host.
pub fn interleave_by_host(urls: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in urls {
        let host = Url::parse(&u).ok().and_then(|p| p.host_str().map(str::to_owned)).unwrap_or_default();
        by_host.entry(host).or_default().push(u);
    }
    let mut queues: Vec<std::vec::IntoIter<String>> = by_host.into_values().map(Vec::into_iter).collect();
    let mut out = Vec::new();
    loop {
        let before = out.len();
        for q in &mut queues {
            if let Some(u) = q.next() {
                out.push(u);
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// What a link check run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct LinkReport {
    /// Distinct URLs of live offers.
    pub urls: u64,
    /// Skipped: already checked today.
    pub skipped: u64,
    pub ok: u64,
    pub broken: u64,
    /// Refused by the guard (private, loopback or link-local targets).
    pub refused: u64,
    pub duration_ms: u64,
}

/// Every distinct URL of the live offers, from the stored scores.
async fn offer_urls(store: &dyn HubStore) -> Result<Vec<String>, HubError> {
    let mut urls = HashSet::new();
    let mut after: Option<(String, String)> = None;
    loop {
        let rows =
            store.list_quality(None, after.as_ref().map(|(n, i)| (n.as_str(), i.as_str())), 10_000).await?;
        let Some(last) = rows.last() else { break };
        after = Some((last.node_id.clone(), last.id.clone()));
        for r in rows {
            urls.extend(r.urls.lines().filter(|u| !u.is_empty()).map(str::to_owned));
        }
    }
    let mut urls: Vec<String> = urls.into_iter().collect();
    urls.sort();
    Ok(urls)
}

/// The link check once with the configured settings.
pub async fn run_once(hub: &Hub, today: Date) -> Result<LinkReport, HubError> {
    let checker = LinkChecker::new(LinkSettings::from_config(hub.config()))?;
    run_with(hub, &checker, today).await
}

/// The link check once with a given checker (tests pass one with exemptions).
#[tracing::instrument(level = "debug", skip_all, fields(day = %today))]
pub async fn run_with(hub: &Hub, checker: &LinkChecker, today: Date) -> Result<LinkReport, HubError> {
    let started = Instant::now();
    let day = today.to_string();
    let store = hub.store().as_ref();
    let known = store.link_checks().await?;
    let all = offer_urls(store).await?;
    let mut report = LinkReport { urls: all.len() as u64, ..LinkReport::default() };
    let due: Vec<String> = all.into_iter().filter(|u| known.get(u).is_none_or(|c| c.day != day)).collect();
    report.skipped = report.urls - due.len() as u64;

    let permits = Arc::new(Semaphore::new(checker.settings.concurrency.max(1)));
    let metrics = hub.metrics();
    // Each future waits for a permit first, so at most `concurrency` requests are in flight.
    let mut pending: futures_util::stream::FuturesUnordered<_> = interleave_by_host(due)
        .into_iter()
        .map(|url| {
            let permits = permits.clone();
            async move {
                let _permit = permits.acquire().await.ok();
                let outcome = checker.check(&url).await;
                (url, outcome)
            }
        })
        .collect();
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    let mut written = 0usize;
    while let Some(done) = futures_util::StreamExt::next(&mut pending).await {
        batch.push(done);
        if batch.len() >= WRITE_BATCH {
            written += batch.len();
            record(store, &day, std::mem::take(&mut batch), &mut report).await?;
        }
    }
    written += batch.len();
    record(store, &day, batch, &mut report).await?;
    debug_assert_eq!(written as u64, report.ok + report.broken + report.refused);
    for (label, n) in [("ok", report.ok), ("broken", report.broken), ("refused", report.refused)] {
        if n > 0 {
            metrics.link_checks.inc_by(&[label], n);
        }
    }
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    super::metrics::job_finished(metrics, "link_check", started, true);
    tracing::info!(
        urls = report.urls,
        ok = report.ok,
        broken = report.broken,
        refused = report.refused,
        "link check finished"
    );
    Ok(report)
}

async fn record(
    store: &dyn HubStore,
    day: &str,
    batch: Vec<(String, Outcome)>,
    report: &mut LinkReport,
) -> Result<(), HubError> {
    if batch.is_empty() {
        return Ok(());
    }
    let now = crate::unix_now();
    let checks: Vec<LinkCheck> = batch
        .into_iter()
        .map(|(url, o)| {
            if o.ok {
                report.ok += 1;
            } else if o.refused {
                report.refused += 1;
            } else {
                report.broken += 1;
            }
            LinkCheck {
                url,
                day: day.to_owned(),
                checked_at: now,
                ok: o.ok,
                status: o.status.map(i64::from),
                error: o.error,
            }
        })
        .collect();
    store.record_link_checks(&checks).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_alternate_between_hosts() {
        let urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1"].map(String::from);
        assert_eq!(
            interleave_by_host(urls),
            ["http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://a/3"]
        );
    }

    #[test]
    fn only_the_exact_exempt_address_passes_the_guard() {
        let ex: Vec<SocketAddr> = vec!["127.0.0.1:4000".parse().unwrap()];
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(guard(&u("http://127.0.0.1:4000/x"), false, &ex), Ok(()));
        assert!(guard(&u("http://127.0.0.1:4001/x"), false, &ex).is_err());
        assert!(guard(&u("http://10.0.0.1:4000/x"), false, &ex).is_err());
        assert!(guard(&u("http://[::1]:4000/x"), false, &ex).is_err());
        assert!(guard(&u("file:///etc/passwd"), false, &ex).is_err());
    }
}
