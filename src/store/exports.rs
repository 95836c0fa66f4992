//! The export log: what was rendered or packed from which draft version, when,
//! where to, and the output file's SHA-256.

use std::io::Read;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{rfc3339, Db, DraftStatus, Result, Store, StoreError};

/// What kind of file an export made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// A rendered (possibly signed) PDF.
    Pdf,
    /// A signed submission package (`*.gcpkg.json`).
    Package,
    /// The document's JSON.
    Json,
}

impl ExportKind {
    /// The value in JSON and in the database.
    pub fn key(self) -> &'static str {
        match self {
            ExportKind::Pdf => "pdf",
            ExportKind::Package => "package",
            ExportKind::Json => "json",
        }
    }

    fn from_key(key: &str) -> ExportKind {
        match key {
            "pdf" => ExportKind::Pdf,
            "package" => ExportKind::Package,
            _ => ExportKind::Json,
        }
    }
}

/// One logged export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ExportEntry {
    /// Log row number.
    pub id: i64,
    /// The draft exported.
    pub draft_id: String,
    /// Its version at the time.
    pub draft_version: i64,
    /// What was made.
    pub kind: ExportKind,
    /// Where the file was written.
    pub path: String,
    /// The file's SHA-256, lower-case hex.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
    /// When (RFC 3339).
    pub exported_at: String,
}

/// SHA-256 (lower-case hex) and size of a file, read in chunks.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, total))
}

impl Store {
    /// Records that `output` was made from the draft's current version, and
    /// marks the draft `exported` (the next change resets that, and keeps the
    /// exported state as a version of its own). The file is hashed here, so
    /// call this after the file is written.
    pub fn log_export(&self, id: &str, kind: ExportKind, output: &Path) -> Result<ExportEntry> {
        let (sha256, bytes) = sha256_file(output).map_err(|e| StoreError::file(output, e))?;
        let path = std::path::absolute(output)
            .unwrap_or_else(|_| output.to_path_buf())
            .display()
            .to_string();
        let now = self.now();
        self.write(|conn| {
            let version: i64 = conn
                .prepare_cached("SELECT version FROM drafts WHERE id = ?1")
                .db(&self.path)?
                .query_row([id], |r| r.get(0))
                .optional()
                .db(&self.path)?
                .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
            conn.prepare_cached(
                "INSERT INTO export_log (draft_id, draft_version, kind, path, sha256, bytes, \
                 exported_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .db(&self.path)?
            .execute(params![id, version, kind.key(), path, sha256, bytes, now])
            .db(&self.path)?;
            let row = conn.last_insert_rowid();
            conn.prepare_cached("UPDATE drafts SET status = ?2 WHERE id = ?1")
                .db(&self.path)?
                .execute(params![id, DraftStatus::Exported.key()])
                .db(&self.path)?;
            Ok(ExportEntry {
                id: row,
                draft_id: id.to_string(),
                draft_version: version,
                kind,
                path: path.clone(),
                sha256: sha256.clone(),
                bytes,
                exported_at: rfc3339(now),
            })
        })
    }

    /// The exports of one draft (or of all when `id` is `None`), newest first.
    /// Entries stay after their draft is purged: the files still exist.
    pub fn exports(&self, id: Option<&str>) -> Result<Vec<ExportEntry>> {
        self.conn
            .prepare_cached(
                "SELECT id, draft_id, draft_version, kind, path, sha256, bytes, exported_ms \
                 FROM export_log WHERE ?1 IS NULL OR draft_id = ?1 \
                 ORDER BY exported_ms DESC, id DESC",
            )
            .db(&self.path)?
            .query_map([id], |r| {
                Ok(ExportEntry {
                    id: r.get(0)?,
                    draft_id: r.get(1)?,
                    draft_version: r.get(2)?,
                    kind: ExportKind::from_key(&r.get::<_, String>(3)?),
                    path: r.get(4)?,
                    sha256: r.get(5)?,
                    bytes: r.get(6)?,
                    exported_at: rfc3339(r.get(7)?),
                })
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }
}
