//! The store's errors and notices, each one line of Chinese for the clerk,
//! with a stable [`StoreError::code`] for the desktop app's error shape.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::escape::printable;
use crate::input::InputError;

/// Shortens an SQLite message to one printable line.
pub(crate) fn one_line(s: &str) -> String {
    printable(&s.replace(['\n', '\r'], "；"))
}

/// Why a store operation failed. Nothing already saved is lost by any of them:
/// a failed write is rolled back as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The document text is not a readable gcforms document.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The document has no `id`, so it cannot be a draft.
    #[error("文档缺少编号 id，无法保存为草稿（document has no \"id\"）")]
    MissingId,
    /// The `id` is not usable as a draft ID.
    #[error("文档编号 id 无效：{0}（invalid \"id\"）")]
    InvalidId(String),
    /// No draft has this ID.
    #[error("找不到编号为“{}”的草稿（no such draft）", printable(.0))]
    NotFound(String),
    /// The draft has no such version (never saved, or pruned).
    #[error("草稿“{}”没有第 {version} 版（no such version）", printable(.id))]
    VersionNotFound {
        /// The draft.
        id: String,
        /// The version asked for.
        version: i64,
    },
    /// Only a draft in the trash can be purged.
    #[error("草稿“{}”不在回收站中，请先删除到回收站再彻底删除（not in the trash）", printable(.0))]
    NotInTrash(String),
    /// No per-user data folder could be determined.
    #[error("无法确定用户数据文件夹，请用 --db 指定草稿库文件（no user data folder）")]
    NoDataDir,
    /// The database was written by a newer gcforms.
    #[error(
        "草稿库 {path} 由更新版本的 gcforms 创建（结构版本 {found}，本程序只支持到 {supported}），为免损坏未作任何改动，请升级本程序后再打开（database from a newer version）",
        path = .path.display()
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// The file is not a gcforms draft store (another program's database, a
    /// text file given by mistake). Left untouched.
    #[error("{path} 不是 gcforms 草稿库文件，未作任何改动（not a gcforms draft store）", path = .path.display())]
    NotAStore {
        /// The file.
        path: PathBuf,
    },
    /// The database file does not exist (only where creating it is not wanted).
    #[error("找不到草稿库文件 {path}（no such database）", path = .path.display())]
    NoSuchDatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file or its folder cannot be written.
    #[error("无法写入草稿库 {path}：文件或所在文件夹只读、无权限或路径不是文件夹（{detail}）；已保存的内容未受影响", path = .path.display())]
    ReadOnly {
        /// The database file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// The disk (or the database's size limit) is full.
    #[error("磁盘空间已满，本次修改未能保存，之前保存的内容完好；请清理磁盘后重试（disk full）")]
    DiskFull,
    /// Another program holds the database longer than the busy timeout.
    #[error("草稿库正被另一个程序占用，请稍后重试（database busy）")]
    Busy,
    /// The file is damaged and could not be repaired now (it is repaired on
    /// the next open when possible).
    #[error("草稿库 {path} 已损坏：{detail}（database damaged）", path = .path.display())]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What happened and what to do.
        detail: String,
    },
    /// A file outside the database (an export to hash, a copy) failed.
    #[error("无法读写文件 {path}：{detail}（I/O error）", path = .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// Received bytes that are not a submission package.
    #[error("不是提交包：{0}（not a gcforms package）")]
    NotAPackage(String),
    /// No received package has this SHA-256 or package id.
    #[error("找不到收到的提交包“{}”（no such received package）", printable(.0))]
    PackageNotFound(String),
    /// Any other database failure.
    #[error("草稿库操作失败：{0}（database error）")]
    Database(String),
}

impl StoreError {
    /// A stable code for the desktop app's `{code, message}` error shape.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Input(_) => "unreadable",
            StoreError::MissingId => "missing_id",
            StoreError::InvalidId(_) => "invalid_id",
            StoreError::NotFound(_) => "not_found",
            StoreError::VersionNotFound { .. } => "version_not_found",
            StoreError::NotInTrash(_) => "not_in_trash",
            StoreError::NoDataDir => "no_data_dir",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::NotAStore { .. } => "not_a_store",
            StoreError::NoSuchDatabase { .. } => "no_such_database",
            StoreError::ReadOnly { .. } => "read_only",
            StoreError::DiskFull => "disk_full",
            StoreError::Busy => "busy",
            StoreError::Damaged { .. } => "damaged",
            StoreError::File { .. } => "file",
            StoreError::NotAPackage(_) => "not_a_package",
            StoreError::PackageNotFound(_) => "not_found",
            StoreError::Database(_) => "database",
        }
    }

    /// True for errors about the request (an unknown ID, a document without
    /// an `id`), as opposed to unreadable input or an unusable database. The
    /// CLI maps the former to exit 1, the latter to exit 2.
    pub fn is_request_error(&self) -> bool {
        matches!(
            self,
            StoreError::MissingId
                | StoreError::InvalidId(_)
                | StoreError::NotFound(_)
                | StoreError::VersionNotFound { .. }
                | StoreError::NotInTrash(_)
        )
    }

    /// Classifies an SQLite error met while using the database at `path`.
    pub(crate) fn from_sqlite(path: &Path, e: rusqlite::Error) -> StoreError {
        let detail = e.to_string();
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::ReadOnly {
                    path: path.to_path_buf(),
                    detail,
                }
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!("{detail}；请关闭后重新打开，程序会保存损坏文件的副本并自动修复"),
            },
            _ => StoreError::Database(detail),
        }
    }

    pub(crate) fn file(path: &Path, e: impl std::fmt::Display) -> StoreError {
        StoreError::File {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    }
}

/// Something the app should tell the clerk after opening the store, though
/// the store is usable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// One line of Chinese for the clerk.
    pub message: String,
    /// Where the damaged file was kept.
    pub damaged_copy: Option<PathBuf>,
    /// Drafts carried over into the new database.
    pub recovered_drafts: usize,
    /// Versions (current and history) carried over.
    pub recovered_versions: usize,
}

/// The kinds of [`Notice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The file was damaged: a copy was kept and what could be read was
    /// carried into a fresh database.
    Recovered,
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
