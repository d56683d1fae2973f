//! AUTH_CREATE_USER … AUTH_LIST_ACL (3001–3010): the users and ACLs of ACL 2.0 (Java
//! `AdminBrokerProcessor` `createUser` … `listAcl`, with the metadata managers' checks in
//! `auth::store`).

use crate::auth::model::{Acl, User, UserType};
use crate::auth::store::{AuthError, AuthMetadataStore};
use async_trait::async_trait;
use rmq_remoting::protocol::body::auth::{AclInfo, UserInfo};
use rmq_remoting::protocol::header::auth::{
    AclRequestHeader, DeleteAclRequestHeader, ListAclsRequestHeader, ListUsersRequestHeader,
    UserRequestHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use std::sync::Arc;

/// What the AUTH_* codes use: the local users and ACLs (`None` when no metadata provider is
/// configured; Java then answers every code SYSTEM_ERROR).
#[derive(Clone)]
pub struct AuthAdminContext {
    pub metadata: Option<Arc<AuthMetadataStore>>,
}

/// The processor of the AUTH_* codes.
pub struct AuthAdminProcessor {
    ctx: AuthAdminContext,
}

/// The codes [`AuthAdminProcessor`] serves.
pub const AUTH_CODES: [RequestCode; 10] = [
    RequestCode::AUTH_CREATE_USER,
    RequestCode::AUTH_UPDATE_USER,
    RequestCode::AUTH_DELETE_USER,
    RequestCode::AUTH_GET_USER,
    RequestCode::AUTH_LIST_USER,
    RequestCode::AUTH_CREATE_ACL,
    RequestCode::AUTH_UPDATE_ACL,
    RequestCode::AUTH_DELETE_ACL,
    RequestCode::AUTH_GET_ACL,
    RequestCode::AUTH_LIST_ACL,
];

const SYSTEM_ERROR_REMARK: &str = "An system error occurred, please try again later.";

/// Java `handleAuthException`.
fn answer(r: Result<RemotingCommand, AuthError>) -> RemotingCommand {
    match r {
        Ok(r) => r,
        Err(AuthError::Denied(m)) => RemotingCommand::error(ResponseCode::NO_PERMISSION, m),
        Err(AuthError::System(m)) => {
            tracing::error!(error = %m, "auth admin request failed");
            RemotingCommand::error(ResponseCode::SYSTEM_ERROR, SYSTEM_ERROR_REMARK)
        }
    }
}

fn json_body<T: serde::Serialize>(value: &T) -> RemotingCommand {
    let mut r = RemotingCommand::success();
    r.body = serde_json::to_vec(value).unwrap_or_default().into();
    r
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl AuthAdminProcessor {
    pub fn new(ctx: AuthAdminContext) -> Self {
        AuthAdminProcessor { ctx }
    }

    fn store(&self) -> Result<&AuthMetadataStore, AuthError> {
        self.ctx.metadata.as_deref().ok_or_else(|| {
            AuthError::System("The authenticationMetadataProvider is not configured".into())
        })
    }

    /// Java `isNotSuperUserLogin`: a request without `AccessKey` (authentication off) counts
    /// as a Super user's.
    fn is_not_super_user_login(&self, request: &RemotingCommand) -> Result<bool, AuthError> {
        let Some(ak) = request
            .ext_fields
            .get(rmq_remoting::acl::ACCESS_KEY)
            .filter(|a| !a.is_empty())
        else {
            return Ok(false);
        };
        match self.store()?.user(ak) {
            Some(u) => Ok(u.user_type != Some(UserType::Super)),
            None => Err(AuthError::System(format!("User:{ak} is not found"))),
        }
    }

    fn user_from_request(request: &RemotingCommand) -> Result<Option<User>, RemotingError> {
        let h: UserRequestHeader = request.decode_header()?;
        if blank(&h.username) {
            return Ok(None);
        }
        let body = request.whole_body();
        let mut info: UserInfo = if body.is_empty() {
            UserInfo::default()
        } else {
            rmq_remoting::protocol::body::decode(&body)?
        };
        info.username = h.username;
        Ok(Some(User::from_info(&info)))
    }

    fn create_user(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let Some(user) = Self::user_from_request(request)? else {
            return Ok(RemotingCommand::error(ResponseCode::INVALID_PARAMETER, "The username is blank"));
        };
        Ok(answer((|| {
            if user.user_type == Some(UserType::Super) && self.is_not_super_user_login(request)? {
                return Ok(RemotingCommand::error(
                    ResponseCode::SYSTEM_ERROR,
                    "The super user can only be create by super user",
                ));
            }
            self.store()?.create_user(user)?;
            Ok(RemotingCommand::success())
        })()))
    }

    fn update_user(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let Some(user) = Self::user_from_request(request)? else {
            return Ok(RemotingCommand::error(ResponseCode::INVALID_PARAMETER, "The username is blank"));
        };
        Ok(answer((|| {
            if user.user_type == Some(UserType::Super) && self.is_not_super_user_login(request)? {
                return Ok(RemotingCommand::error(
                    ResponseCode::SYSTEM_ERROR,
                    "The super user can only be update by super user",
                ));
            }
            let store = self.store()?;
            let Some(old) = store.user(&user.username) else {
                return Err(AuthError::Denied("The user is not exist".into()));
            };
            if old.user_type == Some(UserType::Super) && self.is_not_super_user_login(request)? {
                return Err(AuthError::Denied(
                    "The super user can only be update by super user".into(),
                ));
            }
            store.update_user(user)?;
            Ok(RemotingCommand::success())
        })()))
    }

    fn delete_user(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: UserRequestHeader = request.decode_header()?;
        let username = h.username.unwrap_or_default();
        Ok(answer((|| {
            let store = self.store()?;
            if username.trim().is_empty() {
                return Err(AuthError::Denied("username can not be blank".into()));
            }
            let Some(old) = store.user(&username) else {
                return Ok(RemotingCommand::success());
            };
            if old.user_type == Some(UserType::Super) && self.is_not_super_user_login(request)? {
                return Err(AuthError::Denied(
                    "The super user can only be update by super user".into(),
                ));
            }
            store.delete_user(&username)?;
            Ok(RemotingCommand::success())
        })()))
    }

    fn get_user(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: UserRequestHeader = request.decode_header()?;
        if blank(&h.username) {
            return Ok(RemotingCommand::error(ResponseCode::INVALID_PARAMETER, "The username is blank"));
        }
        let username = h.username.unwrap_or_default();
        Ok(answer(self.store().map(|s| match s.user(&username) {
            Some(u) => json_body(&u.to_info()),
            None => RemotingCommand::success(),
        })))
    }

    fn list_users(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: ListUsersRequestHeader = request.decode_header()?;
        Ok(answer(self.store().map(|s| {
            let users = s.list_users(h.filter.as_deref());
            if users.is_empty() {
                RemotingCommand::success()
            } else {
                json_body(&users.iter().map(User::to_info).collect::<Vec<_>>())
            }
        })))
    }

    fn put_acl(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: AclRequestHeader = request.decode_header()?;
        let body = request.whole_body();
        let info: Option<AclInfo> = if body.is_empty() {
            None
        } else {
            rmq_remoting::protocol::body::decode(&body)?
        };
        let Some(info) = info.filter(|i| i.policies.as_ref().is_some_and(|p| !p.is_empty())) else {
            // Java throws out of the processor: SYSTEM_ERROR with the exception as remark.
            return Ok(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "AuthorizationException: The body of acl is null",
            ));
        };
        Ok(answer((|| {
            let store = self.store()?;
            let acl = Acl::from_info(&info, h.subject.as_deref()).map_err(AuthError::Denied)?;
            store.put_acl(acl)?;
            Ok(RemotingCommand::success())
        })()))
    }

    fn delete_acl(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: DeleteAclRequestHeader = request.decode_header()?;
        Ok(answer((|| {
            self.store()?.delete_acl(
                h.subject.as_deref(),
                h.policy_type.as_deref(),
                h.resource.as_deref(),
            )?;
            Ok(RemotingCommand::success())
        })()))
    }

    fn get_acl(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: AclRequestHeader = request.decode_header()?;
        Ok(answer((|| {
            Ok(match self.store()?.get_acl(h.subject.as_deref())? {
                Some(acl) => json_body(&acl.to_info()),
                None => RemotingCommand::success(),
            })
        })()))
    }

    fn list_acls(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: ListAclsRequestHeader = request.decode_header()?;
        Ok(answer(self.store().map(|s| {
            let acls = s.list_acls(h.subject_filter.as_deref(), h.resource_filter.as_deref());
            if acls.is_empty() {
                RemotingCommand::success()
            } else {
                json_body(&acls.iter().map(Acl::to_info).collect::<Vec<_>>())
            }
        })))
    }
}

#[async_trait]
impl RequestProcessor for AuthAdminProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let r = match request.request_code() {
            RequestCode::AUTH_CREATE_USER => self.create_user(&request)?,
            RequestCode::AUTH_UPDATE_USER => self.update_user(&request)?,
            RequestCode::AUTH_DELETE_USER => self.delete_user(&request)?,
            RequestCode::AUTH_GET_USER => self.get_user(&request)?,
            RequestCode::AUTH_LIST_USER => self.list_users(&request)?,
            RequestCode::AUTH_CREATE_ACL | RequestCode::AUTH_UPDATE_ACL => self.put_acl(&request)?,
            RequestCode::AUTH_DELETE_ACL => self.delete_acl(&request)?,
            RequestCode::AUTH_GET_ACL => self.get_acl(&request)?,
            RequestCode::AUTH_LIST_ACL => self.list_acls(&request)?,
            other => RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", other.0),
            ),
        };
        Ok(Some(r))
    }
}

#[cfg(test)]
#[path = "auth_admin_tests.rs"]
mod tests;
