//! Measures the memory an idle session costs: opens N sessions to a local
//! server (one keep-alive request each, then idle) and reports the growth
//! of this process's resident memory per session between two counts.
//!
//! `cargo run --release -p starling-http --example idle_memory -- PORT [LOW HIGH [https|http] [auto|1.1|2]]`
//! (loopback only; raise `ulimit -n` above HIGH first). The last argument
//! is the HTTP version (`2` on plain http needs an h2c server).

use std::time::Duration;

use starling_http::{Client, ClientConfig, HttpVersion, Request, Scheme, Session};

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

async fn grow(client: &Client, sessions: &mut Vec<Session>, to: usize, port: u16, scheme: Scheme) {
    while sessions.len() < to {
        let mut session = client.session();
        let mut request = Request::new("GET", scheme, "127.0.0.1", port, "/");
        request.timeout = Duration::from_secs(10);
        match session.send(&request).await {
            Ok(_) => sessions.push(session),
            Err(e) => {
                eprintln!("request failed after {} sessions: {e}", sessions.len());
                std::process::exit(1);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(8080);
    let low: usize = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(1000);
    let high: usize = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(9000);
    let scheme = match args.get(4).map(String::as_str) {
        Some("https") => Scheme::Https,
        _ => Scheme::Http,
    };
    let http_version: HttpVersion = args
        .get(5)
        .map_or(Ok(HttpVersion::Auto), |v| v.parse())
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2);
        });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::new(ClientConfig {
            accept_invalid_certs: true,
            http_version,
            ..ClientConfig::default()
        }).unwrap();
        let mut sessions = Vec::new();
        grow(&client, &mut sessions, low, port, scheme).await;
        let at_low = rss_kib();
        grow(&client, &mut sessions, high, port, scheme).await;
        let at_high = rss_kib();
        let idle = sessions.iter().filter(|s| s.idle_connections() == 1).count();
        println!(
            "sessions {low} -> {high}: RSS {at_low} KiB -> {at_high} KiB, {:.2} KiB per idle session ({idle} holding a connection)",
            (at_high - at_low) as f64 / (high - low) as f64
        );
    });
}
