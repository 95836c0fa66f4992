//! Checking the signatures of any PDF, which may be hostile: no parse of the
//! object structure, only a scan for `/ByteRange` arrays whose gap is
//! exactly a hex string; each CMS is checked against the bytes it covers.
//! Also the embedded file of a PDF whose signature was checked.

use chrono::TimeZone;
use lopdf::Object;

use super::{find, range_digest, text_string};
use crate::sign::cert::CertInfo;
use crate::sign::cms::{der_element_len, verify_detached};

/// One signature found in a PDF, and what its check found.
#[derive(Debug, Clone)]
pub struct PdfSignature {
    /// The `/ByteRange`.
    pub byte_range: [usize; 4],
    /// The ranges start at 0 and end at the end of the file: the signature
    /// covers every byte but its own `/Contents`.
    pub covers_whole_file: bool,
    /// The CMS message digest equals the SHA-256 of the ranges.
    pub digest_ok: bool,
    /// The CMS signature verifies with the signer's certificate.
    pub signature_ok: bool,
    /// The signer's certificate.
    pub signer: Option<CertInfo>,
    /// Other certificates the CMS carries.
    pub chain: Vec<CertInfo>,
    /// The signing time `/M` as written (`D:…`), when found.
    pub signing_time: Option<String>,
    /// The `/SubFilter`, when found.
    pub sub_filter: Option<String>,
    /// What else is wrong, in Chinese.
    pub problem: Option<String>,
}

impl PdfSignature {
    /// True when the digest and the signature verify and nothing else is wrong.
    pub fn is_intact(&self) -> bool {
        self.digest_ok && self.signature_ok && self.problem.is_none()
    }

    /// The signing time as a date-time, when `/M` could be read.
    pub fn time(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let m = self.signing_time.as_deref()?.strip_prefix("D:")?;
        let digits = m.get(..14)?;
        let rest = m.get(14..).unwrap_or("");
        let offset = match rest.as_bytes().first() {
            Some(b'+') | Some(b'-') => {
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                let hh: i32 = rest.get(1..3)?.parse().ok()?;
                let mm: i32 = rest.get(4..6).and_then(|s| s.parse().ok()).unwrap_or(0);
                sign * (hh * 3600 + mm * 60)
            }
            _ => 0,
        };
        let naive = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
        chrono::FixedOffset::east_opt(offset)?
            .from_local_datetime(&naive)
            .single()
    }
}

/// Bytes that are not a PDF that can be checked (no `%PDF-` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("不是 PDF 文件（缺少 %PDF 文件头）")]
pub struct NotAPdf;

/// Finds and checks every signature of a PDF. `Err` when the bytes are not a
/// PDF at all; an unsigned PDF gives an empty list.
pub fn verify_pdf(bytes: &[u8]) -> Result<Vec<PdfSignature>, NotAPdf> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(NotAPdf);
    }
    let mut found: Vec<PdfSignature> = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"/ByteRange") {
        let at = from + pos;
        from = at + b"/ByteRange".len();
        let Some(range) = parse_byte_range(&bytes[from..]) else {
            continue;
        };
        if found.iter().any(|s| s.byte_range == range) {
            continue;
        }
        found.push(check_signature(bytes, at, range));
    }
    Ok(found)
}

/// Parses `[a b c d]` (after optional white space).
fn parse_byte_range(bytes: &[u8]) -> Option<[usize; 4]> {
    let text = std::str::from_utf8(&bytes[..bytes.len().min(100)])
        .ok()
        .or_else(|| {
            let end = bytes.iter().take(100).position(|b| *b == b']')? + 1;
            std::str::from_utf8(&bytes[..end]).ok()
        })?;
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let inner = text.strip_prefix('[')?;
    let inner = &inner[..inner.find(']')?];
    let nums: Vec<usize> = inner
        .split_ascii_whitespace()
        .map(|n| n.parse::<usize>())
        .collect::<Result<_, _>>()
        .ok()?;
    nums.try_into().ok()
}

fn check_signature(bytes: &[u8], key_pos: usize, r: [usize; 4]) -> PdfSignature {
    let mut sig = PdfSignature {
        byte_range: r,
        covers_whole_file: false,
        digest_ok: false,
        signature_ok: false,
        signer: None,
        chain: Vec::new(),
        signing_time: dict_value(bytes, key_pos, b"/M"),
        sub_filter: dict_value(bytes, key_pos, b"/SubFilter"),
        problem: None,
    };
    let len = bytes.len();
    let in_bounds = r[0] == 0
        && r[1] < r[2]
        && r[2].checked_add(r[3]).is_some_and(|end| end <= len)
        && r[1] >= 1;
    if !in_bounds {
        sig.problem = Some("签名范围（/ByteRange）越出文件或次序错误".into());
        return sig;
    }
    sig.covers_whole_file = r[2] + r[3] == len;
    // The gap must be exactly the hex string /Contents <…>.
    let gap = &bytes[r[1]..r[2]];
    let hex = match gap {
        [b'<', inner @ .., b'>'] if inner.iter().all(u8::is_ascii_hexdigit) => inner,
        _ => {
            sig.problem = Some("签名范围的间隙不是签名数据（/Contents）".into());
            return sig;
        }
    };
    // Hex digits are not signed: a letter changed to the other case would
    // decode the same. Signers write one case throughout, so mixed case is
    // a change.
    let has_lower = hex.iter().any(|b| (b'a'..=b'f').contains(b));
    let has_upper = hex.iter().any(|b| (b'A'..=b'F').contains(b));
    if has_lower && has_upper {
        sig.problem = Some("签名数据（/Contents）的十六进制大小写不一致，疑被改动".into());
        return sig;
    }
    let Some(cms) = decode_hex(hex) else {
        sig.problem = Some("签名数据（/Contents）不是有效的十六进制".into());
        return sig;
    };
    // The CMS is followed by zero padding; anything else there is tampering.
    let Some(cms_len) = der_element_len(&cms) else {
        sig.problem = Some("签名数据（CMS）无法解析".into());
        return sig;
    };
    if cms[cms_len..].iter().any(|b| *b != 0) {
        sig.problem = Some("签名数据之后的填充被改动".into());
        return sig;
    }
    let digest = range_digest(bytes, &r);
    let check = verify_detached(&cms[..cms_len], &digest);
    sig.digest_ok = check.digest_ok;
    sig.signature_ok = check.signature_ok;
    sig.signer = check.signer;
    sig.chain = check.others;
    sig.problem = check.problem;
    if sig
        .sub_filter
        .as_deref()
        .is_some_and(|f| f != "/ETSI.CAdES.detached" && f != "/adbe.pkcs7.detached")
    {
        sig.problem
            .get_or_insert_with(|| "不支持的签名类型（/SubFilter）".into());
    }
    sig
}

fn decode_hex(hex: &[u8]) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Reads a simple value (a name or a literal string) of `key` in the
/// dictionary around `pos`: between the nearest `obj` before and `endobj` after.
fn dict_value(bytes: &[u8], pos: usize, key: &[u8]) -> Option<String> {
    let start = memchr::memmem::rfind(&bytes[..pos], b"obj").unwrap_or(pos.saturating_sub(4096));
    let end = find(&bytes[pos..], b"endobj").map_or(bytes.len().min(pos + 65536), |e| pos + e);
    let region = &bytes[start..end];
    let mut at = 0;
    while let Some(p) = find(&region[at..], key) {
        let after = at + p + key.len();
        at = after;
        // `/M` must not match `/MediaBox` and the like.
        match region.get(after) {
            Some(b' ' | b'(' | b'/' | b'<' | b'\n' | b'\r') => {}
            _ => continue,
        }
        let rest = &region[after..];
        let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        return match rest.first() {
            Some(b'(') => {
                let close = rest.iter().position(|b| *b == b')')?;
                String::from_utf8(rest[1..close].to_vec()).ok()
            }
            Some(b'/') => {
                let end = rest[1..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || b"/<>[]()".contains(b))
                    .map_or(rest.len(), |e| e + 1);
                String::from_utf8(rest[..end].to_vec()).ok()
            }
            _ => None,
        };
    }
    None
}

/// The bytes of an embedded file by name, from a PDF whose signature was
/// already checked. `None` when absent or unreadable.
pub fn embedded_file(pdf: &[u8], name: &str) -> Option<Vec<u8>> {
    // lopdf is a full parser; keep a malformed file from taking the process down.
    std::panic::catch_unwind(|| embedded_file_inner(pdf, name))
        .ok()
        .flatten()
}

fn embedded_file_inner(pdf: &[u8], name: &str) -> Option<Vec<u8>> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let catalog = doc.catalog().ok()?;
    let names = catalog.get_deref(b"Names", &doc).ok()?.as_dict().ok()?;
    let tree = names
        .get_deref(b"EmbeddedFiles", &doc)
        .ok()?
        .as_dict()
        .ok()?;
    let list = tree.get_deref(b"Names", &doc).ok()?.as_array().ok()?;
    let wanted = text_string(name);
    for pair in list.chunks(2) {
        let [key, spec] = pair else { continue };
        let same = match (key, &wanted) {
            (Object::String(a, _), Object::String(b, _)) => a == b || a == name.as_bytes(),
            _ => false,
        };
        if !same {
            continue;
        }
        let spec = doc.dereference(spec).ok()?.1.as_dict().ok()?;
        let ef = spec.get_deref(b"EF", &doc).ok()?.as_dict().ok()?;
        let stream = ef.get_deref(b"F", &doc).ok()?.as_stream().ok()?;
        return stream
            .decompressed_content_with_limit(crate::input::MAX_INPUT_BYTES as usize)
            .ok()
            .or_else(|| {
                stream
                    .filters()
                    .ok()
                    .filter(|f| f.is_empty())
                    .map(|_| stream.content.clone())
            });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_parsing() {
        assert_eq!(parse_byte_range(b" [0 10 20 30]"), Some([0, 10, 20, 30]));
        assert_eq!(parse_byte_range(b"[0 10 20]"), None);
        assert_eq!(parse_byte_range(b"[0 -1 20 30]"), None);
        assert_eq!(parse_byte_range(b"nope"), None);
    }
}
