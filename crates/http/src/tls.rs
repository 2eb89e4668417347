//! The rustls client configuration: ring, webpki roots plus an optional CA
//! file, the ALPN protocols offered, and a verifier that accepts any
//! certificate when asked to.

use std::fs::File;
use std::io::{BufReader, Read, Take};
use std::path::Path;
use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

use crate::config::ClientConfig;
use crate::error::ConfigError;
use crate::version::HttpVersion;

pub(crate) fn client_config(config: &ClientConfig) -> Result<rustls::ClientConfig, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Tls(e.to_string()))?;
    let mut tls = if config.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCert {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = &config.ca_file {
            let ca_error = |detail: String| ConfigError::CaFile {
                path: path.display().to_string(),
                detail,
            };
            let file = open_ca_file(path).map_err(ca_error)?;
            let mut added = 0;
            for cert in rustls_pemfile::certs(&mut BufReader::new(file)) {
                let cert = cert.map_err(|e| ca_error(e.to_string()))?;
                roots.add(cert).map_err(|e| ca_error(e.to_string()))?;
                added += 1;
            }
            if added == 0 {
                return Err(ca_error("no PEM certificate found".into()));
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    // Our order states a preference; the server decides.
    tls.alpn_protocols = match config.http_version {
        HttpVersion::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        HttpVersion::Http1 => vec![b"http/1.1".to_vec()],
        HttpVersion::Http2 => vec![b"h2".to_vec()],
    };
    Ok(tls)
}

/// The largest CA file read: 16 MiB, a hundred times Mozilla's whole root
/// bundle.
pub const MAX_CA_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Opens the CA file if it is a regular file of at most
/// [`MAX_CA_FILE_BYTES`]. A FIFO would block `open` until a writer came and
/// a device like `/dev/zero` never ends, so the type is checked before the
/// file is opened and what is read stops at the cap.
fn open_ca_file(path: &Path) -> Result<Take<File>, String> {
    let regular = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            return Err(format!("it is {}, not a regular file", kind(meta)));
        }
        if meta.len() > MAX_CA_FILE_BYTES {
            return Err("it is larger than the 16 MiB limit".to_owned());
        }
        Ok(())
    };
    // `metadata` does not open the file, so it cannot block on a FIFO.
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = File::open(path).map_err(|e| e.to_string())?;
    // The path may have been replaced between the two looks.
    regular(&file.metadata().map_err(|e| e.to_string())?)?;
    Ok(file.take(MAX_CA_FILE_BYTES))
}

/// What a file that is not a regular file is, in words.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

/// Trusts any certificate chain but still verifies handshake signatures, so
/// the connection is encrypted to whoever holds the presented key.
#[derive(Debug)]
struct AcceptAnyCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
