//! **Stand-in PDF generator — a placeholder until the real renderer
//! (`render::render`) is merged.** It makes one A4 page naming the form, the
//! document id and (on 附件2) the unit certificate's fingerprint, so that
//! `pack` and `verify` work end to end. It is wired in one place,
//! `src/cli/pack.rs`; swap it there for an implementation of
//! [`RenderPdf`] that calls the renderer.

use lopdf::{dictionary, Object};

use super::RenderPdf;
use crate::document::{Document, FormKind};
use crate::policy::Policy;
use crate::sign::Fingerprint;

/// The placeholder renderer (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceholderRenderer;

impl RenderPdf for PlaceholderRenderer {
    fn render_pdf(
        &self,
        document: &Document,
        _policy: &Policy,
        fingerprint: &Fingerprint,
    ) -> Result<Vec<u8>, String> {
        placeholder_pdf(document, fingerprint)
    }
}

/// Escapes text for a PDF literal string (ASCII only is passed here).
fn literal(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}

fn placeholder_pdf(document: &Document, fingerprint: &Fingerprint) -> Result<Vec<u8>, String> {
    let form = document.form();
    let id = document.envelope().id.as_deref().unwrap_or("");
    let mut content = String::new();
    // The title in Chinese, as outlines (no font embedding needed).
    if let Some(title) = crate::sign::appearance::outlined_text(form.title(), 72.0, 760.0, 16.0) {
        content.push_str("q 0 0 0 rg\n");
        content.push_str(&title);
        if let Some(sub) =
            crate::sign::appearance::outlined_text(form.short_name(), 72.0, 735.0, 12.0)
        {
            content.push_str(&sub);
        }
        if form == FormKind::SecurityPledge {
            let [a, b] = fingerprint.lines();
            if let Some(label) = crate::sign::appearance::outlined_text(
                "单位证书指纹（SHA-256）：",
                72.0,
                640.0,
                10.0,
            ) {
                content.push_str(&label);
            }
            content.push_str(&format!(
                "BT /F1 9 Tf 72 624 Td ({a}) Tj 0 -12 Td ({b}) Tj ET\n"
            ));
        }
        content.push_str("Q\n");
    }
    content.push_str(&format!(
        "BT /F1 11 Tf 72 700 Td (gcforms placeholder PDF - the real layout comes from the renderer) Tj \
         0 -16 Td (form: {}) Tj 0 -16 Td (id: {}) Tj ET\n",
        form.key(),
        literal(id)
    ));

    let mut doc = lopdf::Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let content_id = doc.add_object(crate::sign::pdf::deflated_stream(
        dictionary! {},
        content.as_bytes(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(595.28), Object::Real(841.89)],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::string_literal(format!("gcforms {} {}", form.key(), literal(id))),
        "Producer" => Object::string_literal("gcforms placeholder renderer"),
    });
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
