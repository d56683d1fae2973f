use super::*;

fn processor(dir: &std::path::Path) -> AuthAdminProcessor {
    AuthAdminProcessor::new(AuthAdminContext {
        metadata: Some(Arc::new(AuthMetadataStore::open(dir).expect("open"))),
    })
}

async fn call(p: &AuthAdminProcessor, r: RemotingCommand) -> RemotingCommand {
    let (ch, _rx) = Channel::detached("127.0.0.1:1".parse().expect("addr"));
    p.process_request(&ch, r)
        .await
        .expect("ok")
        .expect("answer")
}

fn req(code: RequestCode, fields: &[(&str, &str)], body: &str) -> RemotingCommand {
    let mut r = RemotingCommand::new_request(code);
    for (k, v) in fields {
        r.add_ext_field(*k, v.to_string());
    }
    r.body = bytes::Bytes::from(body.to_string());
    r
}

#[tokio::test]
async fn users_are_created_read_and_listed() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = processor(dir.path());
    let r = call(
        &p,
        req(RequestCode::AUTH_CREATE_USER, &[], r#"{"password":"x"}"#),
    )
    .await;
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (
            ResponseCode::INVALID_PARAMETER.0,
            Some("The username is blank")
        )
    );
    let r = call(
        &p,
        req(
            RequestCode::AUTH_CREATE_USER,
            &[("username", "u1")],
            r#"{"password":"p1"}"#,
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0, "{:?}", r.remark);
    let r = call(
        &p,
        req(
            RequestCode::AUTH_CREATE_USER,
            &[("username", "u1")],
            r#"{"password":"p1"}"#,
        ),
    )
    .await;
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (ResponseCode::NO_PERMISSION.0, Some("The user is existed"))
    );
    let r = call(
        &p,
        req(RequestCode::AUTH_GET_USER, &[("username", "u1")], ""),
    )
    .await;
    let info: UserInfo = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(info.user_type.as_deref(), Some("Normal"));
    assert_eq!(info.user_status.as_deref(), Some("enable"));
    // A Normal caller cannot create a Super user.
    let r = call(
        &p,
        req(
            RequestCode::AUTH_CREATE_USER,
            &[("username", "boss"), ("AccessKey", "u1")],
            r#"{"password":"p","userType":"Super"}"#,
        ),
    )
    .await;
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("The super user can only be create by super user")
        )
    );
    let r = call(&p, req(RequestCode::AUTH_LIST_USER, &[("filter", "u")], "")).await;
    let list: Vec<UserInfo> = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(list.len(), 1);
    let r = call(
        &p,
        req(RequestCode::AUTH_DELETE_USER, &[("username", "u1")], ""),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let r = call(
        &p,
        req(RequestCode::AUTH_GET_USER, &[("username", "u1")], ""),
    )
    .await;
    assert!(r.code == ResponseCode::SUCCESS.0 && r.body.is_empty());
}

#[tokio::test]
async fn acls_are_created_merged_and_deleted() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = processor(dir.path());
    let body = r#"{"subject":"User:u1","policies":[{"policyType":"Custom","entries":[{"resource":"Topic:T","actions":["Pub"],"sourceIps":[],"decision":"Allow"}]}]}"#;
    let r = call(
        &p,
        req(
            RequestCode::AUTH_CREATE_ACL,
            &[("subject", "User:u1")],
            body,
        ),
    )
    .await;
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (
            ResponseCode::NO_PERMISSION.0,
            Some("The subject of User:u1 is not exist.")
        )
    );
    call(
        &p,
        req(
            RequestCode::AUTH_CREATE_USER,
            &[("username", "u1")],
            r#"{"password":"p1"}"#,
        ),
    )
    .await;
    let r = call(
        &p,
        req(
            RequestCode::AUTH_CREATE_ACL,
            &[("subject", "User:u1")],
            body,
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0, "{:?}", r.remark);
    let body2 = r#"{"policies":[{"entries":[{"resource":"Group:G","actions":["Sub"],"decision":"Allow"}]}]}"#;
    let r = call(
        &p,
        req(
            RequestCode::AUTH_UPDATE_ACL,
            &[("subject", "User:u1")],
            body2,
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0, "{:?}", r.remark);
    let r = call(
        &p,
        req(RequestCode::AUTH_GET_ACL, &[("subject", "User:u1")], ""),
    )
    .await;
    let acl: AclInfo = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(
        acl.policies.expect("p")[0]
            .entries
            .as_ref()
            .expect("e")
            .len(),
        2
    );
    let r = call(
        &p,
        req(
            RequestCode::AUTH_LIST_ACL,
            &[("resourceFilter", "Group")],
            "",
        ),
    )
    .await;
    let list: Vec<AclInfo> = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(
        list[0].policies.as_ref().expect("p")[0]
            .entries
            .as_ref()
            .expect("e")
            .len(),
        1
    );
    let r = call(
        &p,
        req(
            RequestCode::AUTH_DELETE_ACL,
            &[("subject", "User:u1"), ("resource", "Topic:T")],
            "",
        ),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let r = call(
        &p,
        req(RequestCode::AUTH_CREATE_ACL, &[("subject", "User:u1")], ""),
    )
    .await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
}

#[tokio::test]
async fn without_metadata_every_code_is_a_system_error() {
    let p = AuthAdminProcessor::new(AuthAdminContext { metadata: None });
    let r = call(&p, req(RequestCode::AUTH_LIST_USER, &[], "")).await;
    assert_eq!(
        (r.code, r.remark.as_deref()),
        (ResponseCode::SYSTEM_ERROR.0, Some(SYSTEM_ERROR_REMARK))
    );
}
