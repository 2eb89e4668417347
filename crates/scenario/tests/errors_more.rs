//! More located errors, checked exactly: nested steps, block scalars,
//! expressions, regexes, `env`, loops and document structure.

mod support;

use support::report;

#[test]
fn bad_regex() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            capture: { t: { regex: 'a(b', group: 1 } }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:38: error: invalid regex: unclosed group
  |
9 |             capture: { t: { regex: 'a(b', group: 1 } }
  |                                      ^"#
    );
}

#[test]
fn bad_status() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            expect: { status: 2x }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:31: error: `2x` is not a status: use a code from 100 to 599 or a class like `2xx`
  |
9 |             expect: { status: 2x }
  |                               ^^"#
    );
}

#[test]
fn capture_builtin() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            capture: { vu: $.id }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:24: error: `vu` is a built-in name; capture into another variable
  |
9 |             capture: { vu: $.id }
  |                        ^^"#
    );
}

#[test]
fn comments() {
    let source = r#"# nothing
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:1:1: error: the scenario is empty: it needs at least `load` and `users`
  |
1 | # nothing
  | ^"#
    );
}

#[test]
fn deep_error() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - group: g
            steps:
              - if: true
                then:
                  - repeat: 2
                    steps:
                      - get: /a
                        expect: { stauts: 200 }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:15:35: error: unknown key `stauts`, did you mean `status`?
   |
15 |                         expect: { stauts: 200 }
   |                                   ^^^^^^"#
    );
}

#[test]
fn env_missing() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: '/a/{{ env("STARLING_SURELY_UNSET_VAR") }}'
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:25: error: the request's path: environment variable `STARLING_SURELY_UNSET_VAR` is not set and has no default
  |
8 |           - get: '/a/{{ env("STARLING_SURELY_UNSET_VAR") }}'
  |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"#
    );
}

#[test]
fn expr_error() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - if: vu.id >
            then: [{ think: 1s }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:23: error: expression syntax error in `if`: unexpected end of input, expected expression
  |
8 |           - if: vu.id >
  |                       ^"#
    );
}

#[test]
fn load_number() {
    let source = r#"target: http://127.0.0.1:8000
load: 5
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:7: error: wrong type for `load`: expected a map, found a number
  |
2 | load: 5
  |       ^"#
    );
}

#[test]
fn multiline_template() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: /a
            body: |
              hello {{ vu.id +
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:10:21: error: template syntax error in `body`: `{{` is not closed by `}}`
   |
10 |               hello {{ vu.id +
   |                     ^^"#
    );
}

#[test]
fn no_target() {
    let source = r#"load: { users: 1, duration: 1s }
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:2:57: error: this request has a relative path but the scenario has no `target` (and the step no `service`)
  |
2 | users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
  |                                                         ^^"#
    );
}

#[test]
fn relative_no_slash() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: orders
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:18: error: a request path must start with `/` or be an absolute URL, found `orders`
  |
8 |           - get: orders
  |                  ^^^^^^"#
    );
}

#[test]
fn set_then_use() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - set: { a: 1, b: a + 1 }
          - get: /x/{{ b }}
"#;
    assert_eq!(
        report(source),
        r#"ok
"#
    );
}

#[test]
fn stage_mix() {
    let source = r#"target: http://127.0.0.1:8000
load:
  stages: [{ duration: 1s, users: 1 }, { duration: 1s, rate: 2 }]
users: [{ name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }]
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:3:40: error: all stages must use `users`, or all `rate`, not a mix
  |
3 |   stages: [{ duration: 1s, users: 1 }, { duration: 1s, rate: 2 }]
  |                                        ^"#
    );
}

#[test]
fn step_string() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get /a
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:8:13: error: wrong type for a step: expected a map, found a string
  |
8 |           - get /a
  |             ^^^^^^"#
    );
}

#[test]
fn steps_null() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:7:14: error: wrong type for `steps` (a list of steps): expected a list, found nothing
  |
7 |         steps:
  |              ^"#
    );
}

#[test]
fn two_docs() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users: []
---
a: 1
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:1: error: a scenario is one YAML document: remove the second `---`
  |
4 | ---
  | ^"#
    );
}

#[test]
fn two_methods() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            post: /b
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:13: error: a step has one kind, but this one has both `get` and `post`
  |
9 |             post: /b
  |             ^^^^"#
    );
}

#[test]
fn while_maybe() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - repeat: { while: vu.id < 0 }
            steps:
              - get: /a
                capture: { t: $.t }
          - get: /b/{{ t }}
"#;
    assert_eq!(
        report(source),
        r#"ok
scenario.yaml:12:24: warning: variable `t` is set only on some paths before this step
   |
12 |           - get: /b/{{ t }}
   |                        ^"#
    );
}

#[test]
fn http_version() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
defaults: { http: 3 }
users:
  - { name: u, journeys: [{ name: j, steps: [{ get: /a }] }] }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:3:19: error: unknown value `3` for `http`, did you mean `2`? (expected one of `auto`, `1.1`, `2`)
  |
3 | defaults: { http: 3 }
  |                   ^"#
    );
    let source = source.replace("http: 3", "http: [2]");
    assert_eq!(
        report(&source),
        r#"failed
scenario.yaml:3:19: error: wrong type for `http`: expected a string, found a list
  |
3 | defaults: { http: [2] }
  |                   ^"#
    );
    let source = source.replace("http: [2]", "http: fast");
    assert!(
        report(&source)
            .contains("error: unknown value `fast` for `http`: expected one of `auto`, `1.1`, `2`"),
        "{}",
        report(&source)
    );
}

#[test]
fn http_version_spellings() {
    use starling_scenario::HttpVersion;
    let plan = |defaults: &str| {
        let source = format!(
            "target: http://127.0.0.1:8000\nload: {{ users: 1, duration: 1s }}\n{defaults}\n\
             users:\n  - {{ name: u, journeys: [{{ name: j, steps: [{{ get: /a }}] }}] }}\n"
        );
        starling_scenario::compile_str(&source, std::path::Path::new("s.yaml"))
            .unwrap()
            .plan
            .defaults
            .http
    };
    assert_eq!(plan(""), HttpVersion::Auto);
    assert_eq!(plan("defaults: { http: auto }"), HttpVersion::Auto);
    assert_eq!(plan("defaults: { http: 1.1 }"), HttpVersion::Http1);
    assert_eq!(plan("defaults: { http: \"1.1\" }"), HttpVersion::Http1);
    assert_eq!(plan("defaults: { http: 2 }"), HttpVersion::Http2);
    assert_eq!(plan("defaults: { http: \"2\" }"), HttpVersion::Http2);
}
