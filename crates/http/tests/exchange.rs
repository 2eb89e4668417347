//! Keep-alive, body framings, bounded bodies, gzip, HEAD, 204 and 1xx,
//! against servers that control the exact bytes.

mod common;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Conn, client, client_with, get, ok, serve};
use flate2::{Compression, write::GzEncoder};
use starling_http::{ClientConfig, Request, Scheme};

#[tokio::test]
async fn keep_alive_reuses_one_connection() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let body = request.line().to_string();
            conn.send(&ok(&body, "")).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    for i in 0..5 {
        let path = format!("/n/{i}");
        let response = session.send(&get(server.port, &path)).await.unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(
            &response.body[..],
            format!("GET {path} HTTP/1.1").as_bytes()
        );
        assert_eq!(response.timings.connect.is_some(), i == 0, "request {i}");
        assert!(response.bytes_sent > 0 && response.bytes_received > 0);
    }
    assert_eq!(server.accepted(), 1);
    assert_eq!(session.idle_connections(), 1);
    session.close();
    assert_eq!(session.idle_connections(), 0);
}

#[tokio::test]
async fn the_request_head_carries_the_added_headers() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let echo = format!(
                "{}\n{}",
                request.head,
                String::from_utf8_lossy(&request.body)
            );
            conn.send(&ok(&echo, "")).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let headers = [("X-Trace", "abc"), ("Content-Type", "text/plain")];
    let mut request = Request::new("POST", Scheme::Http, "127.0.0.1", server.port, "/p?q=1");
    request.headers = &headers;
    request.body = b"payload";
    let response = session.send(&request).await.unwrap();
    let echo = String::from_utf8(response.body.to_vec()).unwrap();
    assert!(echo.starts_with("POST /p?q=1 HTTP/1.1\r\n"), "{echo}");
    assert!(echo.contains(&format!("Host: 127.0.0.1:{}\r\n", server.port)));
    assert!(echo.contains("X-Trace: abc\r\n"));
    assert!(echo.contains("Accept-Encoding: gzip\r\n"));
    assert!(echo.contains("User-Agent: starling/"));
    assert!(echo.contains("\r\nContent-Length: 7"));
    assert!(echo.ends_with("\npayload"));

    // A body larger than the inline limit is written separately.
    let big = vec![b'z'; 100_000];
    request.body = &big;
    let response = session.send(&request).await.unwrap();
    assert!(response.body.ends_with(&big));
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn connection_close_from_the_server_is_honoured() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(&ok("bye", "Connection: close\r\n")).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    for _ in 0..3 {
        let response = session.send(&get(server.port, "/")).await.unwrap();
        assert_eq!(&response.body[..], b"bye");
        assert!(response.timings.connect.is_some());
        assert_eq!(session.idle_connections(), 0);
    }
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_silently_closed_keep_alive_connection_is_retried_once() {
    // The server answers one request per connection without saying so.
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(&ok("once", "")).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    for _ in 0..4 {
        let response = session.send(&get(server.port, "/")).await.unwrap();
        assert_eq!(&response.body[..], b"once");
        // The retried request paid for its new connection.
        assert!(response.timings.connect.is_some());
    }
    assert_eq!(server.accepted(), 4);
}

#[tokio::test]
async fn a_request_saying_connection_close_does_not_keep_the_connection() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while conn.request().await.is_some() {
            conn.send(&ok("x", "")).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let headers = [("Connection", "close")];
    let mut request = get(server.port, "/");
    request.headers = &headers;
    for _ in 0..2 {
        session.send(&request).await.unwrap();
        assert_eq!(session.idle_connections(), 0);
    }
    assert_eq!(server.accepted(), 2);
}

fn chunked(body: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let mut rest = body;
    let mut k = 0;
    while !rest.is_empty() {
        let n = sizes[k % sizes.len()].min(rest.len());
        k += 1;
        wire.extend_from_slice(format!("{n:X};ext=1\r\n").as_bytes());
        wire.extend_from_slice(&rest[..n]);
        wire.extend_from_slice(b"\r\n");
        rest = &rest[n..];
    }
    wire.extend_from_slice(b"0\r\nX-Checksum: 1\r\n\r\n");
    wire
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn chunked_bodies_with_many_sizes_and_splits() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        let mut n = 0;
        while conn.request().await.is_some() {
            let sizes: &[usize] = [&[1usize][..], &[7, 300, 2], &[4096], &[65536, 3]][n % 4];
            let split = [1usize, 5, 1000, 100_000][n % 4];
            conn.send_split(&chunked(&pattern(20_000 + n), sizes), split)
                .await;
            n += 1;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    // Two of the bodies come a byte per write (20,000 wakeups each): on a
    // loaded machine that outlasts the usual 10 s, and this test is about
    // what arrives, not how fast.
    let mut request = get(server.port, "/");
    request.timeout = std::time::Duration::from_secs(120);
    for n in 0..8 {
        let response = session.send(&request).await.unwrap();
        assert_eq!(response.body, pattern(20_000 + n), "response {n}");
        assert_eq!(response.body_len, (20_000 + n) as u64);
    }
    assert_eq!(
        server.accepted(),
        1,
        "chunked responses keep the connection"
    );
}

#[tokio::test]
async fn close_delimited_body() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
                .await;
            conn.send_split(&pattern(30_000), 999).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let response = session.send(&get(server.port, "/")).await.unwrap();
    assert_eq!(response.body, pattern(30_000));
    assert_eq!(session.idle_connections(), 0);
    let again = session.send(&get(server.port, "/")).await.unwrap();
    assert_eq!(again.body_len, 30_000);
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn content_length_split_across_many_writes() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while conn.request().await.is_some() {
            let body = pattern(50_000);
            let mut wire =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            wire.extend_from_slice(&body);
            conn.send_split(&wire, 17).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    for _ in 0..2 {
        let response = session.send(&get(server.port, "/")).await.unwrap();
        assert_eq!(response.body, pattern(50_000));
    }
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn a_ten_megabyte_body_is_kept_to_the_limit() {
    const LEN: usize = 10 * 1000 * 1000;
    let server = serve(|mut conn: Conn<_>, _| async move {
        while conn.request().await.is_some() {
            conn.send(format!("HTTP/1.1 200 OK\r\nContent-Length: {LEN}\r\n\r\n").as_bytes())
                .await;
            let block = vec![b'x'; 64 * 1024];
            let mut left = LEN;
            while left > 0 {
                let n = left.min(block.len());
                conn.send(&block[..n]).await;
                left -= n;
            }
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let response = session.send(&get(server.port, "/big")).await.unwrap();
    assert_eq!(response.body.len(), 1024 * 1024);
    assert_eq!(response.body_len, LEN as u64);
    assert!(response.bytes_received > LEN as u64);
    // The connection survived the big body.
    let again = session.send(&get(server.port, "/big")).await.unwrap();
    assert!(again.timings.connect.is_none());
}

#[tokio::test]
async fn a_streamed_64_mib_chunked_body_keeps_only_the_limit() {
    const BLOCK: usize = 256 * 1024;
    const BLOCKS: usize = 256;
    let server = serve(|mut conn: Conn<_>, _| async move {
        if conn.request().await.is_some() {
            conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await;
            let mut chunk = format!("{BLOCK:x}\r\n").into_bytes();
            chunk.extend_from_slice(&vec![b'y'; BLOCK]);
            chunk.extend_from_slice(b"\r\n");
            for _ in 0..BLOCKS {
                conn.send(&chunk).await;
            }
            conn.send(b"0\r\n\r\n").await;
        }
    })
    .await;
    let client = client_with(ClientConfig {
        keep_body_bytes: 1000,
        ..ClientConfig::default()
    });
    let mut session = client.session();
    let response = session.send(&get(server.port, "/huge")).await.unwrap();
    assert_eq!(response.body.len(), 1000);
    assert_eq!(response.body_len, (BLOCK * BLOCKS) as u64);
}

#[tokio::test]
async fn gzip_bodies_are_decoded() {
    let plain = pattern(100_000);
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&plain).unwrap();
    let compressed = encoder.finish().unwrap();
    let wire_len = compressed.len();
    let server = serve(move |mut conn: Conn<_>, _| {
        let compressed = compressed.clone();
        async move {
            while let Some(request) = conn.request().await {
                assert_eq!(request.header("accept-encoding"), Some("gzip"));
                let mut wire = format!(
                    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                    compressed.len()
                )
                .into_bytes();
                wire.extend_from_slice(&compressed);
                conn.send_split(&wire, 4000).await;
            }
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    // Repeated: the pooled inflate state is reused between responses.
    for _ in 0..3 {
        let response = session.send(&get(server.port, "/z")).await.unwrap();
        assert_eq!(response.body, plain);
        assert_eq!(response.body_len, wire_len as u64);
    }

    let small = client_with(ClientConfig {
        keep_body_bytes: 10,
        ..ClientConfig::default()
    });
    let response = small.session().send(&get(server.port, "/z")).await.unwrap();
    assert_eq!(&response.body[..], &plain[..10]);
}

#[tokio::test]
async fn head_204_304_and_100_continue_have_no_body() {
    let server = serve(|mut conn: Conn<_>, _| async move {
        while let Some(request) = conn.request().await {
            let reply: &[u8] = match request.line().split(' ').nth(1).unwrap_or("") {
                "/head" => b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
                "/204" => b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
                "/304" => b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
                "/100" => b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                _ => b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast",
            };
            conn.send(reply).await;
        }
    })
    .await;
    let client = client();
    let mut session = client.session();
    let mut head = get(server.port, "/head");
    head.method = "HEAD";
    let response = session.send(&head).await.unwrap();
    assert_eq!((response.status, response.body_len), (200, 0));
    let response = session.send(&get(server.port, "/204")).await.unwrap();
    assert_eq!((response.status, response.body_len), (204, 0));
    let response = session.send(&get(server.port, "/304")).await.unwrap();
    assert_eq!((response.status, response.body_len), (304, 0));
    let response = session.send(&get(server.port, "/100")).await.unwrap();
    assert_eq!((response.status, &response.body[..]), (201, &b"ok"[..]));
    let response = session.send(&get(server.port, "/last")).await.unwrap();
    assert_eq!(&response.body[..], b"last");
    assert!(response.timings.connect.is_none());
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn ipv6_loopback_hosts_work_bracketed_or_not() {
    // Machines without IPv6 loopback skip this test.
    let Ok(listener) = tokio::net::TcpListener::bind("[::1]:0").await else {
        println!("SKIPPED: no IPv6 loopback on this machine");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut conn = Conn::new(stream);
                while let Some(request) = conn.request().await {
                    let host = request.header("host").unwrap_or("-").to_string();
                    conn.send(&ok(&host, "")).await;
                }
            });
        }
    });
    let client = client();
    let mut session = client.session();
    for host in ["::1", "[::1]"] {
        let mut request = get(port, "/");
        request.host = host;
        let response = session.send(&request).await.unwrap();
        assert_eq!(response.body, format!("[::1]:{port}").into_bytes());
    }
    // Both spellings are one origin: the second request reused the first
    // one's connection (issue 17 item 19).
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
