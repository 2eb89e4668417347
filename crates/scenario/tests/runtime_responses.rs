//! Captures and expectations against response views, with the exact
//! messages users read in failure samples.

use std::time::Duration;

use http::HeaderMap;
use serde_json::json;
use starling_scenario::capture::JsonPath;
use starling_scenario::capture::{Capture, CaptureSource};
use starling_scenario::expect::{
    Expect, HeaderCondition, JsonCheck, JsonCondition, StatusMatch, StatusPattern,
};
use starling_scenario::expr::Expr;
use starling_scenario::response::ResponseView;
use starling_scenario::scope::{Scope, Vars, VuInfo};
use starling_scenario::template::Template;
use starling_scenario::value::Value;

fn text(source: &str) -> Template {
    Template::compile(source).unwrap()
}

fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("Content-Type", "application/json".parse().unwrap());
    headers.insert("Location", "/orders/42".parse().unwrap());
    headers
}

const BODY: &[u8] =
    br#"{"id": 42, "status": "pending", "user": {"name": "ada"}, "items": [{"id": 1}, {"id": 2}], "total": 0}"#;

fn capture(source: CaptureSource, status: u16, body: &[u8]) -> Result<Value, String> {
    let headers = headers();
    let response = ResponseView::new(status, &headers, body, Duration::from_millis(3));
    Capture::new("v", source)
        .extract(&response)
        .map_err(|e| e.to_string())
}

#[test]
fn captures_by_json_path_keep_types() {
    let path = |p: &str| CaptureSource::json_path(p).unwrap();
    assert_eq!(capture(path("$.id"), 201, BODY).unwrap(), Value::from(42));
    assert_eq!(
        capture(path("$.status"), 201, BODY).unwrap(),
        Value::from("pending")
    );
    let user = capture(path("$.user"), 201, BODY).unwrap();
    assert_eq!(user.get_attr("name").unwrap(), Value::from("ada"));
    // Several nodes: a list of them.
    let ids = capture(path("$.items[*].id"), 201, BODY).unwrap();
    assert_eq!(ids.to_string(), "[1, 2]");
}

#[test]
fn captures_header_regex_and_status() {
    assert_eq!(
        capture(CaptureSource::header("LOCATION"), 201, BODY).unwrap(),
        Value::from("/orders/42")
    );
    assert_eq!(
        capture(
            CaptureSource::regex(r#""name": "(\w+)""#, 1).unwrap(),
            200,
            BODY
        )
        .unwrap(),
        Value::from("ada")
    );
    assert_eq!(
        capture(CaptureSource::regex(r"\d+", 0).unwrap(), 200, BODY).unwrap(),
        Value::from("42")
    );
    assert_eq!(
        capture(CaptureSource::status(), 204, b"").unwrap(),
        Value::from(204)
    );
}

#[test]
fn capture_errors_say_what_was_missing() {
    let path = |p: &str| CaptureSource::json_path(p).unwrap();
    assert_eq!(
        capture(path("$.id"), 502, b"<html>Bad gateway</html>").unwrap_err(),
        "body is not JSON"
    );
    assert_eq!(
        capture(path("$.nope"), 200, BODY).unwrap_err(),
        "`$.nope` matched nothing in the JSON body"
    );
    assert_eq!(
        capture(CaptureSource::header("x-token"), 200, BODY).unwrap_err(),
        "no `x-token` header in the response"
    );
    assert_eq!(
        capture(CaptureSource::regex("token=(\\w+)", 1).unwrap(), 200, BODY).unwrap_err(),
        "regex `token=(\\w+)` matched nothing in the body"
    );
    assert_eq!(
        capture(CaptureSource::regex("(a)|(b)", 2).unwrap(), 200, b"a").unwrap_err(),
        "regex `(a)|(b)` matched, but its group 2 did not"
    );
}

#[test]
fn capture_compile_errors_are_located() {
    let source = "$.items[?";
    let err = CaptureSource::json_path(source).unwrap_err();
    assert!(
        err.message.starts_with("invalid JSONPath: "),
        "{}",
        err.message
    );
    assert!(err.offset <= source.len());
    let err = CaptureSource::json_path("id").unwrap_err();
    assert_eq!(err.offset, 0);

    let source = "id=(\\d+";
    let err = CaptureSource::regex(source, 1).unwrap_err();
    assert_eq!(err.message, "invalid regex: unclosed group");
    assert_eq!(&source[err.offset..err.offset + err.len], "(");
    let err = CaptureSource::regex("id=(\\d+)", 2).unwrap_err();
    assert_eq!(
        err.message,
        "the regex has 1 group(s), so there is no group 2"
    );
}

fn check(expect: &Expect, status: u16, body: &[u8], elapsed: Duration) -> Result<(), String> {
    let headers = headers();
    let response = ResponseView::new(status, &headers, body, elapsed);
    let vars = Vars::new();
    let scope = Scope::new(&vars, VuInfo::default(), "checkout");
    expect.check(&response, &scope).map_err(|e| e.to_string())
}

const FAST: Duration = Duration::from_millis(20);

#[test]
fn status_default_code_list_and_class() {
    let default = Expect::default();
    assert!(check(&default, 200, b"", FAST).is_ok());
    assert!(check(&default, 302, b"", FAST).is_ok());
    assert_eq!(
        check(&default, 404, b"", FAST).unwrap_err(),
        "status 404, expected below 400"
    );

    let created = Expect {
        status: StatusMatch::code(201),
        ..Expect::default()
    };
    assert!(check(&created, 201, b"", FAST).is_ok());
    assert_eq!(
        check(&created, 500, b"", FAST).unwrap_err(),
        "status 500, expected 201"
    );

    let list = Expect {
        status: StatusMatch::any_of([
            StatusPattern::Code(200),
            StatusPattern::Code(201),
            StatusPattern::parse("3xx").unwrap(),
        ]),
        ..Expect::default()
    };
    assert!(check(&list, 201, b"", FAST).is_ok());
    assert!(check(&list, 304, b"", FAST).is_ok());
    assert_eq!(
        check(&list, 202, b"", FAST).unwrap_err(),
        "status 202, expected 200, 201 or 3xx"
    );

    let class = Expect {
        status: StatusMatch::class("2xx").unwrap(),
        ..Expect::default()
    };
    assert!(check(&class, 204, b"", FAST).is_ok());
    assert_eq!(
        check(&class, 404, b"", FAST).unwrap_err(),
        "status 404, expected 2xx"
    );
    for bad in ["6xx", "99", "2x", "abc", "600"] {
        assert!(StatusPattern::parse(bad).is_err(), "{bad}");
    }
}

fn json_condition(path: &str, check: JsonCheck) -> Expect {
    Expect {
        json: vec![JsonCondition {
            path: JsonPath::compile(path).unwrap(),
            check,
        }],
        ..Expect::default()
    }
}

#[test]
fn json_exists_equals_and_conditions() {
    let exists = json_condition("$.id", JsonCheck::Exists);
    assert!(check(&exists, 201, BODY, FAST).is_ok());
    assert_eq!(
        check(
            &json_condition("$.receipt", JsonCheck::Exists),
            201,
            BODY,
            FAST
        )
        .unwrap_err(),
        "`$.receipt` matched nothing in the JSON body"
    );
    assert_eq!(
        check(&exists, 200, b"not json", FAST).unwrap_err(),
        "`$.id` cannot be checked: body is not JSON"
    );

    let settled = json_condition("$.status", JsonCheck::Equals(json!("settled")));
    assert_eq!(
        check(&settled, 200, BODY, FAST).unwrap_err(),
        "`$.status` is \"pending\", expected \"settled\""
    );
    let id = json_condition("$.id", JsonCheck::Equals(json!(42)));
    assert!(check(&id, 200, BODY, FAST).is_ok());

    let positive = json_condition(
        "$.total",
        JsonCheck::Satisfies(Expr::compile("value > 0").unwrap()),
    );
    assert_eq!(
        check(&positive, 200, BODY, FAST).unwrap_err(),
        "`$.total` is 0, expected `value > 0`"
    );
    let two_items = json_condition(
        "$.items",
        JsonCheck::Satisfies(
            Expr::compile("value | length == 2 and response.status == 200").unwrap(),
        ),
    );
    assert!(check(&two_items, 200, BODY, FAST).is_ok());
    let broken = json_condition(
        "$.id",
        JsonCheck::Satisfies(Expr::compile("value > limit").unwrap()),
    );
    assert_eq!(
        check(&broken, 200, BODY, FAST).unwrap_err(),
        "`value > limit` on `$.id` failed: variable `limit` is not set"
    );
}

#[test]
fn body_contains_headers_and_max_duration() {
    let contains = Expect {
        body_contains: vec![text("pending"), text("settled")],
        ..Expect::default()
    };
    assert_eq!(
        check(&contains, 200, BODY, FAST).unwrap_err(),
        "body does not contain \"settled\""
    );

    let header = Expect {
        headers: vec![
            HeaderCondition::present("Location"),
            HeaderCondition::equals("content-type", text("application/json")),
        ],
        ..Expect::default()
    };
    assert!(check(&header, 200, BODY, FAST).is_ok());
    let missing = Expect {
        headers: vec![HeaderCondition::present("X-Trace")],
        ..Expect::default()
    };
    assert_eq!(
        check(&missing, 200, BODY, FAST).unwrap_err(),
        "header `x-trace` is missing"
    );
    let wrong = Expect {
        headers: vec![HeaderCondition::equals("Content-Type", text("text/html"))],
        ..Expect::default()
    };
    assert_eq!(
        check(&wrong, 200, BODY, FAST).unwrap_err(),
        "header `content-type` is \"application/json\", expected \"text/html\""
    );

    let quick = Expect {
        max_duration: Some(Duration::from_secs(1)),
        ..Expect::default()
    };
    assert!(check(&quick, 200, BODY, Duration::from_millis(999)).is_ok());
    assert_eq!(
        check(&quick, 200, BODY, Duration::from_millis(1200)).unwrap_err(),
        "took 1.2s, max_duration 1s"
    );
    let tight = Expect {
        max_duration: Some(Duration::from_millis(500)),
        ..Expect::default()
    };
    assert_eq!(
        check(&tight, 200, BODY, Duration::from_micros(812_500)).unwrap_err(),
        "took 812.5ms, max_duration 500ms"
    );
}

#[test]
fn status_is_checked_first() {
    let expect = Expect {
        status: StatusMatch::code(200),
        body_contains: vec![text("x")],
        max_duration: Some(Duration::from_millis(1)),
        ..Expect::default()
    };
    assert_eq!(
        check(&expect, 503, b"", Duration::from_secs(2)).unwrap_err(),
        "status 503, expected 200"
    );
}
