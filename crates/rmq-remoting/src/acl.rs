//! Request signing, as Java's `AclClientRPCHook` / `AclUtils.combineRequestContent` /
//! `AclSigner` (client side) and `DefaultAuthenticationContextBuilder` (broker side).
//!
//! A signed request carries the ext fields `AccessKey`, optionally `SecurityToken`, and
//! `Signature`: the standard padded Base64 of HMAC-SHA1, keyed with the secret key's UTF-8
//! bytes, over the values of all other ext fields sorted by key (Java `String` order), followed
//! by the body bytes. The same rule holds for 4.x and 5.x clients.

use crate::protocol::RemotingCommand;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::hmac;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The ext field naming the signer (Java `SessionCredentials.ACCESS_KEY`).
pub const ACCESS_KEY: &str = "AccessKey";
/// Java `SessionCredentials.SECRET_KEY` (a key of credential files, never sent).
pub const SECRET_KEY: &str = "SecretKey";
/// The ext field holding the signature (Java `SessionCredentials.SIGNATURE`).
pub const SIGNATURE: &str = "Signature";
/// The optional ext field with a session token (Java `SessionCredentials.SECURITY_TOKEN`).
pub const SECURITY_TOKEN: &str = "SecurityToken";
/// Java `MixAll.UNIQUE_MSG_QUERY_FLAG`: left out of the signed content of requests from
/// clients up to 4.9.3, which added it after signing.
pub const UNIQUE_MSG_QUERY_FLAG: &str = "_UNIQUE_KEY_QUERY";

/// A client's credentials (Java `SessionCredentials`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SessionCredentials {
    pub access_key: String,
    pub secret_key: String,
    pub security_token: Option<String>,
}

impl std::fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never reaches a log line.
        f.debug_struct("SessionCredentials")
            .field("access_key", &self.access_key)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

impl SessionCredentials {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        SessionCredentials {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
        }
    }

    /// Adds `AccessKey` (and `SecurityToken` if set) to `request`, then its `Signature`
    /// (Java `AclClientRPCHook.doBeforeRequest`).
    pub fn sign(&self, request: &mut RemotingCommand) {
        request.add_ext_field(ACCESS_KEY, self.access_key.clone());
        if let Some(token) = &self.security_token {
            request.add_ext_field(SECURITY_TOKEN, token.clone());
        }
        let content = combine_request_content(&request.ext_fields, &request.whole_body(), false);
        request.add_ext_field(SIGNATURE, cal_signature(&content, &self.secret_key));
    }
}

/// Java `String.compareTo`: UTF-16 code unit order (differs from byte order only for
/// characters beyond the Basic Multilingual Plane).
fn java_string_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The signed bytes: every ext field value but `Signature`'s, in key order, then the body.
/// `skip_unique_key_query` leaves out `_UNIQUE_KEY_QUERY`, as the broker does for requests of
/// version ≤ V4_9_3.
pub fn combine_request_content(
    fields: &HashMap<String, String>,
    body: &[u8],
    skip_unique_key_query: bool,
) -> Vec<u8> {
    let mut keys: Vec<&String> = fields
        .keys()
        .filter(|k| k.as_str() != SIGNATURE)
        .filter(|k| !(skip_unique_key_query && k.as_str() == UNIQUE_MSG_QUERY_FLAG))
        .collect();
    keys.sort_by(|a, b| java_string_cmp(a, b));
    let mut out = Vec::with_capacity(body.len() + 64 * keys.len());
    for k in keys {
        out.extend_from_slice(fields[k].as_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// Base64(HMAC-SHA1(secret, data)) (Java `AclSigner.calSignature`).
pub fn cal_signature(data: &[u8], secret_key: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret_key.as_bytes());
    STANDARD.encode(hmac::sign(&key, data).as_ref())
}

/// True if `signature` is the Base64 HMAC-SHA1 of `data` under `secret_key`; the comparison
/// of the MACs is constant-time.
pub fn verify_signature(data: &[u8], secret_key: &str, signature: &str) -> bool {
    let Ok(tag) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret_key.as_bytes());
    hmac::verify(&key, data, &tag).is_ok()
}

fn v4_9_3() -> i32 {
    static V: OnceLock<i32> = OnceLock::new();
    *V.get_or_init(|| rmq_common::mq_version::version_ordinal("V4_9_3").unwrap_or(399))
}

/// What a broker reads from a request to authenticate it (Java
/// `DefaultAuthenticationContextBuilder.build`): `None` if it carries no `AccessKey`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub access_key: String,
    pub signature: Option<String>,
    /// The bytes the signature must cover.
    pub content: Vec<u8>,
}

impl SignedRequest {
    pub fn from_request(request: &RemotingCommand) -> Option<SignedRequest> {
        let access_key = request.ext_fields.get(ACCESS_KEY)?.clone();
        let skip = request.version <= v4_9_3();
        Some(SignedRequest {
            access_key,
            signature: request.ext_fields.get(SIGNATURE).cloned(),
            content: combine_request_content(&request.ext_fields, &request.whole_body(), skip),
        })
    }

    /// True if the signature matches under `secret_key` (constant-time).
    pub fn verify(&self, secret_key: &str) -> bool {
        match &self.signature {
            Some(sig) => verify_signature(&self.content, secret_key, sig),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::RequestCode;

    #[test]
    fn hmac_sha1_base64_matches_a_known_vector() {
        // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
        let sig = cal_signature(b"what do ya want for nothing?", "Jefe");
        let hex: String = STANDARD
            .decode(&sig)
            .expect("base64")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn content_is_sorted_values_then_body_without_signature() {
        let mut f = HashMap::new();
        f.insert("b".to_string(), "2".to_string());
        f.insert("a".to_string(), "1".to_string());
        f.insert("Signature".to_string(), "x".to_string());
        f.insert("AccessKey".to_string(), "ak".to_string());
        // Upper case sorts before lower case, as Java's String order.
        assert_eq!(combine_request_content(&f, b"BODY", false), b"ak12BODY");
        f.insert(UNIQUE_MSG_QUERY_FLAG.to_string(), "true".to_string());
        assert_eq!(combine_request_content(&f, b"", false), b"aktrue12");
        assert_eq!(combine_request_content(&f, b"", true), b"ak12");
    }

    #[test]
    fn signed_request_verifies_only_with_the_right_secret_and_content() {
        let creds = SessionCredentials::new("rocketmq2", "12345678");
        let mut req = RemotingCommand::new_request(RequestCode::SEND_MESSAGE)
            .with_body(bytes::Bytes::from_static(b"hello"));
        req.add_ext_field("topic", "T");
        creds.sign(&mut req);
        let signed = SignedRequest::from_request(&req).expect("signed");
        assert_eq!(signed.access_key, "rocketmq2");
        assert!(signed.verify("12345678"));
        assert!(!signed.verify("12345679"));
        req.add_ext_field("topic", "U");
        assert!(!SignedRequest::from_request(&req)
            .expect("signed")
            .verify("12345678"));
        req.ext_fields.remove(ACCESS_KEY);
        assert!(SignedRequest::from_request(&req).is_none());
    }

    #[test]
    fn garbage_signatures_are_refused() {
        assert!(!verify_signature(b"x", "k", "%%%not base64"));
        assert!(!verify_signature(b"x", "k", ""));
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = SessionCredentials::new("ak", "topsecret");
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
