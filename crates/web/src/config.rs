//! Where the UI listens and with which token. The rule that anything but
//! loopback needs a token is applied here, before any socket is opened:
//! a UI reachable from the network can start load from this machine.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::error::WebError;
use crate::token::Token;

/// The token setting as given (`--web-token TOKEN|auto`, or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenChoice {
    None,
    Given(Token),
    /// Draw one at start and print it in the URL.
    Auto,
}

impl TokenChoice {
    pub fn parse(flag: Option<&str>) -> Result<TokenChoice, WebError> {
        Ok(match flag {
            None => TokenChoice::None,
            Some("auto") => TokenChoice::Auto,
            Some(text) => TokenChoice::Given(Token::new(text)?),
        })
    }
}

/// The UI's settings as given.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// An IP address (`127.0.0.1`, `::1`, `0.0.0.0`) or `localhost`.
    pub host: String,
    pub port: u16,
    pub token: TokenChoice,
}

/// A checked place to listen, with the token every API call must carry.
#[derive(Debug, Clone)]
pub struct Binding {
    pub addr: SocketAddr,
    pub token: Option<Token>,
}

impl Binding {
    /// On loopback only this machine can connect, so the Host header is
    /// checked instead (DNS rebinding) and a token is optional.
    pub fn loopback(&self) -> bool {
        self.addr.ip().is_loopback()
    }
}

impl WebConfig {
    /// The address and token, or why the UI must not start.
    pub fn resolve(&self) -> Result<Binding, WebError> {
        let ip = parse_ip(&self.host)?;
        let token = match &self.token {
            TokenChoice::None => None,
            TokenChoice::Given(token) => Some(token.clone()),
            TokenChoice::Auto => Some(Token::generate()?),
        };
        let binding = Binding {
            addr: SocketAddr::new(ip, self.port),
            token,
        };
        if !binding.loopback() && binding.token.is_none() {
            return Err(WebError::TokenRequired {
                host: self.host.clone(),
            });
        }
        Ok(binding)
    }
}

/// An IP address, `[::1]` with brackets, or `localhost`. Other names are
/// refused rather than resolved: whether a name is loopback would then
/// depend on the resolver of the day.
fn parse_ip(host: &str) -> Result<IpAddr, WebError> {
    let text = host.trim();
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse().map_err(|_| WebError::BadHost {
        host: host.to_owned(),
        why: "expected an IP address (127.0.0.1, ::1, 0.0.0.0 for every interface) or localhost",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(host: &str, token: TokenChoice) -> WebConfig {
        WebConfig {
            host: host.into(),
            port: 8089,
            token,
        }
    }

    #[test]
    fn loopback_needs_no_token() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            let binding = config(host, TokenChoice::None).resolve().unwrap();
            assert!(binding.loopback(), "{host}");
            assert_eq!(binding.token, None);
        }
    }

    #[test]
    fn anything_else_needs_a_token() {
        for host in ["0.0.0.0", "::", "192.168.1.10", "::ffff:127.0.0.1"] {
            let err = config(host, TokenChoice::None).resolve().unwrap_err();
            assert!(
                matches!(&err, WebError::TokenRequired { host: h } if h == host),
                "{host}: {err}"
            );
            assert!(err.to_string().contains("--web-token"), "{err}");
        }
        let binding = config("0.0.0.0", TokenChoice::Auto).resolve().unwrap();
        assert!(!binding.loopback());
        assert_eq!(binding.token.unwrap().as_str().len(), 64);
        let given = TokenChoice::parse(Some("correct-horse-battery")).unwrap();
        let binding = config("0.0.0.0", given).resolve().unwrap();
        assert_eq!(binding.token.unwrap().as_str(), "correct-horse-battery");
    }

    #[test]
    fn names_other_than_localhost_are_refused() {
        let err = config("example.invalid", TokenChoice::None)
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("expected an IP address"), "{err}");
    }
}
