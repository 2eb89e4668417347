//! The live view's data, as the page reads it from the stream:
//! `{"seq", "status", "downloads", "header", "run"}`, where `run` is the
//! report's page data of the latest results (`null` before any) and
//! `header` the report's header lines for it. A frame is built once per
//! change whoever asks (every open page shares it), on the blocking pool:
//! the page data of a run with a thousand names takes milliseconds to
//! make, and the runtime's one thread must keep serving meanwhile.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Value, json};
use starling_metrics::Summary;
use starling_report::{HtmlHeader, page_data};
use tokio::sync::Mutex;

use crate::board::Published;
use crate::downloads;

/// The page data of one `Summary`, kept while that summary is the latest:
/// a change of status alone (a steer, a stop) does not rebuild it.
#[derive(Debug, Clone)]
struct RunPart {
    summary: Arc<Summary>,
    run: Arc<str>,
    header: Arc<str>,
}

#[derive(Debug, Default)]
struct Cache {
    frame: Option<(u64, Bytes)>,
    run: Option<RunPart>,
}

/// The latest frame, shared by every stream.
#[derive(Debug, Default)]
pub(crate) struct Frames {
    cache: Mutex<Cache>,
}

impl Frames {
    /// The frame of `published`, built if nobody has asked for it yet.
    /// Holding the lock while building makes a second page wait for the
    /// first's frame instead of building its own.
    pub(crate) async fn frame(&self, published: Published) -> Bytes {
        let mut cache = self.cache.lock().await;
        if let Some((seq, frame)) = &cache.frame
            && *seq == published.seq
        {
            return frame.clone();
        }
        let reuse = match (&cache.run, &published.live.results) {
            (Some(part), Some(summary)) if Arc::ptr_eq(&part.summary, summary) => {
                Some(part.clone())
            }
            _ => None,
        };
        let seq = published.seq;
        let built = tokio::task::spawn_blocking(move || build(&published, reuse)).await;
        let Ok((frame, run)) = built else {
            // The build panicked: say so rather than send nothing.
            return Bytes::from_static(br#"{"error":"the live view's data could not be built"}"#);
        };
        cache.frame = Some((seq, frame.clone()));
        cache.run = run;
        frame
    }
}

fn build(published: &Published, reuse: Option<RunPart>) -> (Bytes, Option<RunPart>) {
    let run = reuse.or_else(|| {
        published.live.results.as_ref().map(|summary| RunPart {
            summary: summary.clone(),
            run: page_data(summary).to_string().into(),
            header: HtmlHeader::of(summary).to_json().to_string().into(),
        })
    });
    let state = state(published).to_string();
    // `state` is an object: the run's parts go in before its closing brace,
    // written as the JSON text already made rather than parsed again.
    let mut out =
        String::with_capacity(state.len() + run.as_ref().map_or(16, |r| r.run.len() + 512));
    out.push_str(&state[..state.len() - 1]);
    match &run {
        Some(part) => {
            out.push_str(",\"header\":");
            out.push_str(&part.header);
            out.push_str(",\"run\":");
            out.push_str(&part.run);
        }
        None => out.push_str(",\"header\":null,\"run\":null"),
    }
    out.push('}');
    (Bytes::from(out), run)
}

/// `{"seq", "status", "downloads"}`: what `GET /api/state` answers and
/// every frame starts with.
pub(crate) fn state(published: &Published) -> Value {
    json!({
        "seq": published.seq,
        "status": published.live.status,
        "downloads": downloads::list(published.live.results.is_some()),
    })
}
