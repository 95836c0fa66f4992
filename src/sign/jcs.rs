//! RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes a package
//! signature covers.
//!
//! Written here rather than taken from a crate because it is short and the
//! details matter: object members sorted by their names' **UTF-16 code
//! units**, strings escaped as ECMAScript's `JSON.stringify` does (which is
//! what serde_json writes: `\b \t \n \f \r \" \\`, other controls as
//! `\u00xx`, everything else literal), no white space, and numbers as
//! ECMAScript writes them. Integers beyond ±2^53 are refused (I-JSON,
//! RFC 7493): they could not be told apart after canonicalization.

use serde_json::Value;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JcsError(pub String);

impl std::fmt::Display for JcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON 无法规范化：{}（cannot canonicalize JSON）", self.0)
    }
}

impl std::error::Error for JcsError {}

/// The largest integer an IEEE double holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The canonical UTF-8 bytes of `value`.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, JcsError> {
    let mut out = Vec::new();
    write(value, &mut out)?;
    Ok(out)
}

fn write(value: &Value, out: &mut Vec<u8>) -> Result<(), JcsError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => out.extend_from_slice(number(n)?.as_bytes()),
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(k, out);
                out.push(b':');
                write(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn string(s: &str, out: &mut Vec<u8>) {
    // Most strings need no escape (the base64 of the embedded PDFs is most
    // of a package): copied whole, which also keeps verifying a package
    // fast in unoptimized builds.
    let plain = s
        .as_bytes()
        .iter()
        .all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // serde_json escapes exactly as JSON.stringify does; a `&str` cannot
    // hold a lone surrogate.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn number(n: &serde_json::Number) -> Result<String, JcsError> {
    if let Some(i) = n.as_i64() {
        if (i as f64).abs() > MAX_SAFE {
            return Err(JcsError(format!("整数 {i} 超出 ±2^53")));
        }
        return Ok(i.to_string());
    }
    if let Some(u) = n.as_u64() {
        return Err(JcsError(format!("整数 {u} 超出 ±2^53")));
    }
    let f = n
        .as_f64()
        .ok_or_else(|| JcsError(format!("数值 {n} 无法表示")))?;
    es_number(f)
}

/// ECMAScript's Number::toString for a finite double (ECMA-262 §6.1.6.1.20).
pub fn es_number(f: f64) -> Result<String, JcsError> {
    if !f.is_finite() {
        return Err(JcsError("非有限数值".into()));
    }
    if f == 0.0 {
        return Ok("0".into());
    }
    if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
        return Ok(format!("{}", f as i64));
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as ECMAScript
    // requires: "d.ddde±x".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci
        .split_once('e')
        .ok_or_else(|| JcsError("数值格式化失败".into()))?;
    let exp: i32 = exp.parse().map_err(|_| JcsError("数值格式化失败".into()))?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1; // the decimal point sits after n digits
    let mut s = String::new();
    if f < 0.0 {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        s.push_str(&digits[..n as usize]);
        s.push('.');
        s.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        s.push_str(&digits[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if n > 0 { '+' } else { '-' });
        s.push_str(&(n - 1).abs().to_string());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        String::from_utf8(canonicalize(&serde_json::from_str(text).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn rfc8785_numbers() {
        // RFC 8785 appendix B and §3.2.2.3.
        for (input, expected) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1e30, "1e+30"),
            (4.5, "4.5"),
            (0.002, "0.002"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-1.5, "-1.5"),
            (333333333.3333333, "333333333.3333333"),
            (9007199254740992.0, "9007199254740992"),
            (295147905179352830000.0, "295147905179352830000"),
        ] {
            assert_eq!(es_number(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn rfc8785_example() {
        // RFC 8785 §3.2.3 (sorting) and §3.2.2 (strings and literals).
        let sorted = canon(
            r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        );
        assert_eq!(
            sorted,
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(
            canon(r#"{ "b": [1, 2.50, true, null, "\u000f\n"], "a": {} }"#),
            r#"{"a":{},"b":[1,2.5,true,null,"\u000f\n"]}"#
        );
        assert!(canonicalize(&serde_json::json!(9007199254740993u64)).is_err());
    }
}
