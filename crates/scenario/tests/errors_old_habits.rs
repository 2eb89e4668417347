//! Errors that speak a newcomer's old language (issue 18): another tool's
//! name for a key gets starling's, in the map where it belongs, and the
//! common JSONPath and YAML flow traps get the fix. Checked exactly, as a
//! user reads them.

mod support;

use support::report;

/// Locust's `host`, at the top level.
#[test]
fn locust_host_is_target() {
    let source = r#"host: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:1:1: error: unknown key `host`: Locust's `host` is starling's `target`
  |
1 | host: http://127.0.0.1:8000
  | ^^^^
scenario.yaml:3:57: error: this request has a relative path but the scenario has no `target` (and the step no `service`)
  |
3 | users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
  |                                                         ^^"#
    );
}

/// k6's options at the top level belong in `load`.
#[test]
fn k6_vus_and_stages_at_the_top_point_into_load() {
    let source = r#"target: http://127.0.0.1:8000
vus: 10
stages: []
load: { users: 1, duration: 1s }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:1: error: unknown key `vus`: k6's `vus` is `users` inside `load`: `load: { users: 10, duration: 30s }`
  |
2 | vus: 10
  | ^^^
scenario.yaml:3:1: error: unknown key `stages`: `stages` go inside `load`: `load: { stages: [{ duration: 30s, users: 20 }] }`
  |
3 | stages: []
  | ^^^^^^"#
    );
}

#[test]
fn k6_vus_in_load_is_users() {
    let source = r#"target: http://127.0.0.1:8000
load: { vus: 10, duration: 1m }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:9: error: unknown key `vus`: k6's `vus` is starling's `users`
  |
2 | load: { vus: 10, duration: 1m }
  |         ^^^
scenario.yaml:2:7: error: `load` needs `users` (closed model), `arrival_rate` (open model) or `stages`
  |
2 | load: { vus: 10, duration: 1m }
  |       ^"#
    );
}

#[test]
fn artillery_arrival_rate_and_ramp_to_in_load() {
    let source = r#"target: http://127.0.0.1:8000
load: { arrivalRate: 5, rampTo: 50, duration: 1m }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:9: error: unknown key `arrivalRate`: Artillery's `arrivalRate` is starling's `arrival_rate`
  |
2 | load: { arrivalRate: 5, rampTo: 50, duration: 1m }
  |         ^^^^^^^^^^^
scenario.yaml:2:25: error: unknown key `rampTo`: Artillery's `rampTo` is written as `stages`, each moving linearly to its own `rate`: `stages: [{ duration: 1m, rate: 5 }, { duration: 2m, rate: 50 }]`
  |
2 | load: { arrivalRate: 5, rampTo: 50, duration: 1m }
  |                         ^^^^^^
scenario.yaml:2:7: error: `load` needs `users` (closed model), `arrival_rate` (open model) or `stages`
  |
2 | load: { arrivalRate: 5, rampTo: 50, duration: 1m }
  |       ^"#
    );
}

#[test]
fn k6_target_and_artillery_ramp_to_in_a_stage() {
    let source = r#"target: http://127.0.0.1:8000
load:
  stages:
    - { duration: 30s, target: 20 }
    - { duration: 1m, rate: 5, rampTo: 50 }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:24: error: unknown key `target`: k6's stage `target` is starling's `users` (or `rate` for arrivals per second)
  |
4 |     - { duration: 30s, target: 20 }
  |                        ^^^^^^
scenario.yaml:4:7: error: a stage needs `users` (closed model) or `rate` (open model)
  |
4 |     - { duration: 30s, target: 20 }
  |       ^
scenario.yaml:5:32: error: unknown key `rampTo`: Artillery's `rampTo` is the next stage's `rate`: each stage moves linearly from the previous stage's rate to its own
  |
5 |     - { duration: 1m, rate: 5, rampTo: 50 }
  |                                ^^^^^^"#
    );
}

#[test]
fn locust_wait_time_and_tasks_in_a_user_type() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    wait_time: 2s
    tasks: []
    journeys: [{ name: j, steps: [{ get: /a }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:5:5: error: unknown key `wait_time`: Locust's `wait_time` is starling's `wait`: `wait: between(1s, 5s)`
  |
5 |     wait_time: 2s
  |     ^^^^^^^^^
scenario.yaml:6:5: error: unknown key `tasks`: Locust's `tasks` are starling's `journeys`
  |
6 |     tasks: []
  |     ^^^^^"#
    );
}

#[test]
fn artillery_flow_is_steps() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        flow: [{ get: /a }]
        steps: [{ get: /a }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:7:9: error: unknown key `flow`: Artillery's `flow` is starling's `steps`
  |
7 |         flow: [{ get: /a }]
  |         ^^^^"#
    );
}

#[test]
fn check_checks_and_extract_in_a_request() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            check: { status: 200 }
            checks: { status: 200 }
            extract: { id: $.id }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:13: error: unknown key `check`: k6's and Gatling's `check` is starling's `expect`: `expect: { status: 200 }`
  |
9 |             check: { status: 200 }
  |             ^^^^^
scenario.yaml:10:13: error: unknown key `checks`: k6's `checks` are starling's `expect`: `expect: { status: 200 }`
   |
10 |             checks: { status: 200 }
   |             ^^^^^^
scenario.yaml:11:13: error: unknown key `extract`: `extract` is starling's `capture`: `capture: { id: $.id }`
   |
11 |             extract: { id: $.id }
   |             ^^^^^^^"#
    );
}

/// A step without a method: `url:` and `think_time`.
#[test]
fn url_and_think_time_as_steps() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - url: /b
          - think_time: 2s
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:13: error: unknown key `url`: the method is the key and the path its value: `get: /path` or `post: /path`
  |
8 |           - url: /b
  |             ^^^
scenario.yaml:9:13: error: unknown key `think_time`: starling's pause is a step of its own: `- think: 2s`
  |
9 |           - think_time: 2s
  |             ^^^^^^^^^^"#
    );
}

/// Artillery's `post: { url: ... }`: one error, with the flat form.
#[test]
fn artillery_nested_url() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: { url: /c, json: { a: 1 } }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:19: error: the path is the value of `post` itself, with the other keys beside it: `post: /c` (not Artillery's `post: { url: ... }`)
  |
8 |           - post: { url: /c, json: { a: 1 } }
  |                   ^"#
    );
}

#[test]
fn artillery_status_code_in_expect() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /d
            expect: { statusCode: 200 }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:23: error: unknown key `statusCode`: Artillery's `statusCode` is starling's `status`
  |
9 |             expect: { statusCode: 200 }
  |                       ^^^^^^^^^^"#
    );
}

/// httpbin echoes headers as JSON; a dashed name needs brackets (and quotes, for the `[`).
#[test]
fn a_dashed_name_in_dot_notation_gets_brackets() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /headers
            capture: { token: $.headers.X-Token }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:41: error: invalid JSONPath `$.headers.X-Token`: `.X-Token` needs brackets: write `"$.headers['X-Token']"`
  |
9 |             capture: { token: $.headers.X-Token }
  |                                         ^"#
    );
}

/// YAML reads the `[` of an unquoted JSONPath inside `{ }` as a list.
#[test]
fn an_unquoted_index_inside_braces_gets_quotes() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            capture: { id: $[0].id }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:29: error: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}': inside `{ }` a `[` starts a list, so quote the JSONPath: `"$[0].id"`
  |
9 |             capture: { id: $[0].id }
  |                             ^"#
    );
}

/// YAML cuts `between(1s, 5s)` at its comma inside `{ }`: one error, not an unknown key `5s)`.
#[test]
fn between_inside_braces_gets_quotes() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - { name: u, wait: between(1s, 5s), journeys: [{ name: j, steps: [{ get: /a }] }] }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:22: error: `between(1s, 5s)` is cut at its comma: inside `{ }` a comma ends a value, so quote it: `wait: "between(1s, 5s)"`
  |
4 |   - { name: u, wait: between(1s, 5s), journeys: [{ name: j, steps: [{ get: /a }] …
  |                      ^^^^^^^^^^"#
    );
}

/// A call of an unknown name is an unknown function (with the nearest of starling's), not an unset variable.
#[test]
fn an_undefined_function_is_called_a_function() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: "/a/{{ nope(1) }}"
          - set: { id: uuidd() }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:25: error: the request's path: unknown function `nope`
  |
8 |           - get: "/a/{{ nope(1) }}"
  |                         ^^^^
scenario.yaml:9:24: error: `id`: unknown function `uuidd`, did you mean `uuid`?
  |
9 |           - set: { id: uuidd() }
  |                        ^^^^^"#
    );
}
