//! `--metrics-addr` with the real thing: Debian's Prometheus scrapes three
//! segments of one run on loopback, and `sum(starling_requests_total)` at
//! the end equals the merged results' request count (and the demo's own).
//! Without a `prometheus` binary the test says SKIPPED, unless
//! `STARLING_REQUIRE_PROMETHEUS` is set (as .ci/run sets it after
//! installing it), when it fails.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use starling_metrics::Summary;

use crate::support::{Demo, Outcome, starling, starling_std};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` on 127.0.0.1:port; the body, if the answer was 200.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    (head.split_whitespace().nth(1) == Some("200")).then(|| body.to_owned())
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn prometheus(dir: &Path, targets: &[u16]) -> Option<(Killed, u16)> {
    let binary = ["/usr/bin/prometheus", "/usr/sbin/prometheus"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(binary) = binary else {
        if std::env::var_os("STARLING_REQUIRE_PROMETHEUS").is_some() {
            panic!("STARLING_REQUIRE_PROMETHEUS is set but there is no prometheus binary");
        }
        eprintln!("SKIPPED: prometheus is not installed (apt-get install prometheus)");
        return None;
    };
    let targets: Vec<String> = targets.iter().map(|p| format!("'127.0.0.1:{p}'")).collect();
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 500ms\n  scrape_timeout: 400ms\nscrape_configs:\n  - job_name: starling\n    static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        ),
    )
    .unwrap();
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    let killed = Killed(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(port, "/-/ready").is_none() {
        assert!(Instant::now() < deadline, "prometheus did not get ready");
        std::thread::sleep(Duration::from_millis(200));
    }
    Some((killed, port))
}

#[test]
fn prometheus_sums_three_segments_to_the_merged_count() {
    let dir = tempfile::tempdir().unwrap();
    let ports = [free_port(), free_port(), free_port()];
    let Some((_prometheus, web)) = prometheus(dir.path(), &ports) else {
        return;
    };
    let demo = Demo::start();
    let scenario = dir.path().join("shop.yaml");
    std::fs::write(
        &scenario,
        format!(
            "target: {}\nload: {{ users: 6, spawn_rate: 1000, duration: 3s }}\nusers:\n  - name: u\n    wait: 100ms\n    journeys:\n      - name: browse\n        steps:\n          - get: /products\n          - get: /no-such-page\n            expect: {{ status: 200 }}\n            on_failure: continue\n",
            demo.gateway()
        ),
    )
    .unwrap();
    let outs: Vec<_> = (0..3)
        .map(|i| dir.path().join(format!("{i}.json")))
        .collect();
    let segments: Vec<Child> = (0..3)
        .map(|i| {
            starling_std()
                .arg("run")
                .arg(&scenario)
                .args([
                    "--segment",
                    &format!("{i}/3"),
                    "--quiet",
                    "--metrics-hold",
                    "3s",
                ])
                .arg("--metrics-addr")
                .arg(format!("127.0.0.1:{}", ports[i]))
                .arg("--out")
                .arg(&outs[i])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut segment in segments {
        assert!(segment.wait().unwrap().success());
    }
    let all = dir.path().join("all.json");
    Outcome::of(starling().arg("merge").args(&outs).arg("--out").arg(&all)).code(0);
    let merged: Summary = serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    assert!(merged.totals.requests > 0);
    assert_eq!(
        demo.received("products", "GET /products"),
        merged.requests["GET /products"].count
    );
    // Some failed (a page the demo does not have), so failures are scraped.
    assert!(merged.totals.failures > 0);

    let query = "/api/v1/query?query=sum(last_over_time(starling_requests_total%5B5m%5D))";
    let deadline = Instant::now() + Duration::from_secs(20);
    let seen = loop {
        let body = get(web, query).unwrap_or_default();
        let value: Option<u64> = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v["data"]["result"][0]["value"][1]
                    .as_str()
                    .map(str::to_owned)
            })
            .and_then(|v| v.parse::<f64>().ok())
            .map(|v| v as u64);
        if value == Some(merged.totals.requests) || Instant::now() > deadline {
            break value;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(
        seen,
        Some(merged.totals.requests),
        "Prometheus saw {seen:?}"
    );
    // Each segment is its own series, labelled with its segment.
    let series = get(web, "/api/v1/series?match%5B%5D=starling_requests_total").unwrap();
    for i in 0..3 {
        assert!(
            series.contains(&format!("\"segment\":\"{i}/3\"")),
            "{series}"
        );
    }

    // The shipped Grafana dashboard asks only for metrics Prometheus has.
    let names = get(web, "/api/v1/label/__name__/values").unwrap();
    assert!(names.contains("\"starling_responses_total\""), "{names}");
    let dashboard = std::fs::read_to_string(
        crate::support::workspace_root().join("deploy/grafana/starling.json"),
    )
    .unwrap();
    let dashboard: serde_json::Value =
        serde_json::from_str(&dashboard).expect("the dashboard is JSON");
    let exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap().to_owned())
        .collect();
    assert!(exprs.len() >= 7, "{exprs:?}");
    for expr in &exprs {
        for name in metric_names(expr) {
            assert!(
                names.contains(&format!("\"{name}\"")),
                "the dashboard's `{name}` is not scraped: {names}"
            );
        }
    }
}

/// The `starling_...` metric names an expression uses.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("starling_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        names.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    names
}
