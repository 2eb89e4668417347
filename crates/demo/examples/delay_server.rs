//! A tiny HTTP/1.1 keep-alive server that answers every request after a
//! fixed delay, for benchmark workload (e) (latency honesty):
//! `cargo run --release -p starling-demo --example delay_server -- PORT DELAY_MS`.
//!
//! A thread per connection sleeping with `std::thread::sleep`
//! (`clock_nanosleep`) keeps the delay exact to tens of microseconds: no
//! timer wheel with 1 ms ticks, no interpreter. `GET /__stall?ms=N` starts
//! a stall: every request being served, or arriving, before now + N ms is
//! answered no earlier than that moment; the stall request itself is
//! answered at once. Listens on 127.0.0.1 only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When the current stall ends, if one was asked for.
static STALL_UNTIL: Mutex<Option<Instant>> = Mutex::new(None);

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(18090);
    let delay_ms: f64 = args.next().and_then(|d| d.parse().ok()).unwrap_or(10.0);
    let delay = Duration::from_secs_f64(delay_ms / 1000.0);
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            // A client that goes away ends its connection's thread.
            let _ = serve(stream, delay);
        });
    }
    Ok(())
}

/// Serves one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, delay: Duration) -> std::io::Result<()> {
    // One write per response and no Nagle: delayed ACKs would add 40 ms.
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
        let mut body_len = 0u64;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                body_len = value.trim().parse().unwrap_or(0);
            }
        }
        std::io::copy(&mut reader.by_ref().take(body_len), &mut std::io::sink())?;

        let body: &[u8] = if path.starts_with("/__stall") {
            let ms = path
                .split_once("ms=")
                .and_then(|(_, ms)| ms.parse::<u64>().ok())
                .unwrap_or(1000);
            *lock() = Some(Instant::now() + Duration::from_millis(ms));
            b"stalled\n"
        } else {
            std::thread::sleep(delay);
            let until = *lock();
            if let Some(wait) = until.and_then(|u| u.checked_duration_since(Instant::now())) {
                std::thread::sleep(wait);
            }
            b"ok\n"
        };
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        writer.write_all(&response)?;
    }
}

fn lock() -> std::sync::MutexGuard<'static, Option<Instant>> {
    // A panicking connection thread cannot leave the instant half-written.
    STALL_UNTIL.lock().unwrap_or_else(|e| e.into_inner())
}
