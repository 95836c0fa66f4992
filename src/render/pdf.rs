//! Writing the PDF file through printpdf: pages of operations, the two
//! faces, the watermark's graphics state, the document information, then
//! the file.
//!
//! printpdf is given each face as the subset of the glyphs this document
//! uses, already cut ([`super::face::cut`]), and saves with
//! `subset_fonts: false`, so it embeds that subset as it is: for the
//! bundled Noto faces the bare CID-keyed CFF table as `/FontFile3
//! /CIDFontType0C` with `Identity-H` codes that are the face's CIDs; for a
//! TrueType fallback face (SimSun) `/FontFile2 /CIDFontType2` with codes
//! that are the subset's glyph ids; `/W` from the subset's advances and a
//! ToUnicode map from the characters shown.
//!
//! What printpdf does not do for reproducible forms is done on the lopdf
//! document it hands over ([`printpdf::PdfDocument::to_lopdf_document`]):
//! a `/ID` derived from the content (printpdf's is random), no empty
//! information entries, `/Lang`, the version the content needs (printpdf
//! writes 1.3; the watermark's transparency is 1.4), and Flate at the
//! default level (lopdf's `compress` takes the best level, a third slower
//! for 1–2 % of size).

use std::io::Write as _;

use lopdf_printpdf::{Object, StringFormat};
use printpdf::{
    DateTime, Mm, Op, ParsedFont, PdfDocument, PdfFont, PdfPage, PdfSaveOptions, PdfWarnMsg,
};

use super::canvas::{draft_state, font_id, PAGE_H, PAGE_W};
use super::error::RenderError;
use super::face::cut;
use super::line_break::Ink;

/// A number as PDF writes it: at most two decimals, no trailing zeros.
/// (The renderer's own numbers are written by printpdf; the signature
/// block's appearance stream, written beside the signature, uses this.)
pub(crate) fn num(v: f32) -> String {
    let hundredths = (f64::from(v) * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, fraction) = (hundredths.abs() / 100, hundredths.abs() % 100);
    match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// What the document information says, and the file's identity.
pub(crate) struct Info<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    /// Seconds since 1970 of the creation and the last change, from the
    /// document (never the clock); `None` leaves the entry out.
    pub created: Option<i64>,
    pub modified: Option<i64>,
    /// The `/ID`: the same document gives the same file.
    pub file_id: [u8; 16],
}

/// The PDF of `pages` (operations on A4 sheets) printed with the glyphs
/// `ink` met; `draft` adds the watermark's graphics state.
pub(crate) fn write(
    ink: &Ink,
    pages: Vec<Vec<Op>>,
    draft: bool,
    info: &Info,
) -> Result<Vec<u8>, RenderError> {
    let mut pdf = PdfDocument::new(info.title);
    for ((face, source), used) in ink.used() {
        let id = font_id(face, source);
        let data = ink.fonts.source_face(face, source).ok_or_else(|| {
            RenderError::FontUnavailable("无法嵌入字体子集：后备字体无法读取".into())
        })?;
        let subset = cut(data, used, "无法嵌入字体子集")?;
        let mut font = ParsedFont::from_bytes(&subset, 0, &mut Vec::new())
            .ok_or_else(|| RenderError::FontUnavailable("无法嵌入字体子集：子集无法解析".into()))?;
        // The subset tag before the name says the font is a subset (readers,
        // `pdffonts`); printpdf writes the name it is given.
        font.font_name = Some(format!("{}+{}", id.0, data.postscript_name()));
        pdf.resources.fonts.map.insert(id, PdfFont::new(font));
    }
    if draft {
        let (id, state) = draft_state();
        pdf.resources.extgstates.map.insert(id, state);
    }
    pdf.pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    let meta = &mut pdf.metadata.info;
    meta.subject = info.subject.to_string();
    meta.creator = "gcforms".to_string();
    meta.producer = format!("gcforms {}", env!("CARGO_PKG_VERSION"));
    let date = |t: Option<i64>| t.and_then(|t| DateTime::from_unix_timestamp(t).ok());
    meta.creation_date = date(info.created).unwrap_or_else(DateTime::epoch);
    meta.modification_date = date(info.modified).unwrap_or_else(DateTime::epoch);

    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings: Vec<PdfWarnMsg> = Vec::new();
    let mut doc = pdf.to_lopdf_document(&options, &mut warnings);

    let id = Object::String(info.file_id.to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    doc.version = "1.7".to_string();
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Lang", Object::string_literal("zh-CN"));
    }
    let info_id = doc.trailer.get(b"Info").and_then(Object::as_reference);
    if let Ok(dict) = info_id.and_then(|id| doc.get_object_mut(id)?.as_dict_mut()) {
        // Entries printpdf always writes, empty or meaningless for a form.
        for key in [
            "Author",
            "Keywords",
            "Identifier",
            "Trapped",
            "GTS_PDFXVersion",
        ] {
            dict.remove(key.as_bytes());
        }
        for (key, value) in [("CreationDate", info.created), ("ModDate", info.modified)] {
            if value.is_none() {
                dict.remove(key.as_bytes());
            }
        }
    }
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if stream.allows_compression && stream.dict.get(b"Filter").is_err() {
                if let Some(packed) = deflate(&stream.content) {
                    if packed.len() + 19 < stream.content.len() {
                        stream
                            .dict
                            .set("Filter", Object::Name(b"FlateDecode".to_vec()));
                        stream.set_content(packed);
                    }
                }
            }
        }
    }
    let mut out = Vec::with_capacity(128 * 1024);
    // Writing to memory cannot fail.
    let _ = doc.save_to(&mut out);
    Ok(out)
}

/// zlib at the default level.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::default(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(51.016), "51.02");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-12.05), "-12.05");
        assert_eq!(num(595.2756), "595.28");
        assert_eq!(num(0.07), "0.07");
    }
}
