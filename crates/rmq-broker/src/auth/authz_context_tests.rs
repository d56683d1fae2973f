use super::*;

fn req(code: RequestCode, fields: &[(&str, &str)]) -> RemotingCommand {
    let mut r = RemotingCommand::new_request(code);
    for (k, v) in fields {
        r.add_ext_field(*k, v.to_string());
    }
    r
}

fn keys(items: &[AuthzItem]) -> Vec<(String, Vec<Action>)> {
    items
        .iter()
        .map(|i| (i.resource.key(), i.actions.clone()))
        .collect()
}

#[test]
fn send_is_pub_on_the_topic_or_sub_on_the_retry_group() {
    let r = req(RequestCode::SEND_MESSAGE_V2, &[("a", "pg"), ("b", "T")]);
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![("Topic:T".into(), vec![Action::Pub])]
    );
    let r = req(
        RequestCode::SEND_MESSAGE_V2,
        &[("a", "cg"), ("b", "%RETRY%cg")],
    );
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![("Group:cg".into(), vec![Action::Sub])]
    );
    let r = req(RequestCode::SEND_MESSAGE, &[("topic", "%RETRY%g2")]);
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![("Group:g2".into(), vec![Action::Sub])]
    );
}

#[test]
fn pull_needs_sub_on_topic_and_group() {
    let r = req(
        RequestCode::PULL_MESSAGE,
        &[("topic", "T"), ("consumerGroup", "G")],
    );
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![
            ("Topic:T".into(), vec![Action::Sub]),
            ("Group:G".into(), vec![Action::Sub])
        ]
    );
    let r = req(
        RequestCode::QUERY_CONSUMER_OFFSET,
        &[("topic", "T"), ("consumerGroup", "G")],
    );
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![
            ("Topic:T".into(), vec![Action::Sub, Action::Get]),
            ("Group:G".into(), vec![Action::Sub, Action::Get])
        ]
    );
    let r = req(RequestCode::QUERY_CONSUMER_OFFSET, &[("topic", "T")]);
    assert_eq!(build(&r, "c"), Err(PARSE_ERROR.to_string()));
}

#[test]
fn route_and_heartbeat() {
    let r = req(RequestCode::GET_ROUTEINFO_BY_TOPIC, &[("topic", "T")]);
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![(
            "Topic:T".into(),
            vec![Action::Pub, Action::Sub, Action::Get]
        )]
    );
    let mut r = req(RequestCode::HEART_BEAT, &[("x", "y")]);
    r.body = bytes::Bytes::from_static(
        br#"{"clientID":"c1","consumerDataSet":[{"groupName":"G","subscriptionDataSet":[{"topic":"T","subString":"*"},{"topic":"%RETRY%G","subString":"*"}]}],"producerDataSet":[]}"#,
    );
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![
            ("Group:G".into(), vec![Action::Sub]),
            ("Topic:T".into(), vec![Action::Sub])
        ]
    );
}

#[test]
fn other_codes_follow_the_header_annotations() {
    let r = req(
        RequestCode::GET_CONSUMER_CONNECTION_LIST,
        &[("consumerGroup", "G")],
    );
    assert_eq!(
        keys(&build(&r, "c").expect("ok")),
        vec![("Group:G".into(), vec![Action::Get])]
    );
    // A cluster-wide header without resource fields names the broker's cluster.
    let r = req(RequestCode::AUTH_CREATE_USER, &[("username", "u")]);
    assert_eq!(
        keys(&build(&r, "DefaultCluster").expect("ok")),
        vec![("Cluster:DefaultCluster".into(), vec![Action::Update])]
    );
    // An unannotated code (or no ext fields at all) asks for nothing.
    let r = req(RequestCode::LITE_PULL_MESSAGE, &[("topic", "T")]);
    assert!(build(&r, "c").expect("ok").is_empty());
    let r = RemotingCommand::new_request(RequestCode::GET_BROKER_CONFIG);
    assert!(build(&r, "c").expect("ok").is_empty());
}
