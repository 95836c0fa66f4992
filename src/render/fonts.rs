//! The faces the forms are printed in: two faces bundled in the program,
//! and the system's faces as a fallback for a character they lack.
//!
//! - body: Noto Serif CJK SC Regular, a Song (宋体) style, for all text the
//!   clerk typed and for the form's labels;
//! - heading: Noto Sans CJK SC Bold, a bold 黑体, for titles and headers.
//!
//! Both are bundled as subsets of the characters of [`COMMON_CHARS`]
//! (`assets/fonts/common-chars.txt`: the 通用规范汉字表, GB 2312, Latin and
//! the forms' fixed text), cut from Debian's `fonts-noto-cjk` by
//! `scripts/cut-bundled-fonts` and included in the binary, so a document
//! prints to the same bytes on every PC whatever fonts it has. A subset
//! keeps the full face's glyph order, CIDs, outlines and advances, so the
//! PDF is also the same as one printed from the full face.
//!
//! A character the bundle lacks (a rare character in a name) is taken from
//! the first system face that has it ([`FALLBACK_FILES`]: Noto CJK where
//! installed, the faces Windows ships — SimSun/宋体, SimHei/黑体, TrueType
//! outlines — and the usual Linux ones), Song faces first for the body and
//! Hei faces first for headings. The system's fonts are looked for only
//! then, and each file is read once per process. A character found nowhere
//! is a [`super::MissingGlyph`] naming it and its field.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::error::RenderError;
use super::face::{cut, glyph_of, read_shared, FontBytes, Glyph};

pub(crate) use super::face::LoadedFace;

/// Environment variable naming the folder searched for fallback faces
/// instead of the system's font folders (an empty folder: no system font).
pub const FONT_DIR_ENV: &str = "GCFORMS_FONT_DIR";

/// The characters the bundled faces hold (whitespace in the file is layout).
pub const COMMON_CHARS: &str = include_str!("../../assets/fonts/common-chars.txt");

/// The bundled body face: Noto Serif CJK SC Regular, cut to [`COMMON_CHARS`].
pub const BUNDLED_BODY: &[u8] =
    include_bytes!("../../assets/fonts/NotoSerifCJKsc-Regular-gcforms.otf");

/// The bundled heading face: Noto Sans CJK SC Bold, cut to [`COMMON_CHARS`].
pub const BUNDLED_HEADING: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansCJKsc-Bold-gcforms.otf");

/// The characters of [`COMMON_CHARS`], without the file's line breaks, plus
/// the spaces the forms align with.
pub fn common_chars() -> impl Iterator<Item = char> {
    COMMON_CHARS
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .chain([' ', '\u{3000}'])
}

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    /// Noto Serif CJK SC Regular (宋体): values and labels.
    Body,
    /// Noto Sans CJK SC Bold (黑体): titles and headers.
    Heading,
}

/// Where a glyph is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Source {
    /// The bundled face (or the face given as primary).
    Primary,
    /// The system face at this place among the fallbacks found.
    Fallback(usize),
}

/// The system faces a character the bundle lacks is looked for in, by file
/// name (compared without case), with the face index of Simplified Chinese
/// in a collection; each style's best first.
pub const FALLBACK_FILES: [(&str, u32); 16] = [
    // Song (宋体) faces.
    ("NotoSerifCJK-Regular.ttc", 2),
    ("NotoSerifCJKsc-Regular.otf", 0),
    ("NotoSerifSC-Regular.otf", 0),
    ("simsun.ttc", 0),
    ("simsun.ttf", 0),
    ("simsunb.ttf", 0),
    ("uming.ttc", 0),
    // Hei (黑体) faces.
    ("NotoSansCJK-Bold.ttc", 2),
    ("NotoSansCJKsc-Bold.otf", 0),
    ("NotoSansSC-Bold.otf", 0),
    ("simhei.ttf", 0),
    ("NotoSansCJK-Regular.ttc", 2),
    ("msyh.ttc", 0),
    ("wqy-zenhei.ttc", 0),
    ("wqy-microhei.ttc", 0),
    ("DroidSansFallbackFull.ttf", 0),
];

/// How many of [`FALLBACK_FILES`] are Song faces (the rest are Hei).
const SONG_FILES: usize = 7;

/// The files of the full Noto faces the bundle is cut from.
const NOTO_BODY: usize = 0;
const NOTO_HEADING: usize = 7;

const BODY_NAME: &str = "正文字体（Noto Serif CJK SC）";
const HEADING_NAME: &str = "标题字体（Noto Sans CJK SC Bold）";

/// A system face found for the fallback, read when first needed.
#[derive(Debug)]
struct Candidate {
    /// The file's place in [`FALLBACK_FILES`].
    file: usize,
    path: PathBuf,
    face: OnceLock<Option<LoadedFace>>,
}

impl Candidate {
    /// A Song (宋体) face, which the body prefers; the rest are Hei.
    fn is_song(&self) -> bool {
        self.file < SONG_FILES
    }

    /// The face, read and checked once; `None` when it cannot be used.
    fn face(&self) -> Option<&LoadedFace> {
        self.face
            .get_or_init(|| {
                let what = self.path.display().to_string();
                read_shared(&self.path)
                    .and_then(|bytes| LoadedFace::parse(bytes, FALLBACK_FILES[self.file].1, &what))
                    .ok()
            })
            .as_ref()
    }
}

/// The system's fallback faces, found when a character first needs one.
#[derive(Debug)]
struct Fallbacks {
    dirs: Vec<PathBuf>,
    found: OnceLock<Vec<Candidate>>,
}

impl Fallbacks {
    fn new(dirs: Vec<PathBuf>) -> Fallbacks {
        Fallbacks {
            dirs,
            found: OnceLock::new(),
        }
    }

    /// The fallback faces present, in [`FALLBACK_FILES`] order.
    fn candidates(&self) -> &[Candidate] {
        self.found.get_or_init(|| {
            let mut by_file: Vec<Option<PathBuf>> = vec![None; FALLBACK_FILES.len()];
            for dir in &self.dirs {
                find_files(dir, 0, &mut by_file);
            }
            by_file
                .into_iter()
                .enumerate()
                .filter_map(|(file, path)| {
                    Some(Candidate {
                        file,
                        path: path?,
                        face: OnceLock::new(),
                    })
                })
                .collect()
        })
    }
}

/// Records in `by_file` the first path of each of [`FALLBACK_FILES`]
/// under `dir` (font folders nest a few levels: `truetype/droid/…`).
fn find_files(dir: &Path, depth: u32, by_file: &mut [Option<PathBuf>]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth < 4 {
                find_files(&path, depth + 1, by_file);
            }
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(i) = FALLBACK_FILES
            .iter()
            .position(|(file, _)| file.eq_ignore_ascii_case(name))
        {
            by_file[i].get_or_insert(path);
        }
    }
}

/// The folders searched for fallback faces: [`FONT_DIR_ENV`] alone when
/// set, else the system's and the user's font folders.
pub fn fallback_dirs() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = Vec::new();
    if cfg!(windows) {
        let windows = std::env::var_os("WINDIR").unwrap_or_else(|| "C:\\Windows".into());
        dirs.push(PathBuf::from(windows).join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join("Microsoft\\Windows\\Fonts"));
        }
    } else {
        dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            dirs.push(home.join(".local/share/fonts"));
            dirs.push(home.join(".fonts"));
        }
    }
    dirs
}

/// The faces a form is printed with, and the fallbacks behind them.
#[derive(Debug, Clone)]
pub struct Fonts {
    body: LoadedFace,
    heading: LoadedFace,
    fallbacks: Arc<Fallbacks>,
}

impl Fonts {
    /// The bundled faces, with fallbacks from [`fallback_dirs`].
    pub fn bundled() -> Fonts {
        Fonts::bundled_with_fallback_dirs(fallback_dirs())
    }

    /// The bundled faces, with fallbacks looked for in `dirs` only.
    pub fn bundled_with_fallback_dirs(dirs: Vec<PathBuf>) -> Fonts {
        let parse = |bytes, what| {
            LoadedFace::parse(FontBytes::Static(bytes), 0, what)
                .expect("the bundled faces are checked by the tests")
        };
        Fonts {
            body: parse(BUNDLED_BODY, BODY_NAME),
            heading: parse(BUNDLED_HEADING, HEADING_NAME),
            fallbacks: Arc::new(Fallbacks::new(dirs)),
        }
    }

    /// The full Noto faces found in `dirs` as the primary faces (what the
    /// bundle is cut from; tests compare the two), with the other faces of
    /// `dirs` as fallbacks.
    pub fn full_noto(dirs: Vec<PathBuf>) -> Result<Fonts, RenderError> {
        let fallbacks = Fallbacks::new(dirs);
        let full = |file: usize, what: &str| {
            let (name, index) = FALLBACK_FILES[file];
            let found = fallbacks
                .candidates()
                .iter()
                .find(|c| c.file == file)
                .ok_or_else(|| {
                    RenderError::FontUnavailable(format!("找不到{what}的完整字体文件 {name}"))
                })?;
            LoadedFace::parse(read_shared(&found.path)?, index, what)
        };
        Ok(Fonts {
            body: full(NOTO_BODY, BODY_NAME)?,
            heading: full(NOTO_HEADING, HEADING_NAME)?,
            fallbacks: Arc::new(fallbacks),
        })
    }

    /// The bundled faces, made once per process and kept.
    pub fn shared() -> &'static Fonts {
        static SHARED: OnceLock<Fonts> = OnceLock::new();
        SHARED.get_or_init(Fonts::bundled)
    }

    /// The primary face (bundled or given).
    pub(crate) fn face_data(&self, face: Face) -> &LoadedFace {
        match face {
            Face::Body => &self.body,
            Face::Heading => &self.heading,
        }
    }

    /// The face glyphs of `source` come from.
    pub(crate) fn source_face(&self, face: Face, source: Source) -> Option<&LoadedFace> {
        match source {
            Source::Primary => Some(self.face_data(face)),
            Source::Fallback(i) => self.fallbacks.candidates().get(i)?.face(),
        }
    }

    /// Where the glyph of `c` in `face` comes from, and the glyph, when a
    /// fallback face has it (the primary face is the caller's first try).
    pub(crate) fn fallback_glyph(&self, face: Face, c: char) -> Option<(Source, Glyph)> {
        let song = face == Face::Body;
        let candidates = self.fallbacks.candidates().iter().enumerate();
        let preferred = candidates.clone().filter(|(_, f)| f.is_song() == song);
        let others = candidates.filter(|(_, f)| f.is_song() != song);
        preferred.chain(others).find_map(|(i, candidate)| {
            let parsed = candidate.face()?.parsed()?;
            glyph_of(&parsed, c).map(|g| (Source::Fallback(i), g))
        })
    }

    /// Where the glyph of `c` in `face` comes from: the primary face, else
    /// the first fallback face that has it.
    pub(crate) fn glyph(&self, face: Face, c: char) -> Option<(Source, Glyph)> {
        let primary = self.face_data(face).parsed().and_then(|f| glyph_of(&f, c));
        primary
            .map(|g| (Source::Primary, g))
            .or_else(|| self.fallback_glyph(face, c))
    }

    /// True when the primary `face` itself holds `c`.
    pub fn primary_has_glyph(&self, face: Face, c: char) -> bool {
        self.face_data(face)
            .parsed()
            .is_some_and(|f| glyph_of(&f, c).is_some())
    }

    /// The subsets of the primary faces holding [`common_chars`]: what is
    /// bundled, when these are the full Noto faces ([`Fonts::full_noto`]).
    pub fn cut_common(&self) -> Result<(Vec<u8>, Vec<u8>), RenderError> {
        let subset = |face: Face| {
            let data = self.face_data(face);
            let parsed = data.parsed().ok_or_else(|| {
                RenderError::FontUnavailable("无法生成常用字子集：字体无法解析".into())
            })?;
            let glyphs = common_chars().filter_map(|c| glyph_of(&parsed, c).map(|g| g.gid));
            cut(data, glyphs, "无法生成常用字子集")
        };
        Ok((subset(Face::Body)?, subset(Face::Heading)?))
    }
}
