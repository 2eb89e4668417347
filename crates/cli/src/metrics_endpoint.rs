//! `--metrics-addr 127.0.0.1:9464`: Prometheus metrics of the run while it
//! goes on, one set per segment (label `segment`), so a Prometheus that
//! scrapes every pod of a scaled-out run sums them into the whole. Updated
//! from the collector's rounds, served by a thread of its own; nothing of
//! it is near a request.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;
use starling_metrics::{FailureCategory, Summary};

use crate::Failure;

/// Bucket bounds of the latency histograms, in seconds: load-test
/// latencies, from a fast local call to a timeout.
const BUCKETS_SECONDS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    request: String,
    service: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    request: String,
    service: String,
    category: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    request: String,
    service: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JourneyLabels {
    journey: String,
    outcome: String,
}

/// A histogram whose buckets are set from the run's HDR histogram each
/// round (prometheus-client's own takes one observation at a time, and the
/// collector never sees single requests).
#[derive(Debug, Default)]
struct Buckets(Mutex<Snapshot>);

/// A histogram as it is encoded: sum, count, and each bucket's upper
/// bound with its own (not cumulative) count.
type Snapshot = (f64, u64, Vec<(f64, u64)>);

impl TypedMetric for Buckets {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for Buckets {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let (sum, count, buckets) = &*self.0.lock().map_err(|_| std::fmt::Error)?;
        encoder.encode_histogram::<NoLabelSet>(*sum, *count, buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

/// The metrics, and the totals last published (counters only go up by
/// the difference).
#[derive(Debug)]
pub(crate) struct MetricsEndpoint {
    registry: Arc<Mutex<Registry>>,
    requests: Family<RequestLabels, Counter>,
    failures: Family<FailureLabels, Counter>,
    responses: Family<StatusLabels, Counter>,
    journeys: Family<JourneyLabels, Counter>,
    latency: Family<RequestLabels, Buckets>,
    users: Gauge,
    dropped: Counter,
    published: HashMap<String, u64>,
}

impl MetricsEndpoint {
    /// Binds `addr` (a bad or busy address is bad input, before any load)
    /// and serves `/metrics` from a thread of its own.
    pub(crate) fn start(addr: &str, segment: Option<String>) -> Result<MetricsEndpoint, Failure> {
        let addr: SocketAddr = addr.parse().map_err(|_| {
            Failure::Input(format!(
                "--metrics-addr `{addr}`: expected HOST:PORT, e.g. 127.0.0.1:9464"
            ))
        })?;
        let listener = TcpListener::bind(addr)
            .map_err(|e| Failure::Input(format!("--metrics-addr {addr}: cannot listen: {e}")))?;
        let labels = segment.map(|s| (std::borrow::Cow::Borrowed("segment"), s.into()));
        let mut registry = Registry::with_prefix_and_labels("starling", labels.into_iter());
        let endpoint = MetricsEndpoint {
            requests: Family::default(),
            failures: Family::default(),
            responses: Family::default(),
            journeys: Family::default(),
            latency: Family::default(),
            users: Gauge::default(),
            dropped: Counter::default(),
            published: HashMap::new(),
            registry: Arc::new(Mutex::new(Registry::default())),
        };
        registry.register("requests", "Requests sent", endpoint.requests.clone());
        registry.register(
            "request_failures",
            "Failed requests, by failure category",
            endpoint.failures.clone(),
        );
        registry.register(
            "responses",
            "Responses received, by status code",
            endpoint.responses.clone(),
        );
        registry.register(
            "journeys",
            "Journey iterations finished, by outcome",
            endpoint.journeys.clone(),
        );
        registry.register_with_unit(
            "request_duration",
            "Request duration, connect to last byte",
            prometheus_client::registry::Unit::Seconds,
            endpoint.latency.clone(),
        );
        registry.register(
            "active_users",
            "Virtual users alive",
            endpoint.users.clone(),
        );
        registry.register(
            "dropped_arrivals",
            "Open model: arrivals no user could start in time",
            endpoint.dropped.clone(),
        );
        *endpoint
            .registry
            .lock()
            .map_err(|_| Failure::Runtime("metrics lock".into()))? = registry;
        let shared = endpoint.registry.clone();
        std::thread::Builder::new()
            .name("starling-metrics".into())
            .spawn(move || serve(listener, &shared))
            .map_err(|e| Failure::Runtime(format!("could not start the metrics thread: {e}")))?;
        Ok(endpoint)
    }

    /// Publishes the results so far.
    pub(crate) fn update(&mut self, summary: &Summary, active_users: u64) {
        self.users
            .set(i64::try_from(active_users).unwrap_or(i64::MAX));
        let dropped = summary.totals.dropped_arrivals;
        bump(
            &mut self.published,
            "dropped".into(),
            dropped,
            &self.dropped,
        );
        let bounds: Vec<u64> = BUCKETS_SECONDS.iter().map(|s| (s * 1e6) as u64).collect();
        for (name, r) in &summary.requests {
            let labels = RequestLabels {
                request: name.clone(),
                service: r.service.clone(),
            };
            let counter = self.requests.get_or_create(&labels).clone();
            bump(&mut self.published, format!("r\0{name}"), r.count, &counter);
            for (category, &n) in &r.failure_categories {
                let labels = FailureLabels {
                    request: name.clone(),
                    service: r.service.clone(),
                    category: category_name(*category),
                };
                let counter = self.failures.get_or_create(&labels).clone();
                bump(
                    &mut self.published,
                    format!("f\0{name}\0{}", labels.category),
                    n,
                    &counter,
                );
            }
            for (&status, &n) in &r.status_codes {
                let labels = StatusLabels {
                    request: name.clone(),
                    service: r.service.clone(),
                    status,
                };
                let counter = self.responses.get_or_create(&labels).clone();
                bump(
                    &mut self.published,
                    format!("s\0{name}\0{status}"),
                    n,
                    &counter,
                );
            }
            if let Some(at_most) = r.total.counts_at_most(&bounds) {
                // The encoder takes each bucket's own count (it sums them
                // into the cumulative `le` series), the last one unbounded.
                let mut buckets = Vec::with_capacity(at_most.len() + 1);
                let mut below = 0;
                for (&bound, &count) in BUCKETS_SECONDS.iter().zip(&at_most) {
                    buckets.push((bound, count.saturating_sub(below)));
                    below = count;
                }
                buckets.push((f64::MAX, r.total.count.saturating_sub(below)));
                let sum = r.total.mean_us as f64 * r.total.count as f64 / 1e6;
                if let Ok(mut set) = self.latency.get_or_create(&labels).0.lock() {
                    *set = (sum, r.total.count, buckets);
                }
            }
        }
        for (name, j) in &summary.journeys {
            for (outcome, n) in [("success", j.succeeded), ("failure", j.failed)] {
                let labels = JourneyLabels {
                    journey: name.clone(),
                    outcome: outcome.to_owned(),
                };
                let counter = self.journeys.get_or_create(&labels).clone();
                bump(
                    &mut self.published,
                    format!("j\0{name}\0{outcome}"),
                    n,
                    &counter,
                );
            }
        }
    }
}

/// Raises `counter` to `total` (the run's totals only grow).
fn bump(published: &mut HashMap<String, u64>, key: String, total: u64, counter: &Counter) {
    let last = published.entry(key).or_insert(0);
    if total > *last {
        counter.inc_by(total - *last);
        *last = total;
    }
}

fn category_name(category: FailureCategory) -> String {
    category.as_str().to_owned()
}

/// Answers every connection with the current metrics. One request per
/// connection: a scraper asks once a few seconds.
fn serve(listener: TcpListener, registry: &Mutex<Registry>) {
    for stream in listener.incoming().flatten() {
        let _ = answer(stream, registry);
    }
}

fn answer(stream: TcpStream, registry: &Mutex<Registry>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let found = line.starts_with("GET /metrics ") || line.starts_with("GET / ");
    // The rest of the head is not needed; read it so the client is not reset.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut out = stream;
    if !found {
        return out.write_all(
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
    }
    let mut body = String::new();
    if let Ok(registry) = registry.lock() {
        let _ = prometheus_client::encoding::text::encode(&mut body, &registry);
    }
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}
