//! Names from the scenario never drive the terminal (issue 17 item 14): a
//! journey named with `\e]0;…\a` set the terminal's title. With colour off
//! (stdout is a pipe here), no ESC or BEL at all may reach the output.

use crate::support::{Demo, Outcome, starling};

#[test]
fn control_characters_in_names_and_examples_are_escaped() {
    let demo = Demo::start();
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("hostile.yaml");
    std::fs::write(
        &scenario,
        format!(
            r#"target: {}
load: {{ users: 1, spawn_rate: 10, iterations: 1 }}
users:
  - name: "shopper\e[31m"
    journeys:
      - name: "browse\e]0;owned\a"
        steps:
          - get: /products
            name: "list\a products"
            expect: {{ body_contains: "\e[2J" }}
          - group: "grp\e[1m"
            steps:
              - get: /products
"#,
            demo.gateway()
        ),
    )
    .unwrap();
    let mut validate = starling();
    validate.arg("validate").arg(&scenario);
    let mut run = starling();
    run.arg("run").arg(&scenario);
    for (what, outcome) in [
        ("validate", Outcome::of(&mut validate)),
        ("run", Outcome::of(&mut run)),
    ] {
        for (stream, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}']),
                "{what} {stream} holds a raw ESC or BEL: {text:?}"
            );
        }
        if what == "run" {
            // The names are there, escaped, and so is the example.
            let out = &outcome.stdout;
            assert!(out.contains("browse\\u{1b}]0;owned\\u{7}"), "{out}");
            assert!(out.contains("list\\u{7} products"), "{out}");
            assert!(out.contains("shopper\\u{1b}[31m"), "{out}");
            // The failure example is shown (its text without raw ESC).
            assert!(out.contains("[2J\""), "{out}");
        }
    }
}
