//! HTTPS against a local rustls server with a certificate made in the test.

mod common;

use std::sync::Arc;

use common::{Conn, client_with, ok};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use starling_http::{ClientConfig, Request, Scheme, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

struct TlsServer {
    port: u16,
    cert_pem: String,
}

async fn tls_server() -> TlsServer {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_pem = certified.cert.pem();
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut conn = Conn::new(tls);
                while let Some(request) = conn.request().await {
                    conn.send(&ok(request.line(), "")).await;
                }
            });
        }
    });
    TlsServer { port, cert_pem }
}

fn request(port: u16) -> Request<'static> {
    Request::new("GET", Scheme::Https, "localhost", port, "/secure")
}

#[tokio::test]
async fn https_with_accept_invalid_certs() {
    let server = tls_server().await;
    let client = client_with(ClientConfig {
        accept_invalid_certs: true,
        ..ClientConfig::default()
    });
    let mut session = client.session();
    let first = session.send(&request(server.port)).await.unwrap();
    assert_eq!(&first.body[..], b"GET /secure HTTP/1.1");
    assert!(first.timings.tls.is_some());
    let second = session.send(&request(server.port)).await.unwrap();
    assert!(second.timings.tls.is_none() && second.timings.connect.is_none());
}

/// The self-signed case says what to do about it (issue 17 item 17):
/// rustls's "invalid peer certificate: UnknownIssuer" did not.
#[tokio::test]
async fn a_self_signed_certificate_says_to_use_ca_file_or_insecure() {
    let server = tls_server().await;
    let client = client_with(ClientConfig::default());
    let error = client
        .session()
        .send(&request(server.port))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Tls, "{error}");
    assert_eq!(
        error.to_string(),
        "TLS error: the certificate of localhost is self-signed or issued by an unknown CA: \
         trust that CA with `--ca-file <pem>`, or skip verification with `--insecure`"
    );
}

/// The CA file holding the server's certificate, removed when dropped.
struct CaFile(std::path::PathBuf);

impl CaFile {
    fn new(server: &TlsServer) -> CaFile {
        let dir = std::env::temp_dir().join(format!(
            "starling-http-ca-{}-{}",
            std::process::id(),
            server.port
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ca.pem"), &server.cert_pem).unwrap();
        CaFile(dir)
    }

    fn config(&self) -> ClientConfig {
        ClientConfig {
            ca_file: Some(self.0.join("ca.pem")),
            ..ClientConfig::default()
        }
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_ca_file_makes_the_certificate_trusted() {
    let server = tls_server().await;
    let ca = CaFile::new(&server);
    let client = client_with(ca.config());
    let response = client.session().send(&request(server.port)).await.unwrap();
    assert_eq!(response.status, 200);
}

/// A trusted certificate for `localhost` asked for as `127.0.0.1`: the
/// message names both, and the remedy.
#[tokio::test]
async fn a_certificate_for_another_name_says_which_name_it_covers() {
    let server = tls_server().await;
    let ca = CaFile::new(&server);
    let client = client_with(ca.config());
    let mut request = request(server.port);
    request.host = "127.0.0.1";
    let error = client.session().send(&request).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Tls, "{error}");
    assert_eq!(
        error.to_string(),
        "TLS error: the certificate of 127.0.0.1 does not cover that name (it covers \
         localhost): request a name it covers, or skip verification with `--insecure`"
    );
}

/// What a server that speaks only TLS 1.0 or 1.1 answers a TLS 1.2/1.3
/// ClientHello with: a fatal `protocol_version` alert.
#[tokio::test]
async fn a_server_refusing_our_tls_versions_is_told_apart() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((mut tcp, _)) = listener.accept().await else {
            return;
        };
        let mut hello = [0u8; 512];
        let _ = tcp.read(&mut hello).await;
        // Record type alert, TLS 1.0 record version, length 2: fatal (2),
        // protocol_version (70).
        let _ = tcp
            .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 70])
            .await;
        let _ = tcp.read(&mut hello).await;
    });
    let client = client_with(ClientConfig::default());
    let error = client.session().send(&request(port)).await.unwrap_err();
    assert_eq!(error.kind(), TransportKind::Tls, "{error}");
    assert_eq!(
        error.to_string(),
        "TLS error: localhost refused the TLS versions offered (TLS 1.2 and TLS 1.3); \
         it likely speaks only an older version, which starling does not support"
    );
}

#[test]
fn a_missing_ca_file_is_a_config_error() {
    let result = starling_http::Client::new(ClientConfig {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..ClientConfig::default()
    });
    assert!(matches!(
        result,
        Err(starling_http::ConfigError::CaFile { .. })
    ));
}
