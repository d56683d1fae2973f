//! Java's text forms of a `double` where the broker writes numbers into answers that Java
//! tools print as they are (runtime info, stats): `Double.toString` and `String.format("%.Nf")`.
//!
//! Rust differs from both: `{}` of `12.0` is `12` (Java `12.0`), large and tiny magnitudes
//! stay plain (Java switches to `1.0E7`), and `{:.2}` rounds the exact binary value (Java
//! rounds HALF_UP on the shortest decimal form: `0.125` is `0.13`, `1.005` is `1.01`).

/// Java `Double.toString(d)`: plain for magnitudes in [10^-3, 10^7), computerized scientific
/// notation (`1.0E7`, `1.5E-4`) otherwise, always with a fractional digit.
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
    let abs = d.abs();
    // The shortest digits that read back as the same double, e.g. "1.2345e-5".
    let sci = format!("{abs:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (1e-3..1e7).contains(&abs) {
        let point = exp + 1;
        if point <= 0 {
            return format!(
                "{sign}0.{}{digits}",
                "0".repeat(point.unsigned_abs() as usize)
            );
        }
        let p = point as usize;
        if digits.len() > p {
            format!("{sign}{}.{}", &digits[..p], &digits[p..])
        } else {
            format!("{sign}{digits}{}.0", "0".repeat(p - digits.len()))
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

/// Java `String.format("%.{precision}f", value)`: HALF_UP on the shortest decimal digits.
pub fn format_fixed(value: f64, precision: usize) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let plain = format!("{}", value.abs());
    let (int_part, frac_part) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let keep = int_part.len() + precision;
    if digits.len() > keep {
        let round_up = digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            let mut carry = true;
            for d in digits.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                digits.insert(0, 1);
            }
        }
    } else {
        digits.resize(keep, 0);
    }
    let split = digits.len() - precision;
    let text = |ds: &[u8]| ds.iter().map(|d| char::from(b'0' + d)).collect::<String>();
    let mut out = String::new();
    if value.is_sign_negative() && digits.iter().any(|&d| d != 0) {
        out.push('-');
    }
    out.push_str(&text(&digits[..split]));
    if precision > 0 {
        out.push('.');
        out.push_str(&text(&digits[split..]));
    }
    out
}

/// Java's `String.valueOf(Object)` for an optional string: `null` when absent.
pub fn jstr(value: Option<&str>) -> &str {
    value.unwrap_or("null")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_to_string_matches_java() {
        // Expected strings are what Java 17 prints for Double.toString.
        for (d, java) in [
            (0.0, "0.0"),
            (12.0, "12.0"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1234567.0, "1234567.0"),
            (1.0e7, "1.0E7"),
            (12345678.9, "1.23456789E7"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
        ] {
            assert_eq!(double_to_string(d), java, "{d}");
        }
    }

    #[test]
    fn jstr_prints_null() {
        assert_eq!(jstr(None), "null");
        assert_eq!(jstr(Some("x")), "x");
    }

    #[test]
    fn format_fixed_rounds_half_up_like_java() {
        for (d, p, java) in [
            (0.125, 2, "0.13"),
            (1.005, 2, "1.01"),
            (0.0, 2, "0.00"),
            (9.999, 2, "10.00"),
            (-1.25, 1, "-1.3"),
            (-0.001, 2, "0.00"),
            (12.0, 3, "12.000"),
            (2.5, 0, "3"),
            (1e-7, 4, "0.0000"),
            (498803.4712, 2, "498803.47"),
            (f64::NAN, 3, "NaN"),
            (f64::INFINITY, 3, "Infinity"),
            (4.12345, 3, "4.123"),
        ] {
            assert_eq!(format_fixed(d, p), java, "{d} {p}");
        }
    }
}
