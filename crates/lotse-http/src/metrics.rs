//! The services' Prometheus metrics, kept in a [`prometheus_client`] registry and served in the
//! OpenMetrics text format.
//!
//! A registry is a value, not a process-wide global, so that tests can run a hub and several
//! nodes in one process, each with its own `/metrics`.
//!
//! Names: a counter is registered under the name its samples carry (`…_total`, as in every
//! alert and dashboard); the `_total` suffix is taken off for the registry, which puts it back
//! on each sample, so that the scraped series keep their names exactly. OpenMetrics differs
//! from the older text format only in the `# TYPE`/`# HELP` lines of counters (they name the
//! family without `_total`), in floats written with a decimal point (`le="1.0"`) and in the
//! closing `# EOF`; Prometheus reads it natively and picks the parser by the content type.
//!
//! Cost of an update: a metric without labels is one atomic operation; a labelled one is looked
//! up under a read lock. The generic `&[&str]` label API copies the label values into a key, so
//! hot paths use typed label sets ([`HttpMetrics`]) or handles resolved once
//! ([`Counter::handle`]).

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabel, EncodeLabelSet, LabelSetEncoder};
use prometheus_client::metrics::counter::Counter as RawCounter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge as RawGauge;
use prometheus_client::metrics::histogram::Histogram as RawHistogram;
use prometheus_client::registry::Metric;

/// The media type of the OpenMetrics text format, which `/metrics` answers with.
pub const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Default histogram buckets for request durations, in seconds.
pub const DURATION_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// A pre-resolved counter series: increments are a single atomic add.
pub type CounterHandle = RawCounter;

type RawF64Gauge = RawGauge<f64, AtomicU64>;

/// The set of metrics one service exposes.
#[derive(Clone, Default)]
pub struct Registry {
    inner: Arc<RwLock<prometheus_client::registry::Registry>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Registry")
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a counter family with the given label names. `name` is the samples' name and
    /// ends in `_total`.
    pub fn counter(&self, name: &str, help: &str, labels: &'static [&'static str]) -> Counter {
        debug_assert!(name.ends_with("_total"), "counter {name} must end in _total");
        let family_name = name.strip_suffix("_total").unwrap_or(name);
        let metric = if labels.is_empty() {
            let c = RawCounter::default();
            self.register(family_name, help, c.clone());
            Series::Plain(c)
        } else {
            let f = Family::<LabelValues, RawCounter>::default();
            self.register(family_name, help, f.clone());
            Series::Labelled(labels, f)
        };
        Counter(metric)
    }

    /// Registers a gauge family with the given label names.
    pub fn gauge(&self, name: &str, help: &str, labels: &'static [&'static str]) -> Gauge {
        let metric = if labels.is_empty() {
            let g = RawF64Gauge::default();
            self.register(name, help, g.clone());
            Series::Plain(g)
        } else {
            let f = Family::<LabelValues, RawF64Gauge>::default();
            self.register(name, help, f.clone());
            Series::Labelled(labels, f)
        };
        Gauge(metric)
    }

    /// Registers a histogram family with the given label names and upper bucket bounds.
    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        labels: &'static [&'static str],
        buckets: &[f64],
    ) -> Histogram {
        let buckets = Buckets(buckets.into());
        let metric = if labels.is_empty() {
            let h = buckets.new_metric();
            self.register(name, help, h.clone());
            Series::Plain(h)
        } else {
            let f = Family::<LabelValues, RawHistogram, Buckets>::new_with_constructor(buckets);
            self.register(name, help, f.clone());
            Series::Labelled(labels, f)
        };
        Histogram(metric)
    }

    /// Registers any [`prometheus_client`] metric, for families with typed label sets.
    pub fn register(&self, name: &str, help: &str, metric: impl Metric) {
        // The registry adds a full stop to every help text; the texts here are sentences that
        // already end in one. A line break would end the `# HELP` line early.
        let help = help.strip_suffix('.').unwrap_or(help).replace('\n', " ");
        self.inner.write().unwrap_or_else(|e| e.into_inner()).register(name, help, metric);
    }

    /// All metrics in the OpenMetrics text format, `# EOF` included.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.inner.read().unwrap_or_else(|e| e.into_inner());
        // Writing into a String cannot fail; the encoder's error type is only for other writers.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }
}

/// Label values of a family registered with label names, in the names' order.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct LabelValues {
    names: &'static [&'static str],
    values: Box<[Box<str>]>,
}

impl LabelValues {
    fn new(names: &'static [&'static str], values: &[&str]) -> Self {
        debug_assert_eq!(values.len(), names.len(), "label count of {names:?}");
        Self { names, values: values.iter().map(|v| Box::from(*v)).collect() }
    }
}

impl EncodeLabelSet for LabelValues {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        for (name, value) in self.names.iter().zip(self.values.iter()) {
            (*name, &**value).encode(encoder.encode_label())?;
        }
        Ok(())
    }
}

/// The bucket bounds a histogram family creates its series with.
#[derive(Clone, Debug)]
struct Buckets(Arc<[f64]>);

impl MetricConstructor<RawHistogram> for Buckets {
    fn new_metric(&self) -> RawHistogram {
        RawHistogram::new(self.0.iter().copied())
    }
}

/// One metric without labels, or a family of them keyed by label values.
#[derive(Clone)]
enum Series<M, C = fn() -> M> {
    Plain(M),
    Labelled(&'static [&'static str], Family<LabelValues, M, C>),
}

impl<M: Clone, C: MetricConstructor<M>> Series<M, C> {
    fn with<R>(&self, labels: &[&str], f: impl FnOnce(&M) -> R) -> R {
        match self {
            Series::Plain(m) => {
                debug_assert!(labels.is_empty(), "labels given for a metric without labels");
                f(m)
            }
            Series::Labelled(names, family) => f(&family.get_or_create(&LabelValues::new(names, labels))),
        }
    }

    fn resolve(&self, labels: &[&str]) -> M {
        self.with(labels, M::clone)
    }
}

/// A monotonically increasing count.
#[derive(Clone)]
pub struct Counter(Series<RawCounter>);

impl Counter {
    pub fn inc(&self, labels: &[&str]) {
        self.inc_by(labels, 1);
    }

    pub fn inc_by(&self, labels: &[&str], n: u64) {
        self.0.with(labels, |c| c.inc_by(n));
    }

    /// The series for `labels`, resolved once, for paths that count often. The series shows
    /// (at 0) from now on.
    pub fn handle(&self, labels: &[&str]) -> CounterHandle {
        self.0.resolve(labels)
    }

    /// The current value of one series, for tests.
    pub fn get(&self, labels: &[&str]) -> u64 {
        match &self.0 {
            Series::Plain(c) => c.get(),
            Series::Labelled(names, family) => {
                family.get(&LabelValues::new(names, labels)).map_or(0, |c| c.get())
            }
        }
    }
}

/// A value that goes up and down.
#[derive(Clone)]
pub struct Gauge(Series<RawF64Gauge>);

impl Gauge {
    pub fn set(&self, labels: &[&str], value: f64) {
        self.0.with(labels, |g| g.set(value));
    }
}

/// A distribution of observed values in buckets.
#[derive(Clone)]
pub struct Histogram(Series<RawHistogram, Buckets>);

impl Histogram {
    pub fn observe(&self, labels: &[&str], value: f64) {
        self.0.with(labels, |h| h.observe(value));
    }
}

/// The labels of one request: method, route template and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct RequestLabels {
    route: RouteLabels,
    status: u16,
}

/// The labels of one route: method and route template.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct RouteLabels {
    method: Method,
    route: Arc<str>,
}

impl EncodeLabelSet for RouteLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        ("method", self.method.as_str()).encode(encoder.encode_label())?;
        ("route", &*self.route).encode(encoder.encode_label())
    }
}

impl EncodeLabelSet for RequestLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        self.route.encode(encoder)?;
        ("status", self.status).encode(encoder.encode_label())
    }
}

/// Request counting and timing for a router, labelled by method, route template and status.
///
/// The labels are typed and the route templates interned, so that counting a request allocates
/// nothing once its route has been seen.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, RawCounter>,
    duration: Family<RouteLabels, RawHistogram, Buckets>,
    routes: Arc<RwLock<HashSet<Arc<str>>>>,
}

impl HttpMetrics {
    /// Registers `{prefix}_http_requests_total` and `{prefix}_http_request_duration_seconds`.
    pub fn new(registry: &Registry, prefix: &str) -> Self {
        let requests = Family::default();
        registry.register(
            &format!("{prefix}_http_requests"),
            "HTTP requests by method, route and status.",
            requests.clone(),
        );
        let duration = Family::new_with_constructor(Buckets(DURATION_BUCKETS.into()));
        registry.register(
            &format!("{prefix}_http_request_duration_seconds"),
            "HTTP request duration by method and route.",
            duration.clone(),
        );
        Self { requests, duration, routes: Arc::default() }
    }

    /// The shared copy of a route template; the set only holds the router's templates.
    fn route(&self, template: &str) -> Arc<str> {
        if let Some(r) = self.routes.read().unwrap_or_else(|e| e.into_inner()).get(template) {
            return r.clone();
        }
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = routes.get(template) {
            return r.clone();
        }
        let r: Arc<str> = Arc::from(template);
        routes.insert(r.clone());
        r
    }

    fn record(&self, method: Method, template: &str, status: u16, seconds: f64) {
        let route = RouteLabels { method, route: self.route(template) };
        self.duration.get_or_create(&route).observe(seconds);
        self.requests.get_or_create(&RequestLabels { route, status }).inc();
    }
}

/// Middleware for [`axum::middleware::from_fn_with_state`] with an [`HttpMetrics`] state.
pub async fn track_requests(State(metrics): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    // The route template, not the concrete path, so that ids do not explode the label set.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let template = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    metrics.record(method, template, response.status().as_u16(), start.elapsed().as_secs_f64());
    response
}

/// Handler for `GET /metrics` with a [`Registry`] state.
pub async fn metrics_handler(State(registry): State<Registry>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS_CONTENT_TYPE))], registry.render())
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
        assert!(text.contains("# HELP x Things.\n"), "{text}");
        assert!(text.contains("# TYPE x counter\n"), "{text}");
        assert!(text.contains("x_total{kind=\"a\"} 1\n"), "{text}");
        assert!(text.contains("x_total{kind=\"b\\\"q\"} 3\n"), "{text}");
        assert!(text.contains("# TYPE g gauge\ng 2.5\n"), "{text}");
        assert!(text.contains("# TYPE d_seconds histogram\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"0.1\"} 1\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"1.0\"} 2\n"), "{text}");
        assert!(text.contains("d_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("d_seconds_sum 5.55\n"), "{text}");
        assert!(text.contains("d_seconds_count 3\n"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert_eq!(c.get(&["b\"q"]), 3);
        assert_eq!(c.get(&["none"]), 0);
    }

    #[test]
    fn labelled_families_show_once_they_have_a_series() {
        let r = Registry::new();
        let c = r.counter("y_total", "Ys.", &["kind"]);
        let g = r.gauge("z", "Zs.", &["node"]);
        assert!(!r.render().contains("y_total"), "{}", r.render());
        let handle = c.handle(&["hot"]);
        assert!(r.render().contains("y_total{kind=\"hot\"} 0\n"), "{}", r.render());
        handle.inc();
        handle.inc_by(2);
        g.set(&["essen"], 1.0);
        let text = r.render();
        assert!(text.contains("y_total{kind=\"hot\"} 3\n"), "{text}");
        assert!(text.contains("z{node=\"essen\"} 1.0\n"), "{text}");
        assert_eq!(c.get(&["hot"]), 3);
    }

    #[test]
    fn requests_are_labelled_by_method_route_and_status() {
        let r = Registry::new();
        let m = HttpMetrics::new(&r, "svc");
        m.record(Method::GET, "/feed/offers", 200, 0.002);
        m.record(Method::GET, "/feed/offers", 200, 0.2);
        m.record(Method::POST, "unmatched", 404, 0.0);
        let text = r.render();
        assert!(text.contains("# TYPE svc_http_requests counter\n"), "{text}");
        assert!(
            text.contains(
                "svc_http_requests_total{method=\"GET\",route=\"/feed/offers\",status=\"200\"} 2\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("svc_http_requests_total{method=\"POST\",route=\"unmatched\",status=\"404\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "svc_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/feed/offers\"} 1\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "svc_http_request_duration_seconds_count{method=\"GET\",route=\"/feed/offers\"} 2\n"
            ),
            "{text}"
        );
        assert_eq!(m.routes.read().unwrap().len(), 2);
    }
}
