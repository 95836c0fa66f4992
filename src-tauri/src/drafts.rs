//! Where drafts live: the [`DraftStore`] seam between the commands and the
//! core's SQLite store ([`crate::core_store::CoreStore`]). The tests here run
//! the commands' view of drafts against a real database file.

use gcforms::document::FormKind;
use serde_json::Value;

use crate::ipc::{
    DraftSummary, IpcResult, ListQuery, OpenedDraft, SavedDraft, UnitProfile, VersionInfo,
};

/// What the app needs from a draft store. Every method returns the IPC error
/// shape so commands stay one line.
pub trait DraftStore: Send + Sync {
    /// A new empty document of `form`, prefilled from 常用信息, saved.
    fn create(&self, form: FormKind) -> IpcResult<OpenedDraft>;
    /// Saves a document under its `id` (creating the draft if new).
    fn save(&self, document: &Value) -> IpcResult<SavedDraft>;
    /// One draft with its document.
    fn get(&self, id: &str) -> IpcResult<OpenedDraft>;
    /// The drafts matching a query, newest change first.
    fn list(&self, query: &ListQuery) -> IpcResult<Vec<DraftSummary>>;
    /// A copy under a new id (以此为模板新建).
    fn duplicate(&self, id: &str) -> IpcResult<OpenedDraft>;
    /// Moves a draft to the trash.
    fn trash(&self, id: &str) -> IpcResult<()>;
    /// Takes a draft out of the trash.
    fn restore(&self, id: &str) -> IpcResult<()>;
    /// Deletes a draft in the trash for good.
    fn purge(&self, id: &str) -> IpcResult<()>;
    /// The kept versions, newest first.
    fn history(&self, id: &str) -> IpcResult<Vec<VersionInfo>>;
    /// Makes an old version current again (as a new version).
    fn restore_version(&self, id: &str, version: i64) -> IpcResult<OpenedDraft>;
    /// 常用信息.
    fn profile(&self) -> IpcResult<UnitProfile>;
    /// Replaces 常用信息.
    fn set_profile(&self, profile: &UnitProfile) -> IpcResult<()>;
    /// Whether [`history`](Self::history) keeps versions.
    fn has_history(&self) -> bool;
    /// Where the drafts are, for the administrator.
    fn location(&self) -> String;
    /// Records a final PDF exported from draft `id` in the export log (with
    /// the file's SHA-256); the draft's status becomes 已导出 when the PDF is
    /// of its current version.
    fn log_pdf_export(&self, id: &str, path: &std::path::Path) -> IpcResult<()>;
    /// Records a submission package holding draft `id` in the export log.
    fn log_package_export(&self, id: &str, path: &std::path::Path) -> IpcResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core_store::CoreStore;
    use crate::ipc::{ErrorCode, UnitProfile};
    use serde_json::json;

    fn store() -> (tempfile::TempDir, CoreStore) {
        let dir = tempfile::tempdir().unwrap();
        let (s, notice) = CoreStore::open(&dir.path().join("drafts.db")).unwrap();
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
        let saved = s.save(&doc).unwrap();
        assert!(saved.changed);
        assert!(!s.save(&doc).unwrap().changed);
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
