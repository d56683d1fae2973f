//! A serde `Deserializer` over a parsed [`Value`] that converts scalars the way fastjson
//! does when it fills a Java bean, so that every `#[derive(Deserialize)]` type accepts what
//! Java accepts without per-field attributes.
//!
//! What is converted (each checked against fastjson 1.2.83 through `RemotingSerializable`):
//!
//! - integers from decimal strings (`"2598919"`, `"+7"`, `"-7"`), from `true`/`false` (1/0) and
//!   from fractional numbers (truncated toward zero); out of range is an error, as is
//!   `"1.5"` or `" 7"`;
//! - floats from strings, integers and booleans;
//! - booleans from `"true"`/`"false"` (any case), `"1"`/`"0"`, `"Y"`/`"T"`/`"N"`/`"F"` and from
//!   numbers (`1` is true, any other number false);
//! - strings from numbers and booleans (their text) and from arrays and objects (their
//!   compact JSON text);
//! - `null` or `""` for a number or boolean reads as 0/false; `null` for a string, sequence,
//!   map or struct reads as empty;
//! - a struct member whose value is `null` is skipped, so the field keeps its default, as
//!   fastjson leaves a Java field at its initial value;
//! - `null` elements of a sequence (a Java `Set<Integer>` may hold one) are skipped;
//! - enum variants by name in any case or by ordinal (serde enums; `java_enum!` types do the
//!   same in their own `Deserialize`);
//! - map keys (always text in a [`Value`]) convert like string values, so `{"0":..}` and
//!   `{0:..}` both fill a `BTreeMap<u64, _>`.
//!
//! Unknown members are ignored by serde's derive unless a type denies them.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use serde_json::{Map, Number, Value};

type Error = serde_json::Error;

/// The lenient deserializer over one value.
pub(crate) struct Lenient(pub(crate) Value);

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, Some(f)) => Unexpected::Float(f),
            _ => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Text fastjson treats like `null` where a number or boolean is expected.
fn is_null_text(s: &str) -> bool {
    s.is_empty() || s == "null"
}

/// Reads an integer of any width; the caller checks its range.
fn integer(v: &Value) -> Result<i128, Error> {
    match v {
        Value::Null => Ok(0),
        Value::Bool(b) => Ok(i128::from(*b)),
        Value::Number(n) => number_to_integer(n),
        Value::String(s) if is_null_text(s) => Ok(0),
        Value::String(s) => s
            .parse::<i128>()
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(s), &"an integer")),
        other => Err(de::Error::invalid_type(unexpected(other), &"an integer")),
    }
}

fn number_to_integer(n: &Number) -> Result<i128, Error> {
    if let Some(i) = n.as_i64() {
        return Ok(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Ok(i128::from(u));
    }
    match n.as_f64() {
        // Java's (int) cast of a double truncates toward zero.
        Some(f) if f.is_finite() && f.abs() < 1.7e38 => Ok(f.trunc() as i128),
        _ => Err(de::Error::invalid_value(
            Unexpected::Other("number"),
            &"an integer",
        )),
    }
}

fn float(v: &Value) -> Result<f64, Error> {
    match v {
        Value::Null => Ok(0.0),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| de::Error::invalid_value(Unexpected::Other("number"), &"a float")),
        Value::String(s) if is_null_text(s) => Ok(0.0),
        Value::String(s) => s
            .parse::<f64>()
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(s), &"a float")),
        other => Err(de::Error::invalid_type(unexpected(other), &"a float")),
    }
}

fn boolean(v: &Value) -> Result<bool, Error> {
    match v {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => Ok(number_to_integer(n)? == 1),
        Value::String(s) if is_null_text(s) => Ok(false),
        Value::String(s) => {
            const TRUE: [&str; 4] = ["true", "1", "y", "t"];
            const FALSE: [&str; 4] = ["false", "0", "n", "f"];
            if TRUE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
                Ok(true)
            } else if FALSE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
                Ok(false)
            } else {
                Err(de::Error::invalid_value(Unexpected::Str(s), &"a boolean"))
            }
        }
        other => Err(de::Error::invalid_type(unexpected(other), &"a boolean")),
    }
}

/// The text fastjson stores into a `String` field for any value.
fn text(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(&other).unwrap_or_default(),
    }
}

macro_rules! deserialize_integer {
    ($($method:ident => $visit:ident: $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let i = integer(&self.0)?;
            let v = <$t>::try_from(i).map_err(|_| {
                de::Error::custom(format!("{i} is out of range for {}", stringify!($t)))
            })?;
            visitor.$visit(v)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Lenient {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(SeqDeserializer::new(items, false)),
            Value::Object(map) => visitor.visit_map(MapDeserializer::new(map, false)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(boolean(&self.0)?)
    }

    deserialize_integer! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f32(float(&self.0)? as f32)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(float(&self.0)?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(text(self.0))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(text(self.0))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(text(self.0))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            v => visitor.visit_some(Lenient(v)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(SeqDeserializer::new(items, true)),
            Value::Null => visitor.visit_seq(SeqDeserializer::new(Vec::new(), true)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(SeqDeserializer::new(items, false)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(MapDeserializer::new(map, false)),
            Value::Null => visitor.visit_map(MapDeserializer::new(Map::new(), false)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(MapDeserializer::new(map, true)),
            // fastjson reads `null`, and `[]` where an object is expected, as a null bean.
            Value::Null => visitor.visit_map(MapDeserializer::new(Map::new(), true)),
            Value::Array(items) if items.is_empty() => {
                visitor.visit_map(MapDeserializer::new(Map::new(), true))
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (variant, value) = match self.0 {
            Value::String(s) => (variant_by_name(variants, s), None),
            Value::Number(n) => {
                let ordinal = number_to_integer(&n)?;
                let name = usize::try_from(ordinal)
                    .ok()
                    .and_then(|i| variants.get(i))
                    .ok_or_else(|| {
                        <Error as de::Error>::custom(format!("no enum constant with ordinal {n}"))
                    })?;
                (name.to_string(), None)
            }
            Value::Object(map) if map.len() == 1 => {
                let Some((k, v)) = map.into_iter().next() else {
                    return Err(de::Error::custom("empty enum object"));
                };
                (variant_by_name(variants, k), Some(v))
            }
            other => return Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        };
        visitor.visit_enum(EnumDeserializer { variant, value })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(text(self.0))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// Returns the declared variant matching `name` exactly, else ignoring ASCII case (fastjson
/// also matches the lower-cased name), else `name` itself for serde's error message.
fn variant_by_name(variants: &'static [&'static str], name: String) -> String {
    if variants.contains(&name.as_str()) {
        return name;
    }
    variants
        .iter()
        .find(|v| v.eq_ignore_ascii_case(&name))
        .map(|v| v.to_string())
        .unwrap_or(name)
}

struct SeqDeserializer {
    items: std::vec::IntoIter<Value>,
    skip_null: bool,
}

impl SeqDeserializer {
    fn new(items: Vec<Value>, skip_null: bool) -> Self {
        SeqDeserializer {
            items: items.into_iter(),
            skip_null,
        }
    }
}

impl<'de> de::SeqAccess<'de> for SeqDeserializer {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        for item in self.items.by_ref() {
            if self.skip_null && item.is_null() {
                continue;
            }
            return seed.deserialize(Lenient(item)).map(Some);
        }
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        (!self.skip_null).then(|| self.items.len())
    }
}

struct MapDeserializer {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
    skip_null: bool,
}

impl MapDeserializer {
    fn new(map: Map<String, Value>, skip_null: bool) -> Self {
        MapDeserializer {
            entries: map.into_iter(),
            value: None,
            skip_null,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapDeserializer {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for (key, value) in self.entries.by_ref() {
            if self.skip_null && value.is_null() {
                continue;
            }
            self.value = Some(value);
            return seed.deserialize(Lenient(Value::String(key))).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let value = self.value.take().unwrap_or(Value::Null);
        seed.deserialize(Lenient(value))
    }

    fn size_hint(&self) -> Option<usize> {
        (!self.skip_null).then(|| self.entries.len())
    }
}

struct EnumDeserializer {
    variant: String,
    value: Option<Value>,
}

impl<'de> de::EnumAccess<'de> for EnumDeserializer {
    type Error = Error;
    type Variant = VariantDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let variant =
            seed.deserialize(IntoDeserializer::<Error>::into_deserializer(self.variant))?;
        Ok((variant, VariantDeserializer(self.value)))
    }
}

struct VariantDeserializer(Option<Value>);

impl<'de> de::VariantAccess<'de> for VariantDeserializer {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(Lenient(self.0.unwrap_or(Value::Null)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(Lenient(self.0.unwrap_or(Value::Null)), len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(
            Lenient(self.0.unwrap_or(Value::Null)),
            "",
            fields,
            visitor,
        )
    }
}
