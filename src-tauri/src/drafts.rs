//! Where drafts live: the [`DraftStore`] seam, and a stand-in that keeps one
//! JSON file per draft in the app's data folder.
//!
//! **Stand-in.** The real store is `gcforms::store::Store` (SQLite, being
//! built in parallel). At merge, implement [`DraftStore`] for it (behind a
//! `Mutex`, it is not `Sync`), convert its `DraftSummary`/`SavedDraft`/
//! `VersionInfo`/`UnitProfile` into the mirrors in [`crate::ipc`], and change
//! the one line in `lib.rs` that builds [`JsonDirStore`]. Then delete this
//! stand-in.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gcforms::document::FormKind;
use gcforms::policy::Policy;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::ipc::{
    DraftStatus, DraftSummary, ErrorCode, IpcError, IpcResult, ListQuery, OpenedDraft, SavedDraft,
    UnitProfile, VersionInfo,
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
}

/// Draft IDs become file names: only plain names pass (UUIDs, letters,
/// digits, `-`, `_`), so no ID can reach outside the folder.
pub fn check_id(id: &str) -> IpcResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(IpcError::new(
            ErrorCode::InvalidId,
            "文档编号无效：只能包含字母、数字、“-”和“_”",
        ))
    }
}

/// A new empty document of `form` prefilled from the profile (the same shape
/// the real store's `new_document` makes).
pub fn new_document(form: FormKind, profile: &UnitProfile) -> Value {
    fn put(map: &mut Map<String, Value>, key: &str, value: &str) {
        if !value.trim().is_empty() {
            map.insert(key.into(), Value::String(value.into()));
        }
    }
    let mut doc = Map::new();
    doc.insert("form".into(), json!(form.key()));
    doc.insert("schema_version".into(), json!(1));
    doc.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
    if form == FormKind::SecurityPledge {
        put(&mut doc, "unit_name", &profile.unit_name);
        put(&mut doc, "unit_leader", &profile.unit_leader);
        put(&mut doc, "contact_name", &profile.contact_name);
        put(&mut doc, "contact_phone", &profile.contact_phone);
        return Value::Object(doc);
    }
    let mut applicant = Map::new();
    put(&mut applicant, "unit_name", &profile.unit_name);
    put(&mut applicant, "contact_name", &profile.contact_name);
    put(&mut applicant, "contact_phone", &profile.contact_phone);
    put(&mut applicant, "email", &profile.email);
    put(&mut applicant, "jurisdiction", &profile.jurisdiction);
    put(&mut applicant, "supervisor_unit", &profile.supervisor_unit);
    let m = &profile.maintainer;
    let mut maintainer = Map::new();
    put(&mut maintainer, "unit_name", &m.unit_name);
    put(&mut maintainer, "nature", &m.nature);
    put(&mut maintainer, "lead_name", &m.lead_name);
    put(&mut maintainer, "phone", &m.phone);
    put(&mut maintainer, "email", &m.email);
    doc.insert("applicant".into(), Value::Object(applicant));
    doc.insert("maintainer".into(), Value::Object(maintainer));
    Value::Object(doc)
}

/// The list columns of a document, with its status from the core's rules.
pub fn summarize(document: &Value, policy: &Policy) -> IpcResult<DraftSummary> {
    let report = gcforms::validate_value(document.clone(), policy)?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").trim().to_string();
    let form = report.form;
    let (unit_name, system_name) = if form == FormKind::SecurityPledge {
        (text(document.get("unit_name")), String::new())
    } else {
        let a = document.get("applicant");
        (
            text(a.and_then(|a| a.get("unit_name"))),
            text(a.and_then(|a| a.get("system_name"))),
        )
    };
    let rows = if form == FormKind::Change {
        "items"
    } else {
        "hosts"
    };
    let host_count = document
        .get(rows)
        .and_then(Value::as_array)
        .map_or(0, |a| u32::try_from(a.len()).unwrap_or(u32::MAX));
    let subject = if system_name.is_empty() {
        unit_name.clone()
    } else {
        system_name.clone()
    };
    let title = if subject.is_empty() {
        format!("{}（未填写）", form.short_name())
    } else {
        format!("{}：{subject}", form.short_name())
    };
    let errors = report.count(gcforms::rules::Severity::Error);
    let warnings = report.count(gcforms::rules::Severity::Warning);
    Ok(DraftSummary {
        id: text(document.get("id")),
        form,
        status: if errors == 0 {
            DraftStatus::Ready
        } else {
            DraftStatus::Draft
        },
        errors: u32::try_from(errors).unwrap_or(u32::MAX),
        warnings: u32::try_from(warnings).unwrap_or(u32::MAX),
        version: 1,
        title,
        unit_name,
        system_name,
        host_count,
        created_at: String::new(),
        updated_at: String::new(),
        trashed_at: None,
    })
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

fn storage(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(ErrorCode::Storage, format!("草稿保存失败：{e}"))
}

fn not_found(id: &str) -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        format!("找不到编号为 {id} 的草稿（可能已被彻底删除）"),
    )
}

/// One draft file: the list line and the document.
#[derive(Serialize, Deserialize)]
struct Record {
    summary: DraftSummary,
    document: Value,
}

/// **Stand-in store**: `<dir>/drafts/<id>.json`, versions in
/// `<dir>/drafts/<id>.history/<n>.json` (the last [`JsonDirStore::KEEP`]),
/// 常用信息 in `<dir>/profile.json`. Writes go to a temporary file that is
/// then renamed, so a crash never leaves half a draft.
pub struct JsonDirStore {
    dir: PathBuf,
    policy: &'static Policy,
    // One writer at a time; reads are cheap enough to share the lock.
    lock: Mutex<()>,
}

impl JsonDirStore {
    /// Versions kept per draft.
    pub const KEEP: usize = 30;

    /// Opens (creating) the store in `dir`.
    pub fn open(dir: &Path, policy: &'static Policy) -> IpcResult<JsonDirStore> {
        fs::create_dir_all(dir.join("drafts")).map_err(storage)?;
        Ok(JsonDirStore {
            dir: dir.to_path_buf(),
            policy,
            lock: Mutex::new(()),
        })
    }

    fn file(&self, id: &str) -> PathBuf {
        self.dir.join("drafts").join(format!("{id}.json"))
    }

    fn history_dir(&self, id: &str) -> PathBuf {
        self.dir.join("drafts").join(format!("{id}.history"))
    }

    fn read(&self, id: &str) -> IpcResult<Record> {
        check_id(id)?;
        let bytes = match fs::read(self.file(id)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found(id)),
            Err(e) => return Err(storage(e)),
        };
        serde_json::from_slice(&bytes).map_err(storage)
    }

    fn write(&self, record: &Record) -> IpcResult<()> {
        let path = self.file(&record.summary.id);
        write_atomic(&path, &serde_json::to_vec_pretty(record).map_err(storage)?)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the lock cannot leave files half-written
        // (writes are atomic), so a poisoned lock is safe to reuse.
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn save_locked(&self, document: &Value) -> IpcResult<SavedDraft> {
        let mut summary = summarize(document, self.policy)?;
        check_id(&summary.id)?;
        let previous = match self.read(&summary.id) {
            Ok(r) => Some(r),
            Err(e) if e.code == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        };
        let time = now();
        if let Some(prev) = &previous {
            if prev.document == *document {
                return Ok(SavedDraft {
                    id: summary.id,
                    version: prev.summary.version,
                    status: prev.summary.status,
                    updated_at: prev.summary.updated_at.clone(),
                    changed: false,
                });
            }
            summary.created_at = prev.summary.created_at.clone();
            summary.version = prev.summary.version + 1;
            summary.trashed_at = prev.summary.trashed_at.clone();
        } else {
            summary.created_at = time.clone();
        }
        summary.updated_at = time;
        let record = Record {
            summary,
            document: document.clone(),
        };
        self.write(&record)?;
        self.keep_version(&record)?;
        let s = record.summary;
        Ok(SavedDraft {
            id: s.id,
            version: s.version,
            status: s.status,
            updated_at: s.updated_at,
            changed: true,
        })
    }

    fn keep_version(&self, record: &Record) -> IpcResult<()> {
        let dir = self.history_dir(&record.summary.id);
        fs::create_dir_all(&dir).map_err(storage)?;
        let path = dir.join(format!("{}.json", record.summary.version));
        write_atomic(&path, &serde_json::to_vec(record).map_err(storage)?)?;
        let mut versions = self.versions(&record.summary.id)?;
        versions.sort_unstable();
        let excess = versions.len().saturating_sub(Self::KEEP);
        for v in &versions[..excess] {
            let _ = fs::remove_file(dir.join(format!("{v}.json")));
        }
        Ok(())
    }

    fn versions(&self, id: &str) -> IpcResult<Vec<i64>> {
        let dir = self.history_dir(id);
        let Ok(entries) = fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        Ok(entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")?
                    .parse::<i64>()
                    .ok()
            })
            .collect())
    }

    fn set_trashed(&self, id: &str, trashed: Option<String>) -> IpcResult<()> {
        let _g = self.guard();
        let mut record = self.read(id)?;
        record.summary.trashed_at = trashed;
        self.write(&record)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> IpcResult<()> {
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, bytes).map_err(storage)?;
    fs::rename(&tmp, path).map_err(storage)
}

impl DraftStore for JsonDirStore {
    fn create(&self, form: FormKind) -> IpcResult<OpenedDraft> {
        let document = new_document(form, &self.profile()?);
        let saved = {
            let _g = self.guard();
            self.save_locked(&document)?
        };
        self.get(&saved.id)
    }

    fn save(&self, document: &Value) -> IpcResult<SavedDraft> {
        let _g = self.guard();
        self.save_locked(document)
    }

    fn get(&self, id: &str) -> IpcResult<OpenedDraft> {
        let r = self.read(id)?;
        Ok(OpenedDraft {
            summary: r.summary,
            document: r.document,
        })
    }

    fn list(&self, query: &ListQuery) -> IpcResult<Vec<DraftSummary>> {
        let entries = fs::read_dir(self.dir.join("drafts")).map_err(storage)?;
        let words: Vec<String> = query
            .search
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut out = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            // A damaged file is skipped rather than hiding every other draft.
            let Ok(r) = self.read(id) else { continue };
            let s = &r.summary;
            if s.trashed_at.is_some() != query.trash
                || query.form.is_some_and(|f| f != s.form)
                || query.status.is_some_and(|st| st != s.status)
            {
                continue;
            }
            let hay = format!(
                "{} {} {}",
                s.unit_name,
                s.system_name,
                host_names(&r.document).join(" ")
            )
            .to_lowercase();
            if words.iter().all(|w| hay.contains(w.as_str())) {
                out.push(r.summary);
            }
        }
        out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        Ok(out)
    }

    fn duplicate(&self, id: &str) -> IpcResult<OpenedDraft> {
        let mut document = self.read(id)?.document;
        if let Value::Object(map) = &mut document {
            map.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
            // A template carries no dates of the old application.
            map.remove("created_at");
            map.remove("updated_at");
        }
        let saved = self.save(&document)?;
        self.get(&saved.id)
    }

    fn trash(&self, id: &str) -> IpcResult<()> {
        self.set_trashed(id, Some(now()))
    }

    fn restore(&self, id: &str) -> IpcResult<()> {
        self.set_trashed(id, None)
    }

    fn purge(&self, id: &str) -> IpcResult<()> {
        let _g = self.guard();
        if self.read(id)?.summary.trashed_at.is_none() {
            return Err(IpcError::new(
                ErrorCode::NotFound,
                "只能彻底删除回收站中的草稿",
            ));
        }
        fs::remove_file(self.file(id)).map_err(storage)?;
        let _ = fs::remove_dir_all(self.history_dir(id));
        Ok(())
    }

    fn history(&self, id: &str) -> IpcResult<Vec<VersionInfo>> {
        let current = self.read(id)?.summary.version;
        let mut versions = self.versions(id)?;
        versions.sort_unstable_by(|a, b| b.cmp(a));
        let dir = self.history_dir(id);
        Ok(versions
            .into_iter()
            .filter_map(|v| {
                let path = dir.join(format!("{v}.json"));
                let bytes = fs::read(&path).ok()?;
                let r: Record = serde_json::from_slice(&bytes).ok()?;
                Some(VersionInfo {
                    version: v,
                    saved_at: r.summary.updated_at,
                    bytes: bytes.len() as u64,
                    current: v == current,
                })
            })
            .collect())
    }

    fn restore_version(&self, id: &str, version: i64) -> IpcResult<OpenedDraft> {
        check_id(id)?;
        let path = self.history_dir(id).join(format!("{version}.json"));
        let bytes = fs::read(path).map_err(|_| not_found(id))?;
        let old: Record = serde_json::from_slice(&bytes).map_err(storage)?;
        self.save(&old.document)?;
        self.get(id)
    }

    fn profile(&self) -> IpcResult<UnitProfile> {
        match fs::read(self.dir.join("profile.json")) {
            Ok(b) => Ok(serde_json::from_slice(&b).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UnitProfile::default()),
            Err(e) => Err(storage(e)),
        }
    }

    fn set_profile(&self, profile: &UnitProfile) -> IpcResult<()> {
        let _g = self.guard();
        let bytes = serde_json::to_vec_pretty(profile).map_err(storage)?;
        write_atomic(&self.dir.join("profile.json"), &bytes)
    }

    fn has_history(&self) -> bool {
        true
    }

    fn location(&self) -> String {
        self.dir.display().to_string()
    }
}

fn host_names(document: &Value) -> Vec<&str> {
    let rows = document
        .get("hosts")
        .or_else(|| document.get("items"))
        .and_then(Value::as_array);
    rows.into_iter()
        .flatten()
        .filter_map(|r| r.get("name").or_else(|| r.get("host_name"))?.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, JsonDirStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = JsonDirStore::open(dir.path(), Policy::default_shaoguan()).unwrap();
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
        assert_eq!(s.history(&id).unwrap().len(), 2);
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
    fn ids_cannot_escape_the_folder() {
        let (_d, s) = store();
        for id in ["../profile", "a/b", "", "x.json"] {
            assert_eq!(s.get(id).unwrap_err().code, ErrorCode::InvalidId, "{id}");
        }
        let doc = json!({"form":"security_pledge","schema_version":1,"id":"../../etc"});
        assert_eq!(s.save(&doc).unwrap_err().code, ErrorCode::InvalidId);
    }

    #[test]
    fn duplicate_gets_a_new_id_and_restore_version_works() {
        let (_d, s) = store();
        let d = s.create(FormKind::SecurityPledge).unwrap();
        let mut doc = d.document.clone();
        doc["unit_leader"] = json!("黄燊");
        s.save(&doc).unwrap();
        let copy = s.duplicate(&d.summary.id).unwrap();
        assert_ne!(copy.summary.id, d.summary.id);
        assert_eq!(copy.document["unit_leader"], "黄燊");
        let back = s.restore_version(&d.summary.id, 1).unwrap();
        assert!(back.document.get("unit_leader").is_none());
        assert_eq!(back.summary.version, 3);
    }
}
