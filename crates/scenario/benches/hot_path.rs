//! Hot-path micro-benchmarks of the scenario runtime: template render
//! (static, one `{{ var }}`, a JSON body with three fields) and a JSONPath
//! capture from a small JSON response (parse included, as per request).
//!
//! `cargo bench -p starling-scenario --bench hot_path`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use http::HeaderMap;
use starling_scenario::capture::{Capture, CaptureSource};
use starling_scenario::response::ResponseView;
use starling_scenario::scope::{Scope, Vars, VuInfo};
use starling_scenario::template::{JsonTemplate, Template};
use starling_scenario::value::Value;

fn vars() -> Vars {
    let mut vars = Vars::new();
    vars.set("user_id", Value::from(42));
    vars.set("order_id", Value::from("ord-7f3a"));
    vars
}

fn templates(c: &mut Criterion) {
    let vars = vars();
    let scope = Scope::new(
        &vars,
        VuInfo {
            id: 17,
            iteration: 3,
        },
        "checkout",
    );
    let mut group = c.benchmark_group("template");

    let fixed = Template::compile("/products?category=electronics").expect("compiles");
    let mut out = String::with_capacity(128);
    group.bench_function("static", |b| {
        b.iter(|| {
            out.clear();
            fixed
                .render_into(black_box(&scope), &mut out)
                .expect("renders");
            black_box(out.len())
        })
    });

    let var = Template::compile("/orders/{{ order_id }}").expect("compiles");
    group.bench_function("one_var", |b| {
        b.iter(|| {
            out.clear();
            var.render_into(black_box(&scope), &mut out)
                .expect("renders");
            black_box(out.len())
        })
    });

    let body = JsonTemplate::compile(&serde_json::json!({
        "username": "user-{{ vu.id }}",
        "user_id": "{{ user_id }}",
        "item": "widget",
    }))
    .expect("compiles");
    let mut bytes = Vec::with_capacity(128);
    group.bench_function("json_body_3_fields", |b| {
        b.iter(|| {
            bytes.clear();
            body.render_into(black_box(&scope), &mut bytes)
                .expect("renders");
            black_box(bytes.len())
        })
    });
    group.finish();
}

fn captures(c: &mut Criterion) {
    let headers = HeaderMap::new();
    let body = br#"{"id":12345,"username":"user-17","created":"2026-11-28T01:00:00Z"}"#;
    let capture = Capture::new(
        "user_id",
        CaptureSource::json_path("$.id").expect("compiles"),
    );
    c.bench_function("capture/jsonpath_id_small_body", |b| {
        b.iter(|| {
            // A fresh view per iteration: the body is parsed once per
            // response, as in a run.
            let view =
                ResponseView::new(201, &headers, black_box(body), Duration::from_micros(300));
            black_box(capture.extract(&view).expect("captures"))
        })
    });
}

criterion_group!(benches, templates, captures);
criterion_main!(benches);
