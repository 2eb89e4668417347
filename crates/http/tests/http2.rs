//! HTTP/2: chosen by ALPN on https, required or refused by the setting, h2c
//! with prior knowledge on plain http; bodies, gzip, cookies and redirects
//! as for HTTP/1.1; one connection per session and origin.

mod common;

use std::io::Write;

use common::http2_server::{H2_AND_H1, Reply, Transport, h2_client, http, https, listen, serve_h2};
use common::{Conn, ok, serve};
use flate2::{Compression, write::GzEncoder};
use starling_http::{ClientConfig, HttpVersion, Protocol, Request, Scheme, TransportKind};

fn with(version: HttpVersion) -> ClientConfig {
    ClientConfig {
        http_version: version,
        ..ClientConfig::default()
    }
}

/// Echoes what the server saw of the request.
fn echo(seen: common::http2_server::Seen) -> Reply {
    let text = format!(
        "{} {} {} authority={} host={} ua={} ae={} cl={} conn={} body={}",
        seen.parts.method,
        seen.parts.uri.scheme_str().unwrap_or("-"),
        seen.path(),
        seen.parts.uri.authority().map_or("-", |a| a.as_str()),
        seen.header("host").unwrap_or("-"),
        seen.header("user-agent").unwrap_or("-"),
        seen.header("accept-encoding").unwrap_or("-"),
        seen.header("content-length").unwrap_or("-"),
        seen.header("connection").unwrap_or("-"),
        String::from_utf8_lossy(&seen.body),
    );
    Reply::ok(text).header("x-served", "h2")
}

#[tokio::test]
async fn auto_speaks_http2_when_the_tls_server_picks_it_on_one_connection() {
    let server = serve_h2(H2_AND_H1, echo).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    for i in 0..4 {
        let path = format!("/n/{i}?q=1");
        let response = session.send(&https(server.port, &path)).await.unwrap();
        assert_eq!(response.version, Protocol::Http2);
        assert_eq!(response.status, 200);
        assert_eq!(response.headers.get_str("x-served"), Some("h2"));
        let expected = format!(
            "GET https {path} authority=localhost:{} host=- ua=starling/{} ae=gzip cl=- conn=- body=",
            server.port,
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(String::from_utf8_lossy(&response.body), expected);
        assert_eq!(response.body_len, expected.len() as u64);
        assert_eq!(response.timings.tls.is_some(), i == 0, "request {i}");
        assert!(response.bytes_sent > 0 && response.bytes_received > 0);
        assert!(response.timings.ttfb > std::time::Duration::ZERO);
    }
    assert_eq!(server.accepted(), 1);
    assert_eq!(session.idle_connections(), 1);

    // A request that cannot be sent costs no connection.
    let headers = [("X-Evil", "a\r\nb: c")];
    let mut bad = https(server.port, "/");
    bad.headers = &headers;
    let error = session.send(&bad).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::InvalidRequest, "{error}");
    assert_eq!(session.idle_connections(), 1);
    session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn a_body_and_the_users_headers_go_as_http2_allows() {
    let server = serve_h2(H2_AND_H1, echo).await;
    let client = h2_client(ClientConfig::default());
    let headers = [
        ("Host", "localhost"),
        ("Connection", "keep-alive"),
        ("Transfer-Encoding", "identity"),
        ("X-Trace", "abc"),
    ];
    let mut request = Request::new("POST", Scheme::Https, "localhost", server.port, "/p");
    request.headers = &headers;
    request.body = b"payload";
    let response = client.session().send(&request).await.unwrap();
    let text = String::from_utf8_lossy(&response.body).into_owned();
    assert!(
        text.starts_with("POST https /p authority=localhost host=- "),
        "{text}"
    );
    assert!(text.ends_with("cl=7 conn=- body=payload"), "{text}");

    // A body larger than the initial 64 KiB windows is sent whole.
    let big = vec![b'b'; 300_000];
    let mut request = Request::new("PUT", Scheme::Https, "localhost", server.port, "/big");
    request.body = &big;
    let response = client.session().send(&request).await.unwrap();
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let (before, body) = text.split_once(" body=").unwrap();
    assert!(before.ends_with("cl=300000 conn=-"), "{before}");
    assert_eq!(body.as_bytes(), &big[..]);

    // `Connection: close` is not sent, but the connection is not kept.
    let mut session = client.session();
    let headers = [("Connection", "close")];
    let mut request = https(server.port, "/c");
    request.headers = &headers;
    let response = session.send(&request).await.unwrap();
    assert!(String::from_utf8_lossy(&response.body).contains("conn=- "));
    assert_eq!(session.idle_connections(), 0);
}

#[tokio::test]
async fn auto_speaks_http1_when_the_tls_server_offers_only_http1() {
    let server = listen(Transport::Tls(&[b"http/1.1"]), |io, _| async move {
        let mut conn = Conn::new(io);
        while let Some(request) = conn.request().await {
            conn.send(&ok(request.line(), "")).await;
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let response = client
        .session()
        .send(&https(server.port, "/one"))
        .await
        .unwrap();
    assert_eq!(response.version, Protocol::Http11);
    assert_eq!(&response.body[..], b"GET /one HTTP/1.1");
}

#[tokio::test]
async fn http1_never_offers_h2() {
    // This server speaks only HTTP/2 when asked, and HTTP/1.1 otherwise.
    let server = listen(H2_AND_H1, |io, _| async move {
        let mut conn = Conn::new(io);
        while let Some(request) = conn.request().await {
            conn.send(&ok(request.line(), "")).await;
        }
    })
    .await;
    let client = h2_client(with(HttpVersion::Http1));
    let response = client
        .session()
        .send(&https(server.port, "/one"))
        .await
        .unwrap();
    assert_eq!(response.version, Protocol::Http11);
    assert_eq!(&response.body[..], b"GET /one HTTP/1.1");
}

#[tokio::test]
async fn http2_required_fails_clearly_when_the_tls_server_does_not_agree() {
    // Without ALPN at all: the handshake succeeds, HTTP/2 was not agreed.
    let server = listen(Transport::Tls(&[]), |io, _| async move {
        let mut conn = Conn::new(io);
        while let Some(request) = conn.request().await {
            conn.send(&ok(request.line(), "")).await;
        }
    })
    .await;
    let client = h2_client(with(HttpVersion::Http2));
    let error = client
        .session()
        .send(&https(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Protocol, "{error}");
    assert!(
        error.to_string().contains("did not agree to HTTP/2"),
        "{error}"
    );

    // With ALPN but only http/1.1: the server refuses the handshake.
    let server = listen(Transport::Tls(&[b"http/1.1"]), |_, _| async move {}).await;
    let error = client
        .session()
        .send(&https(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Tls, "{error}");
    assert!(
        error
            .to_string()
            .contains("none of the protocols offered by ALPN (h2)"),
        "{error}"
    );
}

#[tokio::test]
async fn h2c_with_prior_knowledge_on_plain_http() {
    let server = serve_h2(Transport::Plain, echo).await;
    let client = h2_client(with(HttpVersion::Http2));
    let mut session = client.session();
    for _ in 0..3 {
        let response = session.send(&http(server.port, "/plain")).await.unwrap();
        assert_eq!(response.version, Protocol::Http2);
        let text = String::from_utf8_lossy(&response.body).into_owned();
        assert!(
            text.starts_with(&format!(
                "GET http /plain authority=127.0.0.1:{}",
                server.port
            )),
            "{text}"
        );
    }
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn auto_on_plain_http_speaks_http1_without_the_h2_preface() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            conn.send(&ok(request.line(), "")).await;
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let response = client
        .session()
        .send(&http(server.port, "/"))
        .await
        .unwrap();
    assert_eq!(response.version, Protocol::Http11);
    assert_eq!(&response.body[..], b"GET / HTTP/1.1");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_kept_to_the_limit() {
    let wire = gzip(&pattern(200_000));
    let wire_len = wire.len() as u64;
    let server = serve_h2(H2_AND_H1, move |seen| {
        assert_eq!(seen.header("accept-encoding"), Some("gzip"));
        Reply::ok(wire.clone()).header("content-encoding", "gzip")
    })
    .await;
    let whole = h2_client(ClientConfig::default());
    let response = whole
        .session()
        .send(&https(server.port, "/"))
        .await
        .unwrap();
    assert_eq!(response.body, pattern(200_000));
    assert_eq!(response.body_len, wire_len);

    let small = h2_client(ClientConfig {
        keep_body_bytes: 1000,
        ..ClientConfig::default()
    });
    let response = small
        .session()
        .send(&https(server.port, "/"))
        .await
        .unwrap();
    assert_eq!(response.body, pattern(1000));
    assert_eq!(response.body_len, wire_len);
}

#[tokio::test]
async fn a_ten_megabyte_body_flows_and_is_kept_to_the_limit() {
    const LEN: usize = 10 * 1000 * 1000;
    let server = serve_h2(H2_AND_H1, |_| Reply::ok(vec![b'x'; LEN])).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    for _ in 0..2 {
        let response = session.send(&https(server.port, "/big")).await.unwrap();
        assert_eq!(response.body.len(), 1024 * 1024);
        assert_eq!(response.body_len, LEN as u64);
        assert!(response.bytes_received > LEN as u64);
    }
    // The connection survived the big bodies (flow control was given back).
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn head_and_204_have_no_body() {
    let server = serve_h2(H2_AND_H1, |seen| match seen.path() {
        "/none" => Reply::ok("").status(204),
        _ => Reply::ok("").header("content-length", "5"),
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    let mut head = https(server.port, "/x");
    head.method = "HEAD";
    let response = session.send(&head).await.unwrap();
    assert_eq!((response.status, response.body_len), (200, 0));
    let response = session.send(&https(server.port, "/none")).await.unwrap();
    assert_eq!((response.status, response.body_len), (204, 0));
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn cookies_and_redirects_work_as_on_http1() {
    let server = serve_h2(H2_AND_H1, |seen| {
        let cookie = seen.header("cookie").unwrap_or("-").to_owned();
        match seen.path() {
            "/login" => Reply::ok("in").header("set-cookie", "session=abc; Path=/"),
            "/a" => Reply::ok("moved")
                .status(302)
                .header("location", "/b")
                .header("set-cookie", "hop=1; Path=/"),
            "/b" => Reply::ok(format!("b cookie={cookie}")),
            _ => Reply::ok(format!("cookie={cookie}")),
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    let first = session.send(&https(server.port, "/login")).await.unwrap();
    assert_eq!(&first.body[..], b"in");
    let second = session.send(&https(server.port, "/cart")).await.unwrap();
    assert_eq!(&second.body[..], b"cookie=session=abc");

    let moved = session.send(&https(server.port, "/a")).await.unwrap();
    assert_eq!((moved.status, moved.redirects), (200, 1));
    assert_eq!(moved.version, Protocol::Http2);
    let text = String::from_utf8_lossy(&moved.body).into_owned();
    assert!(
        text.starts_with("b cookie=") && text.contains("session=abc") && text.contains("hop=1"),
        "{text}"
    );
    assert_eq!(server.accepted(), 1);
}
