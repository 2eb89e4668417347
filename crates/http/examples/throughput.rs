//! A bare request loop for comparing with wrk: C sessions on one
//! current_thread runtime send GETs back to back for D seconds; prints
//! requests per second and per CPU-second of this process.
//!
//! `cargo run --release -p starling-http --example throughput -- PORT [CONNECTIONS SECONDS PATH]`
//! (loopback only).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use starling_http::{Client, ClientConfig, Request, Scheme};

/// User + system CPU seconds of this process, from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(8080);
    let connections: usize = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(10);
    let path: String = args.get(4).cloned().unwrap_or_else(|| "/".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let done = Rc::new(Cell::new(0u64));
    let failed = Rc::new(Cell::new(0u64));
    let (cpu, elapsed) = local.block_on(&runtime, async {
        let client = Client::new(ClientConfig::default()).unwrap();
        let stop = Instant::now() + Duration::from_secs(seconds);
        let cpu_start = cpu_seconds();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let mut session = client.session();
            let (done, failed, path) = (Rc::clone(&done), Rc::clone(&failed), path.clone());
            tasks.push(tokio::task::spawn_local(async move {
                let request = Request::new("GET", Scheme::Http, "127.0.0.1", port, &path);
                while Instant::now() < stop {
                    match session.send(&request).await {
                        Ok(_) => done.set(done.get() + 1),
                        Err(_) => failed.set(failed.get() + 1),
                    }
                }
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
        (cpu_seconds() - cpu_start, started.elapsed().as_secs_f64())
    });
    println!(
        "{} requests ({} failed) in {elapsed:.1} s: {:.0} req/s, {:.0} req per CPU-second ({cpu:.2} CPU s)",
        done.get(),
        failed.get(),
        done.get() as f64 / elapsed,
        done.get() as f64 / cpu.max(0.01),
    );
}
