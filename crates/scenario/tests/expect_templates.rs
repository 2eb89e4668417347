//! `expect.json` values are templates (issue 18): their variables are
//! checked like any other read, at the place they are read.

mod support;

use support::report;

#[test]
fn an_expected_value_reading_an_unset_variable_is_an_error() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /me
            expect: { json: { $.name: "{{ usernme }}" } }
            capture: { username: $.name }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:9:43: error: variable `usernme` is not set by any earlier step
  |
9 |             expect: { json: { $.name: "{{ usernme }}" } }
  |                                           ^^^^^^^"#
    );
}

#[test]
fn an_equals_value_reading_a_variable_set_earlier_compiles() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - set: { username: '"ada"' }
          - get: /me
            expect:
              json:
                $.name: { equals: "{{ username }}" }
                $.id: "{{ nope }}"
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:13:27: error: variable `nope` is not set by any earlier step
   |
13 |                 $.id: "{{ nope }}"
   |                           ^^^^"#
    );
}

#[test]
fn body_contains_and_header_values_reading_unset_variables_are_errors() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /me
            expect:
              body_contains: ["{{ usernme }}"]
              headers: { x-user: "{{ nobody }}" }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:10:35: error: variable `usernme` is not set by any earlier step
   |
10 |               body_contains: ["{{ usernme }}"]
   |                                   ^^^^^^^
scenario.yaml:11:38: error: variable `nobody` is not set by any earlier step
   |
11 |               headers: { x-user: "{{ nobody }}" }
   |                                      ^^^^^^"#
    );
}
