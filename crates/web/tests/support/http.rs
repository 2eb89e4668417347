//! A small HTTP/1.1 client over `std::net::TcpStream`, for tests that must
//! send exactly the headers a browser, a script or another site's page
//! would (a wrong `Host`, no custom header, a form's content type), and
//! read a live stream event by event. Shared with the binary's UI tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One request, built up, then sent.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    addr: SocketAddr,
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    host: Option<String>,
}

/// An answer read to its end.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Call {
    pub(crate) fn get(addr: SocketAddr, path: &str) -> Call {
        Call::new(addr, "GET", path)
    }

    pub(crate) fn post(addr: SocketAddr, path: &str) -> Call {
        Call::new(addr, "POST", path)
    }

    pub(crate) fn new(addr: SocketAddr, method: &'static str, path: &str) -> Call {
        Call {
            addr,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            host: Some(addr.to_string()),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Call {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `Authorization: Bearer TOKEN`.
    pub(crate) fn token(self, token: &str) -> Call {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// `X-Starling: 1`, as the page sends on every state-changing call.
    pub(crate) fn marked(self) -> Call {
        self.header("X-Starling", "1")
    }

    /// A JSON body with its content type and the page's custom header.
    pub(crate) fn json(self, body: &str) -> Call {
        self.header("Content-Type", "application/json")
            .marked()
            .body(body)
    }

    pub(crate) fn body(mut self, body: &str) -> Call {
        self.body = body.as_bytes().to_vec();
        self
    }

    /// `Host: value` instead of the server's address; `None` sends none.
    pub(crate) fn host(mut self, value: Option<&str>) -> Call {
        self.host = value.map(str::to_owned);
        self
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connects to the UI");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("sets a read timeout");
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        if let Some(host) = &self.host {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        head.push_str("Connection: close\r\n");
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.body.is_empty() || self.method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut stream = stream;
        stream.write_all(head.as_bytes()).expect("sends the head");
        stream.write_all(&self.body).expect("sends the body");
        stream
    }

    /// Sends it and reads the whole answer.
    pub(crate) fn send(&self) -> Answer {
        let mut reader = BufReader::new(self.connect());
        let (status, headers) = read_head(&mut reader);
        let chunked = find(&headers, "transfer-encoding").is_some_and(|v| v.contains("chunked"));
        let mut body = Vec::new();
        if chunked {
            while let Some(chunk) = read_chunk(&mut reader) {
                body.extend(chunk);
            }
        } else if let Some(len) = find(&headers, "content-length") {
            let len: usize = len.parse().expect("a numeric Content-Length");
            body.resize(len, 0);
            reader.read_exact(&mut body).expect("reads the body");
        } else {
            reader.read_to_end(&mut body).expect("reads the body");
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Opens a server-sent event stream; the head must say 200.
    pub(crate) fn events(&self) -> Events {
        let mut reader = BufReader::new(self.connect());
        let (status, headers) = read_head(&mut reader);
        assert_eq!(status, 200, "the stream did not open: {headers:?}");
        Events {
            reader,
            pending: String::new(),
        }
    }
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `error` of a refusal.
    #[track_caller]
    pub(crate) fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error in {}", self.text()))
            .to_owned()
    }
}

/// A live stream, read one event at a time.
pub(crate) struct Events {
    reader: BufReader<TcpStream>,
    pending: String,
}

impl Events {
    /// The next event's data as JSON (comments and other events skipped);
    /// `None` when the stream ends.
    pub(crate) fn next_frame(&mut self) -> Option<serde_json::Value> {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let event: String = self.pending.drain(..end + 2).collect();
                let data: Vec<&str> = event
                    .lines()
                    .filter_map(|line| line.strip_prefix("data: ").or(line.strip_prefix("data:")))
                    .collect();
                if event.lines().any(|l| l == "event: frame") && !data.is_empty() {
                    return Some(
                        serde_json::from_str(&data.join("\n")).expect("frame data is JSON"),
                    );
                }
                continue;
            }
            let chunk = read_chunk(&mut self.reader)?;
            self.pending.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).expect("reads the status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP status line: {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("reads a header");
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    (status, headers)
}

/// One chunk of a chunked body; `None` at the last (or at the end).
fn read_chunk(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let size = usize::from_str_radix(line.trim().split(';').next()?, 16).ok()?;
    if size == 0 {
        return None;
    }
    let mut chunk = vec![0; size];
    reader.read_exact(&mut chunk).ok()?;
    let mut crlf = [0; 2];
    reader.read_exact(&mut crlf).ok()?;
    Some(chunk)
}
