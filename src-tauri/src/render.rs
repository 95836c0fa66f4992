//! The PDF seam: the shell asks a [`Renderer`] for bytes and never knows how
//! they are made. [`CoreRenderer`] is the core's paper forms
//! ([`gcforms::render`]); tests may put another renderer behind the seam.

use base64::Engine as _;
use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::render::{render, RenderError, RenderOptions};

use crate::ipc::{ErrorCode, IpcError, IpcResult, PdfRequest};

/// Turns a document into PDF bytes.
pub trait Renderer: Send + Sync {
    /// Whether PDFs can be made at all (the UI hides 预览/导出 otherwise).
    fn available(&self) -> bool;
    /// The PDF of `doc`.
    fn render(&self, doc: &Document, policy: &Policy, req: &PdfRequest) -> IpcResult<Vec<u8>>;
}

/// The core's renderer: the paper forms as A4 PDFs.
pub struct CoreRenderer;

impl Renderer for CoreRenderer {
    fn available(&self) -> bool {
        // Only whether the font files are there: loading them is the
        // warm-up thread's job and must not hold up the window.
        gcforms::render::Fonts::installed()
    }

    fn render(&self, doc: &Document, policy: &Policy, req: &PdfRequest) -> IpcResult<Vec<u8>> {
        let options = RenderOptions {
            copies: req.all_copies.then(|| policy.copies_of(doc.form())),
            draft: req.draft,
            ..RenderOptions::default()
        };
        render(doc, policy, &options).map_err(|e| {
            let code = match e {
                RenderError::FontUnavailable(_) => ErrorCode::RenderUnavailable,
                _ => ErrorCode::RenderFailed,
            };
            IpcError::new(code, e.to_string())
        })
    }
}

/// PDFs cross IPC as one base64 JSON string.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
