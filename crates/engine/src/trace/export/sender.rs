//! The exporter thread: takes kept iterations off the queue, batches
//! them, encodes each batch as one OTLP `ExportTraceServiceRequest`
//! (protobuf) and posts it, one request at a time, with one retry. It runs
//! on its own thread and runtime, so a slow or dead endpoint costs the
//! virtual users nothing: the queue fills and journeys are dropped and
//! counted instead.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use starling_http::{Client, ClientConfig, Request, Session};

use super::endpoint::{OtlpConfig, Target};
use super::queue::{Counters, Exported};
use super::spans;

/// Spans per export request at most (OTLP receivers take a few MiB).
const BATCH_SPANS: u64 = 2048;
/// How long a batch waits for more before it is sent.
const BATCH_WAIT: Duration = Duration::from_millis(500);
/// One export request's own limit.
const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// Before the one retry of a failed export.
const RETRY_AFTER: Duration = Duration::from_millis(200);

/// Everything the thread needs.
pub(crate) struct ExportThread {
    pub(crate) rx: Receiver<Exported>,
    pub(crate) counters: Arc<Counters>,
    pub(crate) config: OtlpConfig,
    pub(crate) target: Target,
    pub(crate) http: ClientConfig,
    pub(crate) resource: Resource,
    /// Told when the thread has sent everything it will send.
    pub(crate) done: Sender<()>,
}

impl std::fmt::Debug for ExportThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportThread")
            .field("endpoint", &self.config.endpoint)
            .finish()
    }
}

impl ExportThread {
    /// Runs until every worker's handle on the queue is gone and the
    /// queue is empty.
    pub(crate) fn run(self) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            self.fail_all();
            return;
        };
        let Ok(client) = Client::new(self.http.clone()) else {
            self.fail_all();
            return;
        };
        let mut session = client.session();
        let mut batch: Vec<Exported> = Vec::new();
        let mut spans = 0;
        let mut since: Option<Instant> = None;
        loop {
            let received = match since {
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(first) => self
                    .rx
                    .recv_timeout(BATCH_WAIT.saturating_sub(first.elapsed())),
            };
            let closed = match received {
                Ok(exported) => {
                    self.counters.queued.fetch_sub(1, Ordering::Relaxed);
                    spans += exported.spans();
                    batch.push(exported);
                    since.get_or_insert_with(Instant::now);
                    false
                }
                Err(RecvTimeoutError::Timeout) => false,
                Err(RecvTimeoutError::Disconnected) => true,
            };
            let due = since.is_some_and(|first| first.elapsed() >= BATCH_WAIT);
            if !batch.is_empty() && (closed || due || spans >= BATCH_SPANS) {
                runtime.block_on(self.export(&mut session, &batch, spans));
                batch.clear();
                spans = 0;
                since = None;
            }
            if closed {
                break;
            }
        }
        session.close();
        let _ = self.done.send(());
    }

    async fn export(&self, session: &mut Session, batch: &[Exported], spans: u64) {
        let body = spans::request(batch, &self.resource).encode_to_vec();
        let mut outcome = self.post(session, &body).await;
        if outcome.is_err() {
            tokio::time::sleep(RETRY_AFTER).await;
            outcome = self.post(session, &body).await;
        }
        // What is not counted exported counts as failed.
        if let Ok(rejected) = outcome {
            self.counters
                .exported
                .fetch_add(spans - rejected.min(spans), Ordering::Relaxed);
        }
    }

    /// Posts one batch; the spans the receiver says it rejected.
    async fn post(&self, session: &mut Session, body: &[u8]) -> Result<u64, ()> {
        let mut headers: Vec<(&str, &str)> = vec![("content-type", "application/x-protobuf")];
        headers.extend(
            self.config
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        );
        let request = Request {
            method: "POST",
            scheme: self.target.scheme,
            host: &self.target.host,
            port: self.target.port,
            path_and_query: &self.target.path,
            headers: &headers,
            body,
            timeout: POST_TIMEOUT,
        };
        let response = session.send(&request).await.map_err(|_| ())?;
        if !(200..300).contains(&response.status) {
            return Err(());
        }
        // A receiver may take a batch in part (`partial_success`).
        let rejected = ExportTraceServiceResponse::decode(&response.body[..])
            .ok()
            .and_then(|r| r.partial_success)
            .map_or(0, |p| u64::try_from(p.rejected_spans).unwrap_or(0));
        Ok(rejected)
    }

    /// No runtime or client: whatever comes is taken and never exported
    /// (so it counts as failed).
    fn fail_all(self) {
        for _ in self.rx.iter() {
            self.counters.queued.fetch_sub(1, Ordering::Relaxed);
        }
        let _ = self.done.send(());
    }
}
