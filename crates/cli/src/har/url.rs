//! Just enough of a URL for a recording: its origin, which becomes the
//! target or a service, and its path and query, which become the step's
//! path. Only `http` and `https` URLs are requests a scenario can send.

/// A recorded URL split at the origin.
#[derive(Debug, PartialEq)]
pub(crate) struct Split {
    /// `http://host:port`, the default port left out as recorded.
    pub(crate) origin: String,
    /// The host and port, for naming a service.
    pub(crate) authority: String,
    /// From the first `/` on, the fragment dropped (never sent).
    pub(crate) path: String,
}

/// `None` for anything but an absolute `http`/`https` URL.
pub(crate) fn split(url: &str) -> Option<Split> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = rest[..end].to_ascii_lowercase();
    // Credentials in the URL are never written into a scenario.
    let authority = authority.rsplit('@').next().unwrap_or_default().to_owned();
    if authority.is_empty() {
        return None;
    }
    let path = match &rest[end..] {
        "" => "/".to_owned(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_owned(),
    };
    Some(Split {
        origin: format!("{scheme}://{authority}"),
        authority,
        path,
    })
}

/// A service name from a host and port: `api.example.com:8443` →
/// `api_example_com_8443`; names are letters, digits and `_`.
pub(crate) fn service_name(authority: &str) -> String {
    let host = authority.trim_start_matches('[').replace(']', "");
    let mut name: String = host
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "host_");
    }
    name
}

/// `text` with `%XX` decoded and `+` read as a space (a form or query value).
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                out.push(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_origin_and_path() {
        assert_eq!(
            split("HTTP://User:pw@API.example.com:8443/users/7?x=1#top"),
            Some(Split {
                origin: "http://api.example.com:8443".into(),
                authority: "api.example.com:8443".into(),
                path: "/users/7?x=1".into(),
            })
        );
        assert_eq!(split("https://a.b").map(|s| s.path), Some("/".into()));
        assert_eq!(
            split("https://a.b?q=1").map(|s| s.path),
            Some("/?q=1".into())
        );
        assert_eq!(split("data:text/html,hi"), None);
        assert_eq!(split("chrome-extension://abc/x.js"), None);
    }

    #[test]
    fn names_services_from_hosts() {
        assert_eq!(service_name("api.example.com:8443"), "api_example_com_8443");
        assert_eq!(service_name("127.0.0.1:8004"), "host_127_0_0_1_8004");
        assert_eq!(service_name("[::1]:80"), "host___1_80");
    }

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(decode("a%20b+c%2Fd%zz%4"), "a b c/d%zz%4");
    }
}
