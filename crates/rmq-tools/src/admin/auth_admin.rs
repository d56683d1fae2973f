//! ACL 2.0 calls of `DefaultMQAdminExtImpl`: users (`createUser` .. `listUser`) and ACLs
//! (`createAcl` .. `listAcl`) of one broker, with Java's `UserInfo.of` / `AclInfo.of`
//! builders for the command line forms.

use super::DefaultMQAdminExt;
use rmq_client::ClientError;
pub use rmq_remoting::protocol::body::auth::{AclInfo, PolicyEntryInfo, PolicyInfo, UserInfo};

/// Java `UserInfo.of(username, password, userType, userStatus)`.
pub fn user_info_of(
    username: Option<&str>,
    password: Option<&str>,
    user_type: Option<&str>,
    user_status: Option<&str>,
) -> UserInfo {
    UserInfo {
        username: username.map(str::to_string),
        password: password.map(str::to_string),
        user_type: user_type.map(str::to_string),
        user_status: user_status.map(str::to_string),
    }
}

/// Java `AclInfo.of(subject, resources, actions, sourceIps, decision)`: one policy with one
/// entry per resource, each with the same actions, source IPs and decision.
pub fn acl_info_of(
    subject: Option<&str>,
    resources: &[String],
    actions: Option<Vec<String>>,
    source_ips: Option<Vec<String>>,
    decision: Option<&str>,
) -> AclInfo {
    let entries = resources
        .iter()
        .map(|r| PolicyEntryInfo {
            resource: Some(r.clone()),
            actions: actions.clone(),
            source_ips: source_ips.clone(),
            decision: decision.map(str::to_string),
        })
        .collect();
    AclInfo {
        subject: subject.map(str::to_string),
        policies: Some(vec![PolicyInfo {
            policy_type: None,
            entries: Some(entries),
        }]),
    }
}

impl DefaultMQAdminExt {
    /// `createUser`.
    pub async fn create_user(&self, addr: &str, user: &UserInfo) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api().create_user(addr, user, self.timeout_millis).await
    }

    /// `updateUser`.
    pub async fn update_user(&self, addr: &str, user: &UserInfo) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api().update_user(addr, user, self.timeout_millis).await
    }

    /// `deleteUser`.
    pub async fn delete_user(&self, addr: &str, username: Option<&str>) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api()
            .delete_user(addr, username, self.timeout_millis)
            .await
    }

    /// `getUser`; `None` when the broker has no such user.
    pub async fn get_user(
        &self,
        addr: &str,
        username: Option<&str>,
    ) -> Result<Option<UserInfo>, ClientError> {
        let api = self.instance()?;
        api.api()
            .get_user(addr, username, self.timeout_millis)
            .await
    }

    /// `listUser`.
    pub async fn list_user(
        &self,
        addr: &str,
        filter: Option<&str>,
    ) -> Result<Vec<UserInfo>, ClientError> {
        let api = self.instance()?;
        api.api().list_user(addr, filter, self.timeout_millis).await
    }

    /// `createAcl`.
    pub async fn create_acl(&self, addr: &str, acl: &AclInfo) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api().create_acl(addr, acl, self.timeout_millis).await
    }

    /// `updateAcl`.
    pub async fn update_acl(&self, addr: &str, acl: &AclInfo) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api().update_acl(addr, acl, self.timeout_millis).await
    }

    /// `deleteAcl`.
    pub async fn delete_acl(
        &self,
        addr: &str,
        subject: Option<&str>,
        resource: Option<&str>,
    ) -> Result<(), ClientError> {
        let api = self.instance()?;
        api.api()
            .delete_acl(addr, subject, resource, self.timeout_millis)
            .await
    }

    /// `getAcl`; `None` when the subject has no ACL.
    pub async fn get_acl(
        &self,
        addr: &str,
        subject: Option<&str>,
    ) -> Result<Option<AclInfo>, ClientError> {
        let api = self.instance()?;
        api.api().get_acl(addr, subject, self.timeout_millis).await
    }

    /// `listAcl`.
    pub async fn list_acl(
        &self,
        addr: &str,
        subject_filter: Option<&str>,
        resource_filter: Option<&str>,
    ) -> Result<Vec<AclInfo>, ClientError> {
        let api = self.instance()?;
        api.api()
            .list_acl(addr, subject_filter, resource_filter, self.timeout_millis)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acl_info_of_builds_one_entry_per_resource() {
        let acl = acl_info_of(
            Some("User:u1"),
            &["Topic:T".to_string(), "Group:G".to_string()],
            Some(vec!["Pub".into(), "Sub".into()]),
            None,
            Some("Allow"),
        );
        let json = String::from_utf8(rmq_remoting::protocol::body::encode(&acl)).unwrap();
        assert_eq!(
            json,
            r#"{"policies":[{"entries":[{"actions":["Pub","Sub"],"decision":"Allow","resource":"Topic:T"},{"actions":["Pub","Sub"],"decision":"Allow","resource":"Group:G"}]}],"subject":"User:u1"}"#
        );
        let u = user_info_of(Some("u1"), Some("p"), None, Some("Disable"));
        assert_eq!(
            String::from_utf8(rmq_remoting::protocol::body::encode(&u)).unwrap(),
            r#"{"password":"p","userStatus":"Disable","username":"u1"}"#
        );
    }
}
