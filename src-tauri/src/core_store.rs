//! The app's drafts in the core's SQLite store ([`gcforms::store::Store`]),
//! the same database the `gcforms drafts` command uses.
//!
//! The store's types and the IPC mirrors in [`crate::ipc`] carry the same
//! fields; the mirrors exist for the TypeScript derive. They are converted
//! through serde, field by field by name, so neither side spells the other's
//! fields out.

use std::path::Path;
use std::sync::Mutex;

use gcforms::document::FormKind;
use gcforms::store::{self, Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::drafts::DraftStore;
use crate::ipc::{
    DraftSummary, ErrorCode, IpcError, IpcResult, ListQuery, OpenedDraft, SavedDraft, UnitProfile,
    VersionInfo,
};

/// The SQLite store behind a mutex: `Store` is `Send` but not `Sync`.
pub struct CoreStore {
    store: Mutex<Store>,
    location: String,
}

impl CoreStore {
    /// Opens (or creates) the store at `path`. A repair notice, if any, is
    /// returned for the clerk.
    pub fn open(path: &Path) -> IpcResult<(CoreStore, Option<String>)> {
        Store::open(path).map(CoreStore::wrap).map_err(storage)
    }

    /// Opens the store in the user's data folder (created on first run),
    /// shared with the CLI.
    pub fn open_default() -> IpcResult<(CoreStore, Option<String>)> {
        Store::open_default().map(CoreStore::wrap).map_err(storage)
    }

    fn wrap((store, notice): (Store, Option<store::Notice>)) -> (CoreStore, Option<String>) {
        let location = store.path().display().to_string();
        let core = CoreStore {
            store: Mutex::new(store),
            location,
        };
        (core, notice.map(|n| n.to_string()))
    }

    fn with<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> IpcResult<T> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&store).map_err(storage)
    }

    fn opened(&self, id: &str) -> IpcResult<OpenedDraft> {
        let draft = self.with(|s| s.get(id))?;
        let document: Value = serde_json::from_str(&draft.document)
            .map_err(|e| IpcError::new(ErrorCode::Storage, format!("草稿内容无法读取：{e}")))?;
        Ok(OpenedDraft {
            summary: mirror(&draft.summary)?,
            document,
        })
    }
}

/// Converts between a store type and its IPC mirror of the same fields.
fn mirror<A: Serialize, B: DeserializeOwned>(a: &A) -> IpcResult<B> {
    serde_json::to_value(a)
        .and_then(serde_json::from_value)
        .map_err(|e| IpcError::new(ErrorCode::Storage, format!("草稿库数据转换失败：{e}")))
}

fn storage(e: StoreError) -> IpcError {
    let code = match &e {
        StoreError::NotFound(_)
        | StoreError::NotInTrash(_)
        | StoreError::VersionNotFound { .. } => ErrorCode::NotFound,
        StoreError::InvalidId(_) | StoreError::MissingId => ErrorCode::InvalidId,
        StoreError::Input(_) => ErrorCode::InvalidDocument,
        _ => ErrorCode::Storage,
    };
    IpcError::new(code, e.to_string())
}

impl DraftStore for CoreStore {
    fn create(&self, form: FormKind) -> IpcResult<OpenedDraft> {
        let draft = self.with(|s| s.create(form))?;
        self.opened(&draft.summary.id)
    }

    fn save(&self, document: &Value) -> IpcResult<SavedDraft> {
        let saved = self.with(|s| s.save_value(document))?;
        mirror(&saved)
    }

    fn get(&self, id: &str) -> IpcResult<OpenedDraft> {
        self.opened(id)
    }

    fn list(&self, query: &ListQuery) -> IpcResult<Vec<DraftSummary>> {
        let query: store::ListQuery = mirror(query)?;
        let found = self.with(|s| s.list(&query))?;
        found.iter().map(mirror).collect()
    }

    fn duplicate(&self, id: &str) -> IpcResult<OpenedDraft> {
        let saved = self.with(|s| s.duplicate(id))?;
        self.opened(&saved.id)
    }

    fn trash(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.trash(id))
    }

    fn restore(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.restore(id))
    }

    fn purge(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.purge(id))
    }

    fn history(&self, id: &str) -> IpcResult<Vec<VersionInfo>> {
        let versions = self.with(|s| s.history(id))?;
        versions.iter().map(mirror).collect()
    }

    fn restore_version(&self, id: &str, version: i64) -> IpcResult<OpenedDraft> {
        self.with(|s| s.restore_version(id, version))?;
        self.opened(id)
    }

    fn profile(&self) -> IpcResult<UnitProfile> {
        let profile = self.with(|s| s.profile())?;
        mirror(&profile)
    }

    fn set_profile(&self, profile: &UnitProfile) -> IpcResult<()> {
        let profile: store::UnitProfile = mirror(profile)?;
        self.with(|s| s.set_profile(&profile))
    }

    fn has_history(&self) -> bool {
        true
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn log_pdf_export(&self, id: &str, path: &Path) -> IpcResult<()> {
        self.with(|s| s.log_export(id, store::ExportKind::Pdf, path))
            .map(drop)
    }

    fn log_package_export(&self, id: &str, path: &Path) -> IpcResult<()> {
        self.with(|s| s.log_export(id, store::ExportKind::Package, path))
            .map(drop)
    }
}
