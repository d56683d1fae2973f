//! The ACL 2.0 calls of [`MQClientAPIImpl`] (Java `MQClientAPIImpl.createUser` ..
//! `listAcl`, requests AUTH_CREATE_USER .. AUTH_LIST_ACL): users and ACLs of one broker.
//! A code other than SUCCESS is an `MQBrokerException` with the broker's code and remark.

use super::mq_client_api_impl::MQClientAPIImpl;
use crate::error::ClientError;
use rmq_remoting::protocol::body::auth::{AclInfo, UserInfo};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::auth::{
    AclRequestHeader, DeleteAclRequestHeader, ListAclsRequestHeader, ListUsersRequestHeader,
    UserRequestHeader,
};
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::{RemotingCommand, RequestCode};
use serde::de::DeserializeOwned;

/// Decodes a JSON body; an empty body (Java: `decode(null)`) is `None`.
fn decode_optional<T: DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ClientError> {
    if body.is_empty() {
        return Ok(None);
    }
    Ok(Some(decode(body)?))
}

fn user_header(username: Option<&str>) -> UserRequestHeader {
    UserRequestHeader {
        username: username.map(str::to_string),
    }
}

fn acl_header(subject: Option<&str>) -> AclRequestHeader {
    AclRequestHeader {
        subject: subject.map(str::to_string),
    }
}

impl MQClientAPIImpl {
    async fn auth_request<H: CommandCustomHeader>(
        &self,
        addr: &str,
        code: RequestCode,
        header: &H,
        body: Option<Vec<u8>>,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let mut req = RemotingCommand::create_request_command(code, header);
        if let Some(b) = body {
            req = req.with_body(b);
        }
        self.invoke_broker(addr, req, timeout_millis).await
    }

    /// AUTH_CREATE_USER (`createUser`).
    pub async fn create_user(
        &self,
        addr: &str,
        user: &UserInfo,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = user_header(user.username.as_deref());
        self.auth_request(
            addr,
            RequestCode::AUTH_CREATE_USER,
            &h,
            Some(encode(user)),
            timeout_millis,
        )
        .await?;
        Ok(())
    }

    /// AUTH_UPDATE_USER (`updateUser`).
    pub async fn update_user(
        &self,
        addr: &str,
        user: &UserInfo,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = user_header(user.username.as_deref());
        self.auth_request(
            addr,
            RequestCode::AUTH_UPDATE_USER,
            &h,
            Some(encode(user)),
            timeout_millis,
        )
        .await?;
        Ok(())
    }

    /// AUTH_DELETE_USER (`deleteUser`).
    pub async fn delete_user(
        &self,
        addr: &str,
        username: Option<&str>,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = user_header(username);
        self.auth_request(
            addr,
            RequestCode::AUTH_DELETE_USER,
            &h,
            None,
            timeout_millis,
        )
        .await?;
        Ok(())
    }

    /// AUTH_GET_USER (`getUser`); `None` when the broker knows no such user.
    pub async fn get_user(
        &self,
        addr: &str,
        username: Option<&str>,
        timeout_millis: u64,
    ) -> Result<Option<UserInfo>, ClientError> {
        let h = user_header(username);
        let resp = self
            .auth_request(addr, RequestCode::AUTH_GET_USER, &h, None, timeout_millis)
            .await?;
        decode_optional(&resp.body)
    }

    /// AUTH_LIST_USER (`listUser`), users whose name contains `filter`.
    pub async fn list_user(
        &self,
        addr: &str,
        filter: Option<&str>,
        timeout_millis: u64,
    ) -> Result<Vec<UserInfo>, ClientError> {
        let h = ListUsersRequestHeader {
            filter: filter.map(str::to_string),
        };
        let resp = self
            .auth_request(addr, RequestCode::AUTH_LIST_USER, &h, None, timeout_millis)
            .await?;
        Ok(decode_optional(&resp.body)?.unwrap_or_default())
    }

    /// AUTH_CREATE_ACL (`createAcl`).
    pub async fn create_acl(
        &self,
        addr: &str,
        acl: &AclInfo,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = acl_header(acl.subject.as_deref());
        self.auth_request(
            addr,
            RequestCode::AUTH_CREATE_ACL,
            &h,
            Some(encode(acl)),
            timeout_millis,
        )
        .await?;
        Ok(())
    }

    /// AUTH_UPDATE_ACL (`updateAcl`).
    pub async fn update_acl(
        &self,
        addr: &str,
        acl: &AclInfo,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = acl_header(acl.subject.as_deref());
        self.auth_request(
            addr,
            RequestCode::AUTH_UPDATE_ACL,
            &h,
            Some(encode(acl)),
            timeout_millis,
        )
        .await?;
        Ok(())
    }

    /// AUTH_DELETE_ACL (`deleteAcl`): the subject's policy for `resource`, or all of it.
    pub async fn delete_acl(
        &self,
        addr: &str,
        subject: Option<&str>,
        resource: Option<&str>,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = DeleteAclRequestHeader {
            subject: subject.map(str::to_string),
            policy_type: None,
            resource: resource.map(str::to_string),
        };
        self.auth_request(addr, RequestCode::AUTH_DELETE_ACL, &h, None, timeout_millis)
            .await?;
        Ok(())
    }

    /// AUTH_GET_ACL (`getAcl`); `None` when the subject has no ACL.
    pub async fn get_acl(
        &self,
        addr: &str,
        subject: Option<&str>,
        timeout_millis: u64,
    ) -> Result<Option<AclInfo>, ClientError> {
        let h = acl_header(subject);
        let resp = self
            .auth_request(addr, RequestCode::AUTH_GET_ACL, &h, None, timeout_millis)
            .await?;
        decode_optional(&resp.body)
    }

    /// AUTH_LIST_ACL (`listAcl`), filtered by subject and resource.
    pub async fn list_acl(
        &self,
        addr: &str,
        subject_filter: Option<&str>,
        resource_filter: Option<&str>,
        timeout_millis: u64,
    ) -> Result<Vec<AclInfo>, ClientError> {
        let h = ListAclsRequestHeader {
            subject_filter: subject_filter.map(str::to_string),
            resource_filter: resource_filter.map(str::to_string),
        };
        let resp = self
            .auth_request(addr, RequestCode::AUTH_LIST_ACL, &h, None, timeout_millis)
            .await?;
        Ok(decode_optional(&resp.body)?.unwrap_or_default())
    }
}
