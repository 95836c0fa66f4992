//! The draft store (issue #4): drafts of the four forms that are never lost.
//!
//! One SQLite file in the user's data folder ([`Store::default_path`]), in WAL
//! mode with `synchronous=FULL`, so that every save that returned `Ok` is on
//! disk before the clerk sees it saved, and a power cut or a killed process
//! leaves the file at the last committed save. The schema is migrated on open
//! ([`migrate`]); a file from a newer gcforms is refused untouched; a damaged
//! file is kept aside as a copy and what can still be read is carried into a
//! fresh database, with a [`Notice`] for the clerk ([`recover`]).
//!
//! A draft's ID is its document's `id`. Its text is stored exactly as given,
//! so import → export is byte for byte; the columns the list shows and
//! searches are extracted from it on every save. Every save keeps the
//! previous state as a version ([`HistoryPolicy`] says how versions are
//! coalesced and thinned).
//!
//! ```no_run
//! use gcforms::store::{ListQuery, Store};
//! let (store, notice) = Store::open_default()?;
//! if let Some(n) = notice { eprintln!("{n}"); }
//! let saved = store.save(r#"{"form":"security_pledge","schema_version":1,"id":"p-1"}"#)?;
//! assert_eq!(store.list(&ListQuery::default())?[0].id, saved.id);
//! # Ok::<(), gcforms::store::StoreError>(())
//! ```

mod checkpoint;
mod drafts;
mod error;
mod exports;
mod extract;
mod history;
pub mod migrate;
mod open;
mod profile;
mod received;
pub mod recover;
mod reviewing;

pub use error::{Notice, NoticeKind, StoreError};
pub use exports::{sha256_file, ExportEntry, ExportKind};
pub use history::{HistoryPolicy, VersionInfo};
pub use profile::{new_document, MaintainerProfile, UnitProfile};
pub(crate) use received::sha256_hex;
pub use received::{Received, ReceivedPackage};
pub use reviewing::{ReviewResult, TrustedCertificate, Verdict};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local, SecondsFormat};
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::document::FormKind;
use crate::policy::Policy;

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database file's name inside the data folder.
pub const DB_FILE_NAME: &str = "drafts.db";

/// How long a writer waits for another process (the CLI beside the app)
/// holding the database before giving up with [`StoreError::Busy`].
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A draft's status, a closed set.
///
/// - `draft` 草稿: the current version has validation errors;
/// - `ready` 可导出: no errors (warnings allowed);
/// - `exported` 已导出: an export was logged for the current version; the next
///   save that changes the text sets `draft` or `ready` again.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    /// Has validation errors.
    Draft,
    /// No validation errors.
    Ready,
    /// Exported since the last change.
    Exported,
}

impl DraftStatus {
    /// All statuses.
    pub const ALL: [DraftStatus; 3] = [
        DraftStatus::Draft,
        DraftStatus::Ready,
        DraftStatus::Exported,
    ];

    /// The value in JSON and in the database.
    pub fn key(self) -> &'static str {
        match self {
            DraftStatus::Draft => "draft",
            DraftStatus::Ready => "ready",
            DraftStatus::Exported => "exported",
        }
    }

    /// Parses a [`key`](Self::key).
    pub fn from_key(key: &str) -> Option<DraftStatus> {
        DraftStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The Chinese label the app shows.
    pub fn label(self) -> &'static str {
        match self {
            DraftStatus::Draft => "草稿",
            DraftStatus::Ready => "可导出",
            DraftStatus::Exported => "已导出",
        }
    }
}

/// One line of the draft list: what the list shows, without the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftSummary {
    /// The draft's ID, its document's `id`.
    pub id: String,
    /// Which form.
    pub form: FormKind,
    /// Status of the current version.
    pub status: DraftStatus,
    /// Validation errors of the current version.
    pub errors: u32,
    /// Validation warnings of the current version.
    pub warnings: u32,
    /// Current version number (grows with every kept version).
    pub version: i64,
    /// A title for the list, e.g. `附件1 资源申请表：不动产统一登记信息平台`.
    pub title: String,
    /// 单位名称.
    pub unit_name: String,
    /// 系统名称 (empty for a pledge).
    pub system_name: String,
    /// Number of host rows (change items for 附件3).
    pub host_count: u32,
    /// When the draft was created in the store (RFC 3339, local time).
    pub created_at: String,
    /// When it was last changed (RFC 3339, local time).
    pub updated_at: String,
    /// When it was moved to the trash, if it is there.
    pub trashed_at: Option<String>,
}

/// A draft with its current document text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Draft {
    /// The list columns.
    #[serde(flatten)]
    pub summary: DraftSummary,
    /// The document's JSON text exactly as last saved.
    pub document: String,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedDraft {
    /// The draft's ID.
    pub id: String,
    /// Which form.
    pub form: FormKind,
    /// The current version after the save.
    pub version: i64,
    /// Status after the save.
    pub status: DraftStatus,
    /// Validation errors of the saved text.
    pub errors: u32,
    /// Validation warnings of the saved text.
    pub warnings: u32,
    /// When the draft was last changed (RFC 3339).
    pub updated_at: String,
    /// False when the text equals the stored one and nothing was written.
    pub changed: bool,
    /// True when the draft did not exist before.
    pub created: bool,
    /// True when the save started a new version (else it was coalesced into
    /// the current one).
    pub new_version: bool,
    /// True when the draft is in the trash (saving does not take it out).
    pub trashed: bool,
}

/// Which drafts [`Store::list`] returns. The default: every draft not in the
/// trash, newest change first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ListQuery {
    /// Only this form.
    pub form: Option<FormKind>,
    /// Only this status.
    pub status: Option<DraftStatus>,
    /// Words that must each occur in the unit name, system name or a host
    /// name (case-insensitive for Latin letters).
    pub search: Option<String>,
    /// List the trash instead of the live drafts.
    pub trash: bool,
    /// At most this many.
    pub limit: Option<u32>,
    /// Skip this many first.
    pub offset: u32,
}

/// The clock, in unix milliseconds.
type Clock = Box<dyn Fn() -> i64 + Send + Sync>;

/// An open draft store. Not `Sync`: the desktop app keeps it behind a mutex;
/// several processes (the app and the CLI) may open the same file.
pub struct Store {
    // Dropped before `conn`: its thread's connection closes first.
    checkpointer: checkpoint::Checkpointer,
    conn: Connection,
    path: PathBuf,
    policy: Arc<Policy>,
    history: HistoryPolicy,
    clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path`. The folder must exist.
    ///
    /// Returns a [`Notice`] when the file was damaged and has been repaired.
    pub fn open(path: impl AsRef<Path>) -> Result<(Store, Option<Notice>)> {
        let path = path.as_ref().to_path_buf();
        let (conn, notice) = open::open(&path, true)?;
        Ok((Store::with_connection(conn, path), notice))
    }

    /// Opens the store at `path`, which must already exist
    /// ([`StoreError::NoSuchDatabase`] otherwise).
    pub fn open_existing(path: impl AsRef<Path>) -> Result<(Store, Option<Notice>)> {
        let path = path.as_ref().to_path_buf();
        let (conn, notice) = open::open(&path, false)?;
        Ok((Store::with_connection(conn, path), notice))
    }

    /// Opens the app's own store at [`Store::default_path`], creating the
    /// folder when needed. The CLI and the desktop app share it.
    pub fn open_default() -> Result<(Store, Option<Notice>)> {
        let path = Store::default_path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::ReadOnly {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        }
        Store::open(path)
    }

    /// `drafts.db` in the per-user local data folder
    /// ([`crate::data_dir::user_data_dir`]).
    pub fn default_path() -> Result<PathBuf> {
        crate::data_dir::user_data_dir()
            .map(|d| d.join(DB_FILE_NAME))
            .ok_or(StoreError::NoDataDir)
    }

    fn with_connection(conn: Connection, path: PathBuf) -> Store {
        Store {
            checkpointer: checkpoint::Checkpointer::new(&path),
            conn,
            path,
            policy: Arc::clone(Policy::shared_default()),
            history: HistoryPolicy::default(),
            clock: Box::new(|| chrono::Utc::now().timestamp_millis()),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Uses another policy to compute drafts' statuses from now on; the
    /// caller's instance is shared, not copied.
    pub fn set_policy(&mut self, policy: Arc<Policy>) {
        self.policy = policy;
    }

    /// Changes how versions are coalesced and thinned.
    pub fn set_history_policy(&mut self, history: HistoryPolicy) {
        self.history = history;
    }

    /// The history policy in force.
    pub fn history_policy(&self) -> &HistoryPolicy {
        &self.history
    }

    /// Replaces the clock (unix milliseconds), for tests and tools that
    /// replay a history.
    pub fn set_clock(&mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) {
        self.clock = Box::new(clock);
    }

    /// The underlying connection, for diagnostics (`PRAGMA integrity_check`).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`), so
    /// two processes never deadlock upgrading a read lock. Rolled back on error.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE").db(&self.path)?;
        let result = f(&self.conn).and_then(|v| {
            self.conn.execute_batch("COMMIT").db(&self.path)?;
            self.checkpointer.committed();
            Ok(v)
        });
        if result.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }
}

/// Maps SQLite errors with the database's path.
trait Db<T> {
    fn db(self, path: &Path) -> Result<T>;
}

impl<T> Db<T> for rusqlite::Result<T> {
    fn db(self, path: &Path) -> Result<T> {
        self.map_err(|e| StoreError::from_sqlite(path, e))
    }
}

/// Unix milliseconds as RFC 3339 in local time.
fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&Local)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}
