//! PAdES B-B PDF signatures: signing any PDF with an incremental update, and
//! checking the signatures of any PDF.
//!
//! Signing (ISO 32000-1 §12.8, ETSI EN 319 142-1 B-B): one incremental update
//! adds a signature dictionary (`/Filter /Adobe.PPKLite`, `/SubFilter
//! /ETSI.CAdES.detached`, `/M` the signing time), a signature field whose
//! widget shows the [`SignatureAppearance`] on the last page, optionally an
//! embedded file (the document's JSON), and the `/AcroForm` entry. The update
//! is written with a fixed-width `/ByteRange` placeholder and a zero-filled
//! `/Contents`; then the ranges are patched in place, hashed (SHA-256) and
//! the detached CMS written into `/Contents`. The `/ByteRange` covers the
//! whole file except `/Contents`.
//!
//! Verifying does not parse the PDF's object structure (it may be hostile):
//! it scans for `/ByteRange` arrays whose gap is exactly a hex string, checks
//! each CMS against the bytes it covers, and says whether the signature
//! covers the whole file.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::appearance::{appearance_stream, BLOCK_SIZE};
use super::cert::CertInfo;
use super::cms::{der_element_len, sign_detached, verify_detached};
use super::{SignError, SignatureAppearance, UnitKey};

/// Bytes reserved for the CMS in `/Contents` (written as twice as many hex
/// digits): the certificates it carries plus room for the signer info, in
/// whole KiB. A P-256 signature with its own certificate needs about 1.2 KB.
fn contents_bytes(signer: &UnitKey) -> usize {
    let certs: usize =
        signer.certificate().der.len() + signer.chain().iter().map(|c| c.der.len()).sum::<usize>();
    (certs + 2048).div_ceil(1024) * 1024
}

/// Width of each number of the `/ByteRange` placeholder: enough for files up
/// to 10 GB.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// A file embedded in the signed revision (shown as an attachment by readers).
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    /// File name, e.g. `gcforms-document.json`.
    pub name: &'a str,
    /// MIME type, e.g. `application/json`.
    pub mime: &'a str,
    /// Description shown by readers.
    pub description: &'a str,
    /// The file's bytes.
    pub data: &'a [u8],
}

/// Signs `pdf` with `signer`: a PAdES B-B signature with a visible block on
/// the last page.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &UnitKey,
    appearance: &SignatureAppearance,
) -> Result<Vec<u8>, SignError> {
    sign_pdf_with_attachment(pdf, signer, appearance, None)
}

/// [`sign_pdf`], embedding `attachment` in the signed revision.
pub fn sign_pdf_with_attachment(
    pdf: &[u8],
    signer: &UnitKey,
    appearance: &SignatureAppearance,
    attachment: Option<Attachment<'_>>,
) -> Result<Vec<u8>, SignError> {
    let perr = |e: &dyn std::fmt::Display| SignError::Pdf(e.to_string());
    let prev = lopdf::Document::load_mem(pdf).map_err(|e| perr(&e))?;
    if prev.is_encrypted() {
        return Err(SignError::Pdf("PDF 已加密".into()));
    }
    let root_id = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| perr(&e))?;
    let pages = prev.get_pages();
    let (_, &page_id) = pages
        .iter()
        .next_back()
        .ok_or_else(|| SignError::Pdf("PDF 没有页面".into()))?;
    let media_box = media_box(&prev, page_id);
    let rect = appearance.rect.unwrap_or_else(|| {
        let (w, h) = BLOCK_SIZE;
        let x1 = media_box[2] - 36.0;
        let y0 = media_box[1] + 30.0;
        [x1 - w, y0, x1, y0 + h]
    });
    let existing_fields = acroform_field_count(&prev, root_id);

    let mut inc = lopdf::IncrementalDocument::create_from(pdf.to_vec(), prev);
    let doc = &mut inc.new_document;

    // The block's appearance.
    let lines = appearance.lines(&signer.fingerprint());
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let (content, uses_helv) = appearance_stream(&lines, w, h);
    let mut ap_dict = Dictionary::new();
    ap_dict.set("Type", Object::Name(b"XObject".to_vec()));
    ap_dict.set("Subtype", Object::Name(b"Form".to_vec()));
    ap_dict.set("BBox", reals(&[0.0, 0.0, w, h]));
    let mut resources = Dictionary::new();
    if uses_helv {
        let mut helv = Dictionary::new();
        helv.set("Type", Object::Name(b"Font".to_vec()));
        helv.set("Subtype", Object::Name(b"Type1".to_vec()));
        helv.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        helv.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        let mut fonts = Dictionary::new();
        fonts.set("Helv", Object::Dictionary(helv));
        resources.set("Font", Object::Dictionary(fonts));
    }
    ap_dict.set("Resources", Object::Dictionary(resources));
    let ap_id = doc.add_object(deflated_stream(ap_dict, &content));

    // The signature dictionary, with placeholders patched after saving.
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
        ]),
    );
    let reserved = contents_bytes(signer);
    sig.set(
        "Contents",
        Object::String(vec![0u8; reserved], StringFormat::Hexadecimal),
    );
    sig.set("M", Object::string_literal(pdf_date(&appearance.time)));
    sig.set("Name", text_string(&appearance.signer));
    sig.set("Reason", text_string(&appearance.reason));
    sig.set("Location", text_string(&appearance.location));
    let sig_id = doc.add_object(Object::Dictionary(sig));

    // The signature field and its widget on the last page.
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set(
        "T",
        Object::string_literal(format!("gcforms-signature-{}", existing_fields + 1)),
    );
    widget.set("V", Object::Reference(sig_id));
    widget.set("Rect", reals(&rect));
    widget.set("F", Object::Integer(4 | 128)); // Print, Locked
    widget.set("P", Object::Reference(page_id));
    widget.set("Contents", text_string(&lines.join("；")));
    let mut ap_entry = Dictionary::new();
    ap_entry.set("N", Object::Reference(ap_id));
    widget.set("AP", Object::Dictionary(ap_entry));
    let widget_id = doc.add_object(Object::Dictionary(widget));

    // Page: add the widget to /Annots.
    inc.opt_clone_object_to_new_document(page_id)
        .map_err(|e| perr(&e))?;
    let mut annots = match inc
        .new_document
        .get_object(page_id)
        .and_then(Object::as_dict)
        .and_then(|p| p.get(b"Annots"))
    {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => inc
            .get_prev_documents()
            .get_object(*r)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    inc.new_document
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| perr(&e))?
        .set("Annots", Object::Array(annots));

    // Catalog: /AcroForm with the field, and the attachment.
    inc.opt_clone_object_to_new_document(root_id)
        .map_err(|e| perr(&e))?;
    let mut acroform = match inc
        .new_document
        .get_object(root_id)
        .and_then(Object::as_dict)
        .and_then(|c| c.get(b"AcroForm"))
    {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => inc
            .get_prev_documents()
            .get_dictionary(*r)
            .cloned()
            .unwrap_or_default(),
        _ => Dictionary::new(),
    };
    let mut fields = match acroform.get(b"Fields") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => inc
            .get_prev_documents()
            .get_object(*r)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    fields.push(Object::Reference(widget_id));
    acroform.set("Fields", Object::Array(fields));
    acroform.set("SigFlags", Object::Integer(3)); // SignaturesExist, AppendOnly
    let attachment_ids = match attachment {
        Some(a) => Some(add_attachment(&mut inc.new_document, a)?),
        None => None,
    };
    let catalog = inc
        .new_document
        .get_object_mut(root_id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| perr(&e))?;
    catalog.set("AcroForm", Object::Dictionary(acroform));
    if let Some((name, filespec)) = attachment_ids {
        let mut tree = Dictionary::new();
        tree.set(
            "Names",
            Object::Array(vec![text_string(&name), Object::Reference(filespec)]),
        );
        let mut names = Dictionary::new();
        names.set("EmbeddedFiles", Object::Dictionary(tree));
        catalog.set("Names", Object::Dictionary(names));
        catalog.set("AF", Object::Array(vec![Object::Reference(filespec)]));
    }

    let mut out = Vec::with_capacity(pdf.len() + 3 * reserved);
    inc.save_to(&mut out).map_err(|e| perr(&e))?;
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    patch_and_sign(out, pdf.len(), reserved, signer)
}

/// Fills in `/ByteRange` and `/Contents` of the signature written after
/// `update_start`.
fn patch_and_sign(
    mut out: Vec<u8>,
    update_start: usize,
    reserved: usize,
    signer: &UnitKey,
) -> Result<Vec<u8>, SignError> {
    let missing = || SignError::Pdf("找不到签名占位符".into());
    let mut placeholder = Vec::with_capacity(2 * reserved + 2);
    placeholder.push(b'<');
    placeholder.resize(2 * reserved + 1, b'0');
    placeholder.push(b'>');
    let contents_start =
        update_start + find(&out[update_start..], &placeholder).ok_or_else(missing)?;
    let contents_end = contents_start + placeholder.len();
    let br_key = update_start + find(&out[update_start..], b"/ByteRange").ok_or_else(missing)?;
    let open = br_key + find(&out[br_key..], b"[").ok_or_else(missing)?;
    let close = open + find(&out[open..], b"]").ok_or_else(missing)?;
    let ranges = [0, contents_start, contents_end, out.len() - contents_end];
    let mut text = format!("0 {} {} {}", ranges[1], ranges[2], ranges[3]).into_bytes();
    let width = close - open - 1;
    if text.len() > width {
        return Err(SignError::Pdf("签名范围占位符过短".into()));
    }
    text.resize(width, b' ');
    out[open + 1..close].copy_from_slice(&text);

    let digest = range_digest(&out, &ranges);
    let cms = sign_detached(signer, &digest)?;
    if cms.len() > reserved {
        return Err(SignError::Pdf(format!(
            "签名数据（{} 字节）超出预留空间（{reserved} 字节）",
            cms.len()
        )));
    }
    let hex = super::hex(&cms).into_bytes();
    out[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(&hex);
    Ok(out)
}

fn add_attachment(
    doc: &mut lopdf::Document,
    a: Attachment<'_>,
) -> Result<(String, ObjectId), SignError> {
    let mut params = Dictionary::new();
    params.set("Size", Object::Integer(a.data.len() as i64));
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    dict.set("Subtype", Object::Name(a.mime.as_bytes().to_vec()));
    dict.set("Params", Object::Dictionary(params));
    let file_id = doc.add_object(deflated_stream(dict, a.data));
    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(file_id));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", text_string(a.name));
    spec.set("UF", text_string(a.name));
    spec.set("Desc", text_string(a.description));
    spec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    spec.set("EF", Object::Dictionary(ef));
    Ok((a.name.to_string(), doc.add_object(Object::Dictionary(spec))))
}

/// A Flate-compressed stream at level 4: nearly the default level's size
/// for glyph outlines and JSON, at a fraction of its time (the default level
/// was a quarter of `pack`'s time).
pub(crate) fn deflated_stream(mut dict: Dictionary, data: &[u8]) -> lopdf::Stream {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(4));
    let compressed = z.write_all(data).and_then(|_| z.finish());
    match compressed {
        Ok(bytes) => {
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            lopdf::Stream::new(dict, bytes).with_compression(false)
        }
        Err(_) => lopdf::Stream::new(dict, data.to_vec()),
    }
}

/// The page's `/MediaBox`, looking up the page tree; A4 when there is none.
fn media_box(doc: &lopdf::Document, page_id: ObjectId) -> [f32; 4] {
    let mut id = Some(page_id);
    // The page tree is shallow; the bound guards against cycles.
    for _ in 0..32 {
        let Some(dict) = id.and_then(|i| doc.get_dictionary(i).ok()) else {
            break;
        };
        if let Ok(Object::Array(a)) = dict
            .get(b"MediaBox")
            .map(|o| doc.dereference(o).map(|(_, o)| o))
            .and_then(|r| r)
        {
            let v: Vec<f32> = a.iter().filter_map(|o| o.as_float().ok()).collect();
            if let [x0, y0, x1, y1] = v[..] {
                return [x0, y0, x1, y1];
            }
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok();
    }
    [0.0, 0.0, 595.28, 841.89]
}

fn acroform_field_count(doc: &lopdf::Document, root: ObjectId) -> usize {
    doc.get_dictionary(root)
        .ok()
        .and_then(|c| c.get_deref(b"AcroForm", doc).ok())
        .and_then(|a| a.as_dict().ok())
        .and_then(|a| a.get_deref(b"Fields", doc).ok())
        .and_then(|f| f.as_array().ok())
        .map_or(0, Vec::len)
}

fn reals(v: &[f32]) -> Object {
    Object::Array(v.iter().map(|x| Object::Real(*x)).collect())
}

/// A PDF text string: literal when plain ASCII, else UTF-16BE with a BOM.
fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::string_literal(s)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// `D:YYYYMMDDHHmmSS+HH'mm'`.
fn pdf_date(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.abs();
    format!(
        "D:{}{}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        sign,
        abs / 3600,
        (abs % 3600) / 60
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// SHA-256 over the two ranges of a `/ByteRange` (already checked in bounds).
fn range_digest(bytes: &[u8], r: &[usize; 4]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(&bytes[r[0]..r[0] + r[1]]);
    h.update(&bytes[r[2]..r[2] + r[3]]);
    h.finalize().into()
}

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

use chrono::TimeZone;

/// Why bytes are not a PDF that can be checked.
pub const NOT_A_PDF: &str = "不是 PDF 文件（缺少 %PDF 文件头）";

/// Finds and checks every signature of a PDF. `Err` when the bytes are not a
/// PDF at all; an unsigned PDF gives an empty list.
pub fn verify_pdf(bytes: &[u8]) -> Result<Vec<PdfSignature>, String> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(NOT_A_PDF.into());
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
    if hex.len() % 2 != 0 {
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
    let start = bytes[..pos]
        .windows(3)
        .rposition(|w| w == b"obj")
        .unwrap_or(pos.saturating_sub(4096));
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

    #[test]
    fn dates() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-03-05T16:40:00+08:00").unwrap();
        assert_eq!(pdf_date(&t), "D:20260305164000+08'00'");
    }
}
