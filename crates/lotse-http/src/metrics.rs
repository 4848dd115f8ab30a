//! A tiny Prometheus registry: labelled counters, gauges and histograms, rendered in the text
//! exposition format 0.0.4.
//!
//! A registry is a value, not a process-wide global, so that tests can run a hub and several
//! nodes in one process, each with its own `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The media type of the text exposition format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Default histogram buckets for request durations, in seconds.
pub const DURATION_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

trait Collector: Send + Sync {
    fn render(&self, out: &mut String);
}

/// The set of metrics one service exposes.
#[derive(Clone, Default)]
pub struct Registry {
    collectors: Arc<Mutex<Vec<Arc<dyn Collector>>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registry")
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a counter family with the given label names.
    pub fn counter(&self, name: &str, help: &str, labels: &[&str]) -> Counter {
        let family = Arc::new(Family::new(name, help, "counter", labels, Vec::new()));
        self.register(family.clone());
        Counter(family)
    }

    /// Registers a gauge family with the given label names.
    pub fn gauge(&self, name: &str, help: &str, labels: &[&str]) -> Gauge {
        let family = Arc::new(Family::new(name, help, "gauge", labels, Vec::new()));
        self.register(family.clone());
        Gauge(family)
    }

    /// Registers a histogram family with the given label names and upper bucket bounds.
    pub fn histogram(&self, name: &str, help: &str, labels: &[&str], buckets: &[f64]) -> Histogram {
        let family = Arc::new(Family::new(name, help, "histogram", labels, buckets.to_vec()));
        self.register(family.clone());
        Histogram(family)
    }

    fn register(&self, collector: Arc<dyn Collector>) {
        self.collectors.lock().unwrap_or_else(|e| e.into_inner()).push(collector);
    }

    /// All metrics in the text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in self.collectors.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            c.render(&mut out);
        }
        out
    }
}

#[derive(Default, Clone)]
struct Series {
    value: f64,
    /// Histogram only: cumulative-ready counts per bucket (not yet cumulated).
    bucket_counts: Vec<u64>,
    count: u64,
}

struct Family {
    name: String,
    help: String,
    kind: &'static str,
    labels: Vec<String>,
    buckets: Vec<f64>,
    series: Mutex<BTreeMap<Vec<String>, Series>>,
}

impl Family {
    fn new(name: &str, help: &str, kind: &'static str, labels: &[&str], buckets: Vec<f64>) -> Self {
        Self {
            name: name.to_owned(),
            help: help.to_owned(),
            kind,
            labels: labels.iter().map(|s| (*s).to_owned()).collect(),
            buckets,
            series: Mutex::new(BTreeMap::new()),
        }
    }

    fn update(&self, label_values: &[&str], f: impl FnOnce(&mut Series)) {
        debug_assert_eq!(label_values.len(), self.labels.len(), "label count of {}", self.name);
        let key: Vec<String> = label_values.iter().map(|s| (*s).to_owned()).collect();
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let entry = series
            .entry(key)
            .or_insert_with(|| Series { bucket_counts: vec![0; self.buckets.len()], ..Series::default() });
        f(entry);
    }

    fn label_text(&self, values: &[String], extra: Option<(&str, &str)>) -> String {
        let mut pairs: Vec<String> =
            self.labels.iter().zip(values).map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
        if let Some((k, v)) = extra {
            pairs.push(format!("{k}=\"{v}\""));
        }
        if pairs.is_empty() { String::new() } else { format!("{{{}}}", pairs.join(",")) }
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Collector for Family {
    fn render(&self, out: &mut String) {
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help.replace('\n', " "));
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        for (labels, s) in series.iter() {
            if self.kind == "histogram" {
                let mut cumulative = 0;
                for (bound, n) in self.buckets.iter().zip(&s.bucket_counts) {
                    cumulative += n;
                    let le = bound.to_string();
                    let _ = writeln!(
                        out,
                        "{}_bucket{} {cumulative}",
                        self.name,
                        self.label_text(labels, Some(("le", &le)))
                    );
                }
                let _ = writeln!(
                    out,
                    "{}_bucket{} {}",
                    self.name,
                    self.label_text(labels, Some(("le", "+Inf"))),
                    s.count
                );
                let _ = writeln!(out, "{}_sum{} {}", self.name, self.label_text(labels, None), s.value);
                let _ = writeln!(out, "{}_count{} {}", self.name, self.label_text(labels, None), s.count);
            } else {
                let _ = writeln!(out, "{}{} {}", self.name, self.label_text(labels, None), s.value);
            }
        }
    }
}

/// A monotonically increasing count.
#[derive(Clone)]
pub struct Counter(Arc<Family>);

impl Counter {
    pub fn inc(&self, labels: &[&str]) {
        self.inc_by(labels, 1);
    }

    pub fn inc_by(&self, labels: &[&str], n: u64) {
        self.0.update(labels, |s| s.value += n as f64);
    }

    /// The current value of one series, for tests.
    pub fn get(&self, labels: &[&str]) -> u64 {
        let key: Vec<String> = labels.iter().map(|s| (*s).to_owned()).collect();
        self.0.series.lock().unwrap_or_else(|e| e.into_inner()).get(&key).map_or(0, |s| s.value as u64)
    }
}

/// A value that goes up and down.
#[derive(Clone)]
pub struct Gauge(Arc<Family>);

impl Gauge {
    pub fn set(&self, labels: &[&str], value: f64) {
        self.0.update(labels, |s| s.value = value);
    }
}

/// A distribution of observed values in buckets.
#[derive(Clone)]
pub struct Histogram(Arc<Family>);

impl Histogram {
    pub fn observe(&self, labels: &[&str], value: f64) {
        let buckets = &self.0.buckets;
        self.0.update(labels, |s| {
            s.value += value;
            s.count += 1;
            if let Some(i) = buckets.iter().position(|b| value <= *b) {
                s.bucket_counts[i] += 1;
            }
        });
    }
}

/// Request counting and timing for a router, labelled by method, route template and status.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Counter,
    duration: Histogram,
}

impl HttpMetrics {
    /// Registers `{prefix}_http_requests_total` and `{prefix}_http_request_duration_seconds`.
    pub fn new(registry: &Registry, prefix: &str) -> Self {
        Self {
            requests: registry.counter(
                &format!("{prefix}_http_requests_total"),
                "HTTP requests by method, route and status.",
                &["method", "route", "status"],
            ),
            duration: registry.histogram(
                &format!("{prefix}_http_request_duration_seconds"),
                "HTTP request duration by method and route.",
                &["method", "route"],
                DURATION_BUCKETS,
            ),
        }
    }
}

/// Middleware for [`axum::middleware::from_fn_with_state`] with an [`HttpMetrics`] state.
pub async fn track_requests(State(metrics): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_owned();
    // The route template, not the concrete path, so that ids do not explode the label set.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics.requests.inc(&[&method, &route, &status]);
    metrics.duration.observe(&[&method, &route], start.elapsed().as_secs_f64());
    response
}

/// Handler for `GET /metrics` with a [`Registry`] state.
pub async fn metrics_handler(State(registry): State<Registry>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(PROMETHEUS_CONTENT_TYPE))], registry.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_gauges_and_histograms() {
        let r = Registry::new();
        let c = r.counter("x_total", "Things.", &["kind"]);
        c.inc(&["a"]);
        c.inc_by(&["b\"q"], 3);
        let g = r.gauge("g", "Level.", &[]);
        g.set(&[], 2.5);
        let h = r.histogram("d_seconds", "Durations.", &[], &[0.1, 1.0]);
        h.observe(&[], 0.05);
        h.observe(&[], 0.5);
        h.observe(&[], 5.0);
        let text = r.render();
        assert!(text.contains("# TYPE x_total counter\n"), "{text}");
        assert!(text.contains("x_total{kind=\"a\"} 1\n"), "{text}");
        assert!(text.contains("x_total{kind=\"b\\\"q\"} 3\n"), "{text}");
        assert!(text.contains("g 2.5\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"0.1\"} 1\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"1\"} 2\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("d_seconds_count 3\n"), "{text}");
        assert_eq!(c.get(&["b\"q"]), 3);
        assert_eq!(c.get(&["none"]), 0);
    }
}
