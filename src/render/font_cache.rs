//! The common subsets of the CJK faces, cut once and kept in the per-user
//! cache folder (`$XDG_CACHE_HOME/gcforms/fonts/`, or `GCFORMS_CACHE_DIR`).
//!
//! A subset holds the glyphs of [`COMMON_CHARS`] (`assets/fonts/common-chars.txt`:
//! GB 2312 and every character of the forms' fixed text) and of every other
//! character this user has printed (people's names often go beyond GB
//! 2312: a render that meets one uses the full faces once and adds it to the
//! subsets, `Fonts::learn`). Glyphs keep the full face's order,
//! advances and CIDs. A subset is about a twentieth of the collection it comes
//! from, which is what makes a command that prints fast: reading the full
//! collections took most of its time.
//!
//! An entry's name records the source file's size and modification time and a
//! digest of the character list, so a font package upgrade or a new list
//! makes a new entry (the old ones are removed). Entries are written to a
//! temporary file, synced and renamed: a reader sees a whole entry or none. The
//! cache is an optimisation only: when it cannot be read or written, the
//! subset is cut in memory or the full faces are used, and the PDF is the same.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::RenderError;
use super::face::{cut, glyph_of, read_shared, LoadedFace};

/// Environment variable naming the cache folder (tests, portable installs).
pub const CACHE_DIR_ENV: &str = "GCFORMS_CACHE_DIR";

/// The characters every common subset holds (whitespace in the file is layout).
pub const COMMON_CHARS: &str = include_str!("../../assets/fonts/common-chars.txt");

/// Bumped when the way subsets are cut changes, so old entries are not used.
const SUBSET_FORMAT: u32 = 1;

/// The characters of [`COMMON_CHARS`], without the file's line breaks, plus
/// the ideographic space the forms align with.
pub fn common_chars() -> impl Iterator<Item = char> {
    COMMON_CHARS
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .chain([' ', '\u{3000}'])
}

/// The folder of the font cache: `$GCFORMS_CACHE_DIR/fonts`, else the
/// platform's per-user cache folder; `None` when there is neither.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV) {
        return Some(PathBuf::from(dir).join("fonts"));
    }
    directories::ProjectDirs::from("cn", "Shaoguan", "gcforms").map(|d| d.cache_dir().join("fonts"))
}

/// The name every entry cut from `source` starts with.
fn entry_prefix(source: &Path, index: u32) -> String {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{stem}-{index}-")
}

/// The entry in `dir` for face `index` of `source` as the file is now, or
/// `None` when the file cannot be examined.
fn entry_path(dir: &Path, source: &Path, index: u32) -> Option<PathBuf> {
    let meta = std::fs::metadata(source).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let name = format!(
        "{}{}-{}.{:09}-{:016x}.otf",
        entry_prefix(source, index),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos(),
        list_digest(),
    );
    Some(dir.join(name))
}

/// FNV-1a over the character list and [`SUBSET_FORMAT`]: entries cut from
/// another list are never taken for this one.
fn list_digest() -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let format = SUBSET_FORMAT.to_le_bytes();
    for byte in COMMON_CHARS.bytes().chain(format) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The subset of face `index` of `source` cached in `dir`, if there is one.
pub(crate) fn load(dir: &Path, source: &Path, index: u32) -> Option<Arc<Vec<u8>>> {
    read_shared(&entry_path(dir, source, index)?).ok()
}

/// Cuts from a full face the subset of [`common_chars`] and `extra`.
pub(crate) fn build(face: &LoadedFace, extra: &[char]) -> Result<Arc<Vec<u8>>, RenderError> {
    let parsed = face
        .parsed()
        .ok_or_else(|| RenderError::FontUnavailable("无法生成常用字子集：字体无法解析".into()))?;
    let glyphs = common_chars()
        .chain(extra.iter().copied())
        .filter_map(|c| glyph_of(&parsed, c).map(|g| g.gid));
    cut(face, glyphs, "无法生成常用字子集").map(Arc::new)
}

/// Keeps `subset` in `dir` as the entry of face `index` of `source` and removes older
/// entries of that face. Failures are ignored: the next process cuts it again.
pub(crate) fn store(dir: &Path, source: &Path, index: u32, subset: &[u8]) {
    let Some(path) = entry_path(dir, source, index) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(subset)?;
        file.sync_all()
    });
    if written.is_err() || std::fs::rename(&temporary, &path).is_err() {
        let _ = std::fs::remove_file(&temporary);
        return;
    }
    remove_stale(dir, &entry_prefix(source, index), &path);
}

/// Removes the entries of one face other than `keep`, and temporary files
/// left by interrupted writes.
fn remove_stale(dir: &Path, prefix: &str, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path != keep
            && name.starts_with(prefix)
            && (name.ends_with(".otf") || name.ends_with(".tmp"))
        {
            let _ = std::fs::remove_file(path);
        }
    }
}
