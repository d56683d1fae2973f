//! Headers of the ACL 2.0 admin requests AUTH_CREATE_USER … AUTH_LIST_ACL (3001–3010), Java
//! `remoting/protocol/header/{Create,Update,Delete,Get}UserRequestHeader`, `ListUsersRequestHeader`,
//! `{Create,Update,Delete,Get}AclRequestHeader` and `ListAclsRequestHeader`. No field is
//! required on the wire: the broker answers a blank one with INVALID_PARAMETER, as Java does.

use crate::command_header;

command_header! {
    /// Java `CreateUserRequestHeader`, `UpdateUserRequestHeader`, `DeleteUserRequestHeader` and
    /// `GetUserRequestHeader` (AUTH_CREATE_USER / UPDATE / DELETE / GET, 3001–3004).
    pub struct UserRequestHeader {
        pub username: Option<String> => "username",
    }
}

command_header! {
    /// Java `ListUsersRequestHeader` (AUTH_LIST_USER, 3005).
    pub struct ListUsersRequestHeader {
        pub filter: Option<String> => "filter",
    }
}

command_header! {
    /// Java `CreateAclRequestHeader`, `UpdateAclRequestHeader` and `GetAclRequestHeader`
    /// (AUTH_CREATE_ACL / UPDATE / GET, 3006, 3007, 3009).
    pub struct AclRequestHeader {
        pub subject: Option<String> => "subject",
    }
}

command_header! {
    /// Java `DeleteAclRequestHeader` (AUTH_DELETE_ACL, 3008).
    pub struct DeleteAclRequestHeader {
        pub subject: Option<String> => "subject",
        pub policy_type: Option<String> => "policyType",
        pub resource: Option<String> => "resource",
    }
}

command_header! {
    /// Java `ListAclsRequestHeader` (AUTH_LIST_ACL, 3010).
    pub struct ListAclsRequestHeader {
        pub subject_filter: Option<String> => "subjectFilter",
        pub resource_filter: Option<String> => "resourceFilter",
    }
}
