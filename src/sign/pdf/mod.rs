//! PAdES B-B PDF signatures: signing any PDF with an incremental update, and
//! checking the signatures of any PDF.
//!
//! Signing (ISO 32000-1 §12.8, ETSI EN 319 142-1 B-B): one incremental update
//! adds a signature dictionary (`/Filter /Adobe.PPKLite`, `/SubFilter
//! /ETSI.CAdES.detached`, `/M` the signing time), a signature field whose
//! widget shows the [`crate::sign::SignatureAppearance`] on the last page, optionally an
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
//!
//! `sign.rs` writes signatures, `verify.rs` reads them; both find the same
//! markers with the helpers below.

mod sign;
mod verify;

pub use sign::{sign_pdf, sign_pdf_with_attachment, Attachment};
pub use verify::{embedded_file, verify_pdf, NotAPdf, PdfSignature};

use lopdf::{Object, StringFormat};

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

/// The first position of `needle` in `haystack` (none for an empty needle).
/// `memchr`'s substring search: verifying a PDF searches it several times,
/// and a naive window scan dominated the time of a verification.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(haystack, needle)
}

/// SHA-256 over the two ranges of a `/ByteRange` (already checked in bounds).
fn range_digest(bytes: &[u8], r: &[usize; 4]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(&bytes[r[0]..r[0] + r[1]]);
    h.update(&bytes[r[2]..r[2] + r[3]]);
    h.finalize().into()
}
