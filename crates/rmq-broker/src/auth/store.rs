//! The local users and ACLs (Java `LocalAuthenticationMetadataProvider`,
//! `LocalAuthorizationMetadataProvider` and the two metadata managers' checks).
//!
//! Java keeps them in RocksDB under `{authConfigPath}/users` and `/acls`; rmq keeps
//! `{authConfigPath}/users.json` and `acls.json`, each a JSON array of the objects the admin
//! codes exchange (`UserInfo`, `AclInfo`), written with `MixAll.string2File`'s
//! `.tmp`/`.bak` steps. Every change is written before it is answered.

use super::model::{parse_subject, Acl, PolicyType, Resource, User, UserStatus, UserType};
use parking_lot::Mutex;
use rmq_common::mix_all;
use rmq_remoting::protocol::body::auth::{AclInfo, UserInfo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A refused auth operation. `Denied` is Java's `AuthenticationException` /
/// `AuthorizationException` (answered NO_PERMISSION with the message), `System` any other
/// failure (answered SYSTEM_ERROR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    Denied(String),
    System(String),
}

fn denied<T>(msg: impl Into<String>) -> Result<T, AuthError> {
    Err(AuthError::Denied(msg.into()))
}

#[derive(Default)]
struct State {
    users: BTreeMap<String, User>,
    acls: BTreeMap<String, Acl>,
}

/// The users and ACLs of one broker.
pub struct AuthMetadataStore {
    dir: PathBuf,
    state: Mutex<State>,
}

impl AuthMetadataStore {
    /// Loads `{dir}/users.json` and `{dir}/acls.json` (missing files are empty).
    pub fn open(dir: &Path) -> Result<AuthMetadataStore, String> {
        let mut state = State::default();
        let read = |name: &str| -> Result<Option<String>, String> {
            mix_all::file_to_string(&dir.join(name))
                .map_err(|e| format!("read {}: {e}", dir.join(name).display()))
        };
        if let Some(text) = read("users.json")? {
            let infos: Vec<UserInfo> = serde_json::from_str(&text)
                .map_err(|e| format!("parse {}/users.json: {e}", dir.display()))?;
            for u in infos.iter().map(User::from_info) {
                state.users.insert(u.username.clone(), u);
            }
        }
        if let Some(text) = read("acls.json")? {
            let infos: Vec<AclInfo> = serde_json::from_str(&text)
                .map_err(|e| format!("parse {}/acls.json: {e}", dir.display()))?;
            for info in &infos {
                match Acl::from_info(info, None) {
                    Ok(acl) => {
                        state.acls.insert(acl.username.clone(), acl);
                    }
                    Err(e) => tracing::warn!(subject = ?info.subject, error = %e, "skipping a stored ACL"),
                }
            }
        }
        Ok(AuthMetadataStore {
            dir: dir.to_path_buf(),
            state: Mutex::new(state),
        })
    }

    fn persist_users(&self, s: &State) -> Result<(), AuthError> {
        let infos: Vec<UserInfo> = s.users.values().map(User::to_info).collect();
        self.write("users.json", &serde_json::to_string_pretty(&infos).unwrap_or_default())
    }

    fn persist_acls(&self, s: &State) -> Result<(), AuthError> {
        let infos: Vec<AclInfo> = s.acls.values().map(Acl::to_info).collect();
        self.write("acls.json", &serde_json::to_string_pretty(&infos).unwrap_or_default())
    }

    fn write(&self, name: &str, text: &str) -> Result<(), AuthError> {
        mix_all::string_to_file(text, &self.dir.join(name)).map_err(|e| {
            tracing::error!(file = name, error = %e, "persisting auth metadata failed");
            AuthError::System(format!("write {name}: {e}"))
        })
    }

    /// The user named `username`, if any.
    pub fn user(&self, username: &str) -> Option<User> {
        self.state.lock().users.get(username).cloned()
    }

    /// The ACL of `username`, if any.
    pub fn acl(&self, username: &str) -> Option<Acl> {
        self.state.lock().acls.get(username).cloned()
    }

    /// Java `createUser`: name and password required; Normal and enabled unless given.
    pub fn create_user(&self, mut user: User) -> Result<(), AuthError> {
        validate_user(&user, true)?;
        user.user_type.get_or_insert(UserType::Normal);
        user.user_status.get_or_insert(UserStatus::Enable);
        let mut s = self.state.lock();
        if s.users.contains_key(&user.username) {
            return denied("The user is existed");
        }
        s.users.insert(user.username.clone(), user);
        self.persist_users(&s)
    }

    /// Creates `user` unless a user of that name exists (Java `initUser`).
    pub fn create_user_if_absent(&self, user: User) -> Result<(), AuthError> {
        if self.user(&user.username).is_some() {
            return Ok(());
        }
        self.create_user(user)
    }

    /// Java `updateUser`: the given password, type and status replace the stored ones.
    pub fn update_user(&self, user: User) -> Result<(), AuthError> {
        validate_user(&user, false)?;
        let mut s = self.state.lock();
        let Some(old) = s.users.get_mut(&user.username) else {
            return denied("The user is not exist");
        };
        if let Some(p) = user.password.filter(|p| !p.trim().is_empty()) {
            old.password = Some(p);
        }
        if let Some(t) = user.user_type {
            old.user_type = Some(t);
        }
        if let Some(st) = user.user_status {
            old.user_status = Some(st);
        }
        self.persist_users(&s)
    }

    /// Java `deleteUser`: the user and its ACL.
    pub fn delete_user(&self, username: &str) -> Result<(), AuthError> {
        if username.trim().is_empty() {
            return denied("username can not be blank");
        }
        let mut s = self.state.lock();
        let had_user = s.users.remove(username).is_some();
        let had_acl = s.acls.remove(username).is_some();
        if had_user {
            self.persist_users(&s)?;
        }
        if had_acl {
            self.persist_acls(&s)?;
        }
        Ok(())
    }

    /// Java `listUser`: the users whose name contains `filter` (all for a blank filter), by
    /// name.
    pub fn list_users(&self, filter: Option<&str>) -> Vec<User> {
        let filter = filter.filter(|f| !f.trim().is_empty());
        self.state
            .lock()
            .users
            .values()
            .filter(|u| filter.is_none_or(|f| u.username.contains(f)))
            .cloned()
            .collect()
    }

    /// Java `createAcl` / `updateAcl` (the same steps): the user must exist; an existing ACL
    /// takes the new policies through `updatePolicy`.
    pub fn put_acl(&self, acl: Acl) -> Result<(), AuthError> {
        let mut s = self.state.lock();
        if !s.users.contains_key(&acl.username) {
            return denied(format!("The subject of User:{} is not exist.", acl.username));
        }
        match s.acls.get_mut(&acl.username) {
            Some(old) => old.update_policies(acl.policies),
            None => {
                s.acls.insert(acl.username.clone(), acl);
            }
        }
        self.persist_acls(&s)
    }

    /// Java `deleteAcl(subject, policyType, resource)`: one entry, or the whole ACL without a
    /// resource or once no policy is left.
    pub fn delete_acl(
        &self,
        subject: Option<&str>,
        policy_type: Option<&str>,
        resource: Option<&str>,
    ) -> Result<(), AuthError> {
        let Some(username) = parse_subject(subject) else {
            return denied("The subject is null.");
        };
        let policy_type = PolicyType::by_name(policy_type).unwrap_or(PolicyType::Custom);
        let resource = Resource::parse(resource);
        let mut s = self.state.lock();
        if !s.users.contains_key(&username) {
            return denied("The subject is not exist.");
        }
        let Some(acl) = s.acls.get_mut(&username) else {
            return denied("The acl is not exist.");
        };
        if let Some(r) = &resource {
            acl.delete_entry(policy_type, r);
        }
        if resource.is_none() || acl.policies.is_empty() {
            s.acls.remove(&username);
        }
        self.persist_acls(&s)
    }

    /// Java `getAcl`: the subject must be an existing user.
    pub fn get_acl(&self, subject: Option<&str>) -> Result<Option<Acl>, AuthError> {
        let Some(username) = parse_subject(subject) else {
            return Err(AuthError::System("The subject is null.".into()));
        };
        let s = self.state.lock();
        if !s.users.contains_key(&username) {
            return denied("The subject is not exist.");
        }
        Ok(s.acls.get(&username).cloned())
    }

    /// Java `listAcl`: subjects containing `subject_filter`; entries whose resource key
    /// contains `resource_filter` (unless the subject key does); policies and ACLs left empty
    /// are dropped.
    pub fn list_acls(&self, subject_filter: Option<&str>, resource_filter: Option<&str>) -> Vec<Acl> {
        let sf = subject_filter.filter(|f| !f.trim().is_empty());
        let rf = resource_filter.filter(|f| !f.trim().is_empty());
        let s = self.state.lock();
        let mut out = Vec::new();
        for acl in s.acls.values() {
            let key = super::model::subject_key(&acl.username);
            if sf.is_some_and(|f| !key.contains(f)) {
                continue;
            }
            let mut acl = acl.clone();
            for p in &mut acl.policies {
                if let Some(f) = rf.filter(|f| !key.contains(f)) {
                    p.entries.retain(|e| e.resource.key().contains(f));
                }
            }
            acl.policies.retain(|p| !p.entries.is_empty());
            if !acl.policies.is_empty() {
                out.push(acl);
            }
        }
        out
    }
}

fn validate_user(user: &User, create: bool) -> Result<(), AuthError> {
    if user.username.trim().is_empty() {
        return denied("username can not be blank");
    }
    if create && user.password.as_deref().is_none_or(|p| p.trim().is_empty()) {
        return denied("password can not be blank");
    }
    Ok(())
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
