use super::*;

const PLAIN_ACL: &str = r#"# ACL 1.0
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert with a Sub
      - groupA=DENY
      - groupB=PUB|SUB
      - groupC=SUB

  - accessKey: "rocketmq2"
    secretKey: '12345678'
    whiteRemoteAddress: 192.168.1.*
    # if it is admin, it could access all resources
    admin: true
"#;

#[test]
fn plain_acl_yml_parses() {
    let doc = parse_yaml(PLAIN_ACL);
    let Some(Yaml::List(accounts)) = doc.get("accounts") else {
        panic!("no accounts: {doc:?}");
    };
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].str("accessKey").as_deref(), Some("RocketMQ"));
    assert_eq!(accounts[0].strings("topicPerms").len(), 3);
    assert_eq!(accounts[0].get("whiteRemoteAddress"), Some(&Yaml::Null));
    assert_eq!(accounts[1].str("accessKey").as_deref(), Some("rocketmq2"));
    assert_eq!(accounts[1].str("admin").as_deref(), Some("true"));
    assert_eq!(doc.get("globalWhiteRemoteAddresses").map(|_| ()), Some(()));
}

#[test]
fn account_converts_as_java() {
    let doc = parse_yaml(PLAIN_ACL);
    let Some(Yaml::List(accounts)) = doc.get("accounts") else {
        panic!("no accounts");
    };
    let p = account_policies(&accounts[0]);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].policy_type, PolicyType::Custom);
    let e = |i: usize| {
        (
            p[0].entries[i].resource.key(),
            p[0].entries[i].actions.clone(),
            p[0].entries[i].decision,
        )
    };
    assert_eq!(
        e(0),
        ("Topic:topicA".into(), vec![Action::All], Decision::Deny)
    );
    assert_eq!(
        e(1),
        (
            "Topic:topicB".into(),
            vec![Action::Pub, Action::Sub],
            Decision::Allow
        )
    );
    assert_eq!(
        e(5),
        ("Group:groupC".into(), vec![Action::Sub], Decision::Allow)
    );
    assert_eq!(p[1].policy_type, PolicyType::Default);
    assert_eq!(p[1].entries[0].resource.key(), "Topic:*");
    assert_eq!(p[1].entries[0].decision, Decision::Deny);
    assert_eq!(p[1].entries[1].resource.key(), "Group:*");
    assert_eq!(p[1].entries[1].actions, vec![Action::Sub]);
    assert!(account_policies(&accounts[1]).is_empty());
}

#[test]
fn migration_creates_users_and_acls() {
    let home = tempfile::tempdir().expect("home");
    let store_dir = tempfile::tempdir().expect("store");
    std::fs::create_dir_all(home.path().join("conf")).expect("conf");
    std::fs::write(home.path().join("conf/plain_acl.yml"), PLAIN_ACL).expect("write");
    let config = crate::broker_config::AuthConfig {
        authentication_metadata_provider: Some(
            "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider"
                .into(),
        ),
        authorization_metadata_provider: Some(
            "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider"
                .into(),
        ),
        migrate_auth_from_v1_enabled: true,
        ..Default::default()
    };
    let home_str = home.path().display().to_string();
    let s = AuthService::new(&config, store_dir.path(), Some(&home_str)).expect("service");
    let store = s.metadata().expect("store");
    assert_eq!(
        store.user("RocketMQ").and_then(|u| u.user_type),
        Some(UserType::Normal)
    );
    assert_eq!(
        store.user("RocketMQ").and_then(|u| u.password).as_deref(),
        Some("12345678")
    );
    assert_eq!(
        store.user("rocketmq2").and_then(|u| u.user_type),
        Some(UserType::Super)
    );
    assert_eq!(store.acl("RocketMQ").map(|a| a.policies.len()), Some(2));
    assert!(store.acl("rocketmq2").is_none());
}
