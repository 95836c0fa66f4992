//! The PDFs a package carries: the paper forms of [`crate::render`], with the
//! unit certificate's fingerprint printed on 附件2 so the stamped paper and the
//! digital key are tied together.

use super::RenderPdf;
use crate::document::Document;
use crate::policy::Policy;
use crate::render::{render, signature_rect, RenderError, RenderOptions};
use crate::sign::Fingerprint;

/// Renders each document as its final (not draft) paper form, one copy.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaperRenderer;

impl RenderPdf for PaperRenderer {
    fn render_pdf(
        &self,
        document: &Document,
        policy: &Policy,
        fingerprint: &Fingerprint,
    ) -> Result<Vec<u8>, RenderError> {
        let options = RenderOptions {
            fingerprint: Some(fingerprint.to_string()),
            signature_area: true,
            ..RenderOptions::default()
        };
        render(document, policy, &options)
    }

    fn signature_rect(&self) -> Option<[f32; 4]> {
        Some(signature_rect())
    }
}
