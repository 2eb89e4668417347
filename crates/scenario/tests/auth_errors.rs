//! `auth:` shapes that cannot work are located errors with the shape that
//! does (issue 18): Locust's `auth=(user, password)` tuple, a `basic` that is
//! not a user and a password, both schemes, an `Authorization` header beside
//! it, a line break in a bearer token, a `:` in a Basic user.

mod support;

use support::report;

#[test]
fn bad_auth_shapes_are_located_errors() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
defaults:
  auth: [ada, s3cret]
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
            auth: { basic: [ada] }
          - get: /b
            auth: { basic: [ada, s3cret], bearer: x }
          - get: /c
            auth: { bearer: "{{ tokn }}" }
          - get: /d
            headers: { Authorization: x }
            auth: { bearer: abc }
          - get: /e
            auth: {}
          - get: /f
            auth: { basci: [a, b] }
          - get: /g
            auth: { bearer: "a\nb" }
          - get: /h
            auth: { basic: "ada:pw" }
          - get: /i
            auth: { basic: ["a:b", c] }
"#;
    assert_eq!(
        report(source),
        r#"failed
scenario.yaml:4:9: error: `auth` names its scheme: write `auth: { basic: [user, password] }`
  |
4 |   auth: [ada, s3cret]
  |         ^
scenario.yaml:11:28: error: `basic` is a user and a password: `basic: [user, password]`, found a list of 1
   |
11 |             auth: { basic: [ada] }
   |                            ^
scenario.yaml:13:43: error: `auth` is `basic` or `bearer`, not both
   |
13 |             auth: { basic: [ada, s3cret], bearer: x }
   |                                           ^^^^^^
scenario.yaml:15:33: error: variable `tokn` is not set by any earlier step
   |
15 |             auth: { bearer: "{{ tokn }}" }
   |                                 ^^^^
scenario.yaml:18:19: error: `auth` and an `Authorization` header cannot be used together: keep one
   |
18 |             auth: { bearer: abc }
   |                   ^
scenario.yaml:20:19: error: `auth` needs `basic: [user, password]` or `bearer: token`
   |
20 |             auth: {}
   |                   ^
scenario.yaml:22:21: error: unknown key `basci`
   |
22 |             auth: { basci: [a, b] }
   |                     ^^^^^
scenario.yaml:24:29: error: the value of header `authorization` contains a line break, which would end the header line
   |
24 |             auth: { bearer: "a\nb" }
   |                             ^^^^^^
scenario.yaml:26:28: error: `basic` is a user and a password: `basic: [user, password]`, found a string
   |
26 |             auth: { basic: "ada:pw" }
   |                            ^^^^^^^^
scenario.yaml:28:29: error: a `basic` user cannot contain `:`
   |
28 |             auth: { basic: ["a:b", c] }
   |                             ^^^^^"#
    );
}

#[test]
fn good_auth_compiles_in_defaults_and_on_a_request() {
    let source = r#"target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
defaults:
  auth: { basic: [ada, s3cret] }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - post: /login
            capture: { token: $.token }
          - get: /me
            auth: { bearer: "{{ token }}" }
"#;
    assert_eq!(report(source), "ok\n");
}
