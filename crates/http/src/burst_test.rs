//! How many buffers a burst makes (issue 17 item 11): 9,000 users started
//! at once each leased a read buffer while waiting for their first byte,
//! and the process kept the heap for the whole run. A buffer is now lent
//! only while bytes move, so exchanges that all wait at once share one.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Barrier;

use crate::{Client, ClientConfig, Request, Scheme};

const EXCHANGES: usize = 64;

/// Answers no request until every one of them has arrived, so that all
/// the exchanges wait for their first byte at the same time.
async fn answer_all_at_once(listener: TcpListener) {
    let barrier = Arc::new(Barrier::new(EXCHANGES));
    for _ in 0..EXCHANGES {
        let Ok((mut tcp, _)) = listener.accept().await else {
            return;
        };
        let barrier = Arc::clone(&barrier);
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut chunk = [0u8; 1024];
            while !head.ends_with(b"\r\n\r\n") {
                match tcp.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&chunk[..n]),
                }
            }
            barrier.wait().await;
            let _ = tcp
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                .await;
        });
    }
}

#[test]
fn exchanges_waiting_for_their_first_byte_hold_no_buffer() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(answer_all_at_once(listener));
        let client = Client::new(ClientConfig::default()).unwrap();
        let users: Vec<_> = (0..EXCHANGES)
            .map(|_| {
                let mut session = client.session();
                tokio::task::spawn_local(async move {
                    let request = Request::new("GET", Scheme::Http, "127.0.0.1", port, "/");
                    session.send(&request).await.map(|r| r.status)
                })
            })
            .collect();
        for user in users {
            assert_eq!(user.await.unwrap().unwrap(), 200);
        }
        let made = client.pool().made();
        // One would do (it carries each request, then each response); two
        // leave room for a response that comes in two reads. Before the
        // fix: 64 read and 64 write buffers.
        assert!(made <= 2, "{made} buffers made");
    });
}
