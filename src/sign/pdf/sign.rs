//! Writing a PAdES B-B signature as an incremental update: the signature
//! dictionary, the visible widget, an optional embedded file, then the
//! `/ByteRange` patched in place and the detached CMS written into
//! `/Contents`.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::{find, range_digest, text_string};
use crate::sign::appearance::{appearance_stream, BLOCK_SIZE};
use crate::sign::cms::sign_detached;
use crate::sign::{SignError, SignatureAppearance, UnitKey};

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
    let content = appearance_stream(&lines, w, h);
    let mut ap_dict = Dictionary::new();
    ap_dict.set("Type", Object::Name(b"XObject".to_vec()));
    ap_dict.set("Subtype", Object::Name(b"Form".to_vec()));
    ap_dict.set("BBox", reals(&[0.0, 0.0, w, h]));
    let resources = Dictionary::new();
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
    let hex = crate::sign::hex(&cms).into_bytes();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-03-05T16:40:00+08:00").unwrap();
        assert_eq!(pdf_date(&t), "D:20260305164000+08'00'");
    }
}
