//! The two faces the forms are printed in, found on the system (Debian's
//! `fonts-noto-cjk`) or given as bytes by the desktop app:
//!
//! - body: Noto Serif CJK SC Regular, a Song (宋体) style, for all text the
//!   clerk typed and for the form's labels;
//! - heading: Noto Sans CJK SC Bold, a bold 黑体, for titles and headers.
//!
//! Faces are parsed once per process ([`Fonts::shared`]); a render only clones
//! the parsed face (cheap: the font bytes are shared).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::RenderError;

/// Environment variable naming a directory to look for the font files first.
pub const FONT_DIR_ENV: &str = "GCFORMS_FONT_DIR";

/// Directories searched after [`FONT_DIR_ENV`]: Debian and Ubuntu's
/// `fonts-noto-cjk`, then the usual places of other distributions.
pub const SYSTEM_FONT_DIRS: [&str; 4] = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/truetype/noto",
];

/// File names that hold the body face, with the face index of Simplified
/// Chinese inside each (collections hold JP, KR, SC, TC, HK in that order).
const BODY_FILES: [(&str, usize); 3] = [
    ("NotoSerifCJK-Regular.ttc", 2),
    ("NotoSerifCJKsc-Regular.otf", 0),
    ("NotoSerifSC-Regular.otf", 0),
];

/// File names that hold the heading face, with the SC face index.
const HEADING_FILES: [(&str, usize); 3] = [
    ("NotoSansCJK-Bold.ttc", 2),
    ("NotoSansCJKsc-Bold.otf", 0),
    ("NotoSansSC-Bold.otf", 0),
];

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// Noto Serif CJK SC Regular (宋体): values and labels.
    Body,
    /// Noto Sans CJK SC Bold (黑体): titles and headers.
    Heading,
}

/// The parsed faces a form is printed with.
#[derive(Debug, Clone)]
pub struct Fonts {
    body: ParsedFont,
    heading: ParsedFont,
}

impl Fonts {
    /// Parses the two faces from font bytes. `*_index` selects the face in a
    /// collection (`.ttc`); the face must be a Simplified Chinese one, since a
    /// wrong index would print Japanese or Korean glyph shapes without error.
    pub fn from_bytes(
        body: &[u8],
        body_index: usize,
        heading: &[u8],
        heading_index: usize,
    ) -> Result<Fonts, RenderError> {
        Ok(Fonts {
            body: parse_face(body, body_index, "正文字体（Noto Serif CJK SC）")?,
            heading: parse_face(heading, heading_index, "标题字体（Noto Sans CJK SC Bold）")?,
        })
    }

    /// Finds and parses the faces installed on this system: first in the
    /// directory named by `GCFORMS_FONT_DIR`, then in [`SYSTEM_FONT_DIRS`].
    pub fn load_system() -> Result<Fonts, RenderError> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
            dirs.push(PathBuf::from(dir));
        }
        dirs.extend(SYSTEM_FONT_DIRS.iter().map(PathBuf::from));
        let (body_path, body_index) = find(&dirs, &BODY_FILES)?;
        let (heading_path, heading_index) = find(&dirs, &HEADING_FILES)?;
        let body = read(&body_path)?;
        let heading = read(&heading_path)?;
        Fonts::from_bytes(&body, body_index, &heading, heading_index)
    }

    /// The system faces, loaded once per process and kept.
    pub fn shared() -> Result<&'static Fonts, RenderError> {
        static SHARED: OnceLock<Result<Fonts, RenderError>> = OnceLock::new();
        SHARED
            .get_or_init(Fonts::load_system)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The parsed face.
    pub(crate) fn face(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Body => &self.body,
            Face::Heading => &self.heading,
        }
    }

    /// True when `face` has a glyph for `c`.
    pub fn has_glyph(&self, face: Face, c: char) -> bool {
        glyph(self.face(face), c).is_some()
    }

    /// The glyph of `c` and its horizontal advance in em, or `None` when the
    /// face lacks it. (A cmap lookup is slow in this font library: callers cache.)
    pub(crate) fn glyph_em(&self, face: Face, c: char) -> Option<(u16, f32)> {
        let font = self.face(face);
        let gid = glyph(font, c)?;
        let upm = f32::from(font.font_metrics.units_per_em.max(1));
        Some((gid, f32::from(font.get_horizontal_advance(gid)) / upm))
    }
}

/// The glyph of `c`; glyph 0 is `.notdef`, the empty box, so it counts as missing.
fn glyph(font: &ParsedFont, c: char) -> Option<u16> {
    font.lookup_glyph_index(c as u32).filter(|&g| g != 0)
}

fn parse_face(bytes: &[u8], index: usize, what: &str) -> Result<ParsedFont, RenderError> {
    let mut warnings = Vec::new();
    let font = ParsedFont::from_bytes(bytes, index, &mut warnings).ok_or_else(|| {
        RenderError::FontUnavailable(format!("{what}无法解析（第 {index} 个字形集）"))
    })?;
    // A collection's faces differ only in their regional glyph shapes; the
    // PostScript name says which one this is (…CJKsc-…, …SC-…).
    let name = font.font_name.clone().unwrap_or_default();
    if !name.to_ascii_lowercase().contains("sc") {
        return Err(RenderError::FontUnavailable(format!(
            "{what}的第 {index} 个字形集是“{name}”，不是简体中文（SC）字形"
        )));
    }
    Ok(font)
}

fn find(dirs: &[PathBuf], files: &[(&str, usize)]) -> Result<(PathBuf, usize), RenderError> {
    for dir in dirs {
        for (file, index) in files {
            let path = dir.join(file);
            if path.is_file() {
                return Ok((path, *index));
            }
        }
    }
    Err(RenderError::FontUnavailable(format!(
        "找不到字体文件 {}，请安装 fonts-noto-cjk 软件包，或用环境变量 {FONT_DIR_ENV} 指定字体目录",
        files[0].0
    )))
}

fn read(path: &Path) -> Result<Vec<u8>, RenderError> {
    std::fs::read(path).map_err(|e| {
        RenderError::FontUnavailable(format!("无法读取字体文件 {}：{e}", path.display()))
    })
}
