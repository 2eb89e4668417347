//! Secrets never leave the process: a run against a server that echoes
//! every request back, and fails it so that examples are kept, must not
//! write a planted secret to stdout, stderr or the results file.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::support::{Outcome, Ran, starling};

/// One of each kind of secret the issue lists, each a distinct value.
const ENV_VALUE: &str = "env-secret-81f2c4";
const BEARER: &str = "bearer-secret-6a0d93";
const PASSWORD: &str = "password-secret-2b7e51";
const API_KEY: &str = "apikey-secret-9c4f07";
const COOKIE: &str = "cookie-secret-5d1a38";
const CAPTURED: &str = "capture-secret-e37b26";
const PIN: &str = "pin-secret-40c9aa";

/// An HTTP/1.1 server on 127.0.0.1:0: `/login` answers 200 with a JSON
/// handle and sets a session cookie; every other path answers 500 with the
/// request (body first, then head) echoed back, and sets the cookie again.
fn echo_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    format!("http://{addr}")
}

fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let end = line == "\r\n";
            head.push_str(&line);
            if end {
                break;
            }
        }
        let length = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, reply) = if head.starts_with("POST /login") {
            ("200 OK", format!("{{\"handle\":\"{CAPTURED}\"}}"))
        } else {
            let echo = format!("{}\n{head}", String::from_utf8_lossy(&body));
            ("500 Internal Server Error", echo)
        };
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\nset-cookie: sid={COOKIE}; Path=/\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The report: a failed `set-cookie` expectation printed the live session
/// cookie, `?api_key=…` URLs were printed whole, and a server echoing the
/// request put the bearer token and the password into FAILURES and the
/// JSON. Every kind of secret is planted here; none may come out.
#[test]
fn no_planted_secret_reaches_any_output() {
    let target = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("secrets.yaml");
    let out = dir.path().join("results.json");
    std::fs::write(
        &scenario,
        format!(
            r#"target: {target}
load: {{ users: 1, spawn_rate: 10, iterations: 2 }}
redact: [pin]
users:
  - name: u
    journeys:
      - name: secrets
        steps:
          - post: /login
            json: {{ user: ann }}
            capture: {{ handle: {{ json: $.handle, secret: true }} }}
          - post: "/echo/{{{{ handle }}}}?api_key={API_KEY}"
            headers:
              authorization: "Bearer {BEARER}"
              x-trace: "{{{{ env('E2E_PLANTED_SECRET') }}}}"
              x-handle: "{{{{ handle }}}}"
            query: {{ pin: {PIN} }}
            json: {{ user: ann, password: {PASSWORD} }}
            expect: {{ status: 200 }}
            on_failure: continue
          - post: /login
            json: {{ user: ann }}
            expect: {{ headers: {{ set-cookie: "nope" }} }}
"#
        ),
    )
    .unwrap();
    let mut cmd = starling();
    cmd.env("E2E_PLANTED_SECRET", ENV_VALUE)
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out);
    // Exit 1: the journeys failed, as they must for examples to be kept.
    let outcome = Outcome::of(&mut cmd);
    let json = std::fs::read_to_string(&out).expect("the results were written");
    let ran = Ran::parse(&json, outcome);
    let summary = &ran.summary;

    // The failures happened and were sampled, so there was something to leak.
    let echo = &summary.requests["POST /echo/{{ handle }}"];
    assert_eq!(echo.count, 2, "{:?}", summary.requests.keys());
    assert!(!echo.examples.is_empty(), "the echo failure was sampled");
    let mut leaks = Vec::new();
    for secret in [ENV_VALUE, BEARER, PASSWORD, API_KEY, COOKIE, CAPTURED, PIN] {
        for (name, text) in [
            ("stdout", &ran.outcome.stdout),
            ("stderr", &ran.outcome.stderr),
            ("--out", &json),
        ] {
            if text.contains(secret) {
                leaks.push(format!("{secret} in {name}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "leaked: {leaks:?}\n{}",
        ran.outcome.stdout
    );

    let example = &echo.examples[0].example;
    assert!(example.body.contains("[redacted]"), "{example:?}");
    assert!(example.url.contains("api_key=[redacted]"), "{example:?}");
    let cookie_check = summary
        .requests
        .values()
        .flat_map(|r| &r.examples)
        .find(|e| e.example.error.contains("set-cookie"))
        .expect("the set-cookie expectation failed and was sampled");
    assert!(
        cookie_check.example.error.contains("[redacted]"),
        "{cookie_check:?}"
    );
    assert!(
        ran.outcome.stdout.contains("FAILURES"),
        "{}",
        ran.outcome.stdout
    );
}
