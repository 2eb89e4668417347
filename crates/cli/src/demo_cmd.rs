//! `starling demo`: start the demo microservice system on loopback and run
//! the checkout scenario against it, then join its failed journeys with
//! the services' spans to show where each failure began; `starling demo
//! serve`: only start it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use starling_demo::{Demo, DemoConfig, ExportCounts, Fault, Span, SpanExport, SpanStore};
use starling_metrics::{JoinedSample, ServerSpan, SpanId, Summary, TraceId, join};
use starling_report::{count, render_call_trees, render_table};
use starling_scenario::BaseUrl;

use crate::Failure;
use crate::args::{DemoArgs, DemoCommand, EngineArgs, LoadArgs};
use crate::exit::Exit;
use crate::output::{Files, notice, terminal_options};
use crate::run_cmd::{Outputs, engine_config, execute, fingerprint, load_override, otlp};

/// The scenarios the demo runs, compiled into the binary so `starling demo`
/// works from any directory.
const CHECKOUT: (&str, &str) = (
    "examples/checkout.yaml",
    include_str!("../../../examples/checkout.yaml"),
);
const POLLING: (&str, &str) = (
    "examples/polling.yaml",
    include_str!("../../../examples/polling.yaml"),
);

pub(crate) fn demo(args: DemoArgs) -> Result<Exit, Failure> {
    match args.serve {
        Some(DemoCommand::Serve {
            port,
            async_payments,
            fault,
            otlp_endpoint,
        }) => serve(port, async_payments, &fault, otlp_endpoint.as_deref()).map(|()| Exit::Ok),
        None => run_demo(&args),
    }
}

/// The demo system serves from its own small runtime, beside (not inside)
/// the engine's workers.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("starling-demo")
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(format!("could not start the demo runtime: {e}")))
}

fn serve(
    port: u16,
    async_payments: bool,
    faults: &[Fault],
    otlp_endpoint: Option<&str>,
) -> Result<(), Failure> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let mut config = DemoConfig::on_ports(port);
        config.async_payments = async_payments;
        with_faults(&mut config, faults);
        config.export = span_export(otlp_endpoint)?;
        let demo = Demo::start(config)
            .await
            .map_err(|e| Failure::Runtime(format!("could not start the demo system: {e}")))?;
        print_urls(&demo, &mut std::io::stdout().lock());
        notice("serving until Ctrl-C");
        let _ = tokio::signal::ctrl_c().await;
        report_export(demo.shutdown().await, &mut std::io::stderr().lock());
        Ok(())
    })
}

fn run_demo(args: &DemoArgs) -> Result<Exit, Failure> {
    let runtime = runtime()?;
    let mut config = DemoConfig::ephemeral();
    config.async_payments = args.async_payments;
    with_faults(&mut config, &args.fault);
    config.export = span_export(args.otlp_endpoint.as_deref())?;
    let demo = runtime
        .block_on(Demo::start(config))
        .map_err(|e| Failure::Runtime(format!("could not start the demo system: {e}")))?;
    print_urls(&demo, &mut std::io::stderr().lock());

    let (name, source) = if args.async_payments {
        POLLING
    } else {
        CHECKOUT
    };
    let mut plan = starling_scenario::compile_str(source, Path::new(name))
        .map_err(|e| Failure::Runtime(format!("the built-in {name} does not compile: {e}")))?
        .plan;
    let load = LoadArgs {
        users: Some(args.users),
        spawn_rate: Some(args.spawn_rate),
        duration: Some(args.duration.clone()),
        arrival_rate: None,
        iterations: None,
        tags: None,
        exclude_tags: None,
    };
    load_override(&load)?
        .apply(&mut plan.load)
        .map_err(Failure::Input)?;
    let engine = EngineArgs {
        workers: None,
        seed: None,
        stop_timeout: "10s".into(),
        insecure: false,
        ca_file: None,
        http: None,
        segment: None,
        segments: None,
        start_at: None,
        no_trace: false,
        trace_sample: args.trace_sample,
        otlp_endpoint: args.otlp_endpoint.clone(),
    };
    let mut config = engine_config(&engine, name.to_owned())?;
    config.scenario_hash = Some(fingerprint(source.as_bytes()));
    config.host = Some(
        BaseUrl::parse(&demo.gateway_url())
            .map_err(|e| Failure::Runtime(format!("demo gateway URL: {e}")))?,
    );
    if args.ui {
        let served = crate::ui_cmd::serve(plan, config, &args.web, None);
        runtime.block_on(demo.shutdown());
        return served;
    }
    notice(&format!(
        "running {name}: {} users for {} (Ctrl-C stops early)\n",
        args.users, args.duration
    ));
    let outputs = Outputs {
        files: Files {
            out: args.out.as_deref(),
            csv: args.csv.as_deref(),
            junit: args.junit.as_deref(),
            html: args.html.as_deref(),
        },
        checkpoint_every: Some(Duration::from_secs(10)),
        metrics_addr: None,
        metrics_hold: Duration::ZERO,
    };
    let result = execute(plan, config, &outputs, args.quiet);
    let received = runtime.block_on(demo.stats());
    // The store outlives the servers: read it once their last in-flight
    // requests (a slow answer nobody waits for any more) have ended.
    let spans = demo.span_store();
    let exported = runtime.block_on(demo.shutdown());
    let (summary, exit) = result?;
    let mut out = std::io::stdout().lock();
    print_fan_out(&summary, &received, &mut out);
    let joined = joined_failures(&summary, &spans);
    let _ = render_call_trees(&joined, &mut out, &terminal_options());
    report_export(exported, &mut out);
    Ok(exit)
}

/// The services' export target: the same URL (and headers) starling's own
/// spans go to, so one backend holds both sides of every trace.
fn span_export(base: Option<&str>) -> Result<Option<SpanExport>, Failure> {
    Ok(otlp(base)?.map(|config| SpanExport {
        url: config.endpoint,
        headers: config.headers,
    }))
}

fn report_export(counts: Option<ExportCounts>, out: &mut impl Write) {
    if let Some(counts) = counts {
        let _ = writeln!(
            out,
            "\nthe demo services exported {} server spans ({} dropped with the queue full, {} not accepted by the endpoint)",
            count(counts.exported),
            count(counts.dropped),
            count(counts.failed)
        );
    }
}

/// Applies `--fault`s to the services' starting knobs, and says so: a
/// demo that fails on purpose must not look like a broken one.
fn with_faults(config: &mut DemoConfig, faults: &[Fault]) {
    for fault in faults {
        fault.apply_to(&mut config.knobs);
        let knobs = config.knobs.get(fault.service);
        notice(&format!(
            "fault: {} now adds {} latency, fails {:.0}% of requests{}",
            fault.service,
            knobs.latency,
            knobs.error_rate * 100.0,
            match knobs.concurrency_limit {
                0 => String::new(),
                n => format!(", serves {n} at a time"),
            }
        ));
    }
}

/// Every kept failed iteration, joined with the services' spans of its
/// trace.
fn joined_failures(summary: &Summary, store: &SpanStore) -> Vec<JoinedSample> {
    let mut joined = Vec::new();
    for (name, journey) in &summary.journeys {
        for sample in &journey.samples.failed {
            let spans: Vec<ServerSpan> = sample
                .trace_id
                .map(|trace| store.trace(trace.0))
                .unwrap_or_default()
                .iter()
                .map(server_span)
                .collect();
            joined.push(join(name, sample, &spans));
        }
    }
    joined
}

/// The demo's span in the terms of any tracing system.
fn server_span(span: &Span) -> ServerSpan {
    ServerSpan {
        trace_id: TraceId(span.trace_id),
        span_id: SpanId(span.span_id),
        parent: span.parent_span_id.map(SpanId),
        service: span.service.name().to_owned(),
        name: span.name(),
        status: Some(span.status),
        start_unix_us: span.start_unix_us,
        duration_us: span.duration_us,
        error: span.error.clone(),
        note: span.fault.clone(),
    }
}

/// The systemic-load view from the services' side: what each received in
/// all, against what starling sent it (through the gateway). The
/// difference is the load other services put on it.
fn print_fan_out(
    summary: &Summary,
    received: &BTreeMap<String, BTreeMap<String, u64>>,
    out: &mut impl Write,
) {
    let rows = received
        .iter()
        .filter(|(service, _)| *service != "gateway")
        .map(|(service, routes)| {
            let total: u64 = routes.values().sum();
            let direct = summary.services.get(service).map_or(0, |s| s.requests);
            let mut row = vec![service.clone()];
            row.extend([total, direct, total.saturating_sub(direct)].map(count));
            row
        });
    let _ = render_table(
        out,
        &terminal_options(),
        "FAN-OUT (counted by the demo services themselves)",
        &[
            "service",
            "received",
            "from starling",
            "from other services",
        ],
        1,
        rows,
    );
}

fn print_urls(demo: &Demo, out: &mut impl Write) {
    let _ = writeln!(out, "demo system on loopback:");
    let _ = writeln!(out, "  {:<9} {}", "gateway", demo.gateway_url());
    for (service, url) in demo.service_urls() {
        let _ = writeln!(out, "  {service:<9} {url}");
    }
}
