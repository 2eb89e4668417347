//! A failed TLS handshake in words that say what to do: trust the CA with
//! `--ca-file` or skip verification with `--insecure` for a certificate we
//! cannot trust, which name a certificate covers when it is not the one
//! asked for, which TLS versions we offered when the server refused them.
//!
//! The remedies name starling's flags (`--insecure` is
//! `ClientConfig::accept_invalid_certs`, `--ca-file` is
//! `ClientConfig::ca_file`) because this text is what a user reads in a
//! failure example; rustls's own wording is kept only for failures not
//! recognised here.

use std::io;

use rustls::{AlertDescription, CertificateError, PeerIncompatible};

/// The TLS versions the client offers (rustls's safe defaults).
const OFFERED_VERSIONS: &str = "TLS 1.2 and TLS 1.3";

/// Describes the handshake `error` with `host`; `alpn` is what was offered.
pub(crate) fn describe(error: &io::Error, host: &str, alpn: &[Vec<u8>]) -> String {
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return error.to_string();
    };
    match tls {
        rustls::Error::InvalidCertificate(cert) => certificate(cert, host)
            .unwrap_or_else(|| format!("the certificate of {host} was refused: {error}")),
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion)
        | rustls::Error::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ) => format!(
            "{host} refused the TLS versions offered ({OFFERED_VERSIONS}); \
             it likely speaks only an older version, which starling does not support"
        ),
        rustls::Error::AlertReceived(AlertDescription::NoApplicationProtocol) => {
            let offered = alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{error}: the server supports none of the protocols offered by ALPN ({offered})"
            )
        }
        _ => error.to_string(),
    }
}

/// The remedy for a certificate the client would not accept, or `None`
/// for a reason with no advice to give.
fn certificate(error: &CertificateError, host: &str) -> Option<String> {
    const SKIP: &str = "or skip verification with `--insecure`";
    Some(match error {
        CertificateError::UnknownIssuer => format!(
            "the certificate of {host} is self-signed or issued by an unknown CA: \
             trust that CA with `--ca-file <pem>`, {SKIP}"
        ),
        CertificateError::NotValidForName => format!(
            "the certificate of {host} does not cover that name: \
             request a name it covers, {SKIP}"
        ),
        CertificateError::NotValidForNameContext { presented, .. } => format!(
            "the certificate of {host} does not cover that name (it covers {}): \
             request a name it covers, {SKIP}",
            presented
                .iter()
                .map(|name| plain(name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            format!("the certificate of {host} has expired: renew it, {SKIP}")
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => format!(
            "the certificate of {host} is not valid yet (check this machine's clock), {SKIP}"
        ),
        _ => return None,
    })
}

/// `localhost` from rustls's `DnsName("localhost")` (it lists the names a
/// certificate covers in their debug form); other text as it is.
fn plain(name: &str) -> &str {
    let Some((_, inner)) = name.split_once('(') else {
        return name;
    };
    let inner = inner.strip_suffix(')').unwrap_or(inner);
    inner
        .strip_prefix('"')
        .and_then(|i| i.strip_suffix('"'))
        .unwrap_or(inner)
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn names_lose_their_debug_wrapping() {
        assert_eq!(plain(r#"DnsName("localhost")"#), "localhost");
        assert_eq!(plain("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(plain("example.com"), "example.com");
        assert_eq!(plain("Odd(\""), "\"");
    }
}
