//! The header lines the client adds to every request of an origin (Host,
//! User-Agent, Accept-Encoding), made once per origin per worker and
//! reused: building them was a sizeable part of writing a small request.

use std::cell::RefCell;

use crate::request::{Head, Scheme, added_lines, validate_host};

/// Origins a worker keeps lines for; a scenario that reaches more (one
/// per user, say) builds the lines per request for the rest, as before.
const MAX_ORIGINS: usize = 32;

#[derive(Debug, Default)]
pub(crate) struct OriginLines {
    entries: RefCell<Vec<Entry>>,
}

#[derive(Debug)]
struct Entry {
    scheme: Scheme,
    host: Box<str>,
    port: u16,
    lines: Box<[u8]>,
}

impl OriginLines {
    /// Calls `write` with the added lines of `head`'s origin, if kept or
    /// room is left to keep them. The lines depend on nothing but the
    /// origin and the user agent, which is the same for the whole client.
    /// Only a valid host gets lines, so a request that has them needs no
    /// second check of its host.
    pub(crate) fn with<R>(&self, head: &Head<'_>, write: impl FnOnce(Option<&[u8]>) -> R) -> R {
        let mut entries = self.entries.borrow_mut();
        let at = entries
            .iter()
            .position(|e| e.port == head.port && e.scheme == head.scheme && *e.host == *head.host);
        let at = match at {
            Some(at) => at,
            None if entries.len() < MAX_ORIGINS && validate_host(head.host).is_ok() => {
                entries.push(Entry {
                    scheme: head.scheme,
                    host: head.host.into(),
                    port: head.port,
                    lines: added_lines(head).into_boxed_slice(),
                });
                entries.len() - 1
            }
            None => return write(None),
        };
        write(Some(&entries[at].lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(host: &str, port: u16) -> Head<'_> {
        Head {
            method: "GET",
            scheme: Scheme::Http,
            host,
            port,
            path: "/",
            headers: &[],
            body_len: 0,
            user_agent: "ua",
            cookie: None,
            drop_body_headers: false,
            drop_credentials: false,
        }
    }

    #[test]
    fn lines_are_kept_per_valid_origin_up_to_the_limit() {
        let origins = OriginLines::default();
        let first = origins.with(&head("127.0.0.1", 8080), |l| l.map(<[u8]>::to_vec));
        assert_eq!(
            first.as_deref(),
            Some(&b"Host: 127.0.0.1:8080\r\nUser-Agent: ua\r\nAccept-Encoding: gzip\r\n"[..])
        );
        // The same origin again: the same lines, nothing added.
        let again = origins.with(&head("127.0.0.1", 8080), |l| l.map(<[u8]>::to_vec));
        assert_eq!(again, first);
        assert_eq!(origins.entries.borrow().len(), 1);
        // A host the request checks reject gets none (so it is checked).
        assert!(origins.with(&head("bad host", 80), |l| l.is_none()));
        assert_eq!(origins.entries.borrow().len(), 1);
        for port in 1..MAX_ORIGINS as u16 {
            assert!(origins.with(&head("127.0.0.1", port), |l| l.is_some()));
        }
        assert!(origins.with(&head("127.0.0.1", 9999), |l| l.is_none()));
        assert!(origins.with(&head("127.0.0.1", 8080), |l| l.is_some()));
    }
}
