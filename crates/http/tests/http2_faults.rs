//! HTTP/2 faults: a connection the server closed or sent away while idle is
//! replaced, one that fails before the response head is retried once, and
//! resets, protocol violations and silence come back as typed errors.

mod common;

use std::future::poll_fn;
use std::sync::Arc;
use std::time::Duration;

use common::http2_server::{H2_AND_H1, Reply, ServerConn, answer, h2_client, https, listen};
use common::{Conn, serve};
use h2::Reason;
use starling_http::{ClientConfig, HttpVersion, Phase, Protocol, TransportError, TransportKind};
use tokio::sync::Notify;

/// Answers the first request of `conn`, lets the answer go out, and
/// returns the connection (a request that came meanwhile stays queued).
async fn answer_first(mut conn: ServerConn) -> ServerConn {
    if let Some(Ok((request, respond))) = conn.accept().await {
        let (done, answered) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            answer(request, respond, |_| Reply::ok("first")).await;
            let _ = done.send(());
        });
        // `poll_closed` drives the connection without accepting streams.
        tokio::select! {
            _ = answered => {}
            _ = poll_fn(|cx| conn.poll_closed(cx)) => {}
        }
        // Writes out what the answer queued.
        let flush = poll_fn(|cx| conn.poll_closed(cx));
        let _ = tokio::time::timeout(Duration::from_millis(50), flush).await;
    }
    conn
}

/// Answers every request of `conn`.
async fn answer_rest(mut conn: ServerConn, body: &'static str) {
    while let Some(Ok((request, respond))) = conn.accept().await {
        tokio::spawn(answer(request, respond, move |_| Reply::ok(body)));
    }
}

#[tokio::test]
async fn a_connection_closed_while_idle_is_replaced() {
    let closed = Arc::new(Notify::new());
    let signal = Arc::clone(&closed);
    let server = listen(H2_AND_H1, move |io, index| {
        let signal = Arc::clone(&signal);
        async move {
            let conn = h2::server::handshake(io).await.unwrap();
            if index == 0 {
                drop(answer_first(conn).await);
                signal.notify_one();
            } else {
                answer_rest(conn, "second").await;
            }
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    let first = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(&first.body[..], b"first");
    closed.notified().await;
    let second = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(&second.body[..], b"second");
    assert_eq!(second.version, Protocol::Http2);
    assert!(second.timings.connect.is_some());
    assert_eq!(server.accepted(), 2);
}

/// A server whose first connection answers one request, then sends a
/// GOAWAY (signalling `gone`) and answers what still comes with "late";
/// later connections answer "second".
async fn goaway_after_the_first_answer(gone: Arc<Notify>) -> common::http2_server::H2Server {
    listen(H2_AND_H1, move |io, index| {
        let gone = Arc::clone(&gone);
        async move {
            let conn = h2::server::handshake(io).await.unwrap();
            if index == 0 {
                let mut conn = answer_first(conn).await;
                conn.abrupt_shutdown(Reason::NO_ERROR);
                gone.notify_one();
                answer_rest(conn, "late").await;
            } else {
                answer_rest(conn, "second").await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_goaway_while_idle_sends_the_next_request_on_a_fresh_connection() {
    let gone = Arc::new(Notify::new());
    let server = goaway_after_the_first_answer(Arc::clone(&gone)).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    gone.notified().await;
    // Let the GOAWAY reach the client's socket.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(&second.body[..], b"second");
    assert_eq!(server.accepted(), 2);
}

/// A user without think time sends its next request at once, and a
/// connection answered that recently is reused without a look at what the
/// server sent since: a GOAWAY right behind the answer must still cost no
/// request, met by the retry on a fresh connection.
#[tokio::test]
async fn a_goaway_right_behind_the_answer_loses_no_request() {
    let server = goaway_after_the_first_answer(Arc::new(Notify::new())).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    for _ in 0..3 {
        let next = session.send(&https(server.port, "/")).await.unwrap();
        assert_eq!(&next.body[..], b"second");
    }
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_graceful_shutdown_between_requests_loses_no_request() {
    let server = listen(H2_AND_H1, |io, index| async move {
        let conn = h2::server::handshake(io).await.unwrap();
        if index == 0 {
            let mut conn = answer_first(conn).await;
            conn.graceful_shutdown();
            answer_rest(conn, "old").await;
        } else {
            answer_rest(conn, "new").await;
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..3 {
        let response = session.send(&https(server.port, "/")).await.unwrap();
        assert_eq!(response.status, 200);
        assert!(&response.body[..] == b"old" || &response.body[..] == b"new");
    }
    assert!(server.accepted() <= 2);
}

#[tokio::test]
async fn a_connection_dropped_before_the_response_head_is_retried_once() {
    let server = listen(H2_AND_H1, |io, index| async move {
        let conn = h2::server::handshake(io).await.unwrap();
        if index == 0 {
            let mut conn = answer_first(conn).await;
            // The second request arrives; the server goes away without a
            // word (no RST_STREAM: the connection goes first).
            let held = conn.accept().await;
            drop(conn);
            drop(held);
        } else {
            answer_rest(conn, "retried").await;
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    let second = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(&second.body[..], b"retried");
    assert!(second.timings.connect.is_some());
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn the_retry_happens_only_once() {
    let server = listen(H2_AND_H1, |io, index| async move {
        let conn = h2::server::handshake(io).await.unwrap();
        let mut conn = if index == 0 {
            answer_first(conn).await
        } else {
            conn
        };
        let held = conn.accept().await;
        drop(conn);
        drop(held);
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    let error = session.send(&https(server.port, "/")).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Reset, "{error}");
    assert_eq!(server.accepted(), 2);
    assert_eq!(session.idle_connections(), 0);
}

/// Answers requests in order: the first normally, the second with `second`.
async fn first_ok_then(second: Reply) -> common::http2_server::H2Server {
    listen(H2_AND_H1, move |io, index| {
        let second = second.clone();
        async move {
            let mut conn = h2::server::handshake(io).await.unwrap();
            let mut n = 0;
            while let Some(Ok((request, respond))) = conn.accept().await {
                let reply = if index == 0 && n == 1 {
                    second.clone()
                } else {
                    Reply::ok(format!("conn {index} request {n}"))
                };
                tokio::spawn(answer(request, respond, move |_| reply));
                n += 1;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_stream_reset_by_the_server_is_a_reset_error_not_retried() {
    let server = first_ok_then(Reply::reset(Reason::INTERNAL_ERROR)).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    let error = session.send(&https(server.port, "/")).await.unwrap_err();
    assert!(matches!(error, TransportError::Reset { .. }), "{error:?}");
    assert!(error.to_string().contains("INTERNAL_ERROR"), "{error}");
    assert_eq!(server.accepted(), 1);
    // The connection itself is fine, but a failed exchange never keeps it.
    let third = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(third.status, 200);
}

#[tokio::test]
async fn a_refused_stream_is_retried_on_a_fresh_connection() {
    let server = first_ok_then(Reply::reset(Reason::REFUSED_STREAM)).await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    session.send(&https(server.port, "/")).await.unwrap();
    let second = session.send(&https(server.port, "/")).await.unwrap();
    assert_eq!(&second.body[..], b"conn 1 request 0");
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn h2c_against_an_http1_server_is_a_protocol_error() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        // The preface reads as a strange HTTP/1.1 request; answer it so.
        if conn.request().await.is_some() {
            conn.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    })
    .await;
    let client = h2_client(ClientConfig {
        http_version: HttpVersion::Http2,
        ..ClientConfig::default()
    });
    let error = client
        .session()
        .send(&common::http2_server::http(server.port, "/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Protocol, "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out_in_headers() {
    let server = listen(H2_AND_H1, |io, _| async move {
        let mut conn = h2::server::handshake(io).await.unwrap();
        let mut held = Vec::new();
        while let Some(Ok(stream)) = conn.accept().await {
            held.push(stream);
        }
    })
    .await;
    let client = h2_client(ClientConfig::default());
    let mut session = client.session();
    let mut request = https(server.port, "/");
    request.timeout = Duration::from_secs(2);
    let error = session.send(&request).await.unwrap_err();
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
    // The request was written before the wait began: its bytes count
    // although the exchange was dropped at the deadline (issue 17 item 16).
    assert!(error.transfer().sent > 0, "{:?}", error.transfer());
    assert_eq!(session.idle_connections(), 0);
}
