//! The Java `Formatter` conversions and `UtilAll` string helpers mqadmin's `printf` formats
//! rely on, where Rust's `format!` differs from Java:
//!
//! - `%.Nf` rounds HALF_UP on the shortest decimal form of the double (Java prints
//!   `String.format("%.2f", 0.125)` as `0.13` and `1.005` as `1.01`; Rust rounds the exact
//!   binary value, giving `0.12` and `1.00`), and writes `NaN` and `Infinity`;
//! - `%s` of a Java `null` is `null`;
//! - `UtilAll.frontStringAtLeast(s, n)` cuts a string to its first `n` characters.
//!
//! Padding (`%-20s`, `%7.3f`) counts characters, as Java counts UTF-16 units for BMP text.

/// Formats `value` as Java's `%.{precision}f`.
pub fn fixed(value: f64, precision: usize) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let negative = value.is_sign_negative() && value != 0.0;
    // Rust's `{}` of an f64 is the shortest string that reads back as the same value, the
    // digits Java's FormattedFloatingDecimal starts from.
    let shortest = format!("{}", value.abs());
    let (int_part, frac_part) = match shortest.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (shortest.clone(), String::new()),
    };
    let mut digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let int_len = int_part.len();
    let keep = int_len + precision;
    if digits.len() > keep {
        let round_up = digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            let mut i = keep;
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    } else {
        digits.resize(keep, 0);
    }
    let int_digits = digits.len() - precision;
    let mut s = String::with_capacity(digits.len() + 2);
    if negative && digits.iter().any(|&d| d != 0) {
        s.push('-');
    }
    for d in &digits[..int_digits] {
        s.push(char::from(b'0' + d));
    }
    if int_digits == 0 {
        s.push('0');
    }
    if precision > 0 {
        s.push('.');
        for d in &digits[int_digits..] {
            s.push(char::from(b'0' + d));
        }
    }
    s
}

/// Java's `String.valueOf(Object)` for an optional string: `null` when absent.
pub fn jstr(value: Option<&str>) -> &str {
    value.unwrap_or("null")
}

/// `UtilAll.frontStringAtLeast`: the first `size` characters of `s`.
pub fn front_string_at_least(s: &str, size: usize) -> &str {
    match s.char_indices().nth(size) {
        Some((byte_index, _)) => &s[..byte_index],
        None => s,
    }
}

/// Java's `Double.toString` for the values mqadmin prints with `%s` (`Topic Put TPS: 0.0`):
/// a decimal point is always present.
pub fn java_double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let abs = value.abs();
    if abs != 0.0 && !(1e-3..1e7).contains(&abs) {
        // Java switches to computerized scientific notation: 1.0E7, 1.234E-5.
        let s = format!("{value:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        return format!("{mantissa}E{exp}");
    }
    let s = format!("{value}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_half_up_like_java() {
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(1.005, 2), "1.01");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(9.999, 2), "10.00");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(498803.4712, 2), "498803.47");
        assert_eq!(fixed(f64::NAN, 3), "NaN");
        assert_eq!(fixed(f64::INFINITY, 3), "Infinity");
        assert_eq!(fixed(12.0, 3), "12.000");
        assert_eq!(format!("{:>7}", fixed(4.12345, 3)), "  4.123");
        assert_eq!(fixed(1e-7, 4), "0.0000");
    }

    #[test]
    fn front_string_cuts_at_chars() {
        assert_eq!(front_string_at_least("abcdef", 3), "abc");
        assert_eq!(front_string_at_least("ab", 3), "ab");
        assert_eq!(front_string_at_least("中文字", 2), "中文");
    }

    #[test]
    fn double_to_string_matches_java() {
        assert_eq!(java_double_to_string(0.0), "0.0");
        assert_eq!(java_double_to_string(12.5), "12.5");
        assert_eq!(java_double_to_string(3.0), "3.0");
        assert_eq!(java_double_to_string(1.0e7), "1.0E7");
        assert_eq!(java_double_to_string(0.0001), "1.0E-4");
    }
}
