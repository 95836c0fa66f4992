//! One font face as the renderer holds it: the file's bytes (bundled in
//! the program or read from the system), which face of a collection,
//! checked once to hold outlines (CFF or TrueType) and, for a Noto CJK
//! collection, Simplified Chinese glyph shapes; glyph look-up with
//! ttf-parser (which reads the tables in place); and cutting a subset of its
//! glyphs with allsorts.
//!
//! This is the bottom of the font modules: `fonts.rs` picks the faces, and
//! the PDF embeds each document's own subset cut here.

use std::path::Path;
use std::sync::Arc;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};

use super::error::RenderError;

/// A glyph as the renderer uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    /// The glyph's index in the face.
    pub gid: u16,
    /// Horizontal advance in em.
    pub advance: f32,
}

/// A font file's bytes: in the program (the bundled faces) or read from
/// a file once and shared.
#[derive(Debug, Clone)]
pub(crate) enum FontBytes {
    Static(&'static [u8]),
    Shared(Arc<Vec<u8>>),
}

impl FontBytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            FontBytes::Static(bytes) => bytes,
            FontBytes::Shared(bytes) => bytes,
        }
    }
}

/// One face: the font file's bytes and which face of it to use.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFace {
    bytes: FontBytes,
    index: u32,
    postscript_name: String,
}

impl LoadedFace {
    /// Checks face `index` of `bytes`: outlines in CFF or TrueType, a
    /// character map, and for the faces of a Noto CJK collection the
    /// Simplified Chinese one (a wrong index would print Japanese or Korean
    /// glyph shapes without error). `what` names the face in messages.
    pub(crate) fn parse(
        bytes: FontBytes,
        index: u32,
        what: &str,
    ) -> Result<LoadedFace, RenderError> {
        let face = ttf_parser::Face::parse(bytes.as_slice(), index).map_err(|e| {
            RenderError::FontUnavailable(format!("{what}无法解析（第 {index} 个字形集）：{e}"))
        })?;
        let tables = face.tables();
        if (tables.cff.is_none() && tables.glyf.is_none()) || tables.cmap.is_none() {
            return Err(RenderError::FontUnavailable(format!(
                "{what}不是含字形轮廓的 OpenType/TrueType 字体"
            )));
        }
        let postscript_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_default();
        // A Noto collection's faces differ only in their regional glyph
        // shapes; the PostScript name says which one this is (…CJKsc-…).
        let lower = postscript_name.to_ascii_lowercase();
        if lower.contains("cjk") && !lower.contains("cjksc") {
            return Err(RenderError::FontUnavailable(format!(
                "{what}的第 {index} 个字形集是“{postscript_name}”，不是简体中文（SC）字形"
            )));
        }
        Ok(LoadedFace {
            bytes,
            index,
            postscript_name,
        })
    }

    /// The font file's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The face's index in [`LoadedFace::bytes`].
    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// The face's PostScript name, e.g. `NotoSerifCJKsc-Regular`.
    pub(crate) fn postscript_name(&self) -> &str {
        &self.postscript_name
    }

    /// The face, parsed (checked when loaded, so this does not fail).
    pub(crate) fn parsed(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(self.bytes(), self.index).ok()
    }
}

/// The glyph of `c` in `face`; glyph 0 is `.notdef`, the empty box, so it
/// counts as missing.
pub(crate) fn glyph_of(face: &ttf_parser::Face<'_>, c: char) -> Option<Glyph> {
    let gid = face.glyph_index(c).filter(|g| g.0 != 0)?;
    let upm = f32::from(face.units_per_em().max(1));
    let advance = f32::from(face.glyph_hor_advance(gid).unwrap_or(0)) / upm;
    Some(Glyph {
        gid: gid.0,
        advance,
    })
}

/// Reads a whole font file into shared memory, once.
pub(crate) fn read_shared(path: &Path) -> Result<FontBytes, RenderError> {
    std::fs::read(path)
        .map(|b| FontBytes::Shared(Arc::new(b)))
        .map_err(|e| {
            RenderError::FontUnavailable(format!("无法读取字体文件 {}：{e}", path.display()))
        })
}

/// Cuts from `face` an OpenType or TrueType font of the glyphs `gids` and
/// `.notdef`. The glyphs keep the face's order (ascending ids), outlines,
/// advances and (CFF) CIDs, so the same glyphs cut from the full face or
/// from a subset of it give the same bytes. `purpose` starts the message of a failure.
pub(crate) fn cut(
    face: &LoadedFace,
    gids: impl IntoIterator<Item = u16>,
    purpose: &str,
) -> Result<Vec<u8>, RenderError> {
    let failed =
        |e: &dyn std::fmt::Display| RenderError::FontUnavailable(format!("{purpose}：{e}"));
    let mut glyphs: Vec<u16> = gids.into_iter().chain([0]).collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    let font = ReadScope::new(face.bytes())
        .read::<FontData<'_>>()
        .map_err(|e| failed(&e))?;
    let provider = font
        .table_provider(face.index() as usize)
        .map_err(|e| failed(&e))?;
    subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| failed(&e))
}
