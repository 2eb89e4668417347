//! `expect.json` values are templates: against a real server that echoes
//! the username it was sent, an expectation on the user's own variable
//! passes, and one on another value fails with both values in the message.

mod support;

use support::{Shop, plan, request, run};

/// `username` is set by one step, sent by the next, and expected back.
fn scenario(expected: &str) -> String {
    format!(
        r#"
target: "{{{{TARGET}}}}"
load: {{ users: 2, spawn_rate: 100, iterations: 3 }}
users:
  - name: member
    journeys:
      - name: signup
        steps:
          - set: {{ username: '"user-" ~ vu.id', other: '"someone-else"' }}
          - post: /users
            json: {{ username: "{{{{ username }}}}" }}
            expect: {{ status: 201, json: {{ $.username: {expected} }} }}
"#
    )
}

#[test]
fn an_expected_json_value_is_rendered_with_the_users_variables() {
    let shop = Shop::start();
    let outcome = run(plan(&scenario(r#""{{ username }}""#), &shop.url));
    let s = &outcome.summary;
    assert_eq!(shop.seen.count("POST /users"), 6);
    let journey = &s.journeys["signup"];
    assert_eq!((journey.succeeded, journey.failed), (6, 0));
    assert_eq!(request(s, "POST /users").failures, 0);
}

#[test]
fn an_expected_json_value_that_differs_fails_with_both_values() {
    let shop = Shop::start();
    let outcome = run(plan(&scenario(r#""{{ other }}""#), &shop.url));
    let s = &outcome.summary;
    let journey = &s.journeys["signup"];
    assert_eq!((journey.succeeded, journey.failed), (0, 6));
    let example = &request(s, "POST /users").examples[0].example;
    let error = &example.error;
    assert!(
        error.starts_with("`$.username` is \"user-")
            && error.ends_with("\", expected \"someone-else\""),
        "{error}"
    );
}

#[test]
fn the_equals_form_and_typed_values_are_rendered_too() {
    let shop = Shop::start();
    // `{{ vu.id }}` alone keeps its type: the echoed id is compared as a
    // number; `equals:` takes a template like the short form.
    let yaml = r#"
target: "{{TARGET}}"
load: { users: 1, spawn_rate: 100, iterations: 2 }
users:
  - name: member
    journeys:
      - name: signup
        steps:
          - post: /users
            json: { username: "{{ vu.id }}" }
            expect:
              status: 201
              json:
                $.username: { equals: "{{ vu.id }}" }
"#;
    let outcome = run(plan(yaml, &shop.url));
    let journey = &outcome.summary.journeys["signup"];
    assert_eq!((journey.succeeded, journey.failed), (2, 0));
}

/// `body_contains` and `expect.headers` values are templates too (issue 18).
fn text_scenario(needle: &str) -> String {
    format!(
        r#"
target: "{{{{TARGET}}}}"
load: {{ users: 2, spawn_rate: 100, iterations: 3 }}
users:
  - name: member
    journeys:
      - name: signup
        steps:
          - set: {{ username: '"user-" ~ vu.id', other: '"someone-else"', kind: '"json"' }}
          - post: /users
            json: {{ username: "{{{{ username }}}}" }}
            expect:
              status: 201
              body_contains: "{needle}"
              headers: {{ content-type: "application/{{{{ kind }}}}" }}
"#
    )
}

#[test]
fn a_body_contains_template_passes_when_the_body_holds_the_variables_value() {
    let shop = Shop::start();
    let outcome = run(plan(&text_scenario("{{ username }}"), &shop.url));
    let journey = &outcome.summary.journeys["signup"];
    assert_eq!((journey.succeeded, journey.failed), (6, 0));
    assert_eq!(request(&outcome.summary, "POST /users").failures, 0);
}

#[test]
fn a_body_contains_template_fails_when_the_body_lacks_the_variables_value() {
    let shop = Shop::start();
    let outcome = run(plan(&text_scenario("{{ other }}"), &shop.url));
    let s = &outcome.summary;
    assert_eq!(
        (s.journeys["signup"].succeeded, s.journeys["signup"].failed),
        (0, 6)
    );
    let example = &request(s, "POST /users").examples[0].example;
    assert_eq!(example.error, "body does not contain \"someone-else\"");
}

#[test]
fn an_expected_header_template_that_differs_fails_with_the_rendered_value() {
    let shop = Shop::start();
    let yaml = text_scenario("{{ username }}")
        .replace("\"application/{{ kind }}\"", "\"text/{{ kind }}\"");
    let outcome = run(plan(&yaml, &shop.url));
    let s = &outcome.summary;
    assert_eq!(s.journeys["signup"].failed, 6);
    let example = &request(s, "POST /users").examples[0].example;
    assert_eq!(
        example.error,
        "header `content-type` is \"application/json\", expected \"text/json\""
    );
}
