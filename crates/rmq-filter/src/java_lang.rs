//! The `java.lang` behaviour the expressions depend on: `Integer.valueOf`, `Long.valueOf`,
//! `Double.valueOf`, `Boolean.valueOf`, `Double.toString`, `Double.compare`,
//! `String.compareTo` and `String.hashCode`, plus the iteration order of a `HashSet` of
//! strings (which shows in the text of `IN` expressions with five or more values).
//!
//! Property values reach the expressions as strings and are converted when compared with
//! numbers, so the accepted spellings must be Java's: `Integer.valueOf` takes an optional sign
//! and any Unicode decimal digits (Arabic-Indic, fullwidth, ...) but no blanks, while
//! `Double.valueOf` trims characters up to U+0020, takes ASCII digits only, `NaN`, `Infinity`,
//! hexadecimal significands with a binary exponent (`0x1.8p1`) and an `f`/`d` suffix.

use crate::filter_error::JavaException;
use std::cmp::Ordering;

/// The zero of every run of ten Unicode decimal digits (category Nd) in the Basic
/// Multilingual Plane, as Java 17's `Character.digit(char, 10)` knows them.
const DIGIT_ZEROS: [u16; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// Java `Character.digit(ch, 10)`: the value of a decimal digit, `None` otherwise.
fn decimal_digit(unit: u16) -> Option<u32> {
    let i = DIGIT_ZEROS.partition_point(|&z| z <= unit);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let v = u32::from(unit - zero);
    (v < 10).then_some(v)
}

/// Java `Integer.parseInt(s, 10)` / `Integer.valueOf(s)`.
pub fn parse_int(s: &str) -> Result<i32, JavaException> {
    parse_integral(s, i64::from(i32::MIN), i64::from(i32::MAX)).map(|v| v as i32)
}

/// Java `Long.parseLong(s, 10)` / `Long.valueOf(s)`.
pub fn parse_long(s: &str) -> Result<i64, JavaException> {
    parse_integral(s, i64::MIN, i64::MAX)
}

fn parse_integral(s: &str, min: i64, max: i64) -> Result<i64, JavaException> {
    let err = || JavaException::for_input_string(s);
    let mut units = s.encode_utf16().peekable();
    let negative = match units.peek() {
        None => return Err(err()),
        Some(&c) if c == u16::from(b'-') || c == u16::from(b'+') => {
            units.next();
            c == u16::from(b'-')
        }
        Some(&c) if c < u16::from(b'0') => return Err(err()),
        Some(_) => false,
    };
    if units.peek().is_none() {
        return Err(err());
    }
    // Accumulate negatively, as Java does, so that MIN_VALUE fits.
    let limit = if negative { min } else { -max };
    let mut result: i64 = 0;
    for u in units {
        let d = i64::from(decimal_digit(u).ok_or_else(err)?);
        result = result
            .checked_mul(10)
            .and_then(|r| r.checked_sub(d))
            .filter(|&r| r >= limit)
            .ok_or_else(err)?;
    }
    if negative {
        Ok(result)
    } else {
        Ok(-result)
    }
}

/// Java `Boolean.valueOf(String)`: true only for `true` in any case.
pub fn boolean_value_of(s: &str) -> bool {
    s.eq_ignore_ascii_case("true")
}

/// Java `Double.parseDouble(s)` / `Double.valueOf(s)` (`FloatingDecimal.readJavaFormatString`).
pub fn parse_double(s: &str) -> Result<f64, JavaException> {
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return Err(JavaException::number_format("empty String"));
    }
    let err = || JavaException::for_input_string(t);
    let b = t.as_bytes();
    let (negative, start) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let rest = b.get(start..).unwrap_or(&[]);
    let signed = |v: f64| if negative { -v } else { v };
    match rest.first() {
        None => return Err(err()),
        Some(b'N') => {
            return if rest == b"NaN" {
                Ok(f64::NAN)
            } else {
                Err(err())
            }
        }
        Some(b'I') => {
            return if rest == b"Infinity" {
                Ok(signed(f64::INFINITY))
            } else {
                Err(err())
            }
        }
        Some(b'0') if matches!(rest.get(1), Some(b'x' | b'X')) => {
            return parse_hex_double(rest.get(2..).unwrap_or(&[]))
                .map(signed)
                .ok_or_else(err)
        }
        _ => {}
    }
    let mut i = 0;
    let mut mantissa = String::new();
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_point = false;
    while let Some(&c) = rest.get(i) {
        match c {
            b'0'..=b'9' => {
                mantissa.push(c as char);
                if seen_point {
                    frac_digits += 1;
                } else {
                    int_digits += 1;
                }
            }
            b'.' if seen_point => return Err(JavaException::number_format("multiple points")),
            b'.' => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if int_digits + frac_digits == 0 {
        return Err(err());
    }
    let mut exponent = String::new();
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        i += 1;
        if let Some(&c @ (b'+' | b'-')) = rest.get(i) {
            exponent.push(c as char);
            i += 1;
        }
        let exp_at = i;
        while let Some(&c @ b'0'..=b'9') = rest.get(i) {
            exponent.push(c as char);
            i += 1;
        }
        if i == exp_at {
            return Err(err());
        }
    }
    match rest.get(i..) {
        Some([]) | Some([b'f' | b'F' | b'd' | b'D']) => {}
        _ => return Err(err()),
    }
    // Rust's parser rounds correctly, as FloatingDecimal does; it gets the digits without
    // the point and the exponent shifted by the fraction's length.
    let text = if exponent.is_empty() {
        format!("{mantissa}e-{frac_digits}")
    } else {
        let (sign, digits) = match exponent.as_bytes().first() {
            Some(b'-') => (-1i128, &exponent[1..]),
            Some(b'+') => (1, &exponent[1..]),
            _ => (1, exponent.as_str()),
        };
        // Saturate huge exponents; the result is then 0 or infinity anyway.
        let e = digits
            .parse::<i128>()
            .unwrap_or(i128::from(i32::MAX))
            .min(i128::from(i32::MAX));
        format!("{mantissa}e{}", sign * e - frac_digits as i128)
    };
    let v: f64 = text.parse().map_err(|_| err())?;
    Ok(signed(v))
}

/// Parses what follows `0x` of a hexadecimal floating point literal
/// (`HEXDIGITS[.HEXDIGITS]p[+-]DIGITS[fFdD]`); `None` when malformed.
fn parse_hex_double(b: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut significand: u128 = 0;
    let mut significant_bits = 0u32;
    let mut sticky = false;
    let mut binary_exponent: i64 = 0;
    let mut digits = 0;
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        let d = match c {
            b'.' if !seen_point => {
                seen_point = true;
                i += 1;
                continue;
            }
            _ => match (c as char).to_digit(16) {
                Some(d) => d,
                None => break,
            },
        };
        digits += 1;
        if significant_bits <= 120 {
            significand = (significand << 4) | u128::from(d);
            if significand != 0 {
                significant_bits += 4;
            }
            if seen_point {
                binary_exponent -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_point {
                binary_exponent += 4;
            }
        }
        i += 1;
    }
    if digits == 0 || !matches!(b.get(i), Some(b'p' | b'P')) {
        return None;
    }
    i += 1;
    let negative_exp = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let exp_at = i;
    let mut e: i64 = 0;
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        e = (e * 10 + i64::from(c - b'0')).min(1 << 40);
        i += 1;
    }
    if i == exp_at || !matches!(b.get(i..), Some([]) | Some([b'f' | b'F' | b'd' | b'D'])) {
        return None;
    }
    if sticky {
        significand |= 1;
    }
    let exp = binary_exponent + if negative_exp { -e } else { e };
    let mut v = significand as f64;
    // Scale in steps that stay within the exponent range.
    let mut remaining = exp.clamp(-4000, 4000);
    while remaining != 0 {
        let step = remaining.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        remaining -= step;
    }
    Some(v)
}

/// Java `Double.compare(a, b)`: -0.0 is below 0.0 and NaN above everything, NaN equals NaN.
pub fn double_compare(a: f64, b: f64) -> Ordering {
    if a < b {
        Ordering::Less
    } else if a > b {
        Ordering::Greater
    } else {
        canonical_bits(a).cmp(&canonical_bits(b))
    }
}

/// Java `Double#equals`: bit equality after collapsing every NaN into one.
pub fn double_equals(a: f64, b: f64) -> bool {
    canonical_bits(a) == canonical_bits(b)
}

fn canonical_bits(d: f64) -> i64 {
    if d.is_nan() {
        0x7ff8_0000_0000_0000
    } else {
        d.to_bits() as i64
    }
}

/// Java `String#compareTo`: lexicographic over UTF-16 code units.
pub fn string_compare(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java `String#hashCode`.
pub fn string_hash_code(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// Java `Double.toString(d)`: plain notation for magnitudes in [10^-3, 10^7), computerized
/// scientific notation (`1.0E10`, `4.9E-324`) otherwise, always with a fractional digit.
pub fn double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sign = if d < 0.0 { "-" } else { "" };
    if d.abs() == f64::from_bits(1) {
        // Java 17's FloatingDecimal gives Double.MIN_VALUE two digits.
        return format!("{sign}4.9E-324");
    }
    // Shortest digits that round-trip, e.g. "1.2345e-5".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            let zeros = "0".repeat((-point) as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let p = point as usize;
            let (int, frac) = if digits.len() > p {
                (digits[..p].to_string(), digits[p..].to_string())
            } else {
                (
                    format!("{digits}{}", "0".repeat(p - digits.len())),
                    String::new(),
                )
            };
            let frac = if frac.is_empty() {
                "0".to_string()
            } else {
                frac
            };
            format!("{sign}{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

/// The order in which a Java `HashSet<String>` built from `items` (`new HashSet<>(list)`)
/// iterates: by bucket of the spread hash code, then insertion order; duplicates dropped.
pub fn hash_set_order(items: &[String]) -> Vec<&str> {
    let wanted = ((items.len() as f32 / 0.75) as usize + 1).max(16);
    let table_size = wanted.next_power_of_two();
    let mut buckets: Vec<Vec<&str>> = vec![Vec::new(); table_size];
    for item in items {
        let h = string_hash_code(item);
        let spread = h ^ ((h as u32) >> 16) as i32;
        let index = (spread as u32 as usize) & (table_size - 1);
        if let Some(bucket) = buckets.get_mut(index) {
            if !bucket.contains(&item.as_str()) {
                bucket.push(item);
            }
        }
    }
    buckets.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_int("5"), Ok(5));
        assert_eq!(parse_int("+5"), Ok(5));
        assert_eq!(parse_int("-2147483648"), Ok(i32::MIN));
        assert_eq!(parse_int("2147483647"), Ok(i32::MAX));
        assert!(parse_int("2147483648").is_err());
        assert!(parse_int("").is_err());
        assert!(parse_int("-").is_err());
        assert!(parse_int(" 5").is_err());
        assert!(parse_int("5.0").is_err());
        assert!(parse_int("5L").is_err());
        // Arabic-Indic and fullwidth digits count, as in Java.
        assert_eq!(parse_int("\u{0663}\u{0664}"), Ok(34));
        assert_eq!(parse_int("\u{FF11}\u{FF10}"), Ok(10));
        assert_eq!(parse_long("-9223372036854775808"), Ok(i64::MIN));
        assert!(parse_long("9223372036854775808").is_err());
        assert_eq!(
            parse_int("abc").unwrap_err().to_string(),
            "java.lang.NumberFormatException: For input string: \"abc\""
        );
    }

    #[test]
    fn doubles() {
        assert_eq!(parse_double(" 1.5 "), Ok(1.5));
        assert_eq!(parse_double("1."), Ok(1.0));
        assert_eq!(parse_double(".5"), Ok(0.5));
        assert_eq!(parse_double("1e3"), Ok(1000.0));
        assert_eq!(parse_double("1.5E-2"), Ok(0.015));
        assert_eq!(parse_double("2d"), Ok(2.0));
        assert_eq!(parse_double("-2.5f"), Ok(-2.5));
        assert_eq!(parse_double("-Infinity"), Ok(f64::NEG_INFINITY));
        assert!(parse_double("NaN").is_ok_and(f64::is_nan));
        assert_eq!(parse_double("0x1.8p1"), Ok(3.0));
        assert_eq!(parse_double("0X10P-4"), Ok(1.0));
        assert_eq!(parse_double("1e999"), Ok(f64::INFINITY));
        assert_eq!(parse_double("1e-999"), Ok(0.0));
        for bad in [
            "", "abc", "1e", "1.2.3", "nan", "inf", "1x", "+", ".", "1ff", "0x1.8",
        ] {
            assert!(parse_double(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_double("  ").unwrap_err().to_string(),
            "java.lang.NumberFormatException: empty String"
        );
    }

    #[test]
    fn double_text() {
        for (d, s) in [
            (1.5, "1.5"),
            (5.0, "5.0"),
            (0.001, "0.001"),
            (1e7, "1.0E7"),
            (1234567.0, "1234567.0"),
            (1e-4, "1.0E-4"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::from_bits(1), "4.9E-324"),
            (-0.0, "-0.0"),
            (-12.25, "-12.25"),
        ] {
            assert_eq!(double_to_string(d), s);
        }
    }

    #[test]
    fn comparisons() {
        assert_eq!(double_compare(-0.0, 0.0), Ordering::Less);
        assert_eq!(double_compare(f64::NAN, f64::INFINITY), Ordering::Greater);
        assert!(double_equals(f64::NAN, f64::NAN));
        assert!(!double_equals(0.0, -0.0));
        assert_eq!(string_compare("\u{FFFF}", "\u{10000}"), Ordering::Greater);
        assert_eq!(string_hash_code("TagA"), 2598919);
    }

    #[test]
    fn hash_set() {
        let items: Vec<String> = ["x", "y", "z", "w", "v", "x"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(hash_set_order(&items), vec!["v", "w", "x", "y", "z"]);
    }
}
