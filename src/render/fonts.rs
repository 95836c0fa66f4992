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
//! characters of GB 2312, the forms' fixed text and whatever else this user
//! has printed, about 2–3 MB a face, cached per user by [`super::font_cache`]
//! — and the **full** face. A render tries the common fonts and takes the
//! full ones only when the document has a character beyond them, which it
//! then adds to the subsets (`render`, [`Fonts::learn`]). A subset
//! keeps the full face's glyph order, CIDs, outlines and advances, so the
//! PDF is the same byte for byte whichever was used.
//!
//! Fonts are read once per process ([`Fonts::shared`], [`Fonts::shared_full`])
//! and never copied; a render looks glyphs up with ttf-parser
//! ([`super::face`]), which reads the tables in place.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::error::RenderError;
use super::face::{glyph_of, read_shared};
use super::font_cache;

pub(crate) use super::face::LoadedFace;

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
    /// The common subset: GB 2312, the forms' fixed text and the
    /// characters this user has printed.
    Common,
    /// Every character of the installed faces.
    Full,
}

/// The parsed faces a form is printed with.
#[derive(Debug, Clone)]
pub struct Fonts {
    body: LoadedFace,
    heading: LoadedFace,
    coverage: Coverage,
    /// The cache folder common subsets come from and learn into.
    cache: Option<PathBuf>,
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
            body: LoadedFace::parse(Arc::new(body.to_vec()), body_index, BODY_NAME)?,
            heading: LoadedFace::parse(Arc::new(heading.to_vec()), heading_index, HEADING_NAME)?,
            coverage: Coverage::Full,
            cache: None,
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
            cache: None,
        })
    }

    /// The common subsets of the system faces from the cache folder `dir`
    /// ([`super::font_cache`], usually [`super::font_cache::default_dir`]);
    /// on a cache miss they are cut from `full` (loading it when `None`) and
    /// stored for the next process.
    pub fn load_common(dir: &Path, full: Option<&Fonts>) -> Result<Fonts, RenderError> {
        let (body, heading) = system_files()?;
        let cached_body = cached_face(dir, &body, BODY_NAME);
        let cached_heading = cached_face(dir, &heading, HEADING_NAME);
        // On a miss the full faces are read just for cutting, and dropped
        // after: a process that never meets a rare character never keeps them.
        let read;
        let source = match (cached_body.is_some() && cached_heading.is_some(), full) {
            (true, _) => None,
            (false, Some(full)) => Some(full),
            (false, None) => {
                read = Fonts::load_system()?;
                Some(&read)
            }
        };
        let face = |cached: Option<LoadedFace>, file: &FontFile, pick: Face, what: &str| {
            match (cached, source) {
                (Some(face), _) => Ok(face),
                (None, Some(full)) => {
                    let subset = font_cache::build(full.face_data(pick), &[])?;
                    font_cache::store(dir, &file.0, file.1, &subset);
                    LoadedFace::parse(subset, 0, what)
                }
                // `source` is only empty when both faces were cached.
                (None, None) => Err(RenderError::FontUnavailable(format!(
                    "{what}的常用字子集缺失"
                ))),
            }
        };
        Ok(Fonts {
            body: face(cached_body, &body, Face::Body, BODY_NAME)?,
            heading: face(cached_heading, &heading, Face::Heading, HEADING_NAME)?,
            coverage: Coverage::Common,
            cache: Some(dir.to_path_buf()),
        })
    }

    /// Whether the system has both font files (without reading them).
    pub fn installed() -> bool {
        system_files().is_ok()
    }

    /// The fonts to print with, loaded once per process and kept: the common
    /// subsets when they can be had, else the full faces.
    pub fn shared() -> Result<&'static Fonts, RenderError> {
        static SHARED: OnceLock<Result<Fonts, RenderError>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                font_cache::default_dir()
                    .ok_or_else(|| RenderError::FontUnavailable("没有缓存目录".into()))
                    .and_then(|dir| Fonts::load_common(&dir, None))
                    .or_else(|_| Fonts::load_system())
            })
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
        if fonts.coverage == Coverage::Full || fonts.covers(face, text) {
            Ok(fonts)
        } else {
            Fonts::shared_full()
        }
    }

    /// Adds to the cached common subsets the characters of `chars` that the
    /// `full` fonts have, for the next process. Best effort: the cache is an
    /// optimisation, so failures are ignored.
    pub fn learn(&self, full: &Fonts, chars: &[char]) {
        let Some(dir) = self.cache.as_deref() else {
            return;
        };
        let Ok((body, heading)) = system_files() else {
            return;
        };
        for (pick, (path, index)) in [(Face::Body, body), (Face::Heading, heading)] {
            let Some(source) = full.face_data(pick).parsed() else {
                continue;
            };
            // The entry on disk may know more than this process's copy
            // (another render, another process learned since).
            let mut known = font_cache::load(dir, &path, index)
                .and_then(|bytes| LoadedFace::parse(bytes, 0, "").ok())
                .unwrap_or_else(|| self.face_data(pick).clone())
                .codepoints();
            let before = known.len();
            known.extend(chars.iter().filter(|&&c| glyph_of(&source, c).is_some()));
            known.sort_unstable();
            known.dedup();
            if known.len() == before {
                continue;
            }
            if let Ok(subset) = font_cache::build(full.face_data(pick), &known) {
                font_cache::store(dir, &path, index, &subset);
            }
        }
    }

    /// Which characters these fonts hold.
    pub fn coverage(&self) -> Coverage {
        self.coverage
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
        self.face_data(face)
            .parsed()
            .is_some_and(|f| glyph_of(&f, c).is_some())
    }

    /// True when `face` can print every character of `text` (line breaks
    /// are the renderer's own).
    fn covers(&self, face: Face, text: &str) -> bool {
        let Some(parsed) = self.face_data(face).parsed() else {
            return false;
        };
        text.chars()
            .all(|c| matches!(c, '\n' | '\r') || glyph_of(&parsed, c).is_some())
    }
}

/// The common subset of `file` cached in `dir`, when there is a sound one.
fn cached_face(dir: &Path, file: &FontFile, what: &str) -> Option<LoadedFace> {
    let bytes = font_cache::load(dir, &file.0, file.1)?;
    LoadedFace::parse(bytes, 0, what).ok()
}

/// A font file and the index of its Simplified Chinese face.
type FontFile = (PathBuf, u32);

/// The body and heading font files installed.
fn system_files() -> Result<(FontFile, FontFile), RenderError> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
        dirs.push(PathBuf::from(dir));
    }
    dirs.extend(SYSTEM_FONT_DIRS.iter().map(PathBuf::from));
    Ok((find(&dirs, &BODY_FILES)?, find(&dirs, &HEADING_FILES)?))
}

fn find(dirs: &[PathBuf], files: &[(&str, u32)]) -> Result<FontFile, RenderError> {
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
