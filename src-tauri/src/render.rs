//! The PDF seam: the shell asks a [`Renderer`] for bytes and never knows how
//! they are made.
//!
//! **Until the core's renderer lands** (`gcforms::render::render(&Document,
//! &Policy, &RenderOptions{copies, draft, fingerprint})`), [`NotYet`] answers
//! every request with `render_unavailable` and the UI shows 「打印功能即将提供」.
//! At merge, add a `CoreRenderer` whose `render` calls
//! `gcforms::render::render` with `copies: req.all_copies.then(||
//! policy.copies_of(doc.form()))`, `draft: req.draft`, maps `RenderError` to
//! `render_failed`, and change the one line in `lib.rs` that picks the
//! renderer.

use gcforms::document::Document;
use gcforms::policy::Policy;

use crate::ipc::{ErrorCode, IpcError, IpcResult, PdfRequest};

/// Turns a document into PDF bytes.
pub trait Renderer: Send + Sync {
    /// Whether PDFs can be made at all (the UI hides 预览/导出 otherwise).
    fn available(&self) -> bool;
    /// The PDF of `doc`.
    fn render(&self, doc: &Document, policy: &Policy, req: &PdfRequest) -> IpcResult<Vec<u8>>;
}

/// The stand-in while the renderer is built: says so, politely.
pub struct NotYet;

impl Renderer for NotYet {
    fn available(&self) -> bool {
        false
    }

    fn render(&self, _: &Document, _: &Policy, _: &PdfRequest) -> IpcResult<Vec<u8>> {
        Err(IpcError::new(
            ErrorCode::RenderUnavailable,
            "打印功能即将提供：本版本尚不能生成 PDF，草稿已保存，可稍后打印。",
        ))
    }
}

/// Base64 (RFC 4648, with padding) without another dependency: PDFs cross
/// IPC as one JSON string.
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}
