//! The app's drafts: the core's SQLite store ([`gcforms::store::Store`], the
//! same database the `gcforms drafts` command uses) behind a mutex, with its
//! errors turned into the IPC error shape. The store's own types cross IPC
//! as they are (they derive `specta::Type` behind the core's `specta`
//! feature); only the document is parsed here, so the UI gets JSON, not text.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gcforms::document::FormKind;
use gcforms::policy::Policy;
use gcforms::store::{
    DraftSummary, ExportKind, ListQuery, Notice, SavedDraft, Store, StoreError, UnitProfile,
    VersionInfo,
};
use gcforms::Report;
use serde_json::Value;

use crate::ipc::{ErrorCode, IpcError, IpcResult, OpenedDraft};

/// The draft store: `Store` is `Send` but not `Sync`.
pub struct Drafts {
    store: Mutex<Store>,
    location: String,
}

impl Drafts {
    /// Opens (or creates) the store at `path`, checking drafts against
    /// `policy` (the app's one instance). A repair notice, if any, is returned
    /// for the clerk.
    pub fn open(path: &Path, policy: &Arc<Policy>) -> IpcResult<(Drafts, Option<String>)> {
        Drafts::wrap(Store::open(path), policy)
    }

    /// Opens the store in the user's data folder (created on first run),
    /// shared with the CLI.
    pub fn open_default(policy: &Arc<Policy>) -> IpcResult<(Drafts, Option<String>)> {
        Drafts::wrap(Store::open_default(), policy)
    }

    fn wrap(
        opened: Result<(Store, Option<Notice>), StoreError>,
        policy: &Arc<Policy>,
    ) -> IpcResult<(Drafts, Option<String>)> {
        let (mut store, notice) = opened.map_err(storage)?;
        store.set_policy(Arc::clone(policy));
        let location = store.path().display().to_string();
        let drafts = Drafts {
            store: Mutex::new(store),
            location,
        };
        Ok((drafts, notice.map(|n| n.to_string())))
    }

    /// Runs `f` on the store, its errors mapped to the IPC shape.
    pub fn with<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> IpcResult<T> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&store).map_err(storage)
    }

    /// The store for a command of another module (年度需求汇总 reads the
    /// received packages), its errors mapped like every other.
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> IpcResult<T> {
        self.with(f)
    }

    /// One draft with its document.
    pub fn get(&self, id: &str) -> IpcResult<OpenedDraft> {
        let draft = self.with(|s| s.get(id))?;
        let document: Value = serde_json::from_str(&draft.document)
            .map_err(|e| IpcError::new(ErrorCode::Storage, format!("草稿内容无法读取：{e}")))?;
        Ok(OpenedDraft {
            summary: draft.summary,
            document,
        })
    }

    /// A new empty document of `form`, prefilled from 常用信息, saved.
    pub fn create(&self, form: FormKind) -> IpcResult<OpenedDraft> {
        let draft = self.with(|s| s.create(form))?;
        self.get(&draft.summary.id)
    }

    /// Saves a document under its `id` (creating the draft if new) and
    /// returns the validation report the save computed: one validation per
    /// edit, for both the store's status and the editor's findings.
    pub fn save(&self, document: &Value) -> IpcResult<(SavedDraft, Report)> {
        let text = serde_json::to_string_pretty(document)
            .map_err(|e| IpcError::new(ErrorCode::InvalidDocument, e.to_string()))?;
        self.with(|s| s.save_with_report(&text))
    }

    /// The drafts matching a query, newest change first.
    pub fn list(&self, query: &ListQuery) -> IpcResult<Vec<DraftSummary>> {
        self.with(|s| s.list(query))
    }

    /// A copy under a new id (以此为模板新建).
    pub fn duplicate(&self, id: &str) -> IpcResult<OpenedDraft> {
        let saved = self.with(|s| s.duplicate(id))?;
        self.get(&saved.id)
    }

    /// Moves a draft to the trash.
    pub fn trash(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.trash(id))
    }

    /// Takes a draft out of the trash.
    pub fn restore(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.restore(id))
    }

    /// Deletes a draft in the trash for good.
    pub fn purge(&self, id: &str) -> IpcResult<()> {
        self.with(|s| s.purge(id))
    }

    /// The kept versions, newest first.
    pub fn history(&self, id: &str) -> IpcResult<Vec<VersionInfo>> {
        self.with(|s| s.history(id))
    }

    /// Makes an old version current again (as a new version).
    pub fn restore_version(&self, id: &str, version: i64) -> IpcResult<OpenedDraft> {
        self.with(|s| s.restore_version(id, version))?;
        self.get(id)
    }

    /// 常用信息.
    pub fn profile(&self) -> IpcResult<UnitProfile> {
        self.with(|s| s.profile())
    }

    /// Replaces 常用信息.
    pub fn set_profile(&self, profile: &UnitProfile) -> IpcResult<()> {
        self.with(|s| s.set_profile(profile))
    }

    /// Where the drafts are, for the administrator.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The folder of the database, where the unit key files live too.
    pub fn folder(&self) -> &Path {
        Path::new(&self.location).parent().unwrap_or(Path::new(""))
    }

    /// Records an exported file holding draft `id` in the export log (with
    /// the file's SHA-256); the draft's status becomes 已导出 when the file is
    /// of its current version.
    pub fn log_export(&self, id: &str, kind: ExportKind, path: &Path) -> IpcResult<()> {
        self.with(|s| s.log_export(id, kind, path)).map(drop)
    }
}

fn storage(e: StoreError) -> IpcError {
    let code = match &e {
        StoreError::NotFound(_)
        | StoreError::NotInTrash(_)
        | StoreError::VersionNotFound { .. } => ErrorCode::NotFound,
        StoreError::InvalidId(_) | StoreError::MissingId => ErrorCode::InvalidId,
        StoreError::Input(_) => ErrorCode::InvalidDocument,
        StoreError::NotAPackage(_) => ErrorCode::InvalidFile,
        StoreError::PackageNotFound(_) => ErrorCode::NotFound,
        _ => ErrorCode::Storage,
    };
    IpcError::new(code, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> (tempfile::TempDir, Drafts) {
        let dir = tempfile::tempdir().unwrap();
        let policy = Policy::shared_default();
        let (s, notice) = Drafts::open(&dir.path().join("drafts.db"), policy).unwrap();
        assert!(notice.is_none());
        (dir, s)
    }

    #[test]
    fn save_list_trash_restore_purge() {
        let (_d, s) = store();
        s.set_profile(&UnitProfile {
            unit_name: "韶关市不动产登记中心".into(),
            ..UnitProfile::default()
        })
        .unwrap();
        let d = s.create(FormKind::Application).unwrap();
        assert_eq!(d.document["applicant"]["unit_name"], "韶关市不动产登记中心");
        let id = d.summary.id.clone();
        let mut doc = d.document.clone();
        doc["applicant"]["system_name"] = json!("不动产统一登记信息平台");
        let (saved, report) = s.save(&doc).unwrap();
        assert!(saved.changed);
        // The report handed back is the one the status was decided by.
        assert_eq!(
            saved.errors as usize,
            report.count(gcforms::rules::Severity::Error)
        );
        assert!(!s.save(&doc).unwrap().0.changed);
        let q = ListQuery {
            search: Some("登记 平台".into()),
            ..ListQuery::default()
        };
        assert_eq!(s.list(&q).unwrap().len(), 1);
        // Autosaves within a minute coalesce into the current version.
        assert_eq!(s.history(&id).unwrap().len(), 1);
        s.trash(&id).unwrap();
        assert!(s.list(&ListQuery::default()).unwrap().is_empty());
        s.restore(&id).unwrap();
        assert_eq!(s.list(&ListQuery::default()).unwrap().len(), 1);
        assert_eq!(s.purge(&id).unwrap_err().code, ErrorCode::NotFound);
        s.trash(&id).unwrap();
        s.purge(&id).unwrap();
        assert_eq!(s.get(&id).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn odd_ids_are_clear_errors() {
        let (_d, s) = store();
        for id in ["../profile", "a/b", "", "x.json"] {
            let code = s.get(id).unwrap_err().code;
            assert!(
                matches!(code, ErrorCode::InvalidId | ErrorCode::NotFound),
                "{id}: {code:?}"
            );
        }
    }

    #[test]
    fn duplicate_gets_a_new_id_and_versions_restore() {
        let (_d, s) = store();
        let d = s.create(FormKind::SecurityPledge).unwrap();
        let mut doc = d.document.clone();
        doc["unit_leader"] = json!("黄燊");
        s.save(&doc).unwrap();
        let copy = s.duplicate(&d.summary.id).unwrap();
        assert_ne!(copy.summary.id, d.summary.id);
        assert_eq!(copy.document["unit_leader"], "黄燊");
        let versions = s.history(&d.summary.id).unwrap();
        let back = s
            .restore_version(&d.summary.id, versions[0].version)
            .unwrap();
        assert_eq!(back.document["unit_leader"], "黄燊");
        let missing = s.restore_version(&d.summary.id, 999).unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }
}
