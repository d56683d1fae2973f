//! Typed custom headers, mapped to and from a command's `extFields` (Java's
//! `CommandCustomHeader` plus `RemotingCommand#decodeCommandCustomHeader`).
//!
//! Keys are Java's field names. Values are text: decimal numbers, `true`/`false`, enum names.
//! A required field (a plain type in the struct) that is absent is an error; an optional one
//! (`Option<T>`) reads as `None`. A value that does not parse keeps the field's default, as
//! Java silently ignores it.

use crate::error::CodecError;
use std::collections::HashMap;

pub mod auth;
pub mod broker;
pub mod client;
pub mod controller;
pub mod namesrv;

/// A header that maps to `extFields`.
pub trait CommandCustomHeader: Sized {
    /// Writes the fields that are set into `map`.
    fn write_to(&self, map: &mut HashMap<String, String>);
    /// Reads the header from `map`.
    fn read_from(map: &HashMap<String, String>) -> Result<Self, CodecError>;
}

/// A header without fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmptyHeader;

impl CommandCustomHeader for EmptyHeader {
    fn write_to(&self, _map: &mut HashMap<String, String>) {}
    fn read_from(_map: &HashMap<String, String>) -> Result<Self, CodecError> {
        Ok(EmptyHeader)
    }
}

/// A scalar type a header field can hold.
pub trait HeaderValue: Sized {
    /// Parses the text form; `None` if it does not parse.
    fn parse_value(s: &str) -> Option<Self>;
    /// Returns the text form.
    fn format_value(&self) -> String;
}

macro_rules! number_header_value {
    ($($t:ty),*) => {$(
        impl HeaderValue for $t {
            fn parse_value(s: &str) -> Option<Self> {
                s.trim().parse().ok()
            }
            fn format_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
number_header_value!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl HeaderValue for String {
    fn parse_value(s: &str) -> Option<Self> {
        Some(s.to_string())
    }
    fn format_value(&self) -> String {
        self.clone()
    }
}

impl HeaderValue for bool {
    fn parse_value(s: &str) -> Option<Self> {
        Some(s.trim().eq_ignore_ascii_case("true"))
    }
    fn format_value(&self) -> String {
        self.to_string()
    }
}

impl HeaderValue for rmq_common::TopicFilterType {
    fn parse_value(s: &str) -> Option<Self> {
        rmq_common::TopicFilterType::parse(s.trim())
    }
    fn format_value(&self) -> String {
        self.as_str().to_string()
    }
}

/// How a struct field maps to an ext field: required (`T`) or optional (`Option<T>`).
pub trait HeaderField: Sized {
    /// Reads the field named `key`.
    fn read_field(map: &HashMap<String, String>, key: &'static str) -> Result<Self, CodecError>;
    /// Writes the field named `key` if it has a value.
    fn write_field(&self, map: &mut HashMap<String, String>, key: &'static str);
}

impl<T: HeaderValue + Default> HeaderField for T {
    fn read_field(map: &HashMap<String, String>, key: &'static str) -> Result<Self, CodecError> {
        match map.get(key) {
            Some(v) => Ok(T::parse_value(v).unwrap_or_default()),
            None => Err(CodecError::MissingHeaderField(key)),
        }
    }
    fn write_field(&self, map: &mut HashMap<String, String>, key: &'static str) {
        map.insert(key.to_string(), self.format_value());
    }
}

impl<T: HeaderValue> HeaderField for Option<T> {
    fn read_field(map: &HashMap<String, String>, key: &'static str) -> Result<Self, CodecError> {
        Ok(map.get(key).and_then(|v| T::parse_value(v)))
    }
    fn write_field(&self, map: &mut HashMap<String, String>, key: &'static str) {
        if let Some(v) = self {
            map.insert(key.to_string(), v.format_value());
        }
    }
}

/// Declares a header struct and its `extFields` mapping. Each field names its Java key;
/// plain types are required, `Option<T>` fields optional.
///
/// ```ignore
/// command_header! {
///     /// Header of GET_ROUTEINFO_BY_TOPIC.
///     pub struct GetRouteInfoRequestHeader {
///         pub topic: String => "topic",
///         pub accept_standard_json_only: Option<bool> => "acceptStandardJsonOnly",
///     }
/// }
/// ```
#[macro_export]
macro_rules! command_header {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty => $key:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::protocol::header::CommandCustomHeader for $name {
            fn write_to(&self, map: &mut std::collections::HashMap<String, String>) {
                let _ = &map;
                $(<$ty as $crate::protocol::header::HeaderField>::write_field(&self.$field, map, $key);)*
            }
            fn read_from(
                map: &std::collections::HashMap<String, String>,
            ) -> Result<Self, $crate::error::CodecError> {
                let _ = &map;
                Ok($name {
                    $($field: <$ty as $crate::protocol::header::HeaderField>::read_field(map, $key)?,)*
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    command_header! {
        /// A test header.
        pub struct TestHeader {
            pub topic: String => "topic",
            pub queue_id: i32 => "queueId",
            pub is_force: Option<bool> => "isForce",
            pub offset: Option<i64> => "offset",
        }
    }

    #[test]
    fn round_trip_and_errors() {
        let h = TestHeader {
            topic: "T".into(),
            queue_id: 3,
            is_force: Some(true),
            offset: None,
        };
        let mut m = HashMap::new();
        h.write_to(&mut m);
        assert_eq!(m.len(), 3);
        assert_eq!(m["isForce"], "true");
        assert_eq!(TestHeader::read_from(&m).unwrap(), h);
        m.remove("topic");
        let e = TestHeader::read_from(&m).unwrap_err();
        assert_eq!(e.to_string(), "the custom field <topic> is null");
        let mut m = HashMap::new();
        m.insert("topic".to_string(), "T".to_string());
        m.insert("queueId".to_string(), "x".to_string());
        m.insert("offset".to_string(), "nope".to_string());
        let h = TestHeader::read_from(&m).unwrap();
        assert_eq!(h.queue_id, 0);
        assert_eq!(h.offset, None);
    }
}
