//! The CSV export: Locust's files have the header rows real Locust writes
//! (taken from a Locust run in the test, never typed in), and every file's
//! numbers are the Summary's.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use starling_metrics::{Latency, Summary};
use starling_report::{CSV_FILES, CsvFile};
use support::fixture::{self, Names};
use support::python::PythonTools;

fn file(suffix: &str) -> &'static CsvFile {
    CSV_FILES
        .iter()
        .find(|f| f.suffix() == suffix)
        .unwrap_or_else(|| panic!("no CSV file {suffix}"))
}

fn bytes(suffix: &str, summary: &Summary) -> Vec<u8> {
    let mut out = Vec::new();
    file(suffix)
        .write(summary, &mut out)
        .expect("writes to a Vec");
    out
}

/// A file as rows of cells by column name, in order.
struct Table {
    header: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

impl Table {
    fn read(suffix: &str, summary: &Summary) -> Table {
        let data = bytes(suffix, summary);
        let mut reader = csv::Reader::from_reader(data.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("a header row")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                let record = r.expect("a well-formed row");
                assert_eq!(record.len(), header.len(), "{suffix}: {record:?}");
                header
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_owned))
                    .collect()
            })
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> Vec<&str> {
        self.rows.iter().map(|row| row[name].as_str()).collect()
    }
}

fn num(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?}"))
}

fn count(cell: &str) -> u64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("not a count: {cell:?}"))
}

/// Locust's percentile columns are named `50%`, `99.9%`: the number is
/// the percentile the cell must hold.
fn percentile_columns(header: &[String]) -> Vec<(String, f64)> {
    header
        .iter()
        .filter_map(|h| Some((h.clone(), h.strip_suffix('%')?.parse().ok()?)))
        .collect()
}

fn whole_ms(us: u64) -> String {
    ((us + 500) / 1000).to_string()
}

/// The first line of a file, its line end included.
fn header_line(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let end = text.find('\n').map_or(text.len(), |i| i + 1);
    text[..end].to_owned()
}

/// A server answering `/` with 200 and anything else with 404, one
/// response per connection.
fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                // Read the head to its end so the client sees no reset.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let status = match request_line.split(' ').nth(1) {
                    Some("/") => "200 OK",
                    _ => "404 Not Found",
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                let _ = (&stream).write_all(response.as_bytes());
            });
        }
    });
    port
}

const LOCUSTFILE: &str = "\
from locust import HttpUser, constant, task

class Shopper(HttpUser):
    wait_time = constant(0.2)

    @task
    def home(self):
        self.client.get(\"/\")

    @task
    def missing(self):
        self.client.get(\"/missing\")
";

/// Runs real Locust for 3 s against a local server with `--csv`, and
/// returns the directory holding its `run_*.csv` files.
fn run_locust(tools: &PythonTools) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("locust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("creates the run directory");
    std::fs::write(dir.join("locustfile.py"), LOCUSTFILE).expect("writes the locustfile");
    let port = serve();
    let output = tools
        .command("locust")
        .current_dir(&dir)
        .args([
            "-f",
            "locustfile.py",
            "--headless",
            "-u",
            "1",
            "-r",
            "1",
            "-t",
            "3s",
        ])
        .args(["--only-summary", "--csv", "run"])
        .arg("--host")
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("runs locust");
    // Locust exits 1 when requests failed (the 404s), so only the files
    // tell whether it ran.
    assert!(
        dir.join("run_stats.csv").exists(),
        "locust wrote no CSV ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

#[test]
fn locust_files_have_the_headers_real_locust_writes() {
    let Some(tools) = PythonTools::get("locust_files_have_the_headers_real_locust_writes") else {
        return;
    };
    let dir = run_locust(tools);
    let summary = fixture::summary(&Names::default());
    for suffix in ["_stats.csv", "_stats_history.csv", "_failures.csv"] {
        let locust = std::fs::read(dir.join(format!("run{suffix}"))).expect("locust wrote it");
        let ours = bytes(suffix, &summary);
        // Line end included: Locust writes CRLF, as Python's csv does.
        assert_eq!(header_line(&ours), header_line(&locust), "{suffix}");
    }

    // The Aggregated row: last in _stats.csv and the only row of the
    // history, with the Type and Name cells Locust gives it.
    let locust_rows = |suffix: &str| -> Vec<csv::StringRecord> {
        let path = dir.join(format!("run{suffix}"));
        let mut reader = csv::Reader::from_path(path).expect("opens");
        reader.records().map(|r| r.expect("parses")).collect()
    };
    let type_and_name = |r: &csv::StringRecord| (r[0].to_owned(), r[1].to_owned());
    let locust_stats = locust_rows("_stats.csv");
    let locust_aggregated = type_and_name(locust_stats.last().expect("locust has rows"));
    let ours = Table::read("_stats.csv", &summary);
    let last = ours.rows.last().expect("rows");
    assert_eq!(
        (last["Type"].clone(), last["Name"].clone()),
        locust_aggregated
    );
    let history = Table::read("_stats_history.csv", &summary);
    for row in locust_rows("_stats_history.csv") {
        let locust = (row[2].to_owned(), row[3].to_owned());
        assert_eq!(locust, locust_aggregated);
    }
    for row in &history.rows {
        assert_eq!(
            (row["Type"].clone(), row["Name"].clone()),
            locust_aggregated
        );
    }
}

fn assert_locust_latency(row: &HashMap<String, String>, header: &[String], latency: &Latency) {
    let name = &row["Name"];
    assert_eq!(
        row["Median Response Time"],
        whole_ms(latency.p50_us),
        "{name}"
    );
    assert_eq!(
        num(&row["Average Response Time"]),
        latency.mean_us as f64 / 1000.0
    );
    assert_eq!(
        num(&row["Min Response Time"]),
        latency.min_us as f64 / 1000.0
    );
    assert_eq!(
        num(&row["Max Response Time"]),
        latency.max_us as f64 / 1000.0
    );
    for (column, p) in percentile_columns(header) {
        let expected = latency.percentile(p).map_or("N/A".to_owned(), whole_ms);
        assert_eq!(row[&column], expected, "{name} {column}");
    }
}

#[test]
fn stats_rows_are_the_summary_requests_in_milliseconds_then_aggregated() {
    let summary = fixture::summary(&Names::default());
    let table = Table::read("_stats.csv", &summary);
    let mut names: Vec<&str> = summary.requests.keys().map(String::as_str).collect();
    names.push("Aggregated");
    assert_eq!(table.column("Name"), names);

    let (aggregated, requests) = table.rows.split_last().expect("rows");
    for row in requests {
        let request = &summary.requests[&row["Name"]];
        assert_eq!(row["Type"], request.method);
        assert_eq!(count(&row["Request Count"]), request.count);
        assert_eq!(count(&row["Failure Count"]), request.failures);
        assert_eq!(num(&row["Requests/s"]), request.rps);
        assert_locust_latency(row, &table.header, &request.total);
    }
    // The fixture's never-sent request: no percentiles, as Locust writes.
    let idle = requests
        .iter()
        .find(|r| r["Request Count"] == "0")
        .expect("one idle request");
    assert_eq!(idle["99%"], "N/A");

    let sum = |column: &str| requests.iter().map(|r| count(&r[column])).sum::<u64>();
    assert_eq!(count(&aggregated["Request Count"]), sum("Request Count"));
    assert_eq!(count(&aggregated["Failure Count"]), sum("Failure Count"));
    assert!(sum("Failure Count") > 0, "the fixture has failures");
    assert_eq!(count(&aggregated["Request Count"]), summary.totals.requests);
    assert_eq!(num(&aggregated["Requests/s"]), summary.totals.rps);
    let seconds = summary.run.duration_ms as f64 / 1000.0;
    assert_eq!(
        num(&aggregated["Failures/s"]),
        summary.totals.failures as f64 / seconds
    );
    assert_locust_latency(aggregated, &table.header, &summary.totals.latency);
}

#[test]
fn history_has_a_row_per_time_point_with_running_totals() {
    let summary = fixture::summary(&Names::default());
    let table = Table::read("_stats_history.csv", &summary);
    assert_eq!(table.rows.len(), summary.timeseries.len());
    assert!(table.rows.len() > 1, "the fixture has several rounds");
    let (mut requests, mut failures) = (0, 0);
    for (row, point) in table.rows.iter().zip(&summary.timeseries) {
        requests += point.requests;
        failures += point.failures;
        let unix_s = (summary.run.started_at_unix_ms + point.elapsed_ms) / 1000;
        assert_eq!(count(&row["Timestamp"]), unix_s);
        assert_eq!(count(&row["User Count"]), point.active_users);
        assert_eq!(row["Requests/s"], format!("{:.6}", point.rps));
        assert_eq!(row["Failures/s"], format!("{:.6}", point.failures_per_s));
        assert_eq!(row["50%"], whole_ms(point.p50_us));
        assert_eq!(row["95%"], whole_ms(point.p95_us));
        assert_eq!(row["99%"], whole_ms(point.p99_us));
        // What the series does not keep is unknown, not zero.
        for column in ["66%", "99.9%", "100%", "Total Median Response Time"] {
            assert_eq!(row[column], "N/A", "{column}");
        }
        assert_eq!(count(&row["Total Request Count"]), requests);
        assert_eq!(count(&row["Total Failure Count"]), failures);
    }
    assert_eq!(requests, summary.totals.requests);
    assert_eq!(failures, summary.totals.failures);
}

#[test]
fn failures_count_each_request_category_with_an_example_message() {
    let names = Names::default();
    let summary = fixture::summary(&names);
    let table = Table::read("_failures.csv", &summary);
    for (name, request) in &summary.requests {
        let rows: Vec<_> = table.rows.iter().filter(|r| &r["Name"] == name).collect();
        let occurrences: u64 = rows.iter().map(|r| count(&r["Occurrences"])).sum();
        assert_eq!(occurrences, request.failures, "{name}");
        for (category, n) in &request.failure_categories {
            let row = rows
                .iter()
                .find(|r| r["Error"].starts_with(category.as_str()))
                .unwrap_or_else(|| panic!("{name}: no {category} row"));
            assert_eq!(count(&row["Occurrences"]), *n);
            assert_eq!(row["Method"], request.method);
        }
    }
    let errors = table.column("Error");
    assert!(
        errors.iter().any(|e| e.contains(&names.status_error)),
        "{errors:?}"
    );
    assert_eq!(
        table
            .rows
            .iter()
            .map(|r| count(&r["Occurrences"]))
            .sum::<u64>(),
        summary.totals.failures
    );
}

fn assert_latency_ms(row: &HashMap<String, String>, latency: &Latency, corrected: &Latency) {
    let ms = |us: u64| us as f64 / 1000.0;
    assert_eq!(num(&row["Average (ms)"]), ms(latency.mean_us));
    assert_eq!(num(&row["Min (ms)"]), ms(latency.min_us));
    assert_eq!(num(&row["Max (ms)"]), ms(latency.max_us));
    assert_eq!(num(&row["50% (ms)"]), ms(latency.p50_us));
    assert_eq!(num(&row["90% (ms)"]), ms(latency.p90_us));
    assert_eq!(num(&row["95% (ms)"]), ms(latency.p95_us));
    assert_eq!(num(&row["99% (ms)"]), ms(latency.p99_us));
    assert_eq!(num(&row["100% (ms)"]), ms(latency.max_us));
    assert_eq!(num(&row["99% Corrected (ms)"]), ms(corrected.p99_us));
}

#[test]
fn journeys_file_has_a_row_per_journey_with_durations_in_ms() {
    let summary = fixture::summary(&Names::default());
    let table = Table::read("_journeys.csv", &summary);
    let names: Vec<&str> = summary.journeys.keys().map(String::as_str).collect();
    assert_eq!(table.column("Journey"), names);
    for row in &table.rows {
        let journey = &summary.journeys[&row["Journey"]];
        assert_eq!(row["User Type"], journey.user_type);
        assert_eq!(count(&row["Started"]), journey.started);
        assert_eq!(count(&row["Succeeded"]), journey.succeeded);
        assert_eq!(count(&row["Failed"]), journey.failed);
        assert_eq!(num(&row["Success Ratio"]), journey.success_ratio);
        if journey.started == 0 {
            // The journey that never ran has no durations, not zeros.
            assert_eq!(row["Average (ms)"], "N/A");
            assert_eq!(row["99% (ms)"], "N/A");
        } else {
            assert_latency_ms(row, &journey.duration, &journey.duration_corrected);
        }
    }
}

#[test]
fn funnel_file_has_a_row_per_journey_step() {
    let summary = fixture::summary(&Names::default());
    let table = Table::read("_funnel.csv", &summary);
    let expected: Vec<(String, String, String)> = summary
        .journeys
        .iter()
        .flat_map(|(name, j)| {
            j.funnel
                .iter()
                .enumerate()
                .map(move |(i, step)| (name.clone(), (i + 1).to_string(), step.label.clone()))
        })
        .collect();
    let rows: Vec<(String, String, String)> = table
        .rows
        .iter()
        .map(|r| (r["Journey"].clone(), r["Step"].clone(), r["Label"].clone()))
        .collect();
    assert_eq!(rows, expected);
    let mut stopped_somewhere = false;
    for row in &table.rows {
        let journey = &summary.journeys[&row["Journey"]];
        let step = &journey.funnel[count(&row["Step"]) as usize - 1];
        assert_eq!(count(&row["Reached"]), step.reached);
        assert_eq!(count(&row["Passed"]), step.passed);
        let stopped = count(&row["Stopped"]);
        assert_eq!(stopped, step.reached - step.passed);
        stopped_somewhere |= stopped > 0;
    }
    assert!(
        stopped_somewhere,
        "the fixture's journeys fail at some step"
    );
}

#[test]
fn services_file_has_a_row_per_service_summing_to_the_run() {
    let summary = fixture::summary(&Names::default());
    let table = Table::read("_services.csv", &summary);
    let names: Vec<&str> = summary.services.keys().map(String::as_str).collect();
    assert_eq!(table.column("Service"), names);
    for row in &table.rows {
        let service = &summary.services[&row["Service"]];
        assert_eq!(count(&row["Request Count"]), service.requests);
        assert_eq!(count(&row["Failure Count"]), service.failures);
        assert_eq!(num(&row["Failure Ratio"]), service.failure_ratio);
        assert_eq!(num(&row["Requests/s"]), service.rps);
        assert_latency_ms(row, &service.latency, &service.latency_corrected);
    }
    let total: u64 = table.column("Request Count").into_iter().map(count).sum();
    assert_eq!(total, summary.totals.requests);
}

#[test]
fn file_paths_append_the_suffix_to_the_prefix_as_locust_does() {
    let paths: Vec<_> = CSV_FILES
        .iter()
        .map(|f| f.path(Path::new("out/run")))
        .collect();
    let expected: Vec<_> = [
        "stats",
        "stats_history",
        "failures",
        "journeys",
        "funnel",
        "services",
    ]
    .iter()
    .map(|name| Path::new("out").join(format!("run_{name}.csv")))
    .collect();
    assert_eq!(paths, expected);
}
