//! Cookies and redirects across requests of one session.

mod common;

use common::{Conn, client, client_with, get, ok, serve};
use starling_http::{ClientConfig, Request, Scheme, TransportError, TransportKind};

#[tokio::test]
async fn a_cookie_set_by_one_response_is_sent_on_the_next_but_not_to_other_hosts() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let seen = request.header("cookie").unwrap_or("-").to_string();
            let extra = if request.line().contains("/login") {
                "Set-Cookie: session=abc; Path=/\r\nSet-Cookie: theme=dark\r\n"
            } else {
                ""
            };
            conn.send(&ok(&seen, extra)).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let first = session.send(&get(server.port, "/login")).await.unwrap();
    assert_eq!(&first.body[..], b"-");
    let second = session.send(&get(server.port, "/cart")).await.unwrap();
    let sent = String::from_utf8(second.body.to_vec()).unwrap();
    assert!(
        sent.contains("session=abc") && sent.contains("theme=dark"),
        "{sent}"
    );
    assert!(
        session
            .cookies()
            .iter_unexpired()
            .any(|c| c.name() == "session" && c.value() == "abc")
    );

    // Same machine, other host name: host-only cookies stay home.
    let mut other = get(server.port, "/cart");
    other.host = "localhost";
    let third = session.send(&other).await.unwrap();
    assert_eq!(&third.body[..], b"-");

    // Another session has its own jar.
    let fresh = client
        .session()
        .send(&get(server.port, "/cart"))
        .await
        .unwrap();
    assert_eq!(&fresh.body[..], b"-");
}

fn redirect(status: u16, location: &str, extra: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 3\r\n{extra}\r\nbye"
    )
    .into_bytes()
}

#[tokio::test]
async fn redirects_are_followed_and_counted() {
    let target = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let seen = format!(
                "{} cookie={} auth={}",
                request.line(),
                request.header("cookie").unwrap_or("-"),
                request.header("authorization").unwrap_or("-")
            );
            conn.send(&ok(&seen, "")).await;
        }
    })
    .await;
    let target_port = target.port;
    let server = serve(move |mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let path = request.line().split(' ').nth(1).unwrap_or("").to_string();
            let reply = match path.as_str() {
                "/a" => redirect(302, "/b", "Set-Cookie: hop=1\r\n"),
                "/b" => redirect(301, "c?x=1", ""),
                "/c?x=1" => ok(
                    &format!("{} body={}", request.line(), request.body.len()),
                    "",
                ),
                "/post" => redirect(303, "/c?x=1", ""),
                "/keep" => redirect(307, "/c?x=1", ""),
                "/away" => redirect(302, &format!("http://localhost:{target_port}/there"), ""),
                "/loop" => redirect(302, "/loop", ""),
                _ => ok("?", ""),
            };
            conn.send(&reply).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();

    let response = session.send(&get(server.port, "/a")).await.unwrap();
    assert_eq!((response.status, response.redirects), (200, 2));
    assert_eq!(&response.body[..], b"GET /c?x=1 HTTP/1.1 body=0");
    assert!(
        session
            .cookies()
            .iter_unexpired()
            .any(|c| c.name() == "hop")
    );

    let mut post = Request::new("POST", Scheme::Http, "127.0.0.1", server.port, "/post");
    post.body = b"form";
    let response = session.send(&post).await.unwrap();
    assert_eq!(&response.body[..], b"GET /c?x=1 HTTP/1.1 body=0");
    post.path_and_query = "/keep";
    let response = session.send(&post).await.unwrap();
    assert_eq!(&response.body[..], b"POST /c?x=1 HTTP/1.1 body=4");

    // To another origin: followed, credentials and host-only cookies stay.
    let headers = [("Authorization", "Bearer t")];
    let mut away = get(server.port, "/away");
    away.headers = &headers;
    let response = session.send(&away).await.unwrap();
    assert_eq!(response.redirects, 1);
    assert_eq!(&response.body[..], b"GET /there HTTP/1.1 cookie=- auth=-");
    assert!(response.timings.connect.is_some());

    let error = session.send(&get(server.port, "/loop")).await.unwrap_err();
    assert!(
        matches!(error, TransportError::TooManyRedirects { max: 10, .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), TransportKind::Redirects);

    // With redirects off, the 3xx itself is the response.
    let manual = client_with(ClientConfig {
        max_redirects: 0,
        ..ClientConfig::default()
    });
    let response = manual
        .session()
        .send(&get(server.port, "/a"))
        .await
        .unwrap();
    assert_eq!((response.status, response.redirects), (302, 0));
    assert_eq!(response.headers.get_str("location"), Some("/b"));
}

#[tokio::test]
async fn the_redirect_limit_counts_hops() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let path = request.line().split(' ').nth(1).unwrap_or("/0").to_string();
            let n: u32 = path.trim_start_matches('/').parse().unwrap_or(0);
            let reply = if n < 3 {
                redirect(302, &format!("/{}", n + 1), "")
            } else {
                ok("end", "")
            };
            conn.send(&reply).await;
        }
    })
    .await;
    let three = client_with(ClientConfig {
        max_redirects: 3,
        ..ClientConfig::default()
    });
    let response = three.session().send(&get(server.port, "/0")).await.unwrap();
    assert_eq!((response.redirects, &response.body[..]), (3, &b"end"[..]));
    let two = client_with(ClientConfig {
        max_redirects: 2,
        ..ClientConfig::default()
    });
    let error = two
        .session()
        .send(&get(server.port, "/0"))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        TransportError::TooManyRedirects { max: 2, .. }
    ));
}
