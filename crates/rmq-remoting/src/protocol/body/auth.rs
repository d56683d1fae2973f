//! ACL 2.0 bodies of the AUTH_* requests (Java `remoting/protocol/body/UserInfo` and `AclInfo`).
//! Enum-like fields are text (`Super`, `Normal`, `enable`, `Custom`, `Allow`, `Pub`, …) as Java
//! writes them; absent fields stay absent, as fastjson leaves out nulls.

use serde::{Deserialize, Serialize};

/// A user (Java `UserInfo`): AUTH_CREATE_USER / AUTH_UPDATE_USER bodies, AUTH_GET_USER answers,
/// and the elements of AUTH_LIST_USER answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_status: Option<String>,
}

/// The ACL of one subject (Java `AclInfo`): AUTH_CREATE_ACL / AUTH_UPDATE_ACL bodies,
/// AUTH_GET_ACL answers and the elements of AUTH_LIST_ACL answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AclInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<PolicyInfo>>,
}

/// One policy of an ACL (Java `AclInfo.PolicyInfo`): `Custom` or `Default`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<PolicyEntryInfo>>,
}

/// One entry of a policy (Java `AclInfo.PolicyEntryInfo`), e.g. resource `Topic:T`, actions
/// `["Pub","Sub"]`, source IPs `["127.0.0.1/32"]`, decision `Allow`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyEntryInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ips: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_json_round_trips() {
        let java = r#"{"policies":[{"entries":[{"actions":["Pub","Sub"],"decision":"Allow","resource":"Topic:T","sourceIps":["127.0.0.1"]}],"policyType":"Custom"}],"subject":"User:u1"}"#;
        let acl: AclInfo = crate::protocol::body::decode(java.as_bytes()).expect("decode");
        assert_eq!(acl.subject.as_deref(), Some("User:u1"));
        let e = &acl.policies.as_ref().expect("p")[0]
            .entries
            .as_ref()
            .expect("e")[0];
        assert_eq!(
            e.actions.as_deref(),
            Some(&["Pub".to_string(), "Sub".to_string()][..])
        );
        let user: UserInfo = crate::protocol::body::decode(
            br#"{"username":"u1","password":"p","userType":"Normal"}"#,
        )
        .expect("user");
        let json = serde_json::to_string(&user).expect("json");
        assert_eq!(
            json,
            r#"{"username":"u1","password":"p","userType":"Normal"}"#
        );
    }
}
