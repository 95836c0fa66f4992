//! One font face as the renderer holds it: the file's bytes, which face of
//! a collection, checked once to be a CID-keyed CFF face with Simplified
//! Chinese glyph shapes; glyph look-up with ttf-parser (which reads the
//! tables in place); and cutting a subset of its glyphs with allsorts.
//!
//! This is the bottom of the font modules: `font_cache.rs` keeps subsets
//! cut here, `fonts.rs` picks the faces, and the PDF embeds each document's
//! own subset cut here.

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

/// One face: the font file's bytes and which face of it to use.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFace {
    bytes: Arc<Vec<u8>>,
    index: u32,
    postscript_name: String,
}

impl LoadedFace {
    /// Checks face `index` of `bytes`: a CID-keyed CFF face, Simplified
    /// Chinese (a wrong index would print Japanese or Korean glyph shapes
    /// without error). `what` names the face in messages.
    pub(crate) fn parse(
        bytes: Arc<Vec<u8>>,
        index: u32,
        what: &str,
    ) -> Result<LoadedFace, RenderError> {
        let face = ttf_parser::Face::parse(&bytes, index).map_err(|e| {
            RenderError::FontUnavailable(format!("{what}无法解析（第 {index} 个字形集）：{e}"))
        })?;
        let cid_keyed = face
            .tables()
            .cff
            .is_some_and(|cff| cff.glyph_cid(ttf_parser::GlyphId(1)).is_some());
        if !cid_keyed {
            return Err(RenderError::FontUnavailable(format!(
                "{what}不是 CID 编码的 OpenType/CFF 字体"
            )));
        }
        let postscript_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_default();
        // A collection's faces differ only in their regional glyph shapes; the
        // PostScript name says which one this is (…CJKsc-…, …SC-…).
        if !postscript_name.to_ascii_lowercase().contains("sc") {
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
        &self.bytes
    }

    /// The face's index in [`LoadedFace::bytes`].
    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// The face's PostScript name, e.g. `NotoSerifCJKsc-Regular`.
    pub(crate) fn postscript_name(&self) -> &str {
        &self.postscript_name
    }

    /// Every character the face maps to a glyph, in code point order.
    pub(crate) fn codepoints(&self) -> Vec<char> {
        let mut out = Vec::new();
        if let Some(cmap) = self.parsed().and_then(|f| f.tables().cmap) {
            for table in cmap.subtables.into_iter().filter(|t| t.is_unicode()) {
                table.codepoints(|cp| out.extend(char::from_u32(cp)));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The face, parsed (checked when loaded, so this does not fail).
    pub(crate) fn parsed(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.bytes, self.index).ok()
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
pub(crate) fn read_shared(path: &Path) -> Result<Arc<Vec<u8>>, RenderError> {
    std::fs::read(path).map(Arc::new).map_err(|e| {
        RenderError::FontUnavailable(format!("无法读取字体文件 {}：{e}", path.display()))
    })
}

/// Cuts from `face` an OpenType font of the glyphs `gids` and `.notdef`.
/// The glyphs keep the face's order (ascending ids), outlines, advances and
/// CIDs, so the same glyphs cut from the full face or from a subset of it
/// give the same bytes. `purpose` starts the message of a failure.
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
