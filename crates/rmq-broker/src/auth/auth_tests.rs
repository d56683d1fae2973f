use super::*;
use rmq_remoting::RequestCode;

const LOCAL: &str =
    "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider";
const LOCAL_Z: &str =
    "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider";

fn config() -> AuthConfig {
    AuthConfig {
        authentication_enabled: true,
        authorization_enabled: true,
        authentication_metadata_provider: Some(LOCAL.into()),
        authorization_metadata_provider: Some(LOCAL_Z.into()),
        init_authentication_user: Some(r#"{"username":"root","password":"rootpw"}"#.into()),
        cluster_name: Some("DefaultCluster".into()),
        ..AuthConfig::default()
    }
}

fn send(topic: &str) -> RemotingCommand {
    let mut r = RemotingCommand::new_request(RequestCode::SEND_MESSAGE_V2);
    r.add_ext_field("a", "pg".to_string());
    r.add_ext_field("b", topic.to_string());
    r
}

fn signed(mut r: RemotingCommand, ak: &str, sk: &str) -> RemotingCommand {
    SessionCredentials::new(ak, sk).sign(&mut r);
    r
}

#[test]
fn authentication_messages_match_java() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = AuthService::new(&config(), dir.path(), None).expect("service");
    assert_eq!(
        s.authenticate(&send("T")),
        Err("username cannot be null.".into())
    );
    assert_eq!(
        s.authenticate(&signed(send("T"), "ghost", "x")),
        Err("User:ghost is not found.".into())
    );
    assert_eq!(
        s.authenticate(&signed(send("T"), "root", "wrong")),
        Err("check signature failed.".into())
    );
    assert_eq!(s.authenticate(&signed(send("T"), "root", "rootpw")), Ok(()));
    let store = s.metadata().expect("store");
    let mut u = User::from_info(&rmq_remoting::protocol::body::auth::UserInfo {
        username: Some("off".into()),
        password: Some("pw".into()),
        user_type: None,
        user_status: Some("disable".into()),
    });
    u.user_status = Some(UserStatus::Disable);
    store.create_user(u).expect("create");
    assert_eq!(
        s.authenticate(&signed(send("T"), "off", "pw")),
        Err("User:off is disabled.".into())
    );
    // The init user is a Super user and stays one across restarts.
    assert_eq!(
        store.user("root").and_then(|u| u.user_type),
        Some(UserType::Super)
    );
}

#[test]
fn whitelist_and_missing_provider() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = config();
    c.authentication_whitelist = Some(" 310 , 11".into());
    c.authorization_enabled = false;
    let s = AuthService::new(&c, dir.path(), None).expect("service");
    assert_eq!(s.check(&send("T"), "127.0.0.1"), Ok(()));
    let bare = AuthConfig {
        authentication_enabled: true,
        ..AuthConfig::default()
    };
    let s = AuthService::new(&bare, dir.path(), None).expect("service");
    assert_eq!(
        s.authenticate(&send("T")),
        Err("The authenticationMetadataProvider is not configured".into())
    );
    let mut wrong = config();
    wrong.authentication_provider = Some("com.example.Other".into());
    assert!(AuthService::new(&wrong, dir.path(), None).is_err());
    // An init user needs the metadata provider (Java fails the start too).
    let mut no_meta = config();
    no_meta.authentication_metadata_provider = None;
    no_meta.authorization_metadata_provider = None;
    assert!(AuthService::new(&no_meta, dir.path(), None).is_err());
}

#[test]
fn authorization_decisions() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = AuthService::new(&config(), dir.path(), None).expect("service");
    let store = s.metadata().expect("store");
    store
        .create_user(User {
            username: "app".into(),
            password: Some("apppw".into()),
            user_type: None,
            user_status: None,
        })
        .expect("user");
    let info: rmq_remoting::protocol::body::auth::AclInfo = serde_json::from_str(
        r#"{"subject":"User:app","policies":[{"policyType":"Custom","entries":[
            {"resource":"Topic:T","actions":["Pub"],"decision":"Allow"},
            {"resource":"Topic:D","actions":["Pub"],"decision":"Deny"}]}]}"#,
    )
    .expect("json");
    store
        .put_acl(model::Acl::from_info(&info, None).expect("acl"))
        .expect("put");
    let ip = "127.0.0.1";
    assert_eq!(s.check(&signed(send("T"), "app", "apppw"), ip), Ok(()));
    assert_eq!(
        s.check(&signed(send("U"), "app", "apppw"), ip),
        Err(
            "User:app has no permission to access Topic:U from 127.0.0.1, no matched policies."
                .into()
        )
    );
    assert_eq!(
        s.check(&signed(send("D"), "app", "apppw"), ip),
        Err(
            "User:app has no permission to access Topic:D from 127.0.0.1, the decision is deny."
                .into()
        )
    );
    // Super users pass everything.
    assert_eq!(s.check(&signed(send("U"), "root", "rootpw"), ip), Ok(()));
}

#[test]
fn inner_credentials_parse() {
    assert_eq!(parse_inner_credentials(&None), Ok(None));
    assert_eq!(
        parse_inner_credentials(&Some(r#"{"accessKey":"ak","secretKey":"sk"}"#.into())),
        Ok(Some(SessionCredentials::new("ak", "sk")))
    );
    assert_eq!(
        parse_inner_credentials(&Some(r#"{"accessKey":"ak"}"#.into())),
        Ok(None)
    );
    assert!(parse_inner_credentials(&Some("{".into())).is_err());
}
