use super::*;
use crate::auth::model::{Action, Decision, Policy, PolicyEntry};

fn user(name: &str, t: Option<UserType>) -> User {
    User {
        username: name.into(),
        password: Some("pw".into()),
        user_type: t,
        user_status: None,
    }
}

fn acl(name: &str, resource: &str) -> Acl {
    Acl {
        username: name.into(),
        policies: vec![Policy {
            policy_type: PolicyType::Custom,
            entries: vec![PolicyEntry {
                resource: Resource::parse(Some(resource)).expect("r"),
                actions: vec![Action::Pub],
                source_ips: vec!["127.0.0.1".into()],
                decision: Decision::Allow,
            }],
        }],
    }
}

#[test]
fn users_and_acls_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = AuthMetadataStore::open(dir.path()).expect("open");
    s.create_user(user("alice", None)).expect("create");
    s.create_user(user("root", Some(UserType::Super)))
        .expect("create");
    s.put_acl(acl("alice", "Topic:T")).expect("acl");
    s.put_acl(acl("alice", "Group:G")).expect("acl merge");
    drop(s);
    let s = AuthMetadataStore::open(dir.path()).expect("reopen");
    let a = s.user("alice").expect("alice");
    assert_eq!(a.user_type, Some(UserType::Normal));
    assert_eq!(a.user_status, Some(UserStatus::Enable));
    assert_eq!(
        s.user("root").and_then(|u| u.user_type),
        Some(UserType::Super)
    );
    let acl = s.acl("alice").expect("acl");
    assert_eq!(acl.policies[0].entries.len(), 2);
    assert_eq!(
        acl.policies[0].entries[0].source_ips,
        vec!["127.0.0.1".to_string()]
    );
}

#[test]
fn manager_checks_answer_as_java() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = AuthMetadataStore::open(dir.path()).expect("open");
    let mut nopw = user("x", None);
    nopw.password = None;
    assert_eq!(
        s.create_user(nopw),
        Err(AuthError::Denied("password can not be blank".into()))
    );
    s.create_user(user("u", None)).expect("create");
    assert_eq!(
        s.create_user(user("u", None)),
        Err(AuthError::Denied("The user is existed".into()))
    );
    assert_eq!(
        s.update_user(user("v", None)),
        Err(AuthError::Denied("The user is not exist".into()))
    );
    assert_eq!(
        s.put_acl(acl("nobody", "Topic:T")),
        Err(AuthError::Denied(
            "The subject of User:nobody is not exist.".into()
        ))
    );
    assert_eq!(
        s.delete_acl(Some("User:u"), None, None),
        Err(AuthError::Denied("The acl is not exist.".into()))
    );
    s.put_acl(acl("u", "Topic:T")).expect("acl");
    s.put_acl(acl("u", "Topic:U")).expect("acl");
    s.delete_acl(Some("User:u"), Some("custom"), Some("Topic:T"))
        .expect("delete one");
    assert_eq!(s.acl("u").expect("acl").policies[0].entries.len(), 1);
    s.delete_acl(Some("User:u"), None, Some("Topic:U"))
        .expect("delete last");
    assert!(s.acl("u").is_none());
    s.put_acl(acl("u", "Topic:T")).expect("acl");
    s.delete_user("u").expect("delete user");
    assert!(s.acl("u").is_none() && s.user("u").is_none());
}

#[test]
fn list_filters() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = AuthMetadataStore::open(dir.path()).expect("open");
    for n in ["app1", "app2", "ops"] {
        s.create_user(user(n, None)).expect("create");
    }
    let names = |v: Vec<User>| v.into_iter().map(|u| u.username).collect::<Vec<_>>();
    assert_eq!(names(s.list_users(Some("app"))), vec!["app1", "app2"]);
    assert_eq!(names(s.list_users(Some(" "))).len(), 3);
    s.put_acl(acl("app1", "Topic:orders")).expect("acl");
    s.put_acl(acl("app2", "Topic:pay")).expect("acl");
    assert_eq!(s.list_acls(Some("app1"), None).len(), 1);
    let by_res = s.list_acls(None, Some("pay"));
    assert_eq!(by_res.len(), 1);
    assert_eq!(by_res[0].username, "app2");
    // A resource filter the subject key contains keeps all entries.
    assert_eq!(s.list_acls(None, Some("app1")).len(), 1);
}
