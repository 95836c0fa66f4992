//! Repairing a damaged database file, without ever losing the damaged file.
//!
//! When opening finds the file damaged (SQLite reports corruption, `PRAGMA
//! quick_check` fails, or the header is binary garbage):
//!
//! 1. the file and its `-wal` are **copied** to `drafts.db.damaged-<time>`
//!    (and `…-wal`); if that fails (disk full), nothing is touched and the
//!    open fails with a message: no repair without a copy;
//! 2. every row SQLite can still read is salvaged table by table, in rowid
//!    order, skipping over unreadable stretches; each document text is
//!    checked to be a readable document with its draft's `id`;
//! 3. the rows go into a fresh database `drafts.db.recovering`, which when
//!    complete is renamed `drafts.db.recovered`, then swapped in place of the
//!    damaged file. An interrupted swap is finished by the next open
//!    (`finish_interrupted`); an interrupted build is started again.
//!
//! The open then returns a [`Notice`] saying what happened and where the copy
//! is. A file still damaged after one repair is reported, never repaired in a
//! loop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, Row};
use serde_json::Value;

use super::error::one_line;
use super::{
    migrate, Db, DraftStatus, Notice, NoticeKind, Result, Store, StoreError, BUSY_TIMEOUT,
};
use crate::input::read_document;

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn remove_if_exists(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Makes renames and new files in `dir` durable (a no-op where folders
/// cannot be opened, as on Windows).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn copy_durably(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to)?;
    std::fs::OpenOptions::new().write(true).open(to)?.sync_all()
}

/// Swaps a completed recovery in place of the damaged file, if one is
/// waiting (a repair interrupted after the new database was complete).
pub(crate) fn finish_interrupted(path: &Path) -> Result<()> {
    let recovered = sibling(path, ".recovered");
    if !recovered.exists() {
        return Ok(());
    }
    swap_in(path, &recovered)
}

fn swap_in(path: &Path, recovered: &Path) -> Result<()> {
    // The damaged file's WAL must go first: SQLite would replay it into the
    // new file.
    for side in ["-wal", "-shm", "-journal"] {
        let f = sibling(path, side);
        remove_if_exists(&f).map_err(|e| StoreError::file(&f, e))?;
    }
    std::fs::rename(recovered, path).map_err(|e| StoreError::file(path, e))?;
    sync_dir(path);
    Ok(())
}

/// Rows read out of a damaged database.
#[derive(Debug, Default)]
pub(crate) struct Salvage {
    /// `drafts` rows: id → (version, created, updated, trashed, status).
    drafts: BTreeMap<String, (i64, i64, i64, Option<i64>, String)>,
    /// `draft_versions` rows: (draft id, version, started, saved, doc).
    versions: Vec<(String, i64, i64, i64, String)>,
    /// The unit profile JSON and its time.
    profile: Option<(String, i64)>,
    /// `export_log` rows, without their row number.
    exports: Vec<(String, i64, String, String, String, i64, i64)>,
    /// `received_packages` rows whose bytes still match their SHA-256.
    received: Vec<ReceivedRow>,
    /// The rows of [`PLAIN_TABLES`], by table, every column as read.
    plain: Vec<(&'static str, &'static str, Vec<Vec<rusqlite::types::Value>>)>,
    /// Read errors met (each may hide any number of rows).
    read_errors: usize,
}

/// Tables carried over row by row as they are (no column derived from
/// another): the workspace's trusted certificates and the clerk's review
/// results. (`received_verdicts` is a cache, judged again when missing.)
const PLAIN_TABLES: [(&str, &str); 2] = [
    (
        "trusted_certificates",
        "fingerprint, der, unit, not_after, source, added_ms",
    ),
    (
        "review_results",
        "document_id, sha256, package_id, status, status_label, level_label, decision_label, \
         unit, opinion, date, imported_ms",
    ),
];

/// A `received_packages` row, every column.
#[derive(Debug)]
struct ReceivedRow {
    sha256: String,
    package_id: String,
    reviews: i64,
    bytes: Vec<u8>,
    file_name: String,
    imported_ms: i64,
    received: String,
    unit_name: String,
    system_name: String,
    forms: String,
    jurisdiction: String,
}

/// Reads a table's rows in rowid order; on a read error, seeks past the
/// damaged stretch with growing jumps, so one bad page does not hide the
/// rows after it. Bounded: at most 2,000 failed seeks per table.
fn scan<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    read: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    errors: &mut usize,
) -> Vec<T> {
    let sql = format!("SELECT rowid, {columns} FROM {table} WHERE rowid > ?1 ORDER BY rowid");
    let mut out = Vec::new();
    let mut after = i64::MIN;
    let mut failed_seeks = 0;
    let mut jump: i64 = 1;
    'seek: while failed_seeks < 2_000 {
        let Ok(mut stmt) = conn.prepare(&sql) else {
            *errors += 1;
            return out;
        };
        let mut rows = match stmt.query([after]) {
            Ok(rows) => rows,
            Err(_) => {
                *errors += 1;
                return out;
            }
        };
        let mut read_any = false;
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    read_any = true;
                    jump = 1;
                    if let Ok(rowid) = row.get::<_, i64>(0) {
                        after = rowid;
                    }
                    match read(row) {
                        Ok(v) => out.push(v),
                        Err(_) => *errors += 1,
                    }
                }
                Ok(None) => break 'seek,
                Err(_) => {
                    *errors += usize::from(read_any || failed_seeks == 0);
                    failed_seeks += 1;
                    after = after.saturating_add(jump);
                    jump = jump.saturating_mul(2);
                    if after == i64::MAX {
                        break 'seek;
                    }
                    continue 'seek;
                }
            }
        }
    }
    out
}

/// Reads what can be read from the database at `path`. Never fails: what
/// cannot be read is counted in `read_errors`.
pub(crate) fn salvage(path: &Path) -> Salvage {
    let mut s = Salvage::default();
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        s.read_errors += 1;
        return s;
    };
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
    let _ = conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    );
    // As SQLite's own .recover does: tolerate a header that claims more
    // pages than the file has (a truncated file) and an odd schema. Nothing
    // is written through this connection.
    let _ = conn.execute_batch("PRAGMA writable_schema = ON");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut st| {
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .unwrap_or_else(|_| {
            s.read_errors += 1;
            // The schema is unreadable; try the tables by name all the same.
            [
                "drafts",
                "draft_versions",
                "unit_profile",
                "export_log",
                "received_packages",
                "trusted_certificates",
                "review_results",
            ]
            .map(String::from)
            .to_vec()
        });
    let has = |t: &str| tables.iter().any(|n| n == t);
    let mut errors = 0;
    if has("drafts") {
        for (id, row) in scan(
            &conn,
            "drafts",
            "id, version, created_ms, updated_ms, trashed_ms, status",
            |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                ))
            },
            &mut errors,
        ) {
            s.drafts.insert(id, row);
        }
    }
    if has("draft_versions") {
        s.versions = scan(
            &conn,
            "draft_versions",
            "draft_id, version, started_ms, saved_ms, doc",
            |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            &mut errors,
        );
    }
    if has("unit_profile") {
        s.profile = scan(
            &conn,
            "unit_profile",
            "profile, updated_ms",
            |r| Ok((r.get(1)?, r.get(2)?)),
            &mut errors,
        )
        .pop();
    }
    if has("export_log") {
        s.exports = scan(
            &conn,
            "export_log",
            "draft_id, draft_version, kind, path, sha256, bytes, exported_ms",
            |r| {
                Ok((
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
            &mut errors,
        );
    }
    if has("received_packages") {
        s.received = scan(
            &conn,
            "received_packages",
            "sha256, package_id, reviews, bytes, file_name, imported_ms, received, unit_name, \
             system_name, forms, jurisdiction",
            |r| {
                Ok(ReceivedRow {
                    sha256: r.get(1)?,
                    package_id: r.get(2)?,
                    reviews: r.get(3)?,
                    bytes: r.get(4)?,
                    file_name: r.get(5)?,
                    imported_ms: r.get(6)?,
                    received: r.get(7)?,
                    unit_name: r.get(8)?,
                    system_name: r.get(9)?,
                    forms: r.get(10)?,
                    jurisdiction: r.get(11)?,
                })
            },
            &mut errors,
        );
        // A package is kept exactly as received or not at all.
        s.received
            .retain(|p| super::received::sha256_hex(&p.bytes) == p.sha256);
    }
    for (table, columns) in PLAIN_TABLES {
        if has(table) {
            let n = columns.split(',').count();
            let rows = scan(
                &conn,
                table,
                columns,
                |r| (1..=n).map(|i| r.get(i)).collect(),
                &mut errors,
            );
            s.plain.push((table, columns, rows));
        }
    }
    s.read_errors += errors;
    s
}

impl Salvage {
    fn is_empty(&self) -> bool {
        self.versions.is_empty()
            && self.profile.is_none()
            && self.exports.is_empty()
            && self.received.is_empty()
            && self.plain.iter().all(|(_, _, rows)| rows.is_empty())
    }
}

/// A 100-byte SQLite header for a file of `len` bytes in `page_size` pages.
fn fresh_header(page_size: u32, len: u64) -> [u8; 100] {
    let mut h = [0u8; 100];
    h[..16].copy_from_slice(b"SQLite format 3\0");
    let size_field = if page_size == 65_536 {
        1
    } else {
        page_size as u16
    };
    h[16..18].copy_from_slice(&size_field.to_be_bytes());
    h[18] = 2; // WAL, so that a copied WAL is read too
    h[19] = 2;
    h[21] = 64; // payload fractions, fixed by the format
    h[22] = 32;
    h[23] = 32;
    let pages = u32::try_from(len / u64::from(page_size)).unwrap_or(u32::MAX);
    h[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
    h[28..32].copy_from_slice(&pages.to_be_bytes());
    h[40..44].copy_from_slice(&1u32.to_be_bytes()); // schema cookie
    h[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    h[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    h[68..72].copy_from_slice(&(migrate::APPLICATION_ID as u32).to_be_bytes());
    h[92..96].copy_from_slice(&1u32.to_be_bytes()); // valid for change 1
    h[96..100].copy_from_slice(&3_045_000u32.to_be_bytes());
    h
}

/// Salvages from a copy of the file whose header is replaced, trying the
/// page sizes SQLite allows, most likely first. The copy is removed after.
fn salvage_with_new_header(path: &Path) -> Option<Salvage> {
    let len = std::fs::metadata(path).ok()?.len();
    let tmp = sibling(path, ".header-fix");
    let tmp_wal = sibling(&tmp, "-wal");
    let mut found = None;
    for page_size in [4096u32, 1024, 2048, 8192, 16_384, 32_768, 65_536, 512] {
        if len < u64::from(page_size) * 2 || len % u64::from(page_size) != 0 {
            continue;
        }
        let _ = remove_if_exists(&sibling(&tmp, "-shm"));
        if std::fs::copy(path, &tmp).is_err() {
            break;
        }
        let wal = sibling(path, "-wal");
        let _ = remove_if_exists(&tmp_wal);
        if wal.exists() && std::fs::copy(&wal, &tmp_wal).is_err() {
            break;
        }
        let header = fresh_header(page_size, len);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .open(&tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &header));
        if written.is_err() {
            break;
        }
        let s = salvage(&tmp);
        if !s.is_empty() {
            found = Some(s);
            break;
        }
    }
    for f in [tmp.clone(), tmp_wal, sibling(&tmp, "-shm")] {
        let _ = remove_if_exists(&f);
    }
    found
}

/// What went into the new database.
struct Rebuilt {
    drafts: usize,
    versions: usize,
    dropped_versions: usize,
}

/// Writes salvaged rows into the fresh database at `path`.
fn rebuild(path: &Path, salvage: Salvage) -> Result<Rebuilt> {
    let conn = Connection::open(path).db(path)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")
        .db(path)?;
    migrate::migrate(&conn).db(path)?;
    let store = Store::with_connection(conn, path.to_path_buf());
    let mut by_draft: BTreeMap<String, Vec<(i64, i64, i64, String)>> = BTreeMap::new();
    let mut rebuilt = Rebuilt {
        drafts: 0,
        versions: 0,
        dropped_versions: 0,
    };
    for (id, version, started, saved, doc) in salvage.versions {
        // A text that no longer reads as this draft's document (a page
        // overwritten with other bytes) is not carried over.
        let ok = read_document(doc.as_bytes())
            .is_ok_and(|d| d.value.get("id").and_then(Value::as_str) == Some(id.as_str()));
        if ok {
            by_draft
                .entry(id)
                .or_default()
                .push((version, started, saved, doc));
        } else {
            rebuilt.dropped_versions += 1;
        }
    }
    store.write(|conn| {
        for (id, mut versions) in by_draft {
            versions.sort_by_key(|v| v.0);
            versions.dedup_by_key(|v| v.0);
            let meta = salvage.drafts.get(&id);
            let current = meta
                .map(|m| m.0)
                .filter(|c| versions.iter().any(|v| v.0 == *c))
                .unwrap_or_else(|| versions.last().map_or(1, |v| v.0));
            let Some((_, _, saved, doc)) = versions.iter().find(|v| v.0 == current) else {
                continue;
            };
            let Ok(p) = store.parse(doc).and_then(|parsed| {
                store
                    .check(parsed.form, parsed.value)
                    .map(|c| (parsed.form, c))
            }) else {
                rebuilt.dropped_versions += versions.len();
                continue;
            };
            let (form, p) = p;
            let first_started = versions.first().map_or(*saved, |v| v.1);
            let (created, updated, trashed, status) = match meta {
                Some((v, c, u, t, s)) if *v == current => {
                    let exported = s == DraftStatus::Exported.key();
                    (
                        *c,
                        *u,
                        *t,
                        if exported {
                            DraftStatus::Exported
                        } else {
                            p.status
                        },
                    )
                }
                Some((_, c, _, t, _)) => (*c, *saved, *t, p.status),
                None => (first_started, *saved, None, p.status),
            };
            conn.execute(
                "INSERT INTO drafts (id, form, status, errors, warnings, version, created_ms, \
                 updated_ms, trashed_ms, title, unit_name, system_name, host_count, host_names) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    id,
                    form.key(),
                    status.key(),
                    p.errors,
                    p.warnings,
                    current,
                    created,
                    updated,
                    trashed,
                    p.columns.title,
                    p.columns.unit_name,
                    p.columns.system_name,
                    p.columns.host_names.len() as i64,
                    p.columns.host_names.join("\n"),
                ],
            )
            .db(path)?;
            for (version, started, saved, doc) in &versions {
                conn.execute(
                    "INSERT INTO draft_versions (draft_id, version, started_ms, saved_ms, doc) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, version, started, saved, doc],
                )
                .db(path)?;
            }
            rebuilt.drafts += 1;
            rebuilt.versions += versions.len();
        }
        if let Some((profile, at)) = &salvage.profile {
            if serde_json::from_str::<Value>(profile).is_ok() {
                conn.execute(
                    "INSERT INTO unit_profile (id, profile, updated_ms) VALUES (1, ?1, ?2)",
                    params![profile, at],
                )
                .db(path)?;
            }
        }
        for e in &salvage.exports {
            // Rows failing the table's CHECKs were damaged; skip them.
            let _ = conn.execute(
                "INSERT INTO export_log (draft_id, draft_version, kind, path, sha256, bytes, \
                 exported_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![e.0, e.1, e.2, e.3, e.4, e.5, e.6],
            );
        }
        for p in &salvage.received {
            let _ = conn.execute(
                "INSERT OR IGNORE INTO received_packages (sha256, package_id, reviews, bytes, \
                 file_name, imported_ms, received, unit_name, system_name, forms, jurisdiction) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    p.sha256,
                    p.package_id,
                    p.reviews,
                    p.bytes,
                    p.file_name,
                    p.imported_ms,
                    p.received,
                    p.unit_name,
                    p.system_name,
                    p.forms,
                    p.jurisdiction
                ],
            );
        }
        for (table, columns, rows) in &salvage.plain {
            let marks = vec!["?"; columns.split(',').count()].join(", ");
            let sql = format!("INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})");
            for row in rows {
                // Rows failing the table's types were damaged; skip them.
                let _ = conn.execute(&sql, rusqlite::params_from_iter(row));
            }
        }
        Ok(())
    })?;
    let Store { conn, .. } = store;
    conn.close().map_err(|(_, e)| e).db(path)?;
    Ok(rebuilt)
}

/// A name for the damaged copy that does not exist yet.
fn damaged_name(path: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let mut candidate = sibling(path, &format!(".damaged-{stamp}"));
    let mut n = 2;
    while candidate.exists() || sibling(&candidate, "-wal").exists() {
        candidate = sibling(path, &format!(".damaged-{stamp}-{n}"));
        n += 1;
    }
    candidate
}

/// Repairs the damaged database at `path` (see the module docs); `detail` is
/// what opening it reported.
pub(crate) fn recover(path: &Path, detail: &str) -> Result<Notice> {
    let detail = one_line(detail);
    let copy = damaged_name(path);
    let wal = sibling(path, "-wal");
    let copied = copy_durably(path, &copy).and_then(|()| {
        if wal.exists() {
            copy_durably(&wal, &sibling(&copy, "-wal"))?;
        }
        Ok(())
    });
    if let Err(e) = copied {
        let _ = remove_if_exists(&copy);
        let _ = remove_if_exists(&sibling(&copy, "-wal"));
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: format!(
                "{detail}；且无法另存损坏文件的副本（{e}），为免丢失数据未作任何改动，请释放磁盘空间后重新打开"
            ),
        });
    }
    sync_dir(&copy);

    let mut salvaged = salvage(path);
    if salvaged.is_empty() {
        // Nothing readable: perhaps only the header (the first sector) was
        // overwritten. Try again on a copy with a fresh header.
        if let Some(s) = salvage_with_new_header(path) {
            salvaged = s;
        }
    }
    let read_errors = salvaged.read_errors;
    let building = sibling(path, ".recovering");
    for f in [
        building.clone(),
        sibling(&building, "-journal"),
        sibling(&building, "-wal"),
        sibling(&building, "-shm"),
    ] {
        remove_if_exists(&f).map_err(|e| StoreError::file(&f, e))?;
    }
    let rebuilt = match rebuild(&building, salvaged) {
        Ok(r) => r,
        Err(e) => {
            let _ = remove_if_exists(&building);
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!(
                    "{detail}；损坏的文件已另存为 {}，但新建草稿库失败：{e}",
                    copy.display()
                ),
            });
        }
    };
    let recovered = sibling(path, ".recovered");
    std::fs::rename(&building, &recovered).map_err(|e| StoreError::file(&recovered, e))?;
    sync_dir(&recovered);
    swap_in(path, &recovered)?;

    let lost = if read_errors > 0 || rebuilt.dropped_versions > 0 {
        "另有部分内容已无法读取，"
    } else {
        ""
    };
    Ok(Notice {
        kind: NoticeKind::Recovered,
        message: format!(
            "草稿库文件已损坏（{detail}）。损坏的文件已另存为 {}；已从中恢复 {} 份草稿（共 {} 个版本）到新的草稿库，{lost}请核对草稿内容。",
            copy.display(),
            rebuilt.drafts,
            rebuilt.versions
        ),
        damaged_copy: Some(copy),
        recovered_drafts: rebuilt.drafts,
        recovered_versions: rebuilt.versions,
    })
}
