//! 备份 / 恢复 (issue #17): everything of the user's in one `*.gcbackup`
//! file, and a merge of such a file into another data folder.
//!
//! The file is an SQLite database: the draft store copied by SQLite itself
//! (`VACUUM INTO`, a consistent snapshot of a live WAL database, never a
//! file copy), without the `received_verdicts` cache, plus
//! - `backup_files`: the data folder's own files — imported calendar years
//!   (`calendar/<year>.json`) and the unit key files (`unit-key.p12`, still
//!   encrypted under the clerk's passphrase, and `unit-cert.der`) — each with
//!   its bytes and SHA-256;
//! - `backup_meta`: one row with the format marker `gcforms-backup`, the
//!   format version, the store's schema version, when and by which gcforms
//!   it was made, and a seal: the SHA-256 of the whole file, computed with
//!   the seal's own 64 hex digits as zeros and then written into them.
//!
//! `PRAGMA integrity_check` only sees SQLite's structure; the seal sees every
//! byte, so a file changed anywhere (a flipped bit in a package's bytes, a
//! cut-short copy) is refused before anything is read from it. A file
//! without the seal (another program's database, a JSON file) is not a
//! backup; a newer format or schema is refused, not guessed at. Restoring
//! ([`merge`]) never overwrites newer work: see [`merge::plan`].

mod merge;

pub use merge::{
    plan, restore, DraftAction, DraftPlan, FileAction, FilePlan, ProfileAction, RestorePlan, Tally,
};

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::calendar::CALENDAR_DIR;
use crate::sign::unit_key_file::{CERT_FILE_NAME, KEY_FILE_NAME};
use crate::store::{migrate, sha256_hex, Notice, Store, StoreError};

/// The marker in `backup_meta.format`.
pub const FORMAT_MARKER: &str = "gcforms-backup";

/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The file name extension of backups.
pub const EXTENSION: &str = "gcbackup";

/// `application_id` of a backup file ("GCFB"), unlike the store's "GCFQ",
/// so a backup is never opened as a draft store.
const APPLICATION_ID: i64 = 0x4743_4642;

/// Precedes the seal's 64 hex digits in the file.
const SEAL_PREFIX: &str = "gcforms-backup-seal:";

/// Why a backup could not be written or read. A refused backup changes
/// nothing anywhere.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Not a gcforms backup at all (another database, a text file).
    #[error("{path} 不是 gcforms 备份文件（.gcbackup），未作任何改动（not a gcforms backup）", path = .path.display())]
    NotABackup {
        /// The file.
        path: PathBuf,
    },
    /// A backup whose bytes changed since it was made (damaged or cut short).
    #[error("备份文件 {path} 已损坏：{detail}；未作任何改动，请换用完好的备份（damaged backup）", path = .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Made by a newer gcforms.
    #[error("备份文件 {path} 由更新版本的 gcforms 创建（{what}），本程序无法读取，未作任何改动，请升级后再恢复（backup from a newer version）", path = .path.display())]
    Newer {
        /// The file.
        path: PathBuf,
        /// Which version is too new.
        what: String,
    },
    /// Reading or writing a file failed.
    #[error("无法读写文件 {path}：{detail}（I/O error）", path = .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// The draft store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl BackupError {
    /// True when the backup file itself was refused (foreign, damaged,
    /// newer): the CLI's exit 1; anything else is exit 2.
    pub fn is_refused_file(&self) -> bool {
        matches!(
            self,
            BackupError::NotABackup { .. }
                | BackupError::Damaged { .. }
                | BackupError::Newer { .. }
        )
    }

    /// A stable code for the desktop app's error shape.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::NotABackup { .. } => "not_a_backup",
            BackupError::Damaged { .. } => "damaged_backup",
            BackupError::Newer { .. } => "newer_backup",
            BackupError::Io { .. } => "io",
            BackupError::Store(e) => e.code(),
        }
    }

    fn io(path: &Path, e: impl std::fmt::Display) -> BackupError {
        BackupError::Io {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    }

    fn damaged(path: &Path, detail: impl Into<String>) -> BackupError {
        BackupError::Damaged {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }
}

/// What `backup_meta` says of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    /// The format version.
    pub format_version: u32,
    /// The draft store's schema version when it was made.
    pub schema_version: u32,
    /// When it was made (RFC 3339, local time).
    pub created_at: String,
    /// The gcforms that made it.
    pub app_version: String,
}

/// What [`write_backup`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupSummary {
    /// The backup file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Drafts in it (the trash included).
    pub drafts: u32,
    /// Versions of those drafts, current and history.
    pub versions: u32,
    /// Received packages.
    pub packages: u32,
    /// The data folder's files (calendar years, key files), by relative path.
    pub files: Vec<String>,
}

impl BackupSummary {
    /// One line of Chinese for the clerk.
    pub fn describe(&self) -> String {
        let files = if self.files.is_empty() {
            String::new()
        } else {
            format!("；文件：{}", self.files.join("、"))
        };
        format!(
            "已备份到 {}（{} 字节）：草稿 {} 份（含历史版本共 {} 个），收到的提交包 {} 个{files}",
            self.path, self.bytes, self.drafts, self.versions, self.packages
        )
    }
}

/// A data folder: the store (`drafts.db`) and the files beside it.
#[derive(Debug, Clone)]
pub struct DataFolder {
    dir: PathBuf,
}

impl DataFolder {
    /// The data folder at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> DataFolder {
        DataFolder { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens its draft store, creating the folder and the store if needed,
    /// with the store's repair notice, if any.
    pub fn open_store(&self) -> Result<(Store, Option<Notice>), BackupError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| BackupError::io(&self.dir, e))?;
        Ok(Store::open(self.dir.join(crate::store::DB_FILE_NAME))?)
    }

    /// The files of the folder a backup carries, by relative path (`/`
    /// separated), sorted: imported calendar years and the key files.
    fn carried_files(&self) -> Result<Vec<(String, Vec<u8>)>, BackupError> {
        let mut names: Vec<String> = [KEY_FILE_NAME, CERT_FILE_NAME]
            .into_iter()
            .filter(|n| self.dir.join(n).is_file())
            .map(str::to_string)
            .collect();
        let calendar = self.dir.join(CALENDAR_DIR);
        if let Ok(entries) = std::fs::read_dir(&calendar) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let relative = format!("{CALENDAR_DIR}/{name}");
                if is_carried(&relative) && entry.path().is_file() {
                    names.push(relative);
                }
            }
        }
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let path = self.dir.join(&name);
                std::fs::read(&path)
                    .map(|bytes| (name, bytes))
                    .map_err(|e| BackupError::io(&path, e))
            })
            .collect()
    }
}

/// True for the relative paths a backup may hold: `unit-key.p12`,
/// `unit-cert.der`, `calendar/<four digits>.json`. Anything else in a
/// backup is refused, so a hostile file cannot write outside the folder.
fn is_carried(relative: &str) -> bool {
    if relative == KEY_FILE_NAME || relative == CERT_FILE_NAME {
        return true;
    }
    relative
        .strip_prefix(CALENDAR_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .and_then(|r| r.strip_suffix(".json"))
        .is_some_and(|year| year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
}

/// Writes a backup of the data folder (its `store` and files) to `output`:
/// built beside it under a temporary name, sealed, synced, then renamed, so
/// `output` is either the old file or the whole new backup.
pub fn write_backup(
    store: &Store,
    folder: &DataFolder,
    output: &Path,
) -> Result<BackupSummary, BackupError> {
    let files = folder.carried_files()?;
    let temp = temp_beside(output);
    let _cleanup = RemoveOnDrop(temp.clone());
    let _ = std::fs::remove_file(&temp);
    store
        .connection()
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| StoreError::from_sqlite(store.path(), e))?;
    // A random placeholder for the seal, found again in the file's bytes.
    let placeholder = format!(
        "{SEAL_PREFIX}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let summary =
        finish_backup(&temp, &files, &placeholder).map_err(|e| BackupError::io(output, e))?;
    seal(&temp, &placeholder)?;
    std::fs::rename(&temp, output).map_err(|e| BackupError::io(output, e))?;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    Ok(BackupSummary {
        path: output.display().to_string(),
        bytes,
        files: files.into_iter().map(|(name, _)| name).collect(),
        ..summary
    })
}

/// Adds the backup's own tables to the store's copy at `temp`.
fn finish_backup(
    temp: &Path,
    files: &[(String, Vec<u8>)],
    placeholder: &str,
) -> rusqlite::Result<BackupSummary> {
    let conn = Connection::open(temp)?;
    let schema = migrate::schema_version(&conn)?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = DELETE; PRAGMA application_id = {APPLICATION_ID};
         BEGIN;
         DELETE FROM received_verdicts;
         CREATE TABLE backup_meta (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             format TEXT NOT NULL, format_version INTEGER NOT NULL,
             schema_version INTEGER NOT NULL, created_at TEXT NOT NULL,
             app_version TEXT NOT NULL, seal TEXT NOT NULL) STRICT;
         CREATE TABLE backup_files (
             path TEXT PRIMARY KEY, bytes BLOB NOT NULL, sha256 TEXT NOT NULL) STRICT;"
    ))?;
    conn.execute(
        "INSERT INTO backup_meta VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            FORMAT_MARKER,
            FORMAT_VERSION,
            schema,
            chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            env!("CARGO_PKG_VERSION"),
            placeholder
        ],
    )?;
    for (name, bytes) in files {
        conn.execute(
            "INSERT INTO backup_files VALUES (?1, ?2, ?3)",
            rusqlite::params![name, bytes, sha256_hex(bytes)],
        )?;
    }
    conn.execute_batch("COMMIT; VACUUM;")?;
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, u32>(0));
    Ok(BackupSummary {
        path: String::new(),
        bytes: 0,
        drafts: count("SELECT count(*) FROM drafts")?,
        versions: count("SELECT count(*) FROM draft_versions")?,
        packages: count("SELECT count(*) FROM received_packages")?,
        files: Vec::new(),
    })
}

/// Finds the `placeholder` written by [`finish_backup`], replaces its
/// digits with the SHA-256 of the file (taken with those digits as zeros),
/// and syncs the file.
fn seal(temp: &Path, placeholder: &str) -> Result<(), BackupError> {
    let mut bytes = std::fs::read(temp).map_err(|e| BackupError::io(temp, e))?;
    let starts: Vec<usize> = memchr::memmem::find_iter(&bytes, placeholder.as_bytes())
        .map(|at| at + SEAL_PREFIX.len())
        .collect();
    // The placeholder is random: another copy of it would mean it was not.
    let [at] = starts[..] else {
        return Err(BackupError::io(temp, "备份封印位置不唯一"));
    };
    let digest = digest_with_zeroed(&mut bytes, at);
    bytes[at..at + 64].copy_from_slice(digest.as_bytes());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(temp)
        .map_err(|e| BackupError::io(temp, e))?;
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(at as u64))
        .and_then(|_| file.write_all(digest.as_bytes()))
        .and_then(|_| file.sync_all())
        .map_err(|e| BackupError::io(temp, e))
}

/// SHA-256 of `bytes` with the 64 bytes at `at` as ASCII zeros (left so).
fn digest_with_zeroed(bytes: &mut [u8], at: usize) -> String {
    bytes[at..at + 64].fill(b'0');
    sha256_hex(bytes)
}

/// At most this many places that look like a seal are tried (a draft may
/// hold the prefix as text; a hostile file full of it must not cost a hash
/// of the whole file per copy).
const MAX_SEAL_CANDIDATES: usize = 8;

/// True when some seal in `bytes` holds the digest of the file; `None` when
/// there is no seal at all.
fn seal_holds(bytes: &[u8]) -> Option<bool> {
    let candidates: Vec<usize> = memchr::memmem::find_iter(bytes, SEAL_PREFIX.as_bytes())
        .map(|at| at + SEAL_PREFIX.len())
        .filter(|&at| {
            bytes
                .get(at..at + 64)
                .is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit))
        })
        .take(MAX_SEAL_CANDIDATES + 1)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    if candidates.len() > MAX_SEAL_CANDIDATES {
        return Some(false);
    }
    let mut scratch = bytes.to_vec();
    Some(candidates.into_iter().any(|at| {
        let claimed = bytes[at..at + 64].to_vec();
        let digest = digest_with_zeroed(&mut scratch, at);
        scratch[at..at + 64].copy_from_slice(&claimed);
        digest.as_bytes() == claimed.as_slice()
    }))
}

/// A checked backup, copied to a temporary file (removed on drop) and
/// migrated to this build's schema, ready to be merged.
#[derive(Debug)]
pub struct OpenedBackup {
    source: PathBuf,
    copy: tempfile::TempPath,
    info: BackupInfo,
}

impl OpenedBackup {
    /// What the backup says of itself.
    pub fn info(&self) -> &BackupInfo {
        &self.info
    }

    /// The file it was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The checked, migrated copy.
    pub(crate) fn copy_path(&self) -> &Path {
        &self.copy
    }
}

/// Reads and checks a backup: the seal over every byte, then SQLite's
/// `integrity_check`, the marker, the versions and each file's SHA-256.
/// Nothing is written anywhere but a temporary copy.
pub fn open_backup(path: &Path) -> Result<OpenedBackup, BackupError> {
    let bytes = std::fs::read(path).map_err(|e| BackupError::io(path, e))?;
    let not_a_backup = || BackupError::NotABackup {
        path: path.to_path_buf(),
    };
    if !bytes.starts_with(b"SQLite format 3\0") {
        return Err(not_a_backup());
    }
    match seal_holds(&bytes) {
        None => return Err(not_a_backup()),
        Some(false) => {
            return Err(BackupError::damaged(
                path,
                "文件内容与备份时记录的校验值（SHA-256）不符，可能被截断或改动",
            ))
        }
        Some(true) => {}
    }
    let copy = tempfile::NamedTempFile::new()
        .and_then(|mut f| {
            use std::io::Write;
            f.write_all(&bytes)?;
            Ok(f.into_temp_path())
        })
        .map_err(|e| BackupError::io(&std::env::temp_dir(), e))?;
    drop(bytes);
    let conn = Connection::open_with_flags(
        &copy,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| BackupError::damaged(path, e.to_string()))?;
    let info = check_contents(&conn, path)?;
    if info.schema_version < migrate::LATEST {
        migrate::migrate(&conn).map_err(|e| BackupError::damaged(path, e.to_string()))?;
    }
    drop(conn);
    Ok(OpenedBackup {
        source: path.to_path_buf(),
        copy,
        info,
    })
}

/// The checks inside SQLite, on the temporary copy.
fn check_contents(conn: &Connection, path: &Path) -> Result<BackupInfo, BackupError> {
    let damaged = |e: rusqlite::Error| BackupError::damaged(path, e.to_string());
    let check: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(damaged)?;
    if check != "ok" {
        return Err(BackupError::damaged(path, check));
    }
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(damaged)?;
    let meta = conn
        .query_row(
            "SELECT format, format_version, schema_version, created_at, app_version \
             FROM backup_meta WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    BackupInfo {
                        format_version: r.get(1)?,
                        schema_version: r.get(2)?,
                        created_at: r.get(3)?,
                        app_version: r.get(4)?,
                    },
                ))
            },
        )
        .ok();
    let Some((FORMAT_MARKER, info)) = meta.as_ref().map(|(f, i)| (f.as_str(), i.clone())) else {
        return Err(BackupError::NotABackup {
            path: path.to_path_buf(),
        });
    };
    if app_id != APPLICATION_ID {
        return Err(BackupError::NotABackup {
            path: path.to_path_buf(),
        });
    }
    if info.format_version > FORMAT_VERSION {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            what: format!(
                "备份格式第 {} 版，本程序只支持到第 {FORMAT_VERSION} 版",
                info.format_version
            ),
        });
    }
    let schema = migrate::schema_version(conn).map_err(damaged)?;
    if info.schema_version > migrate::LATEST || schema != info.schema_version {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            what: format!(
                "草稿库结构第 {} 版，本程序只支持到第 {} 版",
                info.schema_version.max(schema),
                migrate::LATEST
            ),
        });
    }
    let mut files = conn
        .prepare("SELECT path, bytes, sha256 FROM backup_files")
        .map_err(damaged)?;
    let rows = files
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(damaged)?;
    for row in rows {
        let (name, bytes, sha) = row.map_err(damaged)?;
        if !is_carried(&name) {
            return Err(BackupError::damaged(
                path,
                format!("含有不应备份的文件“{}”", crate::escape::printable(&name)),
            ));
        }
        if sha256_hex(&bytes) != sha {
            return Err(BackupError::damaged(
                path,
                format!("文件 {name} 的内容与其 SHA-256 不符"),
            ));
        }
    }
    Ok(info)
}

/// A temporary name beside `output`, on the same file system for the rename.
fn temp_beside(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    output.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Removes a file when dropped (an unfinished backup's temporary file).
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
