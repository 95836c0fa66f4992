//! Opening the database file: checks before SQLite touches it, connection
//! settings, migrations, and the hand-over to [`super::recover`] when the
//! file is damaged.

use std::io::Read;
use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};

use super::error::one_line;
use super::migrate::{self, APPLICATION_ID, LATEST};
use super::{recover, Notice, Result, StoreError, BUSY_TIMEOUT};

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why a connection could not be set up.
pub(crate) enum Failure {
    /// The file is damaged: repair it.
    Damaged(String),
    /// Anything else: report it and leave the file alone.
    Other(StoreError),
}

impl Failure {
    fn sqlite(path: &Path, e: rusqlite::Error) -> Failure {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Failure::Damaged(e.to_string())
            }
            _ => Failure::Other(StoreError::from_sqlite(path, e)),
        }
    }
}

/// Opens the store's connection, repairing a damaged file once.
pub(crate) fn open(path: &Path, create: bool) -> Result<(Connection, Option<Notice>)> {
    // First: a repair interrupted before its swap left the database aside.
    recover::finish_interrupted(path)?;
    check_location(path, create)?;
    match connect(path) {
        Ok(conn) => Ok((conn, None)),
        Err(Failure::Other(e)) => Err(e),
        Err(Failure::Damaged(detail)) => {
            let notice = recover::recover(path, &detail)?;
            // One repair only: a file still damaged after it is reported,
            // never repaired in a loop.
            match connect(path) {
                Ok(conn) => Ok((conn, Some(notice))),
                Err(Failure::Other(e)) => Err(e),
                Err(Failure::Damaged(detail)) => Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: format!(
                        "修复后仍无法打开（{}）；损坏的文件已另存为 {}",
                        one_line(&detail),
                        notice.damaged_copy.as_deref().unwrap_or(path).display()
                    ),
                }),
            }
        }
    }
}

/// Clear messages for a path that cannot hold a database, before SQLite
/// gives its generic "unable to open database file".
fn check_location(path: &Path, create: bool) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(StoreError::NotAStore {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(_) if !create => Err(StoreError::NoSuchDatabase {
            path: path.to_path_buf(),
        }),
        Err(_) => {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            match std::fs::metadata(parent) {
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => Err(StoreError::ReadOnly {
                    path: path.to_path_buf(),
                    detail: format!("{} 不是文件夹", parent.display()),
                }),
                Err(e) => Err(StoreError::ReadOnly {
                    path: path.to_path_buf(),
                    detail: format!("文件夹 {} 不存在或无法访问：{e}", parent.display()),
                }),
            }
        }
    }
}

/// What the first bytes of an existing file say, read without SQLite so that
/// a newer or foreign file is refused before anything can be written to it.
fn sniff(path: &Path) -> std::result::Result<(), Failure> {
    let mut head = Vec::with_capacity(512);
    match std::fs::File::open(path) {
        Ok(f) => {
            if let Err(e) = f.take(512).read_to_end(&mut head) {
                return Err(Failure::Other(StoreError::ReadOnly {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }));
            }
        }
        // Missing: SQLite creates it. Unreadable: SQLite says why below.
        Err(_) => return Ok(()),
    }
    if head.is_empty() {
        return Ok(());
    }
    if head.len() >= 100 && head.starts_with(SQLITE_MAGIC) {
        let be =
            |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        let (user_version, app_id) = (be(60), be(68));
        if user_version > LATEST {
            return Err(Failure::Other(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: user_version,
                supported: LATEST,
            }));
        }
        if app_id != 0 && i64::from(app_id) != APPLICATION_ID {
            return Err(Failure::Other(StoreError::NotAStore {
                path: path.to_path_buf(),
            }));
        }
        return Ok(());
    }
    if looks_like_text(&head) {
        // A JSON or text file given as --db by mistake: not ours to repair.
        return Err(Failure::Other(StoreError::NotAStore {
            path: path.to_path_buf(),
        }));
    }
    Err(Failure::Damaged("文件头不是 SQLite 数据库".into()))
}

/// True when the bytes read as text (UTF-8, no control characters but white
/// space); a damaged database has binary garbage or zeros instead.
fn looks_like_text(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        // A multi-byte character cut at the end of the sample is still text.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{feff}'))
}

/// Opens and configures a connection to an existing or new database file.
pub(crate) fn connect(path: &Path) -> std::result::Result<Connection, Failure> {
    sniff(path)?;
    let sql = |e| Failure::sqlite(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    // Until the file has passed every check, closing this connection must
    // not checkpoint: a refused or damaged file (and its WAL) stay as found.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let version = migrate::schema_version(&conn).map_err(sql)?;
    if version > LATEST {
        return Err(Failure::Other(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: LATEST,
        }));
    }
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sql)?;
    if app_id != APPLICATION_ID {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(sql)?;
        if app_id != 0 || version != 0 || tables != 0 {
            return Err(Failure::Other(StoreError::NotAStore {
                path: path.to_path_buf(),
            }));
        }
    }
    if conn.is_readonly(MAIN_DB).map_err(sql)? {
        return Err(Failure::Other(StoreError::ReadOnly {
            path: path.to_path_buf(),
            detail: "文件只能以只读方式打开".into(),
        }));
    }
    // WAL: a reader never blocks the writer, and a commit is one append.
    // synchronous=FULL: the WAL is synced at every commit, so a save that
    // returned is on disk even after a power cut (NORMAL would only survive a
    // crash of the process, not of the machine).
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Other(StoreError::ReadOnly {
            path: path.to_path_buf(),
            detail: format!("无法启用 WAL 日志（journal_mode={mode}）"),
        }));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cell_size_check = ON; \
         PRAGMA wal_autocheckpoint = {};",
        super::checkpoint::BACKSTOP_PAGES
    ))
    .map_err(sql)?;
    // A damaged page is found here, at open, rather than halfway through the
    // clerk's work. O(size of the file): a few ms for typical stores.
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(sql)?;
    if check != "ok" {
        return Err(Failure::Damaged(check));
    }
    migrate::migrate(&conn).map_err(sql)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
        .map_err(sql)?;
    Ok(conn)
}
