//! `validate` reports what would fail on every run (issue 17, item 15): a
//! CR, LF or NUL in a header, template code on literals that always
//! errors, a data column the file lacks, and unknown YAML tags. Each used
//! to pass validation and then fail every journey at run time.

mod support;

use support::report;

/// A scenario with one journey whose steps are `steps`.
fn with_steps(steps: &str) -> String {
    format!(
        "target: http://127.0.0.1:8000
load: {{ users: 1, duration: 1s }}
users:
  - name: u
    journeys:
      - name: j
        steps:
{steps}"
    )
}

#[test]
fn a_line_break_in_a_header_value_is_a_located_error() {
    let source =
        with_steps("          - get: /a\n            headers: { x-a: \"ok\\r\\nInjected: 1\" }\n");
    assert_eq!(
        report(&source),
        r#"failed
scenario.yaml:9:29: error: the value of header `x-a` contains a CR, which would end the header line
  |
9 |             headers: { x-a: "ok\r\nInjected: 1" }
  |                             ^^^^^^^^^^^^^^^^^^^"#
    );
}

#[test]
fn a_line_break_in_a_header_name_and_a_nul_in_a_default_header_are_errors() {
    let source = "target: http://127.0.0.1:8000
load: { users: 1, duration: 1s }
defaults:
  headers: { x-b: \"a\\0b\" }
users:
  - name: u
    headers: { \"x\\nc\": v }
    journeys:
      - name: j
        steps:
          - get: /a
";
    let out = report(source);
    assert!(
        out.contains("scenario.yaml:4:19: error: the value of header `x-b` contains a NUL"),
        "{out}"
    );
    assert!(
        out.contains("scenario.yaml:7:16: error: header name `x\\nc` contains a line break"),
        "{out}"
    );
}

#[test]
fn a_line_break_made_by_code_is_left_to_run_time_and_literal_text_without_one_passes() {
    // Only literal text is sure to be sent; code may make anything.
    let source = with_steps(
        "          - set: { v: \"'x'\" }\n          - get: /a\n            headers: { x-a: \"pre {{ v }} post\" }\n",
    );
    assert_eq!(report(&source), "ok\n");
}

#[test]
fn random_int_on_literal_bounds_the_wrong_way_round_is_a_located_error() {
    let source = with_steps("          - get: \"/a/{{ random_int(5, 1) }}\"\n");
    assert_eq!(
        report(&source),
        r#"failed
scenario.yaml:8:24: error: `random_int(5, 1)` in the request's path fails on every run: invalid operation: random_int(5, 1): the first bound is above the second
  |
8 |           - get: "/a/{{ random_int(5, 1) }}"
  |                        ^^^^^^^^^^^^^^^^^^"#
    );
}

#[test]
fn constant_code_that_works_or_reads_a_variable_passes() {
    let source = with_steps(
        "          - set: { low: 1 }\n          - get: \"/a/{{ random_int(1, 5) }}/{{ random_int(5, low) }}/{{ uuid() }}\"\n            json: { n: \"{{ random_string(3) }}\" }\n",
    );
    assert_eq!(report(&source), "ok\n");
}

#[test]
fn constant_failures_in_expressions_and_json_bodies_are_errors_too() {
    let source = with_steps(
        "          - if: random_int(2, 1) > 0\n            then:\n              - get: /a\n          - post: /b\n            json: { n: \"{{ random_string(2000000) }}\" }\n",
    );
    let out = report(&source);
    assert!(
        out.contains(
            "scenario.yaml:8:17: error: `random_int(2, 1) > 0` in `if` fails on every run"
        ),
        "{out}"
    );
    assert!(
        out.contains("error: `random_string(2000000)` in `json` fails on every run: invalid operation: random_string(2000000): longer than the limit"),
        "{out}"
    );
}

/// A folder holding `d.csv` with the columns `name,email`, removed on drop.
struct DataDir(std::path::PathBuf);

impl DataDir {
    fn new(test: &str) -> DataDir {
        let dir =
            std::env::temp_dir().join(format!("starling-columns-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("d.csv"), "name,email\nada,a@x\n").unwrap();
        DataDir(dir)
    }

    fn report(&self, steps: &str) -> String {
        let source = format!(
            "target: http://127.0.0.1:8000
load: {{ users: 1, duration: 1s }}
data:
  d: {{ csv: d.csv }}
users:
  - name: u
    journeys:
      - name: j
        steps:
{steps}"
        );
        match starling_scenario::compile_str(&source, &self.0.join("s.yaml")) {
            Ok(_) => "ok".to_owned(),
            Err(diagnostics) => diagnostics.to_string(),
        }
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_data_column_the_file_lacks_is_a_located_error_with_a_suggestion() {
    let dir = DataDir::new("missing");
    let out = dir.report("          - get: \"/a/{{ d.emails }}\"\n");
    let path = dir.0.join("s.yaml");
    assert_eq!(
        out,
        format!(
            r#"{}:10:27: error: data source `d` has no column `emails`, did you mean `email`? (its columns: `name`, `email`)
   |
10 |           - get: "/a/{{{{ d.emails }}}}"
   |                           ^^^^^^"#,
            path.display()
        )
    );
    let out =
        dir.report("          - post: /b\n            json: { who: \"{{ d.nope | upper }}\" }\n");
    assert!(
        out.contains(
            "error: data source `d` has no column `nope`: its columns are `name`, `email`"
        ),
        "{out}"
    );
}

#[test]
fn columns_the_file_has_pass() {
    let dir = DataDir::new("present");
    assert_eq!(
        dir.report("          - get: \"/a/{{ d.name }}/{{ d.email | upper }}\"\n"),
        "ok"
    );
}

#[test]
fn an_unknown_yaml_tag_is_a_located_error() {
    let source = with_steps("          - get: !foo /a\n");
    let out = report(&source);
    assert!(
        out.starts_with(
            "failed\nscenario.yaml:8:18: error: unknown YAML tag `!foo`: a scenario uses no tags"
        ),
        "{out}"
    );
    // Standard tags keep working.
    let source = with_steps("          - get: !!str /a\n");
    assert_eq!(report(&source), "ok\n");
}
