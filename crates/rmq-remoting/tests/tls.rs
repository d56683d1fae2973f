//! TLS over loopback: the server's three modes (Java `TlsModeHandler`), test-mode
//! self-signed certificates, and certificate files with server and client verification.

#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::netty::tls_helper::build_server_acceptor;
use rmq_remoting::{
    Channel, NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RemotingError,
    RemotingServer, RequestCode, RequestProcessor, ServerHandle, TlsMode, TlsSystemConfig,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

struct Pong;

#[async_trait]
impl RequestProcessor for Pong {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        if request.request_code() == RequestCode::HEART_BEAT {
            // A request from the server back to the client, on the same (TLS) connection.
            let cb = RemotingCommand::new_request(RequestCode::GET_CONSUMER_RUNNING_INFO);
            let r = channel.invoke(cb, Duration::from_secs(3)).await?;
            return Ok(Some(RemotingCommand::success().with_body(r.body)));
        }
        // 600 KiB in chunks, to cover batched and vectored writes through TLS.
        let chunk = bytes::Bytes::from(vec![7u8; 200 * 1024]);
        Ok(Some(RemotingCommand::success().with_body_chunks(vec![
            chunk.clone(),
            chunk.clone(),
            chunk,
        ])))
    }
}

struct ClientSide;

#[async_trait]
impl RequestProcessor for ClientSide {
    async fn process_request(
        &self,
        _channel: &Channel,
        _request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        Ok(Some(RemotingCommand::success().with_body(&b"running"[..])))
    }
}

fn tls(mode: TlsMode) -> TlsSystemConfig {
    TlsSystemConfig {
        tls_mode: mode,
        ..TlsSystemConfig::default()
    }
}

async fn serve(tls: &TlsSystemConfig) -> ServerHandle {
    let mut d = RequestDispatcher::new();
    d.register_processor(RequestCode::GET_ROUTEINFO_BY_TOPIC, Arc::new(Pong));
    d.register_processor(RequestCode::HEART_BEAT, Arc::new(Pong));
    let cfg = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        listen_port: 0,
        ..Default::default()
    };
    RemotingServer::bind_with_tls(&cfg, Arc::new(d), tls)
        .await
        .unwrap()
}

fn client(use_tls: bool, tls: &TlsSystemConfig) -> RemotingClient {
    let mut d = RequestDispatcher::new();
    d.register_processor(RequestCode::GET_CONSUMER_RUNNING_INFO, Arc::new(ClientSide));
    let cfg = NettyClientConfig {
        use_tls,
        ..Default::default()
    };
    RemotingClient::with_tls(cfg, Arc::new(d), tls)
}

/// Sends one request and returns the response body length, or the error.
async fn ask(c: &RemotingClient, server: &ServerHandle) -> Result<usize, RemotingError> {
    let addr = server.local_addr().to_string();
    let req = RemotingCommand::new_request(RequestCode::GET_ROUTEINFO_BY_TOPIC);
    let r = c.invoke(&addr, req, 3000).await?;
    Ok(r.body.len())
}

#[tokio::test]
async fn permissive_serves_tls_and_plaintext() {
    let server = serve(&tls(TlsMode::Permissive)).await;
    let tls_client = client(true, &TlsSystemConfig::default());
    let plain_client = client(false, &TlsSystemConfig::default());
    assert_eq!(ask(&tls_client, &server).await.unwrap(), 600 * 1024);
    assert_eq!(ask(&plain_client, &server).await.unwrap(), 600 * 1024);
    // The server calls the TLS client back on its connection.
    let addr = server.local_addr().to_string();
    let hb = RemotingCommand::new_request(RequestCode::HEART_BEAT);
    let r = tls_client.invoke(&addr, hb, 3000).await.unwrap();
    assert_eq!(&r.body[..], b"running");
    server.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn enforcing_refuses_plaintext() {
    let server = serve(&tls(TlsMode::Enforcing)).await;
    let plain = ask(&client(false, &TlsSystemConfig::default()), &server).await;
    assert!(plain.is_err(), "plaintext answered: {plain:?}");
    let tls_client = client(true, &TlsSystemConfig::default());
    assert_eq!(ask(&tls_client, &server).await.unwrap(), 600 * 1024);
    server.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn disabled_refuses_tls() {
    let server = serve(&tls(TlsMode::Disabled)).await;
    let over_tls = ask(&client(true, &TlsSystemConfig::default()), &server).await;
    assert!(
        matches!(over_tls, Err(RemotingError::ConnectFailed { .. })),
        "{over_tls:?}"
    );
    let plain = client(false, &TlsSystemConfig::default());
    assert_eq!(ask(&plain, &server).await.unwrap(), 600 * 1024);
    server.shutdown(Duration::from_secs(1)).await;
}

/// A CA and certificates it signed, as PEM files in `dir`.
struct Pki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
}

fn write_pki(dir: &Path, tag: &str) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let path = |name: &str| {
        dir.join(format!("{tag}-{name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let write = |name: &str, text: String| {
        let p = path(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // The server's name is not 127.0.0.1: only the chain is checked, as in Java.
    let leaf = |name: &str, usage: ExtendedKeyUsagePurpose| {
        let mut params = CertificateParams::new(vec![format!("{name}.rmq.test")]).unwrap();
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        (
            write(&format!("{name}.crt"), cert.pem()),
            write(&format!("{name}.key"), key.serialize_pem()),
        )
    };
    let (server_cert, server_key) = leaf("server", ExtendedKeyUsagePurpose::ServerAuth);
    let (client_cert, client_key) = leaf("client", ExtendedKeyUsagePurpose::ClientAuth);
    Pki {
        ca: write("ca.crt", ca.pem()),
        server_cert,
        server_key,
        client_cert,
        client_key,
    }
}

fn server_files(pki: &Pki) -> TlsSystemConfig {
    TlsSystemConfig {
        tls_mode: TlsMode::Enforcing,
        tls_test_mode_enable: false,
        tls_server_cert_path: Some(pki.server_cert.clone()),
        tls_server_key_path: Some(pki.server_key.clone()),
        ..TlsSystemConfig::default()
    }
}

fn client_trusting(ca: &str) -> TlsSystemConfig {
    TlsSystemConfig {
        tls_test_mode_enable: false,
        tls_client_auth_server: true,
        tls_client_trust_cert_path: Some(ca.to_string()),
        ..TlsSystemConfig::default()
    }
}

#[tokio::test]
async fn client_verifies_the_server_chain_when_auth_server_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "a");
    let other = write_pki(dir.path(), "b");
    let server = serve(&server_files(&pki)).await;
    let trusting = client(true, &client_trusting(&pki.ca));
    assert_eq!(ask(&trusting, &server).await.unwrap(), 600 * 1024);
    let wrong_ca = ask(&client(true, &client_trusting(&other.ca)), &server).await;
    assert!(wrong_ca.is_err(), "{wrong_ca:?}");
    // Without authServer any certificate is trusted (Java's insecure trust manager).
    let lax = TlsSystemConfig {
        tls_client_auth_server: false,
        ..client_trusting(&other.ca)
    };
    assert_eq!(ask(&client(true, &lax), &server).await.unwrap(), 600 * 1024);
    server.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn server_requires_a_trusted_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "a");
    let other = write_pki(dir.path(), "b");
    let server = serve(&TlsSystemConfig {
        tls_server_need_client_auth: "require".into(),
        tls_server_auth_client: true,
        tls_server_trust_cert_path: Some(pki.ca.clone()),
        ..server_files(&pki)
    })
    .await;
    let anonymous = ask(&client(true, &client_trusting(&pki.ca)), &server).await;
    assert!(anonymous.is_err(), "{anonymous:?}");
    let with_cert = |p: &Pki| TlsSystemConfig {
        tls_client_cert_path: Some(p.client_cert.clone()),
        tls_client_key_path: Some(p.client_key.clone()),
        ..client_trusting(&pki.ca)
    };
    let known = client(true, &with_cert(&pki));
    assert_eq!(ask(&known, &server).await.unwrap(), 600 * 1024);
    let stranger = ask(&client(true, &with_cert(&other)), &server).await;
    assert!(stranger.is_err(), "{stranger:?}");
    server.shutdown(Duration::from_secs(1)).await;
}

#[test]
fn encrypted_keys_and_missing_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "a");
    let encrypted = dir.path().join("enc.key");
    std::fs::write(
        &encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
    )
    .unwrap();
    let c = TlsSystemConfig {
        tls_server_key_path: Some(encrypted.to_str().unwrap().into()),
        tls_server_key_password: Some("secret".into()),
        ..server_files(&pki)
    };
    let e = build_server_acceptor(&c).err().unwrap().to_string();
    assert!(
        e.contains("encrypted private keys are not supported"),
        "{e}"
    );
    let c = TlsSystemConfig {
        tls_server_cert_path: Some(dir.path().join("none.crt").to_str().unwrap().into()),
        ..server_files(&pki)
    };
    let e = build_server_acceptor(&c).err().unwrap().to_string();
    assert!(e.contains("tls.server.certPath"), "{e}");
    assert!(build_server_acceptor(&server_files(&pki)).is_ok());
}
