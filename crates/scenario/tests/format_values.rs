//! The format's value parsers that the CLI reuses for its flags.

use std::time::Duration;

use starling_scenario::{BaseUrl, Scheme, parse_duration};

#[test]
fn durations_parse_as_in_scenarios() {
    assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
    assert_eq!(
        parse_duration("10").unwrap_err().to_string(),
        "invalid duration `10`: missing unit (`ms`, `s`, `m` or `h`)"
    );
}

#[test]
fn base_urls_parse_as_targets() {
    let url = BaseUrl::parse("http://127.0.0.1:8000/api/").unwrap();
    assert_eq!(
        url,
        BaseUrl {
            scheme: Scheme::Http,
            host: "127.0.0.1".into(),
            port: 8000,
            prefix: "/api".into()
        }
    );
    assert_eq!(
        BaseUrl::parse("127.0.0.1:8000").unwrap_err().to_string(),
        "invalid base URL `127.0.0.1:8000`: expected `http://` or `https://`"
    );
}
