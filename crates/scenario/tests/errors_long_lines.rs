//! A very long line (issue 17 item 14: a 50 MB line wrote 52 MB to
//! stderr) gives an error of bounded size that still names its line and
//! column, in the plain form and through miette.

use std::path::Path;

use starling_scenario::compile_str;

#[test]
fn an_error_on_a_five_megabyte_line_is_cut_around_its_column() {
    let long = "a".repeat(5 * 1024 * 1024);
    let source = format!(
        "target: http://127.0.0.1:8000
load: {{ users: 1, duration: 1s }}
users:
  - name: u
    journeys:
      - name: j
        steps:
          - {{ get: /a, headers: {{ x-a: \"{long}\" }}, expcet: 1 }}
"
    );
    let errors = compile_str(&source, Path::new("scenario.yaml")).expect_err("a typo");
    let error = errors.errors().next().expect("one error");
    // The key stands after the long value: its column is millions in.
    let column = error.column;
    assert!(column > long.len(), "{column}");
    let plain = errors.to_string();
    assert!(plain.len() < 10_000, "{} bytes", plain.len());
    assert!(
        plain.starts_with(&format!(
            "scenario.yaml:8:{column}: error: unknown key `expcet`"
        )),
        "{}",
        &plain[..plain.len().min(300)]
    );
    // The snippet shows the key, underlined.
    assert!(plain.contains("expcet: 1 }"), "{plain}");
    assert!(plain.contains("…"), "{plain}");
    let caret_line = plain.lines().last().unwrap();
    let snippet_line = plain.lines().rev().nth(1).unwrap();
    // In characters: the cut is marked with `…`, wider in bytes.
    let caret = caret_line.chars().position(|c| c == '^').unwrap();
    let under: String = snippet_line.chars().skip(caret).take(6).collect();
    assert_eq!(under, "expcet", "{plain}");
    let fancy = errors.render_fancy(false);
    assert!(fancy.len() < 10_000, "{} bytes", fancy.len());
    assert!(
        fancy.contains(&format!("scenario.yaml:8:{column}")),
        "{fancy}"
    );
}

#[test]
fn control_characters_in_a_message_are_escaped() {
    let source = "target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
users:
  - name: u
    journeys:
      - name: j
        steps:
          - { get: /a, \"x\\e]0;owned\\a\": 1 }
";
    let errors = compile_str(source, Path::new("scenario.yaml")).expect_err("an unknown key");
    for text in [errors.to_string(), errors.render_fancy(false)] {
        assert!(!text.contains(['\u{1b}', '\u{7}']), "{text:?}");
        assert!(text.contains("\\u{1b}]0;owned\\u{7}"), "{text}");
    }
}
