//! Any text given to the runtime compilers gives a value or a located
//! error, never a panic, and every error range can slice its source.

use proptest::prelude::*;
use starling_scenario::capture::CaptureSource;
use starling_scenario::expr::Expr;
use starling_scenario::runtime::SyntaxError;
use starling_scenario::scope::{Scope, Vars, VuInfo};
use starling_scenario::template::Template;

fn assert_located(source: &str, error: &SyntaxError) {
    let end = error.offset + error.len;
    assert!(end <= source.len(), "{error:?} outside {source:?}");
    assert!(
        source.is_char_boundary(error.offset) && source.is_char_boundary(end),
        "{error:?} splits a character of {source:?}"
    );
}

/// Text made mostly of template syntax, so the lexer's corners get hit.
fn template_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{{".to_owned()),
            Just("}}".to_owned()),
            Just("{%".to_owned()),
            Just("{#".to_owned()),
            Just("#}".to_owned()),
            Just("-".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("\\".to_owned()),
            Just("env(".to_owned()),
            Just(")".to_owned()),
            Just(" x.y ".to_owned()),
            Just("+".to_owned()),
            Just("é".to_owned()),
            "[a-z0-9 |.()]{0,4}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn templates_compile_or_fail_located(source in template_text()) {
        match Template::compile(&source) {
            Ok(template) => {
                let vars = Vars::new();
                // Rendering may fail (unset variables) but not panic.
                let _ = template.render(&Scope::new(&vars, VuInfo::default(), "j"));
            }
            Err(error) => assert_located(&source, &error),
        }
    }

    #[test]
    fn expressions_compile_or_fail_located(source in "\\PC{0,30}") {
        if let Err(error) = Expr::compile(&source) {
            assert_located(&source, &error);
        }
    }

    #[test]
    fn json_paths_and_regexes_compile_or_fail_located(source in "\\PC{0,20}") {
        if let Err(error) = CaptureSource::json_path(&source) {
            assert_located(&source, &error);
        }
        if let Err(error) = CaptureSource::regex(&source, 1) {
            assert_located(&source, &error);
        }
    }
}
