use super::*;

fn entry(resource: &str, actions: &[Action], decision: Decision) -> PolicyEntry {
    PolicyEntry {
        resource: Resource::parse(Some(resource)).expect("resource"),
        actions: actions.to_vec(),
        source_ips: Vec::new(),
        decision,
    }
}

#[test]
fn resource_keys_parse_as_java() {
    let any = Resource::parse(Some("*")).expect("any");
    assert_eq!(any.resource_type, ResourceType::Any);
    assert_eq!(any.key(), "*");
    let all = Resource::parse(Some("topic:*")).expect("all");
    assert_eq!(
        (all.resource_type, all.pattern),
        (ResourceType::Topic, ResourcePattern::Any)
    );
    assert_eq!(all.key(), "Topic:*");
    let pre = Resource::parse(Some("Group:gid_*")).expect("prefix");
    assert_eq!(pre.pattern, ResourcePattern::Prefixed);
    assert_eq!(pre.name.as_deref(), Some("gid_"));
    assert_eq!(pre.key(), "Group:gid_*");
    assert_eq!(Resource::parse(Some("Queue:x")), None);
    assert_eq!(Resource::parse(Some("  ")), None);
    assert_eq!(
        Resource::group(Some("%RETRY%g1")).name.as_deref(),
        Some("g1")
    );
}

#[test]
fn resources_match_by_type_and_pattern() {
    let t = Resource::topic(Some("orders"));
    assert!(Resource::parse(Some("*")).expect("r").is_match(&t));
    assert!(Resource::parse(Some("Topic:*")).expect("r").is_match(&t));
    assert!(Resource::parse(Some("Topic:ord*")).expect("r").is_match(&t));
    assert!(Resource::parse(Some("Topic:orders"))
        .expect("r")
        .is_match(&t));
    assert!(!Resource::parse(Some("Topic:order"))
        .expect("r")
        .is_match(&t));
    assert!(!Resource::parse(Some("Group:*")).expect("r").is_match(&t));
}

#[test]
fn actions_match_all_and_any() {
    let e = entry("Topic:t", &[Action::Pub], Decision::Allow);
    assert!(e.is_match_action(&[Action::Pub]));
    assert!(!e.is_match_action(&[Action::Sub]));
    assert!(e.is_match_action(&[Action::Sub, Action::Pub]));
    assert!(e.is_match_action(&[Action::Any]));
    assert!(entry("Topic:t", &[Action::All], Decision::Allow).is_match_action(&[Action::Get]));
}

#[test]
fn source_ips_and_cidrs() {
    assert!(is_ip_in_range("10.1.2.3", "10.1.0.0/16"));
    assert!(!is_ip_in_range("10.2.2.3", "10.1.0.0/16"));
    assert!(is_ip_in_range("10.1.2.3", "10.1.2.3"));
    assert!(!is_ip_in_range("10.1.2.3", "10.1.2.4"));
    assert!(is_ip_in_range("1.2.3.4", "0.0.0.0/0"));
    assert!(is_ip_in_range("::1", "::/0"));
    assert!(!is_ip_in_range("::1", "0.0.0.0/0"));
    assert!(is_valid_ip_or_cidr("192.168.0.0/24"));
    assert!(is_valid_ip_or_cidr("::1"));
    assert!(!is_valid_ip_or_cidr("192.168.0.0/33"));
    assert!(!is_valid_ip_or_cidr("host"));
    let mut e = entry("Topic:t", &[Action::Pub], Decision::Allow);
    e.source_ips = vec!["192.168.1.0/24".into()];
    assert!(e.is_match_source_ip("192.168.1.9"));
    assert!(!e.is_match_source_ip("192.168.2.9"));
}

#[test]
fn comparator_ranks_as_java() {
    let lit = entry("Topic:orders", &[Action::Pub], Decision::Allow);
    let any_topic = entry("Topic:*", &[Action::Pub], Decision::Allow);
    let star = entry("*", &[Action::Pub], Decision::Allow);
    let short = entry("Topic:o*", &[Action::Pub], Decision::Allow);
    let long = entry("Topic:ord*", &[Action::Pub], Decision::Allow);
    let deny = entry("Topic:orders", &[Action::Pub], Decision::Deny);
    assert_eq!(compare_entries(&star, &lit), Ordering::Greater);
    assert_eq!(compare_entries(&lit, &star), Ordering::Less);
    assert_eq!(compare_entries(&lit, &any_topic), Ordering::Less);
    // Java ranks `Type:*` first against nothing: the pair compares equal from that side.
    assert_eq!(compare_entries(&any_topic, &lit), Ordering::Equal);
    // Two prefixes: the shorter first, as Java's Integer.compare of the lengths.
    assert_eq!(compare_entries(&short, &long), Ordering::Less);
    // Same resource: Allow before Deny.
    assert_eq!(compare_entries(&deny, &lit), Ordering::Greater);
    assert_eq!(compare_entries(&lit, &deny), Ordering::Less);
}

#[test]
fn java_sort_is_stable_insertion_sort() {
    let mut v = vec![5, 3, 4, 1, 2, 2];
    java_list_sort(&mut v, |a: &i32, b: &i32| a.cmp(b));
    assert_eq!(v, vec![1, 2, 2, 3, 4, 5]);
    let mut pairs = vec![(1, 'a'), (0, 'b'), (1, 'c'), (0, 'd')];
    java_list_sort(&mut pairs, |a, b| a.0.cmp(&b.0));
    assert_eq!(pairs, vec![(0, 'b'), (0, 'd'), (1, 'a'), (1, 'c')]);
}

fn acl(custom: Vec<PolicyEntry>, default: Vec<PolicyEntry>) -> Acl {
    let mut policies = vec![Policy {
        policy_type: PolicyType::Custom,
        entries: custom,
    }];
    if !default.is_empty() {
        policies.push(Policy {
            policy_type: PolicyType::Default,
            entries: default,
        });
    }
    Acl {
        username: "u".into(),
        policies,
    }
}

#[test]
fn first_ranked_entry_decides() {
    let a = acl(
        vec![
            entry("*", &[Action::All], Decision::Deny),
            entry("Topic:orders", &[Action::Pub], Decision::Allow),
            entry("Topic:secret", &[Action::Pub], Decision::Deny),
        ],
        vec![entry("Topic:*", &[Action::Sub], Decision::Allow)],
    );
    let t = |n: &str| Resource::topic(Some(n));
    let d = |r: &Resource, act: Action| a.matched_entry(r, &[act], "1.2.3.4").map(|e| e.decision);
    // The literal entry outranks `*`.
    assert_eq!(d(&t("orders"), Action::Pub), Some(Decision::Allow));
    assert_eq!(d(&t("secret"), Action::Pub), Some(Decision::Deny));
    // Only `*` matches in Custom: Default is not consulted.
    assert_eq!(d(&t("other"), Action::Sub), Some(Decision::Deny));
    let b = acl(
        vec![entry("Topic:orders", &[Action::Pub], Decision::Allow)],
        vec![entry("Topic:*", &[Action::Sub], Decision::Allow)],
    );
    assert_eq!(
        b.matched_entry(&t("x"), &[Action::Sub], "1.2.3.4")
            .map(|e| e.decision),
        Some(Decision::Allow)
    );
    assert_eq!(b.matched_entry(&t("x"), &[Action::Pub], "1.2.3.4"), None);
}

#[test]
fn acl_info_converts_and_validates() {
    let info: AclInfo = serde_json::from_str(
        r#"{"subject":"User:u1","policies":[{"entries":[{"resource":"Topic:T","actions":["pub","Sub"],"sourceIps":["10.0.0.0/8"],"decision":"allow"}]}]}"#,
    )
    .expect("json");
    let a = Acl::from_info(&info, None).expect("valid");
    assert_eq!(a.username, "u1");
    assert_eq!(a.policies[0].policy_type, PolicyType::Custom);
    assert_eq!(
        a.policies[0].entries[0].actions,
        vec![Action::Pub, Action::Sub]
    );
    let back = a.to_info();
    assert_eq!(back.subject.as_deref(), Some("User:u1"));
    let e = &back.policies.expect("p")[0].entries.clone().expect("e")[0];
    assert_eq!(e.decision.as_deref(), Some("Allow"));
    let bad =
        |json: &str| Acl::from_info(&serde_json::from_str(json).expect("json"), Some("User:u"));
    assert_eq!(
        bad(
            r#"{"policies":[{"entries":[{"resource":"Topic:T","actions":["Any"],"decision":"Allow"}]}]}"#
        ),
        Err("The actions can not be Any.".to_string())
    );
    assert_eq!(
        bad(
            r#"{"policies":[{"entries":[{"resource":"Topic:T","actions":["Pub"],"decision":"Maybe"}]}]}"#
        ),
        Err("The decision is null or illegal.".to_string())
    );
    assert_eq!(
        bad(
            r#"{"policies":[{"entries":[{"resource":"Topic:T","actions":["Pub"],"sourceIps":["x"],"decision":"Allow"}]}]}"#
        ),
        Err("The source ip is invalid.".to_string())
    );
    assert_eq!(
        bad(r#"{"policies":[{"entries":[]}]}"#),
        Err("The policies is empty.".to_string())
    );
    assert_eq!(UserType::by_name(Some("SUPER")), Some(UserType::Super));
    assert_eq!(
        UserStatus::by_name(Some("Disable")),
        Some(UserStatus::Disable)
    );
}

#[test]
fn update_and_delete_entries() {
    let mut a = acl(
        vec![entry("Topic:a", &[Action::Pub], Decision::Allow)],
        vec![],
    );
    a.update_policies(vec![Policy {
        policy_type: PolicyType::Custom,
        entries: vec![
            entry("Topic:a", &[Action::Sub], Decision::Deny),
            entry("Topic:b", &[Action::Pub], Decision::Allow),
        ],
    }]);
    let c = a.policy(PolicyType::Custom).expect("custom");
    assert_eq!(c.entries.len(), 2);
    assert_eq!(c.entries[0].decision, Decision::Deny);
    let ta = Resource::topic(Some("a"));
    let tb = Resource::topic(Some("b"));
    a.delete_entry(PolicyType::Custom, &ta);
    a.delete_entry(PolicyType::Custom, &tb);
    assert!(a.policies.is_empty());
}
