//! HTTPS against a local rustls server with a certificate made in the test.

mod common;

use std::sync::Arc;

use common::{Conn, client_with, ok};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use starling_http::{ClientConfig, Request, Scheme, TransportKind};
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

#[tokio::test]
async fn an_unknown_certificate_is_a_tls_error() {
    let server = tls_server().await;
    let client = client_with(ClientConfig::default());
    let error = client
        .session()
        .send(&request(server.port))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Tls, "{error}");
}

#[tokio::test]
async fn a_ca_file_makes_the_certificate_trusted() {
    let server = tls_server().await;
    let dir = std::env::temp_dir().join(format!("starling-http-ca-{}", server.port));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, &server.cert_pem).unwrap();
    let client = client_with(ClientConfig {
        ca_file: Some(path.clone()),
        ..ClientConfig::default()
    });
    let response = client.session().send(&request(server.port)).await.unwrap();
    assert_eq!(response.status, 200);
    let _ = std::fs::remove_dir_all(&dir);
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
