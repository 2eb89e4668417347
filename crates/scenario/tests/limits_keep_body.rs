//! `defaults.keep_body_bytes` is bounded (issue 17, item 10): a value
//! large enough to let one user hold a whole gzip bomb is a located error
//! at validate time, not a gigabyte at run time.

mod support;

use support::report;

fn scenario(keep: &str) -> String {
    format!(
        "target: http://127.0.0.1:8000
load: {{ users: 1, duration: 1s }}
defaults:
  keep_body_bytes: {keep}
users:
  - name: u
    journeys:
      - name: j
        steps:
          - get: /a
"
    )
}

#[test]
fn keep_body_bytes_above_64_mib_is_a_located_error() {
    assert_eq!(
        report(&scenario("1000000000000000")),
        "failed
scenario.yaml:4:20: error: `keep_body_bytes` must be at most 67108864 (64 MiB), found 1000000000000000: each user may hold this much of a decoded body
  |
4 |   keep_body_bytes: 1000000000000000
  |                    ^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn keep_body_bytes_one_past_64_mib_is_refused_and_64_mib_is_kept() {
    assert!(report(&scenario("67108865")).starts_with("failed\n"));
    let compiled =
        starling_scenario::compile_str(&scenario("67108864"), std::path::Path::new("s.yaml"))
            .expect("64 MiB is allowed");
    assert_eq!(compiled.plan.defaults.keep_body_bytes, 64 << 20);
    assert_eq!(starling_scenario::MAX_KEEP_BODY_BYTES, 64 << 20);
}
