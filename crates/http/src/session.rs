//! One virtual user's HTTP state and the request path: pick or open a
//! connection (HTTP/1.1 or HTTP/2, by settings and ALPN), send the request,
//! read the response, store cookies, follow redirects, all under one
//! deadline.
//!
//! Stale keep-alive connections: a server may close an idle connection at
//! any moment, and we only learn it when the next request's read finds the
//! socket closed or reset. When that happens on a *reused* connection before
//! a single response byte arrived, the request is sent once more on a fresh
//! connection, whatever its method (the server cannot have answered it; this
//! is what browsers and hyper do). On HTTP/2 the same holds before the
//! response head, for a closed socket, a GOAWAY or a REFUSED_STREAM. A
//! failure on a fresh connection, or after any response byte, is reported
//! as is.

use std::borrow::Cow;
use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Poll, ready};
use std::time::Duration;

use cookie_store::CookieStore;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use url::Url;

use crate::client::Client;
use crate::connect::connect;
use crate::cookie_jar::CookieJar;
use crate::deadline::Deadline;
use crate::error::{Phase, Transfer, TransportError};
use crate::http2::{Http2, Unreported};
use crate::http2_head;
use crate::pool::{INLINE_BODY, Lease};
use crate::read::{Progress, RawResponse, read_response};
use crate::redirect::{Hop, is_redirect};
use crate::request::{Head, Request, Scheme, bare_host, write_head};
use crate::response::{Response, Timings};
use crate::stream::Stream;
use crate::version::HttpVersion;

/// Connections kept per session: a VU talks to the gateway and perhaps one
/// or two services directly. The oldest goes when a fifth origin comes.
const MAX_KEPT: usize = 4;

/// One virtual user's HTTP state: keep-alive connections by origin and a
/// cookie jar. Idle, it holds no buffer (they are lent per exchange by the
/// worker's [`Client`]). Not `Send`: it lives on its worker's thread.
#[derive(Debug)]
pub struct Session {
    client: Client,
    kept: Vec<Kept>,
    jar: CookieJar,
    /// The deadline of the request in flight, kept from one request to the
    /// next. Made on first use.
    timer: Option<Deadline>,
}

/// An idle keep-alive connection and its origin.
#[derive(Debug)]
struct Kept {
    scheme: Scheme,
    host: Box<str>,
    port: u16,
    conn: Conn,
}

/// The kinds of connection a session keeps.
#[derive(Debug)]
enum Conn {
    Http1(Stream),
    /// Boxed: `h2`'s state is large, and an HTTP/1.1 connection (or an idle
    /// session) should not pay for it.
    Http2(Box<Http2>),
}

/// What one `send` accumulates over hops and retries.
#[derive(Debug, Default)]
struct Tally {
    connect: Option<Duration>,
    tls: Option<Duration>,
    first_byte: Option<Instant>,
    redirects: u8,
    sent: u64,
    received: u64,
    /// The HTTP/2 exchange in progress: if it is dropped (the deadline
    /// passed), its bytes are counted from here.
    http2_in_flight: Option<Unreported>,
}

impl Session {
    pub(crate) fn new(client: Client, jar: CookieStore) -> Self {
        Session {
            client,
            kept: Vec::new(),
            jar: CookieJar::new(jar),
            timer: None,
        }
    }

    /// Sends `request`, following redirects, within `request.timeout`.
    pub async fn send(&mut self, request: &Request<'_>) -> Result<Response, TransportError> {
        self.send_from(request, Instant::now()).await
    }

    /// [`Session::send`] timed from `started`, an instant the caller has
    /// just read (its own clock for the request): timings and the deadline
    /// count from it, and the clock is read once instead of twice.
    pub async fn send_from(
        &mut self,
        request: &Request<'_>,
        started: Instant,
    ) -> Result<Response, TransportError> {
        let phase = Cell::new(Phase::Connect);
        let mut tally = Tally::default();
        let mut timer = self.timer.take();
        let result = {
            let mut work = pin!(self.follow(request, &phase, &mut tally));
            match started.checked_add(request.timeout) {
                Some(deadline) => {
                    let timer = timer.get_or_insert_with(|| Deadline::new(deadline));
                    timer.arm(deadline);
                    poll_fn(|cx| {
                        if let Poll::Ready(result) = work.as_mut().poll(cx) {
                            return Poll::Ready(result);
                        }
                        ready!(timer.poll_passed(deadline, cx));
                        Poll::Ready(Err(TransportError::Timeout {
                            phase: phase.get(),
                            timings: Timings::default(),
                            transfer: Default::default(),
                        }))
                    })
                    .await
                }
                None => work.await,
            }
        };
        self.timer = timer;
        if let Some(in_flight) = tally.http2_in_flight.take() {
            let (sent, received) = in_flight.since();
            tally.sent += sent;
            tally.received += received;
        }
        let timings = Timings {
            connect: tally.connect,
            tls: tally.tls,
            ttfb: tally
                .first_byte
                .map_or(Duration::ZERO, |at| at.saturating_duration_since(started)),
            total: started.elapsed(),
        };
        match result {
            Ok(raw) => Ok(Response {
                status: raw.status,
                version: raw.protocol,
                headers: raw.headers,
                body: raw.body,
                body_len: raw.body_len,
                timings,
                redirects: tally.redirects,
                bytes_sent: tally.sent,
                bytes_received: tally.received,
            }),
            Err(mut error) => {
                error.set_timings(timings);
                error.set_transfer(Transfer {
                    sent: tally.sent,
                    received: tally.received,
                });
                Err(error)
            }
        }
    }

    /// Drops every connection (the VU is stopping). The cookie jar stays.
    pub fn close(&mut self) {
        self.kept.clear();
    }

    /// The cookie jar, to inspect or seed.
    pub fn cookies(&self) -> &CookieStore {
        self.jar.store()
    }

    /// The cookie jar to seed or edit. What is added here counts against
    /// the jar's limits (see [`MAX_COOKIES`](crate::MAX_COOKIES)) from the
    /// next response that sets a cookie, as the oldest cookies.
    pub fn cookies_mut(&mut self) -> &mut CookieStore {
        self.jar.store_mut()
    }

    /// Idle keep-alive connections held now.
    pub fn idle_connections(&self) -> usize {
        self.kept.len()
    }

    async fn follow(
        &mut self,
        request: &Request<'_>,
        phase: &Cell<Phase>,
        tally: &mut Tally,
    ) -> Result<RawResponse, TransportError> {
        let max = self.client.config().max_redirects;
        let mut hop = Hop {
            method: request.method,
            scheme: request.scheme,
            host: Cow::Borrowed(bare_host(request.host)),
            port: request.port,
            path: Cow::Borrowed(request.path_and_query),
            body: request.body,
            drop_body_headers: false,
            drop_credentials: false,
        };
        loop {
            let raw = self.exchange(request.headers, &hop, phase, tally).await?;
            if max == 0 || !is_redirect(raw.status) {
                return Ok(raw);
            }
            let Some(location) = raw.headers.get("location") else {
                return Ok(raw);
            };
            if tally.redirects >= max {
                return Err(TransportError::TooManyRedirects {
                    max,
                    timings: Timings::default(),
                    transfer: Default::default(),
                });
            }
            hop = hop.follow(raw.status, location)?;
            tally.redirects += 1;
        }
    }

    /// One hop: one request and its response, retried once on a fresh
    /// connection if a reused one turns out stale.
    async fn exchange(
        &mut self,
        user_headers: &[(&str, &str)],
        hop: &Hop<'_>,
        phase: &Cell<Phase>,
        tally: &mut Tally,
    ) -> Result<RawResponse, TransportError> {
        let client = self.client.clone();
        let config = client.config();
        let jar_empty = self.jar.is_empty();
        let url = if jar_empty { None } else { hop.url() };
        let cookie = url.as_ref().and_then(|url| self.cookie_header(url));
        let head = Head {
            method: hop.method,
            scheme: hop.scheme,
            host: &hop.host,
            port: hop.port,
            path: &hop.path,
            headers: user_headers,
            body_len: hop.body.len(),
            user_agent: &config.user_agent,
            cookie: cookie.as_deref(),
            drop_body_headers: hop.drop_body_headers,
            drop_credentials: hop.drop_credentials,
        };
        let head_request = hop.method == "HEAD";
        let separate_body = if hop.body.len() <= INLINE_BODY {
            &[][..]
        } else {
            hop.body
        };

        let kept = self.find(hop);
        // The request is built for the connection at hand before that is
        // taken (or a new one opened), so that a request that cannot be
        // sent fails without opening or losing a connection. With none
        // kept the kind is not known yet: the HTTP/1.1 head is written (the
        // likelier, and its checks are shared); should the new connection
        // speak HTTP/2, that form is built then.
        //
        // One lease carries the exchange: the request is written from it
        // and the response read into it. It holds a buffer only while bytes
        // move: not during a connect (long, and thousands may run at once),
        // nor while the server has not answered (see `read::first_read`).
        let mut buf = client.pool().empty_lease();
        let mut written = false;
        let mut http2_request = None;
        if let Some(Conn::Http2(http2)) = kept.map(|at| &mut self.kept[at].conn) {
            // Boxed, like the exchange below: kept inline it would widen
            // every HTTP/1.1 request's future too.
            http2_request = Some(Box::new(http2_head::build(&head, &mut http2.reuse)?));
        } else {
            buf.refill();
            write_request(&mut buf, &head, hop.body, &client)?;
            written = kept.is_some();
            if !written {
                // Written again once the connection is open.
                buf.release();
            }
        }
        // The origin's name as kept with its connection, reused when the
        // connection goes back (no allocation per request).
        let mut host = None;
        let (mut conn, mut reused) = match kept {
            Some(at) => {
                let kept = self.kept.swap_remove(at);
                host = Some(kept.host);
                (kept.conn, true)
            }
            // Boxed: a connect (a TLS handshake above all) has a large
            // state, and an exchange that reuses a connection should not
            // carry its room in every request's future.
            None => (Box::pin(self.open(hop, phase, tally)).await?, false),
        };
        loop {
            let (result, stale) = match &mut conn {
                Conn::Http1(stream) => {
                    if !written {
                        buf.refill();
                        write_request(&mut buf, &head, hop.body, &client)?;
                    }
                    // Read over by the response: a retry writes it again.
                    written = false;
                    let mut progress = Progress::default();
                    let result = exchange_on(
                        stream,
                        &mut buf,
                        separate_body,
                        head_request,
                        config.keep_body_bytes,
                        phase,
                        &mut progress,
                        tally,
                    )
                    .await;
                    tally.received += progress.received;
                    if progress.first_byte.is_some() {
                        tally.first_byte = progress.first_byte;
                    }
                    let stale = progress.received == 0
                        && result.as_ref().is_err_and(TransportError::is_closed_socket);
                    (result, stale)
                }
                Conn::Http2(http2) => {
                    let request = match http2_request.take() {
                        Some(request) => *request,
                        None => http2_head::build(&head, &mut http2.reuse)?,
                    };
                    // Boxed: an HTTP/2 exchange's state (h2's request,
                    // response and stream handles) is several times that of
                    // an HTTP/1.1 one, and every request's future would
                    // otherwise carry its room.
                    tally.http2_in_flight = Some(http2.unreported());
                    let attempt = Box::pin(http2.exchange(
                        request,
                        hop.body,
                        config.keep_body_bytes,
                        client.pool(),
                        phase,
                    ))
                    .await;
                    tally.http2_in_flight = None;
                    tally.sent += attempt.sent;
                    tally.received += attempt.received;
                    if attempt.first_byte.is_some() {
                        tally.first_byte = attempt.first_byte;
                    }
                    (attempt.result, attempt.stale)
                }
            };
            match result {
                Ok(raw) => {
                    // `Connection: close` asks for a connection per request;
                    // on HTTP/2 the header is not sent, but the wish is kept.
                    if raw.reusable && !asks_close(user_headers) {
                        self.keep(hop, conn, host);
                    }
                    self.store_cookies(&raw, url.as_ref(), hop);
                    return Ok(raw);
                }
                Err(_) if reused && stale => {
                    buf.release();
                    conn = Box::pin(self.open(hop, phase, tally)).await?;
                    reused = false;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Opens a connection of the kind the settings and the server agree on.
    async fn open(
        &self,
        hop: &Hop<'_>,
        phase: &Cell<Phase>,
        tally: &mut Tally,
    ) -> Result<Conn, TransportError> {
        phase.set(Phase::Connect);
        let config = self.client.config();
        let connected = connect(
            hop.scheme,
            &hop.host,
            hop.port,
            config.connect_timeout,
            self.client.tls(),
        )
        .await?;
        tally.connect = Some(tally.connect.unwrap_or_default() + connected.times.tcp);
        if let Some(tls) = connected.times.tls {
            tally.tls = Some(tally.tls.unwrap_or_default() + tls);
        }
        let http2 = match (hop.scheme, config.http_version) {
            // h2c with prior knowledge: no Upgrade dance.
            (Scheme::Http, version) => version == HttpVersion::Http2,
            (Scheme::Https, HttpVersion::Http2) if !connected.alpn_h2 => {
                // Not a silent fall back: HTTP/2 is what was asked to be
                // measured.
                return Err(TransportError::protocol(format!(
                    "{}:{} did not agree to HTTP/2 by ALPN, and HTTP/2 was required \
                     (HTTP version `2`; `auto` would use HTTP/1.1)",
                    hop.host, hop.port
                )));
            }
            (Scheme::Https, _) => connected.alpn_h2,
        };
        if http2 {
            // Boxed: the handshake's state is larger than the rest of a
            // plain connect.
            Ok(Conn::Http2(Box::new(
                Box::pin(Http2::handshake(connected.stream)).await?,
            )))
        } else {
            Ok(Conn::Http1(connected.stream))
        }
    }

    /// Where the kept connection to `hop`'s origin is. An HTTP/2
    /// connection the server closed while it was idle is dropped here.
    fn find(&mut self, hop: &Hop<'_>) -> Option<usize> {
        let at = self
            .kept
            .iter()
            .position(|k| k.port == hop.port && k.scheme == hop.scheme && *k.host == *hop.host)?;
        if let Conn::Http2(http2) = &mut self.kept[at].conn
            && !http2.is_open()
        {
            self.kept.swap_remove(at);
            return None;
        }
        Some(at)
    }

    /// Keeps `conn` for `hop`'s origin; `host` is the name it was kept
    /// under before, if it was.
    fn keep(&mut self, hop: &Hop<'_>, conn: Conn, host: Option<Box<str>>) {
        if self.kept.len() >= MAX_KEPT {
            self.kept.remove(0);
        }
        self.kept.push(Kept {
            scheme: hop.scheme,
            host: host.unwrap_or_else(|| hop.host.as_ref().into()),
            port: hop.port,
            conn,
        });
    }

    fn cookie_header(&self, url: &Url) -> Option<String> {
        let mut header = String::new();
        for (name, value) in self.jar.store().get_request_values(url) {
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(name);
            header.push('=');
            header.push_str(value);
        }
        (!header.is_empty()).then_some(header)
    }

    fn store_cookies(&mut self, raw: &RawResponse, url: Option<&Url>, hop: &Hop<'_>) {
        if !raw.sets_cookie {
            return;
        }
        let built;
        let url = match url {
            Some(url) => url,
            None => match hop.url() {
                Some(url) => {
                    built = url;
                    &built
                }
                None => return,
            },
        };
        self.jar.set_all(raw.headers.get_all("set-cookie"), url);
    }
}

/// The user sent `Connection: close`: the server will close after this
/// response, so keeping the connection would only cost a retry.
fn asks_close(headers: &[(&str, &str)]) -> bool {
    headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
    })
}

/// Writes the HTTP/1.1 head (and a small body behind it) into the lent
/// buffer; a larger body is written separately.
fn write_request(
    write: &mut Vec<u8>,
    head: &Head<'_>,
    body: &[u8],
    client: &Client,
) -> Result<(), TransportError> {
    write.clear();
    client
        .origin_lines()
        .with(head, |lines| write_head(write, head, lines))?;
    if body.len() <= INLINE_BODY {
        write.extend_from_slice(body);
    }
    Ok(())
}

/// `write_all` that counts as it goes: bytes of a write that fails (a
/// reset) or never ends (a timeout drops it) reached the socket all the
/// same, and the server may have read them.
async fn write_counted(
    stream: &mut Stream,
    mut bytes: &[u8],
    sent: &mut u64,
) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = stream.write(bytes).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        *sent += n as u64;
        bytes = &bytes[n..];
    }
    Ok(())
}

/// Writes the request (what `buf` holds, then `separate_body`) on
/// `stream` and reads its response into `buf`.
#[allow(clippy::too_many_arguments)]
async fn exchange_on(
    stream: &mut Stream,
    buf: &mut Lease<'_>,
    separate_body: &[u8],
    head_request: bool,
    keep: usize,
    phase: &Cell<Phase>,
    progress: &mut Progress,
    tally: &mut Tally,
) -> Result<RawResponse, TransportError> {
    phase.set(Phase::Write);
    let write = |e: std::io::Error| TransportError::from_io(&e);
    write_counted(stream, buf, &mut tally.sent)
        .await
        .map_err(write)?;
    write_counted(stream, separate_body, &mut tally.sent)
        .await
        .map_err(write)?;
    stream.flush().await.map_err(write)?;
    phase.set(Phase::Headers);
    read_response(stream, buf, head_request, keep, phase, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The idle-VU memory budget (8 KiB) depends on these staying small: a
    /// session holds no buffer, and a plain connection does not pay for the
    /// (boxed) TLS state.
    #[test]
    fn an_idle_session_is_small() {
        assert!(std::mem::size_of::<Session>() <= 192);
        assert!(std::mem::size_of::<Stream>() <= 40);
        assert!(std::mem::size_of::<Kept>() <= 64);
    }

    /// A burst holds one connect per user at once (issue 17 item 11: 9,000
    /// users started together), and glibc keeps what a burst took: a plain
    /// connect stays small, its rarer and larger states (name resolution,
    /// the TLS and HTTP/2 handshakes) boxed where they begin. It was 1.4
    /// KiB with the TLS handshake inline.
    #[test]
    fn a_connect_is_small() {
        let client = Client::new(crate::ClientConfig::default()).unwrap();
        let session = client.session();
        let hop = Hop {
            method: "GET",
            scheme: Scheme::Http,
            host: Cow::Borrowed("127.0.0.1"),
            port: 80,
            path: Cow::Borrowed("/"),
            body: &[],
            drop_body_headers: false,
            drop_credentials: false,
        };
        let phase = Cell::new(Phase::Connect);
        let mut tally = Tally::default();
        let open = session.open(&hop, &phase, &mut tally);
        let size = std::mem::size_of_val(&open);
        assert!(size <= 512, "a connect's future is {size} bytes");
    }
}
