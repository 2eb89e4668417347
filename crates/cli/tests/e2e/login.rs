//! examples/login.yaml: each user logs in once; the session cookie the
//! users service sets comes back, through the gateway, on every `GET /me`.

use crate::support::{Demo, Run, example};

#[test]
fn the_session_cookie_round_trips_through_the_gateway() {
    let demo = Demo::start();
    let ran = Run::new(example("login.yaml"))
        .against(&demo)
        .args(["--users", "4", "--spawn-rate", "100", "--duration", "3s"])
        .succeeds();
    let summary = &ran.summary;

    // on_start ran once per user.
    assert_eq!(ran.count("POST /login"), 4);
    assert_eq!(demo.received("users", "POST /login"), 4);

    let profile = &summary.journeys["profile"];
    assert!(profile.started > 0);
    assert_eq!(profile.failed, 0, "{:?}", profile.failures);
    assert_eq!(profile.succeeded, profile.started);
    // `GET /me` answers 401 without the cookie: every one was 200.
    let me = ran.request("GET /me");
    assert_eq!(me.failures, 0, "{:?}", me.examples);
    assert_eq!(me.status_codes.get(&200), Some(&me.count));
    assert_eq!(me.count, demo.received("users", "GET /me"));
    assert_eq!(me.count, demo.received("gateway", "GET /me"));
}
