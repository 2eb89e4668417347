//! No input panics the compiler: random text, random YAML trees built from
//! the format's own keys, and mutations of every example all give `Ok` or
//! `Err`.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use starling_scenario::compile_str;

fn examples() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out.sort();
    out
}

/// Compiles as if the text were the file at `path` (so data files resolve).
fn no_panic(text: &str, path: &Path) {
    let result = std::panic::catch_unwind(|| {
        compile_str(text, path)
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    assert!(result.is_ok(), "compile_str panicked on:\n{text}");
}

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{ x }}",
    "{%",
    ":",
    " ",
    "\n",
    "  ",
    "-",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    "\"",
    "\\",
    "#",
    "&a",
    "*a",
    "<<: *a",
    "!!str",
    "0",
    "-1",
    "0s",
    "1e99s",
    "99999999999999999999",
    "between(",
    ")",
    "$.",
    "$[",
    "2xx",
    "%",
    "~",
    "null",
    "true",
    "get: /",
    "steps:",
    "if: ",
    "repeat: ",
    "poll: ",
    "é",
    "\t",
    "\u{0}",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(at, t)| Edit::Insert {
            at,
            text: t.to_owned()
        }),
        (any::<usize>(), "[ -~]{0,12}").prop_map(|(at, text)| Edit::Insert { at, text }),
        any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    match edit {
        Edit::Delete { at, len } => {
            if chars.is_empty() {
                return String::new();
            }
            let at = at % chars.len();
            let end = (at + len).min(chars.len());
            chars.drain(at..end);
            chars.into_iter().collect()
        }
        Edit::Insert { at, text } => {
            let at = at % (chars.len() + 1);
            chars.splice(at..at, text.chars());
            chars.into_iter().collect()
        }
        Edit::DuplicateLine { line } => {
            if !lines.is_empty() {
                let i = line % lines.len();
                lines.insert(i, lines[i]);
            }
            lines.concat()
        }
        Edit::SwapLines { a, b } => {
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(a % n, b % n);
            }
            lines.concat()
        }
    }
}

/// Keys of the format, to build trees the compiler walks deeply.
const KEYS: &[&str] = &[
    "target",
    "services",
    "load",
    "users",
    "data",
    "defaults",
    "thresholds",
    "seed",
    "name",
    "weight",
    "count",
    "wait",
    "on_start",
    "on_stop",
    "headers",
    "journeys",
    "steps",
    "get",
    "post",
    "json",
    "body",
    "form",
    "query",
    "expect",
    "capture",
    "status",
    "think",
    "poll",
    "every",
    "until",
    "timeout",
    "if",
    "then",
    "else",
    "repeat",
    "times",
    "while",
    "max",
    "group",
    "set",
    "service",
    "on_failure",
    "duration",
    "spawn_rate",
    "arrival_rate",
    "stages",
    "rate",
    "iterations",
    "max_users",
    "csv",
    "order",
    "regex",
    "header",
    "exists",
    "satisfies",
    "equals",
    "body_contains",
    "max_duration",
    "journey checkout",
    "all",
    "p95",
];
const SCALARS: &[&str] = &[
    "/a",
    "/a/{{ x }}",
    "http://127.0.0.1:1",
    "10s",
    "0s",
    "-1",
    "0",
    "3",
    "1.5",
    "between(1s, 2s)",
    "$.id",
    "$[",
    "status",
    "2xx",
    "99%",
    "abort",
    "continue",
    "x == 1",
    "{{",
    "true",
    "null",
    "''",
    "unique",
    "x.csv",
    "pacing(0s)",
];

/// Unquoted scalars: numbers at the edges, booleans, null.
const PLAIN: &[&str] = &[
    "0",
    "-1",
    "3",
    "1.5",
    "1e-300",
    "1e300",
    "99999999999999999999",
    "-0.0",
    ".inf",
    ".nan",
    "true",
    "null",
    "4294967296",
    "-9223372036854775808",
];

fn yaml_tree() -> impl Strategy<Value = String> {
    let quoted = prop::sample::select(SCALARS).prop_map(|s| format!("{s:?}"));
    let plain = prop::sample::select(PLAIN).prop_map(str::to_owned);
    let leaf = prop_oneof![quoted, plain];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|v| {
                let body: Vec<String> = v.into_iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text(text in "\\PC{0,200}") {
        no_panic(&text, Path::new("scenario.yaml"));
    }

    #[test]
    fn random_trees(tree in yaml_tree()) {
        no_panic(&tree, Path::new("scenario.yaml"));
    }

    #[test]
    fn mutated_examples(index in any::<usize>(), edits in prop::collection::vec(edit(), 1..6)) {
        let all = examples();
        let (path, text) = &all[index % all.len()];
        let mut text = text.clone();
        for e in &edits {
            text = apply(&text, e);
        }
        no_panic(&text, path);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let text = format!("users: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = compile_str(&text, Path::new("scenario.yaml")).unwrap_err();
    assert!(err.to_string().contains("invalid YAML"), "{err}");
}

#[test]
fn alias_bombs_hit_the_budget() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let err = compile_str(&text, Path::new("scenario.yaml")).unwrap_err();
    assert!(err.to_string().contains("invalid YAML"), "{err}");
}
