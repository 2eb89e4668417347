//! Faults of the target come back as typed transport errors, never panics.

mod common;

use std::time::Duration;

use common::{Conn, Server, client, get, ok, serve};
use starling_http::{ConnectCause, Phase, TransportError, TransportKind};
use tokio::net::TcpListener;

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = client();
    let error = client.session().send(&get(port, "/")).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Connect);
    assert!(
        matches!(
            error,
            TransportError::Connect {
                cause: ConnectCause::Refused,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("refused"), "{error}");
}

#[tokio::test]
async fn a_reset_mid_response_is_a_reset() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial")
                .await;
            let _ = conn.stream.set_zero_linger();
            drop(conn);
        }
    })
    .await;
    let client = client();
    let error = client
        .session()
        .send(&get(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Reset, "{error}");
    assert!(error.timings().ttfb > Duration::ZERO);
}

#[tokio::test]
async fn a_close_before_any_byte_on_a_fresh_connection_is_a_reset() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        let _ = conn.request().await;
    })
    .await;
    let client = client();
    let error = client
        .session()
        .send(&get(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Reset, "{error}");
    // No retry on a fresh connection.
    assert_eq!(server.accepted(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out_in_headers() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        let _ = conn.request().await;
        std::future::pending::<()>().await;
    })
    .await;
    let client = client();
    let mut request = get(server.port, "/");
    request.timeout = Duration::from_secs(2);
    let error = client.session().send(&request).await.unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                phase: Phase::Headers,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), TransportKind::Timeout);
    assert!(error.timings().total >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_slow_body_times_out_in_body() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                .await;
            std::future::pending::<()>().await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let mut request = get(server.port, "/");
    request.timeout = Duration::from_secs(2);
    let error = session.send(&request).await.unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                phase: Phase::Body,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        session.idle_connections(),
        0,
        "a timed-out connection is not kept"
    );
}

#[tokio::test]
async fn invalid_http_is_a_protocol_error() {
    let cases: [&[u8]; 5] = [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
    ];
    for (i, reply) in cases.into_iter().enumerate() {
        let server = serve(move |mut conn: Conn<_>, _| async move {
            if conn.request().await.is_some() {
                conn.send(reply).await;
            }
        })
        .await;
        let client = client();
        let error = client
            .session()
            .send(&get(server.port, "/"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), TransportKind::Protocol, "case {i}: {error}");
    }
}

#[tokio::test]
async fn an_oversized_head_is_a_protocol_error() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            let mut wire = b"HTTP/1.1 200 OK\r\n".to_vec();
            for i in 0..100 {
                wire.extend_from_slice(format!("X-{i}: {}\r\n", "v".repeat(1000)).as_bytes());
            }
            conn.send(&wire).await;
            std::future::pending::<()>().await;
        }
    })
    .await;
    let client = client();
    let error = client
        .session()
        .send(&get(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Protocol, "{error}");
}

#[tokio::test]
async fn a_large_but_valid_head_grows_the_buffer() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            let big = "v".repeat(30_000);
            conn.send(&ok("fine", &format!("X-Big: {big}\r\n"))).await;
        }
    })
    .await;
    let client = client();
    let response = client.session().send(&get(server.port, "/")).await.unwrap();
    assert_eq!(response.headers.get("x-big").map(<[u8]>::len), Some(30_000));
}

#[tokio::test]
async fn header_injection_is_refused_before_sending() {
    let client = client();
    let headers = [("X-Evil", "a\r\nHost: other")];
    let mut request = get(1, "/");
    request.headers = &headers;
    let error = client.session().send(&request).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::InvalidRequest);
}

#[tokio::test(start_paused = true)]
async fn a_full_accept_queue_times_out_in_connect() {
    // A listener that never accepts, with its queue filled: further SYNs
    // are dropped by the kernel and the connect hangs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let connect = tokio::net::TcpStream::connect(("127.0.0.1", port));
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_millis(100), connect).await {
            fillers.push(stream);
        }
    }
    let client = common::client_with(starling_http::ClientConfig {
        connect_timeout: Duration::from_secs(1),
        ..starling_http::ClientConfig::default()
    });
    let error = client.session().send(&get(port, "/")).await.unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                phase: Phase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.timings().connect.is_none());
    drop(listener);
}

/// Answers `fine` at once, except `/stall`, which it never answers.
async fn stall_server() -> Server {
    serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            if request.line().contains("/stall") {
                std::future::pending::<()>().await;
            }
            conn.send(&ok("fine", "")).await;
        }
    })
    .await
}

/// One session's deadline timer is reused from request to request: after
/// fast requests (each moving it later) a stalled one still times out at
/// its own deadline, and the next request gets a fresh, full deadline.
#[tokio::test(start_paused = true)]
async fn the_deadline_holds_for_every_request_of_a_session() {
    let server = stall_server().await;
    let client = client();
    let mut session = client.session();
    let mut fast = get(server.port, "/fast");
    fast.timeout = Duration::from_secs(5);
    for _ in 0..3 {
        assert_eq!(session.send(&fast).await.unwrap().status, 200);
        tokio::time::advance(Duration::from_secs(4)).await;
    }
    let mut stall = get(server.port, "/stall");
    stall.timeout = Duration::from_secs(2);
    let started = tokio::time::Instant::now();
    let error = session.send(&stall).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Timeout);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(3),
        "timed out after {took:?}"
    );
    // The earlier (longer) deadlines did not linger: a request after the
    // timeout runs to completion on a new connection.
    assert_eq!(session.send(&fast).await.unwrap().status, 200);
    assert_eq!(server.accepted(), 2);
}

/// The session keeps one timer armed from request to request: a request
/// with a shorter timeout than the one before it must still time out on
/// its own deadline, not the earlier, later one.
#[tokio::test(start_paused = true)]
async fn a_shorter_timeout_right_after_a_longer_one_holds() {
    let server = stall_server().await;
    let client = client();
    let mut session = client.session();
    let mut slow_ok = get(server.port, "/fast");
    slow_ok.timeout = Duration::from_secs(60);
    assert_eq!(session.send(&slow_ok).await.unwrap().status, 200);
    let mut stall = get(server.port, "/stall");
    stall.timeout = Duration::from_millis(500);
    let started = tokio::time::Instant::now();
    let error = session.send(&stall).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Timeout);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(1),
        "timed out after {took:?}"
    );
}
