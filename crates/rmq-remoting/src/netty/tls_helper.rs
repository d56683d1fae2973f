//! Builds the rustls server and client contexts from a [`TlsSystemConfig`] (Java
//! `TlsHelper.buildSslContext`), with the `ring` crypto provider.
//!
//! - Test mode (`tls.test.mode.enable=true`, Java's default): the server presents a
//!   self-signed certificate generated at start (one per process) and does not ask for a
//!   client certificate; a client trusts any server certificate.
//! - Otherwise the server uses `tls.server.certPath` / `tls.server.keyPath` (PEM; the key in
//!   PKCS#8, PKCS#1 or SEC1) and `tls.server.need.client.auth` (none / optional / require);
//!   a client certificate is checked against `tls.server.trustCertPath` only when
//!   `tls.server.authClient=true`, else any is accepted. A client presents
//!   `tls.client.certPath` / `tls.client.keyPath` when both are set and checks the server
//!   against `tls.client.trustCertPath` only when `tls.client.authServer=true`.
//! - As with Netty's handlers (created without a peer host), the server's host name is not
//!   matched against its certificate; only the chain is verified.
//! - Encrypted private keys (`tls.*.keyPassword`) are not supported: such a key is an error.

use super::tls_system_config::{ClientAuth, TlsSystemConfig};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, RootCertStore};
use rustls::{SignatureScheme, SupportedProtocolVersion};
use std::sync::{Arc, OnceLock};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// Why a TLS context could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("cannot read {what} {path}: {reason}")]
    File {
        what: &'static str,
        path: String,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("tls: {0}")]
    Rustls(#[from] rustls::Error),
}

const PROTOCOLS: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];

fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    // `ring` keeps builds light (aws-lc-rs needs cmake and a C toolchain); it has no
    // post-quantum key exchange, hence the deprecation this silences.
    #[allow(deprecated)]
    let make = || Arc::new(rustls::crypto::ring::default_provider());
    PROVIDER.get_or_init(make).clone()
}

/// Returns the server-side acceptor (Java `buildSslContext(false)`).
pub fn build_server_acceptor(config: &TlsSystemConfig) -> Result<TlsAcceptor, TlsConfigError> {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(PROTOCOLS)?;
    let server = if config.tls_test_mode_enable {
        let (certs, key) = self_signed()?;
        builder.with_no_client_auth().with_single_cert(certs, key)?
    } else {
        let certs = read_certs("tls.server.certPath", &config.tls_server_cert_path)?;
        let key = read_key(
            "tls.server.keyPath",
            &config.tls_server_key_path,
            &config.tls_server_key_password,
        )?;
        let auth = ClientAuth::parse(&config.tls_server_need_client_auth);
        let builder = match auth {
            ClientAuth::None => builder.with_no_client_auth(),
            _ if !config.tls_server_auth_client => {
                builder.with_client_cert_verifier(Arc::new(AnyClientCert {
                    mandatory: auth == ClientAuth::Require,
                }))
            }
            _ => {
                let roots = read_roots(
                    "tls.server.trustCertPath",
                    &config.tls_server_trust_cert_path,
                )?;
                let mut v = WebPkiClientVerifier::builder_with_provider(roots, provider());
                if auth == ClientAuth::Optional {
                    v = v.allow_unauthenticated();
                }
                let v = v
                    .build()
                    .map_err(|e| TlsConfigError::Invalid(format!("client verifier: {e}")))?;
                builder.with_client_cert_verifier(v)
            }
        };
        builder.with_single_cert(certs, key)?
    };
    Ok(TlsAcceptor::from(Arc::new(server)))
}

/// Returns the client-side connector (Java `buildSslContext(true)`).
pub fn build_client_connector(config: &TlsSystemConfig) -> Result<TlsConnector, TlsConfigError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(PROTOCOLS)?;
    let verifier: Arc<dyn ServerCertVerifier> =
        if config.tls_test_mode_enable || !config.tls_client_auth_server {
            Arc::new(AnyServerCert)
        } else {
            let roots = read_roots(
                "tls.client.trustCertPath",
                &config.tls_client_trust_cert_path,
            )?;
            let inner = WebPkiServerVerifier::builder_with_provider(roots, provider())
                .build()
                .map_err(|e| TlsConfigError::Invalid(format!("server verifier: {e}")))?;
            Arc::new(ChainOnlyServerCert { inner })
        };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let has_identity = !config.tls_test_mode_enable
        && non_empty(&config.tls_client_cert_path).is_some()
        && non_empty(&config.tls_client_key_path).is_some();
    let client = if has_identity {
        let certs = read_certs("tls.client.certPath", &config.tls_client_cert_path)?;
        let key = read_key(
            "tls.client.keyPath",
            &config.tls_client_key_path,
            &config.tls_client_key_password,
        )?;
        builder.with_client_auth_cert(certs, key)?
    } else {
        builder.with_no_client_auth()
    };
    Ok(TlsConnector::from(Arc::new(client)))
}

/// Returns the name to present for `addr` (`host:port`): an IP address (no SNI is sent) or
/// a DNS name.
pub fn server_name_of(addr: &str) -> ServerName<'static> {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(host.to_string())
        .unwrap_or(ServerName::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()))
}

/// Returns the process's self-signed certificate and key (generated once).
fn self_signed() -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsConfigError> {
    static CERT: OnceLock<Result<(CertificateDer<'static>, Vec<u8>), String>> = OnceLock::new();
    let made = CERT.get_or_init(|| {
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
            .map(|c| (c.cert.der().clone(), c.key_pair.serialize_der()))
            .map_err(|e| e.to_string())
    });
    match made {
        Ok((cert, key)) => Ok((
            vec![cert.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone())),
        )),
        Err(e) => Err(TlsConfigError::Invalid(format!(
            "cannot generate a self-signed certificate: {e}"
        ))),
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

fn path_of<'a>(key: &'static str, v: &'a Option<String>) -> Result<&'a str, TlsConfigError> {
    non_empty(v).ok_or_else(|| TlsConfigError::Invalid(format!("{key} is not set")))
}

fn read_certs(
    key: &'static str,
    path: &Option<String>,
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let path = path_of(key, path)?;
    let err = |reason: String| TlsConfigError::File {
        what: key,
        path: path.to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    if certs.is_empty() {
        return Err(err("no CERTIFICATE in PEM".into()));
    }
    Ok(certs)
}

fn read_roots(
    key: &'static str,
    path: &Option<String>,
) -> Result<Arc<RootCertStore>, TlsConfigError> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(key, path)? {
        roots.add(cert)?;
    }
    Ok(Arc::new(roots))
}

fn read_key(
    key: &'static str,
    path: &Option<String>,
    password: &Option<String>,
) -> Result<PrivateKeyDer<'static>, TlsConfigError> {
    let path = path_of(key, path)?;
    let err = |reason: String| TlsConfigError::File {
        what: key,
        path: path.to_string(),
        reason,
    };
    let text = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    if contains(&text, b"ENCRYPTED") {
        return Err(err(
            "encrypted private keys are not supported (tls.*.keyPassword); decrypt the key to \
             PKCS#8 PEM"
                .into(),
        ));
    }
    if non_empty(password).is_some() {
        tracing::warn!(
            key,
            path,
            "the private key is not encrypted; its password is ignored"
        );
    }
    PrivateKeyDer::from_pem_slice(&text).map_err(|e| err(e.to_string()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn verify_schemes() -> Vec<SignatureScheme> {
    provider()
        .signature_verification_algorithms
        .supported_schemes()
}

fn tls12_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls12_signature(
        message,
        cert,
        dss,
        &provider().signature_verification_algorithms,
    )
}

fn tls13_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls13_signature(
        message,
        cert,
        dss,
        &provider().signature_verification_algorithms,
    )
}

/// Trusts any server certificate (Netty's `InsecureTrustManagerFactory`); handshake
/// signatures are still checked.
#[derive(Debug)]
struct AnyServerCert;

impl ServerCertVerifier for AnyServerCert {
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
        tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        verify_schemes()
    }
}

/// Verifies the server's chain against the trusted roots but not its host name, as a Netty
/// `SslHandler` made without a peer host does.
#[derive(Debug)]
struct ChainOnlyServerCert {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnlyServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        verify_schemes()
    }
}

/// Asks for a client certificate and accepts any (`tls.server.authClient=false`).
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
}

impl ClientCertVerifier for AnyClientCert {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        verify_schemes()
    }
}
