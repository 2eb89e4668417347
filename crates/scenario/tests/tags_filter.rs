//! `tags:` on journeys and user types, and `--tags`/`--exclude-tags`
//! (issue 18): what is kept, how weights are shared again, and the error
//! when nothing is left.

mod support;

use std::path::Path;

use starling_scenario::compile_str;
use starling_scenario::tags::TagFilter;
use support::report;

const SCENARIO: &str = r#"target: http://127.0.0.1:8000
load: { users: 4, duration: 1s }
users:
  - name: shopper
    weight: 3
    tags: [shop]
    journeys:
      - name: browse
        weight: 1
        tags: [smoke, read]
        steps:
          - get: /products
      - name: checkout
        weight: 3
        steps:
          - post: /orders
  - name: admin
    weight: 1
    journeys:
      - name: report
        tags: [read]
        steps:
          - group: nightly
            steps:
              - get: /reports
      - name: purge
        tags: [slow]
        steps:
          - delete: /cache
"#;

fn filter(keep: &str, exclude: &str) -> TagFilter {
    TagFilter {
        keep: TagFilter::parse_list(keep),
        exclude: TagFilter::parse_list(exclude),
    }
}

fn plan() -> starling_scenario::Plan {
    compile_str(SCENARIO, Path::new("scenario.yaml"))
        .unwrap()
        .plan
}

/// Journeys as `user type/journey weight`, in plan order.
fn shape(plan: &starling_scenario::Plan) -> Vec<String> {
    plan.journeys
        .iter()
        .map(|j| {
            let ut = &plan.user_types[j.user_type];
            format!("{}/{} {:.2} ({:.2})", ut.name, j.name, j.weight, ut.weight)
        })
        .collect()
}

#[test]
fn tags_keep_journeys_carrying_one_and_a_user_types_tags_apply_to_all_its_journeys() {
    let mut plan = plan();
    filter("smoke,shop", "").apply(&mut plan).unwrap();
    assert_eq!(
        shape(&plan),
        ["shopper/browse 0.25 (1.00)", "shopper/checkout 0.75 (1.00)"]
    );
    assert_eq!(plan.user_types.len(), 1);
    assert_eq!(plan.tags.keep, ["smoke", "shop"]);
}

#[test]
fn weights_are_shared_again_among_the_journeys_kept() {
    let mut plan = plan();
    filter("read", "").apply(&mut plan).unwrap();
    assert_eq!(
        shape(&plan),
        ["shopper/browse 1.00 (0.75)", "admin/report 1.00 (0.25)"]
    );
    // The dropped journeys' ids are gone: every id points at its journey.
    assert_eq!(plan.user_types[0].journeys, [0]);
    assert_eq!(plan.user_types[1].journeys, [1]);
    assert_eq!(plan.sections[0].journey, Some(1));
}

#[test]
fn exclude_tags_drop_journeys_carrying_any() {
    let mut plan = plan();
    filter("", "shop,slow").apply(&mut plan).unwrap();
    assert_eq!(shape(&plan), ["admin/report 1.00 (1.00)"]);
}

#[test]
fn nothing_left_names_the_tags_asked_for_and_those_that_exist() {
    let mut plan = plan();
    let err = filter("smok", "read").apply(&mut plan).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no journey is left to run with --tags smok --exclude-tags read; \
         the scenario's tags are: read, shop, slow, smoke"
    );
}

#[test]
fn an_empty_filter_changes_nothing() {
    let mut plan = plan();
    TagFilter::default().apply(&mut plan).unwrap();
    assert_eq!(plan.journeys.len(), 4);
    assert!(plan.tags.is_empty());
}

#[test]
fn a_tag_with_a_comma_is_an_error_and_a_misspelt_key_is_suggested() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        tag: [a]
        tags: ["a,b"]
        steps:
          - get: /
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:7:9: error: unknown key `tag`, did you mean `tags`?
  |
7 |         tag: [a]
  |         ^^^
scenario.yaml:8:16: error: tag `a,b` cannot be selected by `--tags`: a tag is one word, without `,` or spaces
  |
8 |         tags: ["a,b"]
  |                ^^^^^"#
    );
}

#[test]
fn requests_groups_and_thresholds_of_dropped_journeys_go_with_them_and_the_rest_are_renumbered() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
services:
  shop: http://127.0.0.1:8001
users:
  - name: u
    journeys:
      - name: checkout
        tags: [slow]
        steps:
          - post: /orders
          - group: pay
            steps:
              - post: /payments
                service: shop
      - name: browse
        steps:
          - get: /products
          - poll:
              get: /stock
            every: 1s
            until: response.status == 200
            timeout: 5s
            name: stock
thresholds:
  journey checkout: { p95: 1s }
  journey browse: { p95: 1s }
  request POST /orders: { errors: 1% }
  request GET /stock: { errors: 1% }
  group pay: { max: 2s }
  service shop: { p99: 1s }
  all: { errors: 1% }
"#;
    let mut plan = compile_str(source, Path::new("scenario.yaml"))
        .unwrap()
        .plan;
    filter("", "slow").apply(&mut plan).unwrap();
    let names: Vec<&str> = plan.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["GET /products", "GET /stock"]);
    let sections: Vec<&str> = plan.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sections, ["stock"]);
    assert_eq!(plan.sections[0].journey, Some(0));
    // The steps point at the renumbered entries.
    let mut seen = Vec::new();
    plan.each_step(&mut |step| match step {
        starling_scenario::Step::Request(r) => seen.push(plan.requests[r.id].name.clone()),
        starling_scenario::Step::Poll(p) => {
            seen.push(plan.requests[p.request.id].name.clone());
            seen.push(plan.sections[p.section].name.clone());
        }
        _ => {}
    });
    assert_eq!(seen, ["GET /products", "GET /stock", "stock"]);
    let labels: Vec<&str> = plan.thresholds.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "journey browse: p95 < 1s",
            "request GET /stock: errors < 1%",
            "all: errors < 1%"
        ]
    );
    assert!(matches!(
        plan.thresholds[0].scope,
        starling_scenario::threshold::ThresholdScope::Journey(0)
    ));
}
