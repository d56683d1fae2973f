//! The ACL 2.0 model (Java `auth` module: `User`, `Acl`, `Policy`, `PolicyEntry`, `Resource`,
//! `Environment` and their enums), the entry matching and the order in which matched entries
//! are ranked (Java `AclAuthorizationHandler`).

use rmq_remoting::protocol::body::auth::{AclInfo, PolicyEntryInfo, PolicyInfo, UserInfo};
use std::cmp::Ordering;
use std::net::IpAddr;

/// Declares a Java auth enum: variants with their Java names, parsed case-insensitively
/// (Java `getByName` uses `equalsIgnoreCase`).
macro_rules! java_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($v),* }
        impl $name {
            /// Java's name.
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }
            /// Java `getByName`: case-insensitive, `None` if unknown or absent.
            pub fn by_name(s: Option<&str>) -> Option<Self> {
                let s = s?;
                $(if s.eq_ignore_ascii_case($s) { return Some($name::$v); })*
                None
            }
        }
    };
}

java_enum!(
    /// Java `UserType`.
    UserType { Super => "Super", Normal => "Normal" }
);
java_enum!(
    /// Java `UserStatus`.
    UserStatus { Enable => "enable", Disable => "disable" }
);
java_enum!(
    /// Java `Decision`.
    Decision { Allow => "Allow", Deny => "Deny" }
);
java_enum!(
    /// Java `PolicyType`.
    PolicyType { Custom => "Custom", Default => "Default" }
);
java_enum!(
    /// Java `Action`.
    Action {
        Unknown => "Unknown", All => "All", Any => "Any", Pub => "Pub", Sub => "Sub",
        Create => "Create", Update => "Update", Delete => "Delete", Get => "Get", List => "List",
    }
);
java_enum!(
    /// Java `ResourceType`.
    ResourceType {
        Unknown => "Unknown", Any => "Any", Cluster => "Cluster", Namespace => "Namespace",
        Topic => "Topic", Group => "Group",
    }
);

/// Java `ResourcePattern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourcePattern {
    Any,
    Literal,
    Prefixed,
}

/// A user (Java `User`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub password: Option<String>,
    pub user_type: Option<UserType>,
    pub user_status: Option<UserStatus>,
}

impl User {
    /// Java `UserConverter.convertUser(UserInfo)`.
    pub fn from_info(info: &UserInfo) -> User {
        User {
            username: info.username.clone().unwrap_or_default(),
            password: info.password.clone(),
            user_type: UserType::by_name(info.user_type.as_deref()),
            user_status: UserStatus::by_name(info.user_status.as_deref()),
        }
    }

    /// Java `UserConverter.convertUser(User)`.
    pub fn to_info(&self) -> UserInfo {
        UserInfo {
            username: Some(self.username.clone()),
            password: self.password.clone(),
            user_type: self.user_type.map(|t| t.name().to_string()),
            user_status: self.user_status.map(|s| s.name().to_string()),
        }
    }

    /// `User:<name>` (Java `getSubjectKey`).
    pub fn subject_key(&self) -> String {
        subject_key(&self.username)
    }
}

/// `User:<name>`.
pub fn subject_key(username: &str) -> String {
    format!("User:{username}")
}

/// Java `Subject.of`: the user name of `User:<name>` (type matched case-insensitively),
/// `None` for another or no type.
pub fn parse_subject(key: Option<&str>) -> Option<String> {
    let key = key?;
    let (ty, name) = key.split_once(':').unwrap_or((key, ""));
    if ty.eq_ignore_ascii_case("User") {
        Some(name.to_string())
    } else {
        None
    }
}

/// A resource (Java `Resource`): `*`, `Topic:x`, `Topic:*`, `Topic:pre*`, `Group:…`, ….
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    pub resource_type: ResourceType,
    pub name: Option<String>,
    pub pattern: ResourcePattern,
}

impl Resource {
    pub fn literal(resource_type: ResourceType, name: Option<&str>) -> Resource {
        Resource {
            resource_type,
            name: name.map(str::to_string),
            pattern: ResourcePattern::Literal,
        }
    }

    pub fn topic(name: Option<&str>) -> Resource {
        Resource::literal(ResourceType::Topic, name)
    }

    /// Java `Resource.ofGroup`: a retry topic names its group.
    pub fn group(name: Option<&str>) -> Resource {
        Resource::literal(ResourceType::Group, name.map(without_retry_and_dlq))
    }

    /// Java `Resource.of(String)`: `None` for a blank key or an unknown type.
    pub fn parse(key: Option<&str>) -> Option<Resource> {
        let key = key?;
        if key.trim().is_empty() {
            return None;
        }
        if key == "*" {
            return Some(Resource {
                resource_type: ResourceType::Any,
                name: None,
                pattern: ResourcePattern::Any,
            });
        }
        let (ty, name) = key.split_once(':').unwrap_or((key, ""));
        let resource_type = ResourceType::by_name(Some(ty))?;
        let (name, pattern) = if name == "*" {
            (None, ResourcePattern::Any)
        } else if let Some(stem) = name.strip_suffix('*') {
            // Java `substringBefore(name, "*")`: up to the first `*`.
            let stem = stem.split('*').next().unwrap_or("");
            (Some(stem.to_string()), ResourcePattern::Prefixed)
        } else {
            (Some(name.to_string()), ResourcePattern::Literal)
        };
        Some(Resource {
            resource_type,
            name,
            pattern,
        })
    }

    /// Java `getResourceKey`.
    pub fn key(&self) -> String {
        if self.resource_type == ResourceType::Any {
            return "*".into();
        }
        let ty = self.resource_type.name();
        let name = self.name.as_deref().unwrap_or("null");
        match self.pattern {
            ResourcePattern::Any => format!("{ty}:*"),
            ResourcePattern::Literal => format!("{ty}:{name}"),
            ResourcePattern::Prefixed => format!("{ty}:{name}*"),
        }
    }

    /// Java `Resource.isMatch`: does this (an entry's resource) cover `requested`?
    pub fn is_match(&self, requested: &Resource) -> bool {
        if self.resource_type == ResourceType::Any {
            return true;
        }
        if self.resource_type != requested.resource_type {
            return false;
        }
        match self.pattern {
            ResourcePattern::Any => true,
            ResourcePattern::Literal => requested.name == self.name,
            ResourcePattern::Prefixed => match (&requested.name, &self.name) {
                (Some(r), Some(p)) => r.starts_with(p.as_str()),
                _ => false,
            },
        }
    }
}

/// Java `NamespaceUtil.withOutRetryAndDLQ`.
pub fn without_retry_and_dlq(name: &str) -> &str {
    name.strip_prefix(rmq_common::mix_all::RETRY_GROUP_TOPIC_PREFIX)
        .or_else(|| name.strip_prefix(rmq_common::mix_all::DLQ_GROUP_TOPIC_PREFIX))
        .unwrap_or(name)
}

/// Java `NamespaceUtil.isRetryTopic`.
pub fn is_retry_topic(name: Option<&str>) -> bool {
    name.is_some_and(|n| !n.trim().is_empty() && rmq_common::mix_all::is_retry_topic(n))
}

/// One entry of a policy (Java `PolicyEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntry {
    pub resource: Resource,
    pub actions: Vec<Action>,
    /// The source IPs or CIDRs; empty matches every address.
    pub source_ips: Vec<String>,
    pub decision: Decision,
}

impl PolicyEntry {
    /// Java `isMatchAction`.
    pub fn is_match_action(&self, requested: &[Action]) -> bool {
        if self.actions.is_empty() {
            return false;
        }
        if requested.contains(&Action::Any) {
            return true;
        }
        requested
            .iter()
            .any(|a| self.actions.contains(a) || self.actions.contains(&Action::All))
    }

    /// Java `Environment.isMatch`.
    pub fn is_match_source_ip(&self, source_ip: &str) -> bool {
        if self.source_ips.is_empty() {
            return true;
        }
        if source_ip.is_empty() {
            return false;
        }
        self.source_ips
            .iter()
            .any(|range| is_ip_in_range(source_ip, range))
    }

    fn to_info(&self) -> PolicyEntryInfo {
        PolicyEntryInfo {
            resource: Some(self.resource.key()),
            actions: (!self.actions.is_empty())
                .then(|| self.actions.iter().map(|a| a.name().to_string()).collect()),
            source_ips: Some(self.source_ips.clone()),
            decision: Some(self.decision.name().to_string()),
        }
    }
}

/// A policy (Java `Policy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub policy_type: PolicyType,
    pub entries: Vec<PolicyEntry>,
}

/// An ACL (Java `Acl`): the policies of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    pub username: String,
    pub policies: Vec<Policy>,
}

/// Why an ACL body cannot be stored (Java `AuthorizationMetadataManagerImpl.validate`).
pub type Invalid = String;

impl Acl {
    /// Java `AclConverter.convertAcl(AclInfo)` then `validate` and `initAcl`; `fallback_subject`
    /// is the request header's subject, used when the body has none.
    pub fn from_info(info: &AclInfo, fallback_subject: Option<&str>) -> Result<Acl, Invalid> {
        let username = parse_subject(info.subject.as_deref())
            .or_else(|| parse_subject(fallback_subject))
            .ok_or_else(|| "The subject type is null.".to_string())?;
        let mut policies = Vec::new();
        for p in info.policies.iter().flatten() {
            let infos = p.entries.as_deref().unwrap_or_default();
            if infos.is_empty() {
                continue;
            }
            let mut entries = Vec::new();
            for e in infos {
                entries.push(entry_from_info(e)?);
            }
            policies.push(Policy {
                policy_type: PolicyType::by_name(p.policy_type.as_deref())
                    .unwrap_or(PolicyType::Custom),
                entries,
            });
        }
        if policies.is_empty() {
            return Err("The policies is empty.".into());
        }
        Ok(Acl { username, policies })
    }

    /// Java `AclConverter.convertAcl(Acl)`.
    pub fn to_info(&self) -> AclInfo {
        AclInfo {
            subject: Some(subject_key(&self.username)),
            policies: Some(
                self.policies
                    .iter()
                    .map(|p| PolicyInfo {
                        policy_type: Some(p.policy_type.name().to_string()),
                        entries: Some(p.entries.iter().map(PolicyEntry::to_info).collect()),
                    })
                    .collect(),
            ),
        }
    }

    pub fn policy(&self, t: PolicyType) -> Option<&Policy> {
        self.policies.iter().find(|p| p.policy_type == t)
    }

    /// Java `Acl.updatePolicy`: a new policy type is added; entries of a known type replace the
    /// entry of the same resource or are appended.
    pub fn update_policies(&mut self, new: Vec<Policy>) {
        for np in new {
            match self
                .policies
                .iter_mut()
                .find(|p| p.policy_type == np.policy_type)
            {
                None => self.policies.push(np),
                Some(old) => {
                    for ne in np.entries {
                        match old.entries.iter_mut().find(|e| e.resource == ne.resource) {
                            Some(e) => *e = ne,
                            None => old.entries.push(ne),
                        }
                    }
                }
            }
        }
    }

    /// Java `Acl.deletePolicy`: removes the entry of `resource`; drops the policy once empty.
    pub fn delete_entry(&mut self, t: PolicyType, resource: &Resource) {
        if let Some(i) = self.policies.iter().position(|p| p.policy_type == t) {
            let p = &mut self.policies[i];
            if let Some(j) = p.entries.iter().position(|e| &e.resource == resource) {
                p.entries.remove(j);
            }
            if p.entries.is_empty() {
                self.policies.remove(i);
            }
        }
    }

    /// Java `AclAuthorizationHandler.matchPolicyEntries`: the Custom entries that match, else
    /// the Default ones; ranked by Java's comparator; the first wins.
    pub fn matched_entry(
        &self,
        resource: &Resource,
        actions: &[Action],
        source_ip: &str,
    ) -> Option<PolicyEntry> {
        for t in [PolicyType::Custom, PolicyType::Default] {
            let Some(p) = self.policy(t) else { continue };
            let mut matched: Vec<PolicyEntry> = p
                .entries
                .iter()
                .filter(|e| e.resource.is_match(resource))
                .filter(|e| e.is_match_action(actions))
                .filter(|e| e.is_match_source_ip(source_ip))
                .cloned()
                .collect();
            if !matched.is_empty() {
                java_list_sort(&mut matched, compare_entries);
                return matched.into_iter().next();
            }
        }
        None
    }
}

fn entry_from_info(e: &PolicyEntryInfo) -> Result<PolicyEntry, Invalid> {
    let resource =
        Resource::parse(e.resource.as_deref()).ok_or_else(|| "The resource is null.".to_string())?;
    let actions: Vec<Action> = e
        .actions
        .iter()
        .flatten()
        .filter_map(|a| Action::by_name(Some(a)))
        .collect();
    if actions.is_empty() {
        return Err("The actions is empty.".into());
    }
    if actions.contains(&Action::Any) {
        return Err("The actions can not be Any.".into());
    }
    let source_ips = e.source_ips.clone().unwrap_or_default();
    for ip in &source_ips {
        if ip.trim().is_empty() {
            return Err("The source ip is empty.".into());
        }
        if !is_valid_ip_or_cidr(ip) {
            return Err("The source ip is invalid.".into());
        }
    }
    let decision = Decision::by_name(e.decision.as_deref())
        .ok_or_else(|| "The decision is null or illegal.".to_string())?;
    Ok(PolicyEntry {
        resource,
        actions,
        source_ips,
        decision,
    })
}

/// Java `AclAuthorizationHandler.comparePolicyEntries`, kept as Java writes it: `*` after
/// typed resources; two prefixes by length, shorter first; of two different patterns the
/// first one ranks first unless it is `Type:*`; then Allow before Deny. It is not a total
/// order, so the result depends on the sort algorithm: see [`java_list_sort`].
pub fn compare_entries(o1: &PolicyEntry, o2: &PolicyEntry) -> Ordering {
    let (r1, r2) = (&o1.resource, &o2.resource);
    let mut c = Ordering::Equal;
    if r1.resource_type != r2.resource_type {
        if r1.resource_type == ResourceType::Any {
            c = Ordering::Greater;
        }
        if r2.resource_type == ResourceType::Any {
            c = Ordering::Less;
        }
    } else if r1.pattern == r2.pattern {
        if r1.pattern == ResourcePattern::Prefixed {
            let n1 = r1.name.as_deref().map_or(0, |n| n.encode_utf16().count());
            let n2 = r2.name.as_deref().map_or(0, |n| n.encode_utf16().count());
            c = n1.cmp(&n2);
        }
    } else if matches!(
        r1.pattern,
        ResourcePattern::Literal | ResourcePattern::Prefixed
    ) {
        c = Ordering::Less;
    }
    if c != Ordering::Equal {
        return c;
    }
    if o1.decision == Decision::Deny {
        Ordering::Greater
    } else if o2.decision == Decision::Deny {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

/// Java `List.sort` for lists shorter than TimSort's MIN_MERGE (32): the leading run made
/// ascending, then a binary insertion sort. The same steps are used for longer lists (Java
/// would merge runs there); with Java's non-total comparator this keeps the element Java
/// picks first for every list an ACL realistically matches.
pub fn java_list_sort<T>(a: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let n = a.len();
    if n < 2 {
        return;
    }
    // countRunAndMakeAscending
    let mut run = 2;
    if cmp(&a[1], &a[0]) == Ordering::Less {
        while run < n && cmp(&a[run], &a[run - 1]) == Ordering::Less {
            run += 1;
        }
        a[..run].reverse();
    } else {
        while run < n && cmp(&a[run], &a[run - 1]) != Ordering::Less {
            run += 1;
        }
    }
    // binarySort
    for start in run..n {
        let (mut left, mut right) = (0, start);
        while left < right {
            let mid = (left + right) / 2;
            if cmp(&a[start], &a[mid]) == Ordering::Less {
                right = mid;
            } else {
                left = mid + 1;
            }
        }
        a[left..=start].rotate_right(1);
    }
}

/// Java `IPAddressUtils.isValidIPOrCidr`.
pub fn is_valid_ip_or_cidr(s: &str) -> bool {
    if s.parse::<IpAddr>().is_ok() {
        return true;
    }
    let mut parts = s.split('/');
    let (Some(ip), Some(prefix), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(ip), Ok(prefix)) = (ip.parse::<IpAddr>(), prefix.parse::<u32>()) else {
        return false;
    };
    prefix <= if ip.is_ipv4() { 32 } else { 128 }
}

fn ip_bits(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v) => (u32::from(v) as u128, 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    }
}

/// Java `IPAddressUtils.isIPInRange`: an address without `/` must equal `ip` as text; a CIDR
/// covers the addresses of the same family under its mask.
pub fn is_ip_in_range(ip: &str, cidr: &str) -> bool {
    let parts: Vec<&str> = cidr.split('/').collect();
    if parts.len() == 1 {
        return ip == cidr;
    }
    if parts.len() != 2 {
        return false;
    }
    let (Ok(net), Ok(prefix), Ok(ip)) = (
        parts[0].parse::<IpAddr>(),
        parts[1].parse::<u32>(),
        ip.parse::<IpAddr>(),
    ) else {
        return false;
    };
    let ((net, width), (ip, ip_width)) = (ip_bits(net), ip_bits(ip));
    if width != ip_width || prefix > width {
        return false;
    }
    let host_bits = width - prefix;
    let mask: u128 = if host_bits >= 128 {
        0
    } else {
        (u128::MAX << host_bits) & if width == 32 { u32::MAX as u128 } else { u128::MAX }
    };
    ip & mask == net & mask
}
