//! The cookie jar is bounded like a browser's (issue 17, item 9): a server
//! that sets 100 new cookies on every response once grew each request to
//! 768 KB and the process to 299 MB in ten seconds.

mod common;

use common::{Conn, client, get, ok, serve};
use starling_http::{MAX_COOKIE_BYTES, MAX_COOKIES_PER_DOMAIN};

/// The `Cookie` header a server received, as (name, value) pairs.
fn pairs(header: &str) -> Vec<(String, String)> {
    if header == "-" {
        return Vec::new();
    }
    header
        .split("; ")
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_server_setting_100_new_cookies_per_response_gets_a_bounded_cookie_header() {
    // Response n sets r{n}_0 .. r{n}_99 and echoes the Cookie header it got.
    let server = serve(|mut conn: Conn<_>, _| async move {
        let mut n = 0;
        while let Some(request) = conn.request().await {
            let seen = request.header("cookie").unwrap_or("-").to_string();
            let sets: String = (0..100)
                .map(|i| format!("Set-Cookie: r{n}_{i}={}\r\n", "v".repeat(40)))
                .collect();
            conn.send(&ok(&seen, &sets)).await;
            n += 1;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let mut largest = 0;
    for n in 0..20 {
        let response = session.send(&get(server.port, "/")).await.unwrap();
        let header = String::from_utf8(response.body.to_vec()).unwrap();
        let cookies = pairs(&header);
        if n == 0 {
            assert!(cookies.is_empty(), "{header}");
            continue;
        }
        // The jar is full, and holds the most recent response's cookies:
        // the oldest were evicted, not the newest refused.
        assert_eq!(cookies.len(), MAX_COOKIES_PER_DOMAIN, "request {n}");
        let last = n - 1;
        assert!(
            cookies
                .iter()
                .all(|(name, _)| name.starts_with(&format!("r{last}_"))),
            "request {n} sent cookies older than the last response's: {header}"
        );
        largest = largest.max(header.len());
    }
    assert!(
        largest <= MAX_COOKIES_PER_DOMAIN * (MAX_COOKIE_BYTES + 2),
        "{largest} bytes"
    );
    // 50 cookies of about 48 bytes: far from the 100 x 20 of an unbounded jar.
    assert!(largest < 3_000, "{largest} bytes");
    assert_eq!(session.cookies().iter_any().count(), MAX_COOKIES_PER_DOMAIN);
}

#[tokio::test]
async fn a_cookie_over_4096_bytes_is_not_kept() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let seen = request.header("cookie").unwrap_or("-").to_string();
            let sets = format!(
                "Set-Cookie: big={}\r\nSet-Cookie: small=1\r\n",
                "x".repeat(MAX_COOKIE_BYTES)
            );
            conn.send(&ok(&seen, &sets)).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    session.send(&get(server.port, "/")).await.unwrap();
    let response = session.send(&get(server.port, "/")).await.unwrap();
    assert_eq!(&response.body[..], b"small=1");
}
