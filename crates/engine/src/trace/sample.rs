//! An iteration kept whole: its chain made into the results'
//! `JourneySample`, with names, full URLs and every secret redacted.
//!
//! The journey's tally says first whether it would keep the iteration (a
//! failed one by a random rank, a successful one by its duration), so the
//! formatting and redaction below run for a few iterations per journey
//! over a run, never per request.

use std::time::Duration;

use starling_metrics::{FailureCategory, JourneyOutcome, JourneySample, SampleFailure, StepSample};
use starling_scenario::JourneyId;
use tokio::time::Instant;

use super::chain::{Chain, Record};
use super::context::TraceContext;
use super::export::{Exported, spans_of};
use crate::redact::Redactor;
use crate::vu::Vu;
use crate::worker::Worker;

/// How an iteration ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ending {
    pub(crate) journey: JourneyId,
    pub(crate) vu: u64,
    pub(crate) iteration: u64,
    pub(crate) started: Instant,
    pub(crate) duration: Duration,
    pub(crate) outcome: JourneyOutcome,
}

/// Keeps the iteration if its journey still wants it, and exports it if
/// it failed or was sampled (with `--otlp-endpoint`). `user` gives the
/// secrets to redact (its captures and cookies; the chain noted the
/// requests' own); without it (an iteration cut off at the end of the run,
/// its user out of reach) the sample keeps no URL or message that could
/// quote one. `rank` is drawn only for a failed iteration.
pub(crate) fn keep(
    worker: &Worker,
    ending: &Ending,
    trace: Option<&TraceContext>,
    chain: &Chain,
    user: Option<&Vu>,
    rank: impl FnOnce() -> u32,
) {
    let failed = matches!(ending.outcome, JourneyOutcome::Failed { .. });
    let (wanted, rank) = if failed {
        let rank = rank();
        (
            worker.shard().wants_failed_sample(ending.journey, rank),
            rank,
        )
    } else {
        let slow = worker
            .shard()
            .wants_slow_sample(ending.journey, ending.duration);
        (slow, 0)
    };
    let export = match (&worker.export, trace) {
        (Some(queue), Some(trace)) if failed || trace.sampled => {
            if queue.has_room() {
                Some((queue, trace))
            } else {
                // Not built at all: a full queue costs a count.
                let requests = chain.records().iter().filter(|r| r.request().is_some());
                queue.dropped(spans_of(requests.count()));
                None
            }
        }
        _ => None,
    };
    if !wanted && export.is_none() {
        return;
    }
    // Without its user (or with secrets it could not note) a sample keeps
    // no text that could quote a secret.
    let redactor = user.filter(|_| !chain.too_many_secrets).map(|vu| {
        let mut redactor = Redactor::new(&worker.plan.redact);
        vu.secrets_into(&mut redactor);
        for (name, value) in chain.secrets() {
            if name.is_empty() {
                redactor.value(value.to_owned());
            } else {
                redactor.header_value(name, value);
            }
        }
        redactor
    });
    let sample = build(worker, ending, trace, chain, redactor.as_ref(), rank);
    let Some((queue, trace)) = export else {
        worker.shard().record_sample(ending.journey, sample);
        return;
    };
    let exported = |sample| Exported {
        plan: worker.plan.clone(),
        journey: ending.journey,
        root: trace.root,
        start_unix_nanos: worker.unix_nanos(ending.started),
        sample,
    };
    if wanted {
        queue.send(exported(sample.clone()));
        worker.shard().record_sample(ending.journey, sample);
    } else {
        queue.send(exported(sample));
    }
}

fn build(
    worker: &Worker,
    ending: &Ending,
    trace: Option<&TraceContext>,
    chain: &Chain,
    redactor: Option<&Redactor<'_>>,
    rank: u32,
) -> JourneySample {
    let journey = &worker.plan.journeys[ending.journey];
    let failure = match ending.outcome {
        JourneyOutcome::Success => None,
        JourneyOutcome::Failed { step, category } => Some(SampleFailure {
            step,
            label: journey
                .funnel
                .get(step)
                .cloned()
                .unwrap_or_else(|| format!("step {}", step + 1)),
            category,
        }),
    };
    let mut steps: Vec<StepSample> = chain
        .records()
        .iter()
        .map(|record| step(worker, chain, record, ending.started, redactor))
        .collect();
    if let JourneyOutcome::Failed {
        step,
        category: FailureCategory::Interrupted,
    } = ending.outcome
    {
        // The step in flight when the run ended never returned.
        steps.push(StepSample {
            step,
            request: None,
            method: String::new(),
            url: String::new(),
            span_id: None,
            offset_us: micros(ending.duration),
            status: None,
            connect_us: None,
            ttfb_us: None,
            total_us: 0,
            failure: Some(FailureCategory::Interrupted),
            message: "cut off by the end of the run".to_owned(),
        });
    }
    JourneySample {
        trace_id: trace.map(|t| t.trace),
        sampled: trace.is_some_and(|t| t.sampled),
        vu: ending.vu,
        iteration: ending.iteration,
        started_at_unix_ms: worker.unix_ms(ending.started),
        duration_us: micros(ending.duration),
        failure,
        rank,
        steps,
        omitted_steps: chain.omitted,
    }
}

fn step(
    worker: &Worker,
    chain: &Chain,
    record: &Record,
    started: Instant,
    redactor: Option<&Redactor<'_>>,
) -> StepSample {
    let info = record.request().and_then(|id| worker.plan.requests.get(id));
    let (url, message) = match redactor {
        Some(redactor) => (
            redactor.text(&full_url(worker, chain, record)),
            redactor.text(chain.message(record)),
        ),
        None => (String::new(), String::new()),
    };
    StepSample {
        step: record.step(),
        request: info.map(|r| r.name.clone()),
        method: info
            .map(|r| r.method.as_str().to_owned())
            .unwrap_or_default(),
        url,
        span_id: record.span(),
        offset_us: micros(record.started.saturating_duration_since(started)),
        status: record.status(),
        connect_us: record.connect.map(micros),
        ttfb_us: record.ttfb.map(micros),
        total_us: micros(record.total),
        failure: record.failure,
        message,
    }
}

/// The URL a record went to: its path on its base's origin, or the whole
/// URL it recorded.
pub(crate) fn full_url(worker: &Worker, chain: &Chain, record: &Record) -> String {
    let text = chain.url(record);
    match record.base.base() {
        Some(base) => match worker.targets.origin(&base) {
            Some(origin) => format!("{}{text}", origin.display()),
            None => text.to_owned(),
        },
        None => text.to_owned(),
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}
