//! The two faces the forms are printed in, found on the system (Debian's
//! `fonts-noto-cjk`) or given as bytes:
//!
//! - body: Noto Serif CJK SC Regular, a Song (宋体) style, for all text the
//!   clerk typed and for the form's labels;
//! - heading: Noto Sans CJK SC Bold, a bold 黑体, for titles and headers.
//!
//! The system collections are large (46 MB for the two), and a command-line
//! process that reads them whole spends most of its time doing so. So each
//! face comes in two coverages ([`Coverage`]): the **common** subset — the
//! characters of GB 2312 plus every character of the forms' fixed text, about
//! 3 MB, cached per user by [`super::font_cache`] — and the **full** face. A
//! render tries the common fonts and takes the full ones only when the
//! document has a character beyond them ([`super::render`]); the subset keeps
//! the full face's glyph order, outlines and advances, so the PDF is the same
//! byte for byte whichever was used.
//!
//! Faces are parsed once per process ([`Fonts::shared`], [`Fonts::shared_full`]);
//! a render only clones the parsed face (cheap: the bytes are shared, never
//! copied).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use printpdf::{AzulParsedFont, ParsedFont};
use rust_fontconfig::FontBytes;

use super::font_cache;
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
const BODY_FILES: [(&str, u32); 3] = [
    ("NotoSerifCJK-Regular.ttc", 2),
    ("NotoSerifCJKsc-Regular.otf", 0),
    ("NotoSerifSC-Regular.otf", 0),
];

/// File names that hold the heading face, with the SC face index.
const HEADING_FILES: [(&str, u32); 3] = [
    ("NotoSansCJK-Bold.ttc", 2),
    ("NotoSansCJKsc-Bold.otf", 0),
    ("NotoSansSC-Bold.otf", 0),
];

const BODY_NAME: &str = "正文字体（Noto Serif CJK SC）";
const HEADING_NAME: &str = "标题字体（Noto Sans CJK SC Bold）";

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// Noto Serif CJK SC Regular (宋体): values and labels.
    Body,
    /// Noto Sans CJK SC Bold (黑体): titles and headers.
    Heading,
}

/// Which characters a set of [`Fonts`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The common subset: GB 2312 and the forms' fixed text.
    Common,
    /// Every character of the installed faces.
    Full,
}

/// One parsed face and the bytes it was parsed from.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFace {
    parsed: ParsedFont,
    bytes: Arc<[u8]>,
    index: u32,
}

impl LoadedFace {
    /// Parses face `index` of `bytes`, which must be a Simplified Chinese
    /// face: a wrong index would print Japanese or Korean glyph shapes
    /// without error. `what` names the face in messages.
    pub(crate) fn parse(bytes: Arc<[u8]>, index: u32, what: &str) -> Result<LoadedFace, RenderError> {
        let unreadable =
            || RenderError::FontUnavailable(format!("{what}无法解析（第 {index} 个字形集）"));
        let shared = Arc::new(FontBytes::Owned(Arc::clone(&bytes)));
        let mut warnings = Vec::new();
        let inner = AzulParsedFont::from_bytes_shared(shared, index as usize, &mut warnings)
            .ok_or_else(unreadable)?;
        let parsed = ParsedFont::from_azul(inner);
        if !parsed.has_source_bytes() {
            return Err(unreadable());
        }
        // A collection's faces differ only in their regional glyph shapes; the
        // PostScript name says which one this is (…CJKsc-…, …SC-…).
        let name = parsed.font_name.clone().unwrap_or_default();
        if !name.to_ascii_lowercase().contains("sc") {
            return Err(RenderError::FontUnavailable(format!(
                "{what}的第 {index} 个字形集是“{name}”，不是简体中文（SC）字形"
            )));
        }
        Ok(LoadedFace {
            parsed,
            bytes,
            index,
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

    /// The glyph of `c`; glyph 0 is `.notdef`, the empty box, so it counts as missing.
    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        self.parsed
            .lookup_glyph_index(c as u32)
            .filter(|&g| g != 0)
    }
}

/// The parsed faces a form is printed with.
#[derive(Debug, Clone)]
pub struct Fonts {
    body: LoadedFace,
    heading: LoadedFace,
    coverage: Coverage,
}

impl Fonts {
    /// Parses the two faces from font bytes (full coverage). `*_index`
    /// selects the face in a collection (`.ttc`).
    pub fn from_bytes(
        body: &[u8],
        body_index: u32,
        heading: &[u8],
        heading_index: u32,
    ) -> Result<Fonts, RenderError> {
        Ok(Fonts {
            body: LoadedFace::parse(Arc::from(body), body_index, BODY_NAME)?,
            heading: LoadedFace::parse(Arc::from(heading), heading_index, HEADING_NAME)?,
            coverage: Coverage::Full,
        })
    }

    /// Reads and parses the full faces installed on this system: first in
    /// the directory named by `GCFORMS_FONT_DIR`, then in [`SYSTEM_FONT_DIRS`].
    pub fn load_system() -> Result<Fonts, RenderError> {
        let (body, heading) = system_files()?;
        Ok(Fonts {
            body: LoadedFace::parse(read_shared(&body.0)?, body.1, BODY_NAME)?,
            heading: LoadedFace::parse(read_shared(&heading.0)?, heading.1, HEADING_NAME)?,
            coverage: Coverage::Full,
        })
    }

    /// The common subsets of the system faces, from the per-user cache
    /// ([`super::font_cache`]); on a cache miss they are cut from `full`
    /// (loading it when `None`) and stored for the next process.
    pub fn load_common(full: Option<&Fonts>) -> Result<Fonts, RenderError> {
        let (body, heading) = system_files()?;
        let mut full = full;
        Ok(Fonts {
            body: common_face(&body, Face::Body, BODY_NAME, &mut full)?,
            heading: common_face(&heading, Face::Heading, HEADING_NAME, &mut full)?,
            coverage: Coverage::Common,
        })
    }

    /// The fonts to print with, loaded once per process and kept: the common
    /// subsets when they can be had, else the full faces.
    pub fn shared() -> Result<&'static Fonts, RenderError> {
        static SHARED: OnceLock<Result<Fonts, RenderError>> = OnceLock::new();
        SHARED
            .get_or_init(|| Fonts::load_common(None).or_else(|_| Fonts::load_system()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The full system faces, loaded once per process and kept.
    pub fn shared_full() -> Result<&'static Fonts, RenderError> {
        static SHARED: OnceLock<Result<Fonts, RenderError>> = OnceLock::new();
        SHARED
            .get_or_init(Fonts::load_system)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The shared fonts that can print every character of `text` in `face`:
    /// [`Fonts::shared`] when it can, else [`Fonts::shared_full`].
    pub fn shared_for(face: Face, text: &str) -> Result<&'static Fonts, RenderError> {
        let fonts = Fonts::shared()?;
        if fonts.coverage == Coverage::Full || text.chars().all(|c| fonts.covers(face, c)) {
            Ok(fonts)
        } else {
            Fonts::shared_full()
        }
    }

    /// Which characters these fonts hold.
    pub fn coverage(&self) -> Coverage {
        self.coverage
    }

    /// The parsed face.
    pub(crate) fn face(&self, face: Face) -> &ParsedFont {
        &self.face_data(face).parsed
    }

    /// The face with its bytes.
    pub(crate) fn face_data(&self, face: Face) -> &LoadedFace {
        match face {
            Face::Body => &self.body,
            Face::Heading => &self.heading,
        }
    }

    /// True when `face` has a glyph for `c`.
    pub fn has_glyph(&self, face: Face, c: char) -> bool {
        self.face_data(face).glyph(c).is_some()
    }

    /// True when `face` can print `c`: it has the glyph, or `c` is a line
    /// break the renderer handles itself.
    fn covers(&self, face: Face, c: char) -> bool {
        matches!(c, '\n' | '\r') || self.has_glyph(face, c)
    }

    /// The glyph of `c` and its horizontal advance in em, or `None` when the
    /// face lacks it. (A cmap lookup is slow in this font library: callers cache.)
    pub(crate) fn glyph_em(&self, face: Face, c: char) -> Option<(u16, f32)> {
        let data = self.face_data(face);
        let gid = data.glyph(c)?;
        let font = &data.parsed;
        let upm = f32::from(font.font_metrics.units_per_em.max(1));
        Some((gid, f32::from(font.get_horizontal_advance(gid)) / upm))
    }
}

/// The common subset of face `pick` of `file`: from the cache, else cut
/// from the full fonts (loaded into `full` on first need) and cached.
fn common_face<'a>(
    file: &(PathBuf, u32),
    pick: Face,
    what: &str,
    full: &mut Option<&'a Fonts>,
) -> Result<LoadedFace, RenderError> {
    let (path, index) = file;
    if let Some(cached) = font_cache::load(path, *index) {
        if let Ok(face) = LoadedFace::parse(cached, 0, what) {
            return Ok(face);
        }
    }
    let source = match *full {
        Some(fonts) => fonts,
        None => {
            let fonts = Fonts::shared_full()?;
            *full = Some(fonts);
            fonts
        }
    };
    let subset = font_cache::build(source.face_data(pick))?;
    font_cache::store(path, *index, &subset);
    LoadedFace::parse(subset, 0, what)
}

/// The body and heading font files installed, with their SC face indexes.
fn system_files() -> Result<((PathBuf, u32), (PathBuf, u32)), RenderError> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
        dirs.push(PathBuf::from(dir));
    }
    dirs.extend(SYSTEM_FONT_DIRS.iter().map(PathBuf::from));
    Ok((find(&dirs, &BODY_FILES)?, find(&dirs, &HEADING_FILES)?))
}

fn find(dirs: &[PathBuf], files: &[(&str, u32)]) -> Result<(PathBuf, u32), RenderError> {
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

/// Reads a whole file straight into shared memory: one allocation, one copy
/// from the page cache (font files are tens of megabytes; every extra copy
/// shows in a command's run time).
pub(crate) fn read_shared(path: &Path) -> Result<Arc<[u8]>, RenderError> {
    let failed = |e: std::io::Error| {
        RenderError::FontUnavailable(format!("无法读取字体文件 {}：{e}", path.display()))
    };
    let mut file = std::fs::File::open(path).map_err(failed)?;
    let len = file.metadata().map_err(failed)?.len();
    let len = usize::try_from(len)
        .map_err(|_| failed(std::io::Error::other("文件过大")))?;
    // An exact-size iterator collects into one allocation of the final size.
    let mut bytes: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
    // A freshly collected Arc has no other owner, so this always succeeds.
    let buf = Arc::get_mut(&mut bytes)
        .ok_or_else(|| failed(std::io::Error::other("内存被占用")))?;
    file.read_exact(buf).map_err(failed)?;
    Ok(bytes)
}
