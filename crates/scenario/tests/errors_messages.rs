//! Every located error (and warning) the compiler gives, checked exactly:
//! the message, the file position and the snippet a user reads.

mod support;

use std::path::Path;

use starling_scenario::compile_str;
use support::report;

#[test]
fn duplicate_journey() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - { name: j, steps: [{ get: /a }] }
      - { name: j, steps: [{ get: /b }] }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:7:17: error: duplicate journey name `j` (first defined on line 6)
  |
7 |       - { name: j, steps: [{ get: /b }] }
  |                 ^"#
    );
}

#[test]
fn duplicate_user_type() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - { name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }
  - { name: u, journeys: [{ name: k, steps: [{ get: /a }] }] }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:5:13: error: duplicate user type name `u` (first defined on line 4)
  |
5 |   - { name: u, journeys: [{ name: k, steps: [{ get: /a }] }] }
  |             ^"#
    );
}

#[test]
fn empty_journey() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps: []
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:7:16: error: journey `j` is empty: it needs at least one step
  |
7 |         steps: []
  |                ^"#
    );
}

#[test]
fn invalid_jsonpath() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            capture:
              id: $.items[
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:10:25: error: invalid JSONPath `$.items[`: parser error
   |
10 |               id: $.items[
   |                         ^"#
    );
}

#[test]
fn invalid_yaml() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
   journeys: [
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:5:4: error: invalid YAML: while parsing a block collection, did not find expected '-' indicator
  |
5 |    journeys: [
  |    ^"#
    );
}

#[test]
fn missing_data_file() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
data:
  customers: { csv: nowhere.csv }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a/{{ customers.id }}
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:21: error: data file `nowhere.csv`: file not found
  |
4 |   customers: { csv: nowhere.csv }
  |                     ^^^^^^^^^^^"#
    );
}

#[test]
fn negative_rate() {
    let source = r#"target: http://127.0.0.1:8000
load: { arrival_rate: -5, duration: 1m }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:23: error: `arrival_rate` must be greater than zero, found -5
  |
2 | load: { arrival_rate: -5, duration: 1m }
  |                       ^^"#
    );
}

#[test]
fn several_errors() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            expcet: 1
          - think: 2 seconds
          - gett: /b
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:13: error: unknown key `expcet`, did you mean `expect`?
  |
9 |             expcet: 1
  |             ^^^^^^
scenario.yaml:10:20: error: `think`: invalid wait `2 seconds`: expected a duration, `constant(2s)`, `between(1s, 5s)`, `pacing(10s)` or `exponential(3s)`
   |
10 |           - think: 2 seconds
   |                    ^^^^^^^^^
scenario.yaml:11:13: error: unknown key `gett`, did you mean `get`?
   |
11 |           - gett: /b
   |             ^^^^"#
    );
}

#[test]
fn some_branches() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - if: vu.id > 1
            then:
              - get: /a
                capture: { token: $.t }
          - get: /b/{{ token }}
"#;
    assert_eq!(
        report(source),
        r#"ok
scenario.yaml:12:24: warning: variable `token` is set only on some paths before this step
   |
12 |           - get: /b/{{ token }}
   |                        ^^^^^"#
    );
}

#[test]
fn template_double_quoted() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: "/a/{{ vu.id + }}"
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:31: error: template syntax error in the request's path: unexpected end of input, expected expression
  |
8 |           - get: "/a/{{ vu.id + }}"
  |                               ^"#
    );
}

#[test]
fn template_json() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: /a
            json: { name: "x {{ vu.id + }}" }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:39: error: template syntax error in `json`: unexpected end of input, expected expression
  |
9 |             json: { name: "x {{ vu.id + }}" }
  |                                       ^"#
    );
}

#[test]
fn template_plain() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /orders/{{ order_id + }}
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:38: error: template syntax error in the request's path: unexpected end of input, expected expression
  |
8 |           - get: /orders/{{ order_id + }}
  |                                      ^"#
    );
}

#[test]
fn template_single_quoted() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: '/it''s/{{ vu.id + }}'
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:35: error: template syntax error in the request's path: unexpected end of input, expected expression
  |
8 |           - get: '/it''s/{{ vu.id + }}'
  |                                   ^"#
    );
}

#[test]
fn threshold_typo() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
thresholds:
  journey chekout: { p95: 800ms }
  all: { p95x: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:3: error: unknown journey `chekout`
  |
4 |   journey chekout: { p95: 800ms }
  |   ^^^^^^^^^^^^^^^
scenario.yaml:5:10: error: unknown threshold metric `p95x`, did you mean `p95`?
  |
5 |   all: { p95x: 1s }
  |          ^^^^"#
    );
}

#[test]
fn undefined_suggest() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            capture: { order_id: $.id }
          - get: /orders/{{ orderid }}
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:10:29: error: variable `orderid` is not set by any earlier step, did you mean `order_id`?
   |
10 |           - get: /orders/{{ orderid }}
   |                             ^^^^^^^"#
    );
}

#[test]
fn undefined_variable() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /orders/{{ order_id }}
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:29: error: variable `order_id` is not set by any earlier step
  |
8 |           - get: /orders/{{ order_id }}
  |                             ^^^^^^^^"#
    );
}

#[test]
fn unknown_key() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            expcet: { status: 200 }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:13: error: unknown key `expcet`, did you mean `expect`?
  |
9 |             expcet: { status: 200 }
  |             ^^^^^^"#
    );
}

#[test]
fn unknown_service() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
services: { payments: http://127.0.0.1:8004 }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            service: paymnets
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:10:22: error: unknown service `paymnets`, did you mean `payments`?
   |
10 |             service: paymnets
   |                      ^^^^^^^^"#
    );
}

#[test]
fn unknown_top_key() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
thresolds: {}
users: []
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:3:1: error: unknown key `thresolds`, did you mean `thresholds`?
  |
3 | thresolds: {}
  | ^^^^^^^^^
scenario.yaml:4:8: error: `users` is empty: it needs at least one user type
  |
4 | users: []
  |        ^"#
    );
}

#[test]
fn wrong_type() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            timeout: [1, 2]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:22: error: wrong type for `timeout`: expected a duration like `10s`, found a list
  |
9 |             timeout: [1, 2]
  |                      ^"#
    );
}

#[test]
fn wrong_type_users() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users: shopper
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:3:8: error: wrong type for `users`: expected a list, found a string
  |
3 | users: shopper
  |        ^^^^^^^"#
    );
}

#[test]
fn zero_duration() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 0s }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:29: error: `duration` must be greater than zero
  |
2 | load: { users: 1, duration: 0s }
  |                             ^^"#
    );
}

#[test]
fn zero_weights() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: a
    weight: 0
    journeys: [{ name: j, steps: [{ get: /a }] }]
  - name: b
    weight: 0
    journeys: [{ name: k, steps: [{ get: /a }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:3: error: all user type weights are zero: no user would be started
  |
4 |   - name: a
  |   ^"#
    );
}

#[test]
fn unreadable_file() {
    let err = starling_scenario::load(Path::new("/nonexistent/scenario.yaml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/nonexistent/scenario.yaml: error: cannot read the scenario file: file not found"
    );
}

#[test]
fn miette_renders_every_error_with_its_snippet() {
    let source = "target: http://127.0.0.1:8000\nload: { users: 1, duration: 0s }\nusers:\n  - name: u\n    journeys:\n      - name: j\n        steps:\n          - get: /a\n            expcet: 1\n";
    let err = compile_str(source, Path::new("scenario.yaml")).unwrap_err();
    assert_eq!(err.errors().count(), 2);
    assert_eq!(
        err.render_fancy(false),
        "  × `duration` must be greater than zero
   ╭─[scenario.yaml:2:29]
 1 │ target: http://127.0.0.1:8000
 2 │ load: { users: 1, duration: 0s }
   ·                             ──
 3 │ users:
   ╰────

  × unknown key `expcet`, did you mean `expect`?
   ╭─[scenario.yaml:9:13]
 8 │           - get: /a
 9 │             expcet: 1
   ·             ──────
   ╰────
"
    );
}
