//! 恢复: merging a checked backup into a data folder, never overwriting newer
//! work. [`plan`] says what would be added and what is skipped and why;
//! [`restore`] computes the same plan inside one write transaction of the
//! store and applies it there, then writes the folder's files.
//!
//! - Drafts match by id. A draft only in the backup is added with all its
//!   versions. For a draft on both sides, each backup version whose text no
//!   local version has is added after the local ones; the backup's current
//!   text becomes current only when the backup's draft was changed later
//!   than the local one, and the local current text stays in the history
//!   either way. The current version stays the highest-numbered (a save
//!   counts on it): the version that is current after the merge is moved to
//!   the top, with the export log's rows that name it.
//! - Export log rows match on everything but their version number; received
//!   packages by SHA-256; trusted certificates by fingerprint; review results
//!   by (document, package SHA-256); 常用信息 is taken only when the local one
//!   is empty.
//! - Calendar years and key files are written only where the folder has
//!   none; a differing local file is kept and reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{BackupError, BackupInfo, DataFolder, OpenedBackup};
use crate::sign::unit_key_file::{CERT_FILE_NAME, KEY_FILE_NAME};
use crate::store::{sha256_hex, Store, StoreError, UnitProfile};

/// How many rows of a kind are added and how many are there already.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Tally {
    /// Rows the restore adds.
    pub added: u32,
    /// Rows skipped: already present.
    pub present: u32,
}

impl Tally {
    fn describe(&self, what: &str) -> String {
        format!("{what}：新增 {} 个，已存在 {} 个", self.added, self.present)
    }
}

/// What happens to one draft of the backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DraftAction {
    /// Not here: added with all its versions.
    Added,
    /// The backup's is newer: its text becomes current (the local one stays
    /// in the history).
    BackupNewer,
    /// The local one is newer (or as new): it stays current; versions it
    /// lacks are added to its history.
    LocalNewer,
    /// Every version is here already.
    Unchanged,
}

impl DraftAction {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            DraftAction::Added => "新增",
            DraftAction::BackupNewer => "备份中的较新，设为当前版本（本机内容保留在历史版本中）",
            DraftAction::LocalNewer => "本机的较新，保留本机内容",
            DraftAction::Unchanged => "已存在，无需恢复",
        }
    }
}

/// One draft of the backup and what the restore does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftPlan {
    /// The draft's id.
    pub id: String,
    /// Its title in the list.
    pub title: String,
    /// What happens.
    pub action: DraftAction,
    /// Versions added to it.
    pub versions_added: u32,
}

/// What happens to 常用信息.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProfileAction {
    /// The local one is empty: the backup's is taken.
    Added,
    /// The local one is filled in: kept.
    KeptLocal,
    /// The backup has none.
    NotInBackup,
}

/// What happens to one file of the data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FileAction {
    /// Not here: written.
    Added,
    /// The same bytes are here.
    Present,
    /// A different file is here: kept, the backup's is not written.
    KeptLocal,
}

/// One file of the backup and what the restore does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilePlan {
    /// Relative path in the data folder.
    pub path: String,
    /// What happens.
    pub action: FileAction,
}

impl FilePlan {
    fn describe(&self) -> String {
        let what = if self.path == KEY_FILE_NAME {
            "单位证书密钥文件".to_string()
        } else if self.path == CERT_FILE_NAME {
            "单位证书".to_string()
        } else {
            let year = self
                .path
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .trim_end_matches(".json");
            format!("{year} 年放假安排")
        };
        let action = match self.action {
            FileAction::Added => "将恢复",
            FileAction::Present => "已存在（内容相同）",
            FileAction::KeptLocal => "本机已有不同的文件，保留本机的，未替换",
        };
        format!("{what}（{}）：{action}", self.path)
    }
}

/// What a restore adds and what it skips, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestorePlan {
    /// The backup file.
    pub source: String,
    /// What the backup says of itself.
    pub backup: BackupInfo,
    /// Each draft of the backup.
    pub drafts: Vec<DraftPlan>,
    /// Versions of drafts (current and history).
    pub versions: Tally,
    /// Export log rows.
    pub exports: Tally,
    /// Received packages.
    pub packages: Tally,
    /// Trusted certificates.
    pub certificates: Tally,
    /// Review results.
    pub review_results: Tally,
    /// 常用信息.
    pub profile: ProfileAction,
    /// Calendar years and key files.
    pub files: Vec<FilePlan>,
}

impl RestorePlan {
    /// Drafts with the given action.
    pub fn count(&self, action: DraftAction) -> usize {
        self.drafts.iter().filter(|d| d.action == action).count()
    }

    /// True when the restore would change nothing.
    pub fn is_empty(&self) -> bool {
        self.drafts
            .iter()
            .all(|d| d.versions_added == 0 && d.action != DraftAction::BackupNewer)
            && [
                self.exports,
                self.packages,
                self.certificates,
                self.review_results,
            ]
            .iter()
            .all(|t| t.added == 0)
            && self.profile != ProfileAction::Added
            && self.files.iter().all(|f| f.action != FileAction::Added)
    }

    /// The plan in Chinese, one line each, as the CLI prints it and the app
    /// shows it.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "备份文件：{}（{} 由 gcforms {} 创建）",
                self.source, self.backup.created_at, self.backup.app_version
            ),
            format!(
                "草稿：新增 {} 份；备份中较新、设为当前版本 {} 份；本机较新、保留本机内容 {} 份；已存在 {} 份",
                self.count(DraftAction::Added),
                self.count(DraftAction::BackupNewer),
                self.count(DraftAction::LocalNewer),
                self.count(DraftAction::Unchanged)
            ),
            self.versions.describe("历史版本"),
            self.exports.describe("导出记录"),
            self.packages.describe("收到的提交包"),
            self.certificates.describe("信任的单位证书"),
            self.review_results.describe("审核结果"),
            format!(
                "常用信息：{}",
                match self.profile {
                    ProfileAction::Added => "本机为空，将恢复",
                    ProfileAction::KeptLocal => "本机已填写，保留本机的",
                    ProfileAction::NotInBackup => "备份中没有",
                }
            ),
        ];
        lines.extend(self.files.iter().map(FilePlan::describe));
        lines.extend(
            self.drafts
                .iter()
                .filter(|d| d.action != DraftAction::Unchanged)
                .map(|d| {
                    format!(
                        "  {}（{}）：{}，新增版本 {} 个",
                        crate::escape::printable(&d.title),
                        crate::escape::printable(&d.id),
                        d.action.label(),
                        d.versions_added
                    )
                }),
        );
        if self.is_empty() {
            lines.push("备份中的内容本机都已有，恢复不会改动任何内容".into());
        }
        lines
    }
}

/// What a restore of `backup` into `folder` (whose store is `store`) would do.
pub fn plan(
    store: &Store,
    folder: &DataFolder,
    backup: &OpenedBackup,
) -> Result<RestorePlan, BackupError> {
    with_attached(store, backup, |conn| Ok(compute(conn, folder, backup)?.0))
}

/// Restores `backup` into `folder`: the database part in one transaction,
/// then the files (each by temporary file and rename). Returns what was done.
pub fn restore(
    store: &Store,
    folder: &DataFolder,
    backup: &OpenedBackup,
) -> Result<RestorePlan, BackupError> {
    let (plan, writes) = with_attached(store, backup, |_| {
        let mut outcome = None;
        store.write(|conn| {
            let (plan, work) = compute(conn, folder, backup).map_err(store_error)?;
            apply(conn, &work).map_err(|e| StoreError::from_sqlite(store.path(), e))?;
            outcome = Some((plan, work.files));
            Ok(())
        })?;
        Ok(outcome.unwrap_or_else(|| unreachable!("set by the committed transaction")))
    })?;
    for (relative, bytes) in writes {
        write_file(&folder.dir().join(relative), &bytes)?;
    }
    Ok(plan)
}

fn store_error(e: BackupError) -> StoreError {
    match e {
        BackupError::Store(e) => e,
        other => StoreError::Database(other.to_string()),
    }
}

/// Runs `f` with the backup's copy attached to the store's connection as
/// `bk` (ATTACH cannot happen inside a transaction, so it wraps it).
fn with_attached<T>(
    store: &Store,
    backup: &OpenedBackup,
    f: impl FnOnce(&Connection) -> Result<T, BackupError>,
) -> Result<T, BackupError> {
    let conn = store.connection();
    let sql = |e| BackupError::Store(StoreError::from_sqlite(store.path(), e));
    conn.execute(
        "ATTACH DATABASE ?1 AS bk",
        [backup.copy_path().to_string_lossy()],
    )
    .map_err(sql)?;
    let result = f(conn);
    conn.execute_batch("DETACH DATABASE bk").map_err(sql)?;
    result
}

/// One draft version of the backup.
struct BackupVersion {
    version: i64,
    started_ms: i64,
    saved_ms: i64,
    doc: String,
}

/// The changes to one draft that exists on both sides.
struct DraftMerge {
    id: String,
    /// Backup versions to append, in order, the last one current when
    /// `current_from_backup`.
    append: Vec<BackupVersion>,
    /// The local version to move to the top as current (None: the last
    /// appended one is current, or nothing moves).
    raise: Option<i64>,
    /// Take the backup's list columns and status.
    current_from_backup: bool,
}

/// Everything [`apply`] writes.
struct Work {
    new_drafts: Vec<String>,
    merges: Vec<DraftMerge>,
    take_profile: bool,
    files: Vec<(String, Vec<u8>)>,
}

fn compute(
    conn: &Connection,
    folder: &DataFolder,
    backup: &OpenedBackup,
) -> Result<(RestorePlan, Work), BackupError> {
    let sql = |e: rusqlite::Error| BackupError::Store(StoreError::Database(e.to_string()));
    let mut drafts = Vec::new();
    let mut work = Work {
        new_drafts: Vec::new(),
        merges: Vec::new(),
        take_profile: false,
        files: Vec::new(),
    };
    let mut versions = Tally::default();
    let backup_drafts: Vec<(String, String, i64, i64)> = conn
        .prepare("SELECT id, title, version, updated_ms FROM bk.drafts ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect()
        })
        .map_err(sql)?;
    for (id, title, bk_current, bk_updated) in backup_drafts {
        let bk_versions = versions_of(conn, "bk", &id).map_err(sql)?;
        let local: Option<(i64, i64)> = conn
            .query_row(
                "SELECT version, updated_ms FROM main.drafts WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql)?;
        let Some((local_current, local_updated)) = local else {
            versions.added += bk_versions.len() as u32;
            drafts.push(DraftPlan {
                id: id.clone(),
                title,
                action: DraftAction::Added,
                versions_added: bk_versions.len() as u32,
            });
            work.new_drafts.push(id);
            continue;
        };
        let local_versions = versions_of(conn, "main", &id).map_err(sql)?;
        // Text hash → the highest local version holding it.
        let local_by_hash: HashMap<String, i64> = local_versions
            .iter()
            .map(|v| (sha256_hex(v.doc.as_bytes()), v.version))
            .collect();
        let bk_current_hash = bk_versions
            .iter()
            .find(|v| v.version == bk_current)
            .map(|v| sha256_hex(v.doc.as_bytes()));
        let local_current_hash = local_versions
            .iter()
            .find(|v| v.version == local_current)
            .map(|v| sha256_hex(v.doc.as_bytes()));
        let backup_newer = bk_updated > local_updated && bk_current_hash != local_current_hash;
        let (mut append, mut current_last) = (Vec::new(), None);
        for v in bk_versions {
            let hash = sha256_hex(v.doc.as_bytes());
            if local_by_hash.contains_key(&hash) {
                versions.present += 1;
            } else if backup_newer && v.version == bk_current {
                current_last = Some(v);
            } else {
                append.push(v);
            }
        }
        let added = append.len() as u32 + u32::from(current_last.is_some());
        versions.added += added;
        let raise = if backup_newer {
            // The backup's current text is here already as a history
            // version: that version becomes current.
            match (&current_last, bk_current_hash.as_ref()) {
                (None, Some(hash)) => local_by_hash.get(hash).copied(),
                _ => None,
            }
        } else if added > 0 {
            Some(local_current)
        } else {
            None
        };
        append.extend(current_last);
        let action = if backup_newer {
            DraftAction::BackupNewer
        } else if added > 0 {
            DraftAction::LocalNewer
        } else {
            DraftAction::Unchanged
        };
        drafts.push(DraftPlan {
            id: id.clone(),
            title,
            action,
            versions_added: added,
        });
        if action != DraftAction::Unchanged {
            work.merges.push(DraftMerge {
                id,
                append,
                raise,
                current_from_backup: backup_newer,
            });
        }
    }
    let tally = |key: &str, table: &str| -> Result<Tally, BackupError> {
        let (total, added): (u32, u32) = conn
            .query_row(
                &format!(
                    "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS \
                     (SELECT 1 FROM main.{table} m WHERE {key})) FROM bk.{table} b"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(sql)?;
        Ok(Tally {
            added,
            present: total - added,
        })
    };
    let exports = tally(EXPORT_MATCH, "export_log")?;
    let packages = tally("m.sha256 = b.sha256", "received_packages")?;
    let certificates = tally("m.fingerprint = b.fingerprint", "trusted_certificates")?;
    let review_results = tally(
        "m.document_id = b.document_id AND m.sha256 = b.sha256",
        "review_results",
    )?;
    let profile_text = |schema: &str| -> Result<Option<String>, BackupError> {
        conn.query_row(
            &format!("SELECT profile FROM {schema}.unit_profile WHERE id = 1"),
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)
    };
    let is_empty = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| serde_json::from_str::<UnitProfile>(t).ok())
            .is_none_or(|p| p == UnitProfile::default())
    };
    let backup_profile = profile_text("bk")?;
    let profile = if is_empty(&backup_profile) {
        ProfileAction::NotInBackup
    } else if is_empty(&profile_text("main")?) {
        work.take_profile = true;
        ProfileAction::Added
    } else {
        ProfileAction::KeptLocal
    };
    let mut files = Vec::new();
    let backup_files: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT path, bytes FROM bk.backup_files ORDER BY path")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(sql)?;
    for (relative, bytes) in backup_files {
        let local = folder.dir().join(&relative);
        let action = match std::fs::read(&local) {
            Ok(here) if here == bytes => FileAction::Present,
            Ok(_) => FileAction::KeptLocal,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileAction::Added,
            Err(e) => return Err(BackupError::io(&local, e)),
        };
        if action == FileAction::Added {
            work.files.push((relative.clone(), bytes));
        }
        files.push(FilePlan {
            path: relative,
            action,
        });
    }
    let plan = RestorePlan {
        source: backup.source().display().to_string(),
        backup: backup.info().clone(),
        drafts,
        versions,
        exports,
        packages,
        certificates,
        review_results,
        profile,
        files,
    };
    Ok((plan, work))
}

/// Two export log rows are the same export when all but their version
/// number and row id agree (the number may differ after a merge).
const EXPORT_MATCH: &str = "m.draft_id = b.draft_id AND m.kind = b.kind AND m.path = b.path \
     AND m.sha256 = b.sha256 AND m.bytes = b.bytes AND m.exported_ms = b.exported_ms";

fn versions_of(conn: &Connection, schema: &str, id: &str) -> rusqlite::Result<Vec<BackupVersion>> {
    conn.prepare(&format!(
        "SELECT version, started_ms, saved_ms, doc FROM {schema}.draft_versions \
         WHERE draft_id = ?1 ORDER BY version"
    ))?
    .query_map([id], |r| {
        Ok(BackupVersion {
            version: r.get(0)?,
            started_ms: r.get(1)?,
            saved_ms: r.get(2)?,
            doc: r.get(3)?,
        })
    })?
    .collect()
}

/// Writes the plan's database part; runs inside the store's transaction.
fn apply(conn: &Connection, work: &Work) -> rusqlite::Result<()> {
    for id in &work.new_drafts {
        conn.execute(
            "INSERT INTO main.drafts SELECT * FROM bk.drafts WHERE id = ?1",
            [id],
        )?;
        conn.execute(
            "INSERT INTO main.draft_versions SELECT * FROM bk.draft_versions WHERE draft_id = ?1",
            [id],
        )?;
    }
    for merge in &work.merges {
        merge_draft(conn, merge)?;
    }
    // Export rows name a version of the backup; give them the local number
    // of the version with the same text (the same number for a draft that
    // is in neither store any more).
    conn.execute(
        &format!(
            "INSERT INTO main.export_log (draft_id, draft_version, kind, path, sha256, bytes, \
             exported_ms) \
             SELECT b.draft_id, coalesce((SELECT max(m.version) FROM main.draft_versions m \
               JOIN bk.draft_versions v ON v.draft_id = b.draft_id AND v.version = b.draft_version \
               WHERE m.draft_id = b.draft_id AND m.doc = v.doc), b.draft_version), \
             b.kind, b.path, b.sha256, b.bytes, b.exported_ms FROM bk.export_log b \
             WHERE NOT EXISTS (SELECT 1 FROM main.export_log m WHERE {EXPORT_MATCH}) \
             ORDER BY b.id"
        ),
        [],
    )?;
    conn.execute_batch(
        "INSERT INTO main.received_packages SELECT * FROM bk.received_packages b \
           WHERE NOT EXISTS (SELECT 1 FROM main.received_packages m WHERE m.sha256 = b.sha256);
         INSERT INTO main.trusted_certificates SELECT * FROM bk.trusted_certificates b \
           WHERE NOT EXISTS (SELECT 1 FROM main.trusted_certificates m \
                             WHERE m.fingerprint = b.fingerprint);
         INSERT INTO main.review_results SELECT * FROM bk.review_results b \
           WHERE NOT EXISTS (SELECT 1 FROM main.review_results m \
                             WHERE m.document_id = b.document_id AND m.sha256 = b.sha256);",
    )?;
    if work.take_profile {
        conn.execute_batch(
            "INSERT OR REPLACE INTO main.unit_profile SELECT * FROM bk.unit_profile",
        )?;
    }
    Ok(())
}

/// Appends a draft's missing versions after its local ones and moves the
/// version that is current afterwards to the top.
fn merge_draft(conn: &Connection, merge: &DraftMerge) -> rusqlite::Result<()> {
    let id = &merge.id;
    let mut next: i64 = conn.query_row(
        "SELECT max(version) + 1 FROM main.draft_versions WHERE draft_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let mut current = None;
    for v in &merge.append {
        conn.execute(
            "INSERT INTO main.draft_versions (draft_id, version, started_ms, saved_ms, doc) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, next, v.started_ms, v.saved_ms, v.doc],
        )?;
        current = Some(next);
        next += 1;
    }
    if let Some(old) = merge.raise {
        conn.execute(
            "UPDATE main.draft_versions SET version = ?3 WHERE draft_id = ?1 AND version = ?2",
            params![id, old, next],
        )?;
        conn.execute(
            "UPDATE main.export_log SET draft_version = ?3 WHERE draft_id = ?1 AND draft_version = ?2",
            params![id, old, next],
        )?;
        current = Some(next);
    }
    let Some(current) = current else {
        return Ok(());
    };
    if merge.current_from_backup {
        conn.execute(
            "UPDATE main.drafts SET (form, status, errors, warnings, updated_ms, title, unit_name, \
             system_name, host_count, host_names) = (SELECT form, status, errors, warnings, \
             updated_ms, title, unit_name, system_name, host_count, host_names FROM bk.drafts \
             WHERE id = ?1), created_ms = min(created_ms, (SELECT created_ms FROM bk.drafts \
             WHERE id = ?1)) WHERE id = ?1",
            [id],
        )?;
    }
    conn.execute(
        "UPDATE main.drafts SET version = ?2 WHERE id = ?1",
        params![id, current],
    )?;
    Ok(())
}

/// Writes one restored file by temporary file, sync and rename.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let io = |e| BackupError::io(path, e);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let temp: PathBuf = super::temp_beside(path);
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(io)
}
