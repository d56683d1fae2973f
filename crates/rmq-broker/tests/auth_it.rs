#![allow(clippy::unwrap_used)]
//! ACL 2.0 on a running broker: every request is authenticated, the AUTH_* admin codes manage
//! users and ACLs, and a user's ACL decides what it may send and pull.

mod common;

use common::{client, pull_request, send_request, test_configs};
use rmq_broker::{BrokerController, BrokerHandle};
use rmq_remoting::acl::SessionCredentials;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};

const ROOT: (&str, &str) = ("root", "root-secret");

async fn start_with_auth(store: &std::path::Path) -> BrokerHandle {
    let mut c = test_configs(store, None);
    let a = &mut c.auth_config;
    a.authentication_enabled = true;
    a.authorization_enabled = true;
    a.authentication_metadata_provider = Some(
        "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider"
            .into(),
    );
    a.authorization_metadata_provider = Some(
        "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider".into(),
    );
    a.init_authentication_user = Some(format!(
        r#"{{"username":"{}","password":"{}"}}"#,
        ROOT.0, ROOT.1
    ));
    BrokerController::start(c).await.unwrap()
}

async fn call(
    c: &RemotingClient,
    addr: &str,
    mut r: RemotingCommand,
    who: Option<(&str, &str)>,
) -> RemotingCommand {
    if let Some((ak, sk)) = who {
        SessionCredentials::new(ak, sk).sign(&mut r);
    }
    c.invoke(addr, r, 5000).await.unwrap()
}

#[tokio::test]
async fn every_registered_code_refuses_an_unsigned_request() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_with_auth(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    // The codes with their own processor, and every code Java names (those go to the admin
    // processor, which Java guards the same way). Java's default whitelist is empty: no code
    // is left open.
    let mut codes: Vec<i32> = broker.registered_request_codes().to_vec();
    assert!(
        codes.contains(&RequestCode::SEND_MESSAGE_V2.0)
            && codes.contains(&RequestCode::AUTH_CREATE_USER.0)
    );
    codes.extend((0..=400_000).filter(|c| RequestCode(*c).name().is_some()));
    codes.sort_unstable();
    codes.dedup();
    for code in &codes {
        let mut r = RemotingCommand::new_request(RequestCode(*code));
        r.add_ext_field("topic", "T".to_string());
        let resp = call(&c, &addr, r, None).await;
        assert_eq!(
            (resp.code, resp.remark.as_deref()),
            (
                ResponseCode::NO_PERMISSION.0,
                Some("username cannot be null.")
            ),
            "code {code} was not refused"
        );
    }
    broker.shutdown().await;
}

#[tokio::test]
async fn acl_decides_send_and_pull() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_with_auth(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let mut r = RemotingCommand::new_request(RequestCode::AUTH_CREATE_USER);
    r.add_ext_field("username", "app".to_string());
    r.body = bytes::Bytes::from_static(br#"{"password":"app-secret","userType":"Normal"}"#);
    let resp = call(&c, &addr, r, Some(ROOT)).await;
    assert_eq!(resp.code, 0, "{:?}", resp.remark);
    let mut r = RemotingCommand::new_request(RequestCode::AUTH_CREATE_ACL);
    r.add_ext_field("subject", "User:app".to_string());
    r.body = bytes::Bytes::from_static(
        br#"{"subject":"User:app","policies":[{"policyType":"Custom","entries":[{"resource":"Topic:T","actions":["Pub"],"sourceIps":["127.0.0.1"],"decision":"Allow"}]}]}"#,
    );
    let resp = call(&c, &addr, r, Some(ROOT)).await;
    assert_eq!(resp.code, 0, "{:?}", resp.remark);
    // The admin codes themselves need a user that may use them.
    let mut r = RemotingCommand::new_request(RequestCode::AUTH_LIST_USER);
    r.add_ext_field("filter", "".to_string());
    let resp = call(&c, &addr, r, Some(("app", "app-secret"))).await;
    assert_eq!(resp.code, ResponseCode::NO_PERMISSION.0);

    let app = Some(("app", "app-secret"));
    let resp = call(&c, &addr, send_request("T", 0, &[], b"hello"), app).await;
    assert_eq!(resp.code, 0, "send to T: {:?}", resp.remark);
    let resp = call(&c, &addr, send_request("U", 0, &[], b"hello"), app).await;
    assert_eq!(
        (resp.code, resp.remark.as_deref()),
        (
            ResponseCode::NO_PERMISSION.0,
            Some(
                "User:app has no permission to access Topic:U from 127.0.0.1, no matched policies."
            )
        )
    );
    let resp = call(&c, &addr, pull_request("G", "T", 0, 0, None), app).await;
    assert_eq!(
        (resp.code, resp.remark.as_deref()),
        (
            ResponseCode::NO_PERMISSION.0,
            Some(
                "User:app has no permission to access Topic:T from 127.0.0.1, no matched policies."
            )
        )
    );
    let resp = call(
        &c,
        &addr,
        send_request("T", 0, &[], b"hello"),
        Some(("app", "wrong")),
    )
    .await;
    assert_eq!(
        (resp.code, resp.remark.as_deref()),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("check signature failed.")
        )
    );
    // The Super user gets past the ACL (the pull processor then wants the group's heartbeat).
    let resp = call(&c, &addr, pull_request("G", "T", 0, 0, None), Some(ROOT)).await;
    assert_ne!(
        resp.code,
        ResponseCode::NO_PERMISSION.0,
        "{:?}",
        resp.remark
    );
    broker.shutdown().await;
}
