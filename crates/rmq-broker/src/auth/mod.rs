//! ACL 2.0 on the broker (Java 5.3.3 `auth` module and `broker/auth`): users and ACLs kept
//! locally ([`store`]), authentication and authorization of every request before its
//! processor ([`guard`]), the AUTH_* admin codes
//! (`processor::admin_broker_processor::auth_admin`) and the conversion of an ACL 1.0
//! `plain_acl.yml` ([`migrate`]).

mod annotations;
pub mod authz_context;
pub mod guard;
pub mod migrate;
pub mod model;
pub mod store;

use crate::broker_config::AuthConfig;
use model::{Decision, User, UserStatus, UserType};
use rmq_remoting::acl::{SessionCredentials, SignedRequest};
use rmq_remoting::RemotingCommand;
use std::path::Path;
use std::sync::Arc;
use store::AuthMetadataStore;

const DEFAULT_AUTHN_PROVIDER: &str =
    "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider";
const LOCAL_AUTHN_METADATA: &str =
    "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider";
const STATELESS_AUTHN: &str =
    "org.apache.rocketmq.auth.authentication.strategy.StatelessAuthenticationStrategy";
const STATEFUL_AUTHN: &str =
    "org.apache.rocketmq.auth.authentication.strategy.StatefulAuthenticationStrategy";
const DEFAULT_AUTHZ_PROVIDER: &str =
    "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider";
const LOCAL_AUTHZ_METADATA: &str =
    "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider";
const STATELESS_AUTHZ: &str =
    "org.apache.rocketmq.auth.authorization.strategy.StatelessAuthorizationStrategy";
const STATEFUL_AUTHZ: &str =
    "org.apache.rocketmq.auth.authorization.strategy.StatefulAuthorizationStrategy";

/// The broker's authentication and authorization (Java `AuthenticationPipeline` +
/// `AuthorizationPipeline` with the default providers and the stateless strategies; the
/// stateful strategies are accepted and behave statelessly: every request is checked).
pub struct AuthService {
    authentication_enabled: bool,
    authorization_enabled: bool,
    authn_whitelist: Vec<String>,
    authz_whitelist: Vec<String>,
    cluster_name: String,
    /// The local users (`None` without `authenticationMetadataProvider`).
    users: Option<Arc<AuthMetadataStore>>,
    /// The local ACLs (`None` without `authorizationMetadataProvider`).
    acls: Option<Arc<AuthMetadataStore>>,
    inner_credentials: Option<SessionCredentials>,
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Refuses a class-name key naming a class rmq does not have (Java fails to start when it
/// cannot load the class).
fn check_class(key: &str, value: &Option<String>, known: &[&str]) -> Result<(), String> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(()),
        Some(v) if known.contains(&v) => Ok(()),
        Some(v) => Err(format!(
            "{key}={v}: rmq implements only {}",
            known.join(", ")
        )),
    }
}

fn split_whitelist(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Java `JSON.parseObject(innerClientAuthenticationCredentials, SessionCredentials.class)`;
/// `None` unless both keys are set.
pub fn parse_inner_credentials(json: &Option<String>) -> Result<Option<SessionCredentials>, String> {
    if blank(json) {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_str(json.as_deref().unwrap_or_default())
        .map_err(|e| format!("innerClientAuthenticationCredentials is not JSON: {e}"))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let (ak, sk) = (field("accessKey"), field("secretKey"));
    if ak.trim().is_empty() || sk.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(SessionCredentials::new(ak, sk)))
}

impl AuthService {
    /// Builds the service from `config`, opening the local metadata under `dir` when a
    /// metadata provider is configured, converting `plain_acl.yml` when asked
    /// (`rocketmq_home`), and creating `initAuthenticationUser` and the inner credentials'
    /// user as Super users when absent (Java `AuthenticationMetadataManagerImpl.initUser`).
    /// Blocking.
    pub fn new(config: &AuthConfig, dir: &Path, rocketmq_home: Option<&str>) -> Result<AuthService, String> {
        check_class("authenticationProvider", &config.authentication_provider, &[DEFAULT_AUTHN_PROVIDER])?;
        check_class("authenticationMetadataProvider", &config.authentication_metadata_provider, &[LOCAL_AUTHN_METADATA])?;
        check_class("authenticationStrategy", &config.authentication_strategy, &[STATELESS_AUTHN, STATEFUL_AUTHN])?;
        check_class("authorizationProvider", &config.authorization_provider, &[DEFAULT_AUTHZ_PROVIDER])?;
        check_class("authorizationMetadataProvider", &config.authorization_metadata_provider, &[LOCAL_AUTHZ_METADATA])?;
        check_class("authorizationStrategy", &config.authorization_strategy, &[STATELESS_AUTHZ, STATEFUL_AUTHZ])?;
        let inner_credentials = parse_inner_credentials(&config.inner_client_authentication_credentials)?;
        let want_users = !blank(&config.authentication_metadata_provider);
        let want_acls = !blank(&config.authorization_metadata_provider);
        let store = if want_users || want_acls {
            Some(Arc::new(AuthMetadataStore::open(dir)?))
        } else {
            None
        };
        let service = AuthService {
            authentication_enabled: config.authentication_enabled,
            authorization_enabled: config.authorization_enabled,
            authn_whitelist: split_whitelist(&config.authentication_whitelist),
            authz_whitelist: split_whitelist(&config.authorization_whitelist),
            cluster_name: config.cluster_name.clone().unwrap_or_default(),
            users: store.clone().filter(|_| want_users),
            acls: store.filter(|_| want_acls),
            inner_credentials,
        };
        if config.migrate_auth_from_v1_enabled {
            let home = rocketmq_home.unwrap_or_default();
            migrate::migrate(&service, Path::new(home))?;
        }
        service.init_users(config)?;
        Ok(service)
    }

    fn init_users(&self, config: &AuthConfig) -> Result<(), String> {
        if !blank(&config.init_authentication_user) {
            let info: rmq_remoting::protocol::body::auth::UserInfo =
                serde_json::from_str(config.init_authentication_user.as_deref().unwrap_or_default())
                    .map_err(|e| format!("Init authentication user error: {e}"))?;
            let mut user = User::from_info(&info);
            user.user_type = Some(UserType::Super);
            self.metadata()
                .ok_or("Init authentication user error: the authenticationMetadataProvider is not configured")?
                .create_user_if_absent(user)
                .map_err(|e| format!("Init authentication user error: {e:?}"))?;
        }
        if let Some(c) = &self.inner_credentials {
            let user = User {
                username: c.access_key.clone(),
                password: Some(c.secret_key.clone()),
                user_type: Some(UserType::Super),
                user_status: None,
            };
            self.metadata()
                .ok_or("Init inner client authentication credentials error: the authenticationMetadataProvider is not configured")?
                .create_user_if_absent(user)
                .map_err(|e| format!("Init inner client authentication credentials error: {e:?}"))?;
        }
        Ok(())
    }

    /// The local metadata the AUTH_* admin codes change (`None` unless a metadata provider is
    /// configured).
    pub fn metadata(&self) -> Option<&Arc<AuthMetadataStore>> {
        self.users.as_ref().or(self.acls.as_ref())
    }

    /// True if either check is on.
    pub fn enabled(&self) -> bool {
        self.authentication_enabled || self.authorization_enabled
    }

    /// The credentials the broker signs its own requests with.
    pub fn inner_credentials(&self) -> Option<&SessionCredentials> {
        self.inner_credentials.as_ref()
    }

    /// Java `AuthenticationPipeline` then `AuthorizationPipeline`: `Err` is the NO_PERMISSION
    /// remark.
    pub fn check(&self, request: &RemotingCommand, source_ip: &str) -> Result<(), String> {
        self.authenticate(request)?;
        self.authorize(request, source_ip)
    }

    /// Java `DefaultAuthenticationHandler`.
    pub fn authenticate(&self, request: &RemotingCommand) -> Result<(), String> {
        if !self.authentication_enabled {
            return Ok(());
        }
        if self.authn_whitelist.contains(&request.code.to_string()) {
            return Ok(());
        }
        let Some(users) = &self.users else {
            return Err("The authenticationMetadataProvider is not configured".into());
        };
        let signed = SignedRequest::from_request(request).filter(|s| !s.access_key.is_empty());
        let Some(signed) = signed else {
            return Err("username cannot be null.".into());
        };
        let Some(user) = users.user(&signed.access_key) else {
            return Err(format!("User:{} is not found.", signed.access_key));
        };
        if user.user_status == Some(UserStatus::Disable) {
            return Err(format!("User:{} is disabled.", signed.access_key));
        }
        if !signed.verify(user.password.as_deref().unwrap_or_default()) {
            return Err("check signature failed.".into());
        }
        Ok(())
    }

    /// Java `UserAuthorizationHandler` then `AclAuthorizationHandler`, for each item the
    /// request asks for.
    pub fn authorize(&self, request: &RemotingCommand, source_ip: &str) -> Result<(), String> {
        if !self.authorization_enabled {
            return Ok(());
        }
        if self.authz_whitelist.contains(&request.code.to_string()) {
            return Ok(());
        }
        let items = authz_context::build(request, &self.cluster_name)?;
        if items.is_empty() {
            return Ok(());
        }
        let Some(username) = request.ext_fields.get(rmq_remoting::acl::ACCESS_KEY) else {
            // Java dereferences the missing subject and reports the failure generically.
            return Err("Authorization failed. Please verify your access rights and try again.".into());
        };
        let Some(users) = &self.users else {
            return Err("The authenticationMetadataProvider is not configured".into());
        };
        let Some(user) = users.user(username) else {
            return Err(format!("User:{username} not found."));
        };
        if user.user_type == Some(UserType::Super) {
            return Ok(());
        }
        let Some(acls) = &self.acls else {
            return Err("The authorizationMetadataProvider is not configured".into());
        };
        let acl = acls.acl(username);
        for it in &items {
            let deny = |detail: &str| {
                Err(format!(
                    "User:{username} has no permission to access {} from {source_ip}, {detail}",
                    it.resource.key()
                ))
            };
            let entry = acl
                .as_ref()
                .and_then(|a| a.matched_entry(&it.resource, &it.actions, source_ip));
            match entry {
                None => return deny("no matched policies."),
                Some(e) if e.decision == Decision::Deny => return deny("the decision is deny."),
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
