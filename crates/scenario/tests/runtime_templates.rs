//! Templates, JSON templates and expressions against a scope, through the
//! public API the scenario compiler and the engine use.

use std::time::Duration;

use http::HeaderMap;
use serde_json::json;
use starling_scenario::expr::Expr;
use starling_scenario::response::ResponseView;
use starling_scenario::scope::{Scope, Vars, VuInfo};
use starling_scenario::template::{JsonTemplate, Template};
use starling_scenario::value::{Value, from_json};

fn vars() -> Vars {
    let mut vars = Vars::new();
    vars.set("order_id", Value::from(42));
    vars.set("name", Value::from("ada"));
    vars.set("price", Value::from(9.5));
    vars.set(
        "customers",
        from_json(&json!({"email": "a@example.test", "tier": "gold"})),
    );
    vars.set("user", from_json(&json!({"id": 7, "tags": ["x", "y"]})));
    vars
}

const VU: VuInfo = VuInfo {
    id: 3,
    iteration: 5,
};

fn render(source: &str, vars: &Vars) -> Result<String, String> {
    let template = Template::compile(source).map_err(|e| e.to_string())?;
    template
        .render(&Scope::new(vars, VU, "checkout"))
        .map_err(|e| e.to_string())
}

#[test]
fn renders_variables_builtins_and_data_rows() {
    let vars = vars();
    assert_eq!(
        render("/orders/{{ order_id }}", &vars).unwrap(),
        "/orders/42"
    );
    assert_eq!(
        render("{{ customers.email }}|{{ name | upper }}", &vars).unwrap(),
        "a@example.test|ADA"
    );
    assert_eq!(
        render(
            "vu {{ vu.id }} it {{ vu.iteration }} in {{ journey.name }}",
            &vars
        )
        .unwrap(),
        "vu 3 it 5 in checkout"
    );
    assert_eq!(render("{{ price * 2 }}", &vars).unwrap(), "19.0");
    assert_eq!(render("{{ user.tags[1] }}", &vars).unwrap(), "y");
}

#[test]
fn static_template_renders_its_text() {
    let template = Template::compile("/products?category=electronics").unwrap();
    assert_eq!(template.as_static(), Some("/products?category=electronics"));
    assert!(template.variables().is_empty());
    let mut out = String::from(">");
    template
        .render_into(&Scope::new(&Vars::new(), VU, "j"), &mut out)
        .unwrap();
    assert_eq!(out, ">/products?category=electronics");
    assert_eq!(Template::compile("/a/{{ x }}").unwrap().as_static(), None);
}

#[test]
fn functions_render() {
    let vars = Vars::new();
    let id = render("{{ uuid() }}", &vars).unwrap();
    assert_eq!(id.len(), 36);
    let n: i64 = render("{{ random_int(10, 12) }}", &vars)
        .unwrap()
        .parse()
        .unwrap();
    assert!((10..=12).contains(&n));
    let s = render("{{ random_string(8) }}", &vars).unwrap();
    assert_eq!(s.len(), 8);
    assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
    let ms: u64 = render("{{ now_ms() }}", &vars).unwrap().parse().unwrap();
    assert!(ms > 1_600_000_000_000);
    assert_eq!(
        render("{{ random_int(3, 1) }}", &vars).unwrap_err(),
        "invalid operation: random_int(3, 1): the first bound is above the second"
    );
}

#[test]
fn undefined_variable_is_an_error_naming_it() {
    let vars = vars();
    assert_eq!(
        render("/users/{{ user_id }}", &vars).unwrap_err(),
        "variable `user_id` is not set"
    );
    assert_eq!(
        render("{{ user_id.name }}", &vars).unwrap_err(),
        "variable `user_id` is not set"
    );
    assert_eq!(
        render("{{ user_id + 1 }}", &vars).unwrap_err(),
        "variable `user_id` is not set"
    );
    assert_eq!(
        render("{{ customers.phone }}", &vars).unwrap_err(),
        "`customers.phone` is undefined"
    );
    // A default or a test is how a template allows a missing variable.
    assert_eq!(
        render("{{ user_id | default('anon') }}", &vars).unwrap(),
        "anon"
    );
    assert_eq!(render("{{ user_id is defined }}", &vars).unwrap(), "false");
    assert_eq!(render("{{ order_id == 42 }}", &vars).unwrap(), "true");
}

#[test]
fn env_is_resolved_at_compile_time() {
    let path = std::env::var("PATH").unwrap();
    assert_eq!(render("{{ env('PATH') }}", &Vars::new()).unwrap(), path);
    let template =
        Template::compile("{{ env(\"STARLING_RT_UNSET_VAR\", \"http://x\") }}/a").unwrap();
    assert_eq!(
        template.render(&Scope::new(&Vars::new(), VU, "j")).unwrap(),
        "http://x/a"
    );
    assert!(template.variables().is_empty());
    let err = Template::compile("Bearer {{ env(\"STARLING_RT_UNSET_VAR\") }}").unwrap_err();
    assert_eq!(
        err.message,
        "environment variable `STARLING_RT_UNSET_VAR` is not set and has no default"
    );
    let source = "Bearer {{ env(\"STARLING_RT_UNSET_VAR\") }}";
    assert_eq!(
        &source[err.offset..err.offset + err.len],
        "env(\"STARLING_RT_UNSET_VAR\")"
    );
}

#[test]
fn syntax_errors_point_into_the_source() {
    let source = "/a/{{ order_id +* 2 }}";
    let err = Template::compile(source).unwrap_err();
    assert_eq!(err.message, "syntax error: unexpected `*`");
    assert_eq!(&source[err.offset..err.offset + err.len], "*");

    let source = "x {{ a }} y {{ b";
    let err = Template::compile(source).unwrap_err();
    assert_eq!(err.message, "`{{` is not closed by `}}`");
    assert_eq!(err.offset, 12);

    // After an env() call the offset still points at the original text.
    let source = "{{ env('STARLING_RT_UNSET_VAR', 'a long default value') ~ ) }}";
    let err = Template::compile(source).unwrap_err();
    assert_eq!(&source[err.offset..err.offset + err.len], ")");

    // Offsets are bytes, also after multi-byte text and across lines.
    let source = "é/ü/{{ a\n  +* 2 }}";
    let err = Template::compile(source).unwrap_err();
    assert_eq!(&source[err.offset..err.offset + err.len], "*");

    let source = "status == ";
    let err = Expr::compile(source).unwrap_err();
    assert_eq!(
        err.message,
        "syntax error: unexpected end of input, expected expression"
    );
    assert!(err.offset <= source.len());
}

#[test]
fn variables_lists_root_user_variables() {
    let template =
        Template::compile("{{ customers.email }}/{{ b }}/{{ vu.id }}/{{ uuid() }}/{{ a | lower }}")
            .unwrap();
    let names: Vec<String> = template.variables().into_iter().collect();
    assert_eq!(names, ["a", "b", "customers"]);
    let expr = Expr::compile("response.status == 200 and token and x.y > 1").unwrap();
    let names: Vec<String> = expr.variables().into_iter().collect();
    assert_eq!(names, ["token", "x"]);
}

fn render_json(value: serde_json::Value, vars: &Vars) -> serde_json::Value {
    let template = JsonTemplate::compile(&value).unwrap();
    template
        .render_value(&Scope::new(vars, VU, "checkout"))
        .unwrap()
}

#[test]
fn json_template_keeps_types() {
    let vars = vars();
    let out = render_json(
        json!({
            "order_id": "{{ order_id }}",
            "label": "order {{ order_id }}",
            "price": "{{ price }}",
            "user": "{{ user }}",
            "tags": "{{ user.tags }}",
            "nested": {"list": [1, "{{ name }}", {"deep": "{{ order_id + 1 }}"}], "fixed": true},
            "literal": {"a": [1, 2], "b": null},
            "key_{{ name }}": "x",
            "padded": " {{ order_id }}"
        }),
        &vars,
    );
    assert_eq!(
        out,
        json!({
            "order_id": 42,
            "label": "order 42",
            "price": 9.5,
            "user": {"id": 7, "tags": ["x", "y"]},
            "tags": ["x", "y"],
            "nested": {"list": [1, "ada", {"deep": 43}], "fixed": true},
            "literal": {"a": [1, 2], "b": null},
            "key_ada": "x",
            "padded": " 42"
        })
    );
}

#[test]
fn json_template_bytes_escape_strings_and_list_variables() {
    let mut vars = Vars::new();
    vars.set("q", Value::from("say \"hi\"\n"));
    let template = JsonTemplate::compile(&json!({"a": "<{{ q }}>", "b": "{{ q }}"})).unwrap();
    let mut out = Vec::new();
    template
        .render_into(&Scope::new(&vars, VU, "j"), &mut out)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"a":"<say \"hi\"\n>","b":"say \"hi\"\n"}"#
    );
    let names: Vec<String> = template.variables().into_iter().collect();
    assert_eq!(names, ["q"]);
}

#[test]
fn json_template_errors_carry_a_pointer_and_undefined_fails() {
    let err = JsonTemplate::compile(&json!({"items": [1, {"a/b": "{{ x +* }}"}]})).unwrap_err();
    assert_eq!(err.pointer, "/items/1/a~1b");
    assert_eq!(err.error.message, "syntax error: unexpected `*`");
    let template = JsonTemplate::compile(&json!({"id": "{{ missing }}"})).unwrap();
    let err = template
        .render_value(&Scope::new(&Vars::new(), VU, "j"))
        .unwrap_err();
    assert_eq!(err.to_string(), "variable `missing` is not set");
}

fn response_scope_eval(expr: &str, status: u16, body: &[u8]) -> Result<Value, String> {
    let mut headers = HeaderMap::new();
    headers.insert("X-Request-Id", "abc".parse().unwrap());
    let response = ResponseView::new(status, &headers, body, Duration::from_millis(5));
    let vars = vars();
    let scope = Scope::new(&vars, VU, "checkout").with_response(&response);
    Expr::compile(expr)
        .map_err(|e| e.to_string())?
        .eval(&scope)
        .map_err(|e| e.to_string())
}

#[test]
fn expressions_on_the_response() {
    let body = br#"{"status": "settled", "amount": 12.5, "items": [1, 2]}"#;
    let t = |expr: &str| response_scope_eval(expr, 200, body).unwrap().is_true();
    assert!(t("response.status == 200"));
    assert!(!t("response.status >= 400"));
    assert!(t("response.json.status == \"settled\""));
    assert!(!t("response.json.status == 'pending'"));
    assert!(t(
        "response.json.amount > 10 and response.json['items'] | length == 2"
    ));
    assert!(t("response.headers['x-request-id'] == 'abc'"));
    assert!(t("'settled' in response.body"));
    assert!(t("order_id == 42 and vu.id == 3"));
    assert_eq!(
        response_scope_eval("response.json.amount", 200, body).unwrap(),
        Value::from(12.5)
    );
    // Not JSON: response.json is none.
    assert!(
        response_scope_eval("response.json is none", 500, b"oops")
            .unwrap()
            .is_true()
    );
    assert_eq!(
        response_scope_eval("response.json.nope == 1", 200, body).unwrap_err(),
        "`response.json.nope` is undefined"
    );
}

#[test]
fn expression_without_response_and_is_true() {
    let vars = vars();
    let scope = Scope::new(&vars, VU, "j");
    assert!(
        Expr::compile("order_id > 40")
            .unwrap()
            .is_true(&scope)
            .unwrap()
    );
    assert!(
        !Expr::compile("name == 'bob'")
            .unwrap()
            .is_true(&scope)
            .unwrap()
    );
    assert_eq!(
        Expr::compile("token")
            .unwrap()
            .is_true(&scope)
            .unwrap_err()
            .to_string(),
        "variable `token` is not set"
    );
    assert_eq!(
        Expr::compile("response.status == 200")
            .unwrap()
            .eval(&scope)
            .unwrap_err()
            .to_string(),
        "`response` is not available here: no request has answered yet"
    );
    assert_eq!(Expr::compile("x").unwrap().source(), "x");
}

#[test]
fn compiled_pieces_are_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Template>();
    assert_send_sync::<JsonTemplate>();
    assert_send_sync::<Expr>();
    assert_send_sync::<starling_scenario::capture::Capture>();
    assert_send_sync::<starling_scenario::expect::Expect>();
}
