//! Java's `String.hashCode()`, which RocketMQ uses for tag codes and index keys.

/// Returns Java's `String.hashCode()` of `s`: `h = 31*h + c` over UTF-16 code units,
/// wrapping at 32 bits.
pub fn string_hash_code(s: &str) -> i32 {
    let mut h: i32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(unit as i32);
    }
    h
}

/// Returns the tag code the store puts into a ConsumeQueue unit: the tag's Java hash code,
/// sign-extended, or 0 for an absent or empty tag.
pub fn tags_string_to_tags_code(tags: Option<&str>) -> i64 {
    match tags {
        Some(t) if !t.is_empty() => string_hash_code(t) as i64,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java_values() {
        assert_eq!(string_hash_code(""), 0);
        assert_eq!(string_hash_code("TagA"), 2598919);
        assert_eq!(string_hash_code("hello"), 99162322);
        // Non-BMP characters hash as two UTF-16 surrogates, as in Java.
        assert_eq!(string_hash_code("😀"), 1772899);
        assert_eq!(string_hash_code("中文"), 646394);
        assert_eq!(
            string_hash_code("TopicTest#key-0000000000000000000000"),
            -234599248
        );
    }
}
