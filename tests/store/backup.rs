//! 备份 / 恢复 (issue #17) with real data folders: a backup of drafts with
//! history, exports, received packages, reviews, certificates, a calendar
//! year and a key file, restored into an empty folder, into one with
//! overlapping drafts and twice; damaged and foreign files refused with the
//! target untouched; the CLI through the built binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use gcforms::backup::{self, BackupError, DataFolder, DraftAction, FileAction, ProfileAction};
use gcforms::calendar::Calendar;
use gcforms::policy::Policy;
use gcforms::sign::UnitKeyFile;
use gcforms::store::{ExportKind, HistoryPolicy, ReviewResult, Store, UnitProfile, Verdict};
use serde_json::{json, Value};

use super::application_text;

const YEAR_2027: &str = r#"{"year": 2027, "source": "测试用：2027 年放假安排", "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}"#;

const DAY_MS: i64 = 86_400_000;

/// A store at `dir` whose clock is `now` (unix ms), keeping every version.
fn store_at(dir: &Path, now: i64) -> Store {
    let (mut store, _) = Store::open(dir.join("drafts.db")).unwrap();
    store.set_clock(move || now);
    store.set_history_policy(HistoryPolicy {
        max_versions: 10_000,
        keep_all: std::time::Duration::from_secs(3650 * 86_400),
        ..HistoryPolicy::default()
    });
    store
}

/// Saves `versions` texts of draft `id` as separate versions, a day apart
/// from `start`.
fn save_versions(dir: &Path, id: &str, markers: &[&str], start: i64) {
    for (i, marker) in markers.iter().enumerate() {
        let store = store_at(dir, start + i as i64 * DAY_MS);
        store
            .save_version(&application_text(id, 2, marker))
            .unwrap();
    }
}

/// The source folder: three drafts with history, an export, two received
/// packages, a trusted certificate, a review result, 常用信息, the 2027
/// calendar year and the unit key files.
fn source_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    save_versions(d, "draft-a", &["a1", "a2", "a3"], 1_000 * DAY_MS);
    save_versions(d, "draft-b", &["b1", "b2"], 1_000 * DAY_MS);
    save_versions(d, "draft-c", &["c1", "c2"], 1_000 * DAY_MS);
    let store = store_at(d, 1_010 * DAY_MS);
    let pdf = d.join("a.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 exported").unwrap();
    store.log_export("draft-a", ExportKind::Pdf, &pdf).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 9, 29).unwrap();
    for (id, unit) in [
        ("p-1", "韶关市武江区不动产登记中心"),
        ("p-2", "韶关市浈江区政务服务中心"),
    ] {
        let got = store
            .receive_package(
                &super::received::package(id, 0, unit),
                &format!("{id}.gcpkg.json"),
                day,
            )
            .unwrap();
        // A verdict of the cache, which a backup leaves out.
        let verdict = Verdict {
            policy: "shaoguan-2020 1".into(),
            valid: false,
            status: String::new(),
            problem: "测试".into(),
            decided: String::new(),
        };
        store.record_verdict(&got.package.sha256, &verdict).unwrap();
    }
    let keys = UnitKeyFile::in_dir(d, &Policy::shared_default().key_file);
    let key = keys
        .issue("韶关市数据管理中心", "Shaoguan-backup-2026")
        .unwrap();
    let der = std::fs::read(d.join("unit-cert.der")).unwrap();
    store
        .trust_certificate(
            &der,
            &key.fingerprint().to_string(),
            "韶关市数据管理中心",
            "2036-12-01",
            "测试",
        )
        .unwrap();
    store
        .record_review_result(
            &ReviewResult {
                document_id: "draft-b".into(),
                sha256: "ab".repeat(32),
                package_id: "p-1".into(),
                status: "approved".into(),
                status_label: "已同意".into(),
                level_label: "市政务服务数据管理局".into(),
                decision_label: "同意".into(),
                unit: "韶关市政务服务数据管理局".into(),
                opinion: "同意".into(),
                date: "2026-10-09".into(),
                imported_at: String::new(),
            },
            &["draft-b".to_string()],
        )
        .unwrap();
    store
        .set_profile(&UnitProfile {
            unit_name: "韶关市数据管理中心".into(),
            contact_name: "张三".into(),
            ..UnitProfile::default()
        })
        .unwrap();
    let year = d.join("2027.json");
    std::fs::write(&year, YEAR_2027).unwrap();
    let mut calendar = Calendar::load(d);
    calendar.import_file(&year).unwrap();
    dir
}

/// Every version of every draft: id → version → text.
fn versions(db: &Path) -> BTreeMap<String, BTreeMap<i64, String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out: BTreeMap<String, BTreeMap<i64, String>> = BTreeMap::new();
    let mut s = conn
        .prepare("SELECT draft_id, version, doc FROM draft_versions")
        .unwrap();
    let rows = s
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    for row in rows {
        let (id, v, doc) = row.unwrap();
        out.entry(id).or_default().insert(v, doc);
    }
    out
}

fn column(db: &Path, sql: &str) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut s = conn.prepare(sql).unwrap();
    let rows = s.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn make_backup(source: &Path, out: &Path) {
    let store = store_at(source, 1_020 * DAY_MS);
    let summary = backup::write_backup(&store, &DataFolder::new(source), out).unwrap();
    assert_eq!(
        (summary.drafts, summary.versions, summary.packages),
        (3, 7, 2)
    );
}

/// A source folder and its backup file (in a folder of its own).
fn backed_up() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let source = source_folder();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.gcbackup");
    make_backup(source.path(), &file);
    (source, out, file)
}

fn restore_into(target: &Path, file: &Path) -> backup::RestorePlan {
    let folder = DataFolder::new(target);
    let opened = backup::open_backup(file).unwrap();
    let (store, _) = folder.open_store().unwrap();
    let planned = backup::plan(&store, &folder, &opened).unwrap();
    let done = backup::restore(&store, &folder, &opened).unwrap();
    assert_eq!(planned, done, "the plan shown is what was done");
    done
}

fn file_sha(path: &Path) -> String {
    gcforms::store::sha256_file(path).unwrap().0
}

#[test]
fn restore_into_an_empty_folder_brings_everything() {
    let source = source_folder();
    let s = source.path();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("备份.gcbackup");
    make_backup(s, &file);

    let target = tempfile::tempdir().unwrap();
    let t = target.path().join("new-pc");
    let plan = restore_into(&t, &file);
    assert_eq!(plan.count(DraftAction::Added), 3);
    assert_eq!((plan.versions.added, plan.packages.added), (7, 2));
    assert_eq!(plan.profile, ProfileAction::Added);
    assert!(plan.files.iter().all(|f| f.action == FileAction::Added));

    // Every version, byte for byte, under the same numbers.
    assert_eq!(
        versions(&t.join("drafts.db")),
        versions(&s.join("drafts.db"))
    );
    // Packages kept byte for byte: their SHA-256 recomputed from the bytes.
    let recomputed = column(&t.join("drafts.db"), "SELECT sha256 FROM received_packages");
    let (target_store, _) = Store::open(t.join("drafts.db")).unwrap();
    for sha in &recomputed {
        assert_eq!(
            &sha256_bytes(&target_store.received_bytes(sha).unwrap()),
            sha
        );
    }
    assert_eq!(
        recomputed,
        column(&s.join("drafts.db"), "SELECT sha256 FROM received_packages")
    );
    for sql in [
        "SELECT fingerprint FROM trusted_certificates",
        "SELECT document_id || sha256 FROM review_results",
        "SELECT path || sha256 || draft_version FROM export_log",
        "SELECT profile FROM unit_profile",
    ] {
        let got = column(&t.join("drafts.db"), sql);
        assert!(!got.is_empty(), "{sql}");
        assert_eq!(got, column(&s.join("drafts.db"), sql), "{sql}");
    }
    for name in ["calendar/2027.json", "unit-key.p12", "unit-cert.der"] {
        assert_eq!(file_sha(&t.join(name)), file_sha(&s.join(name)), "{name}");
    }
    // The restored key still opens with the clerk's passphrase, and the
    // calendar reads the restored year.
    UnitKeyFile::in_dir(&t, &Policy::shared_default().key_file)
        .unlock("Shaoguan-backup-2026")
        .unwrap();
    assert!(Calendar::load(&t).list().iter().any(|y| y.year == 2027));
    assert_eq!(super::integrity(&t.join("drafts.db")), "ok");
}

fn sha256_bytes(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn overlapping_drafts_merge_without_loss_or_duplicates() {
    let (source, _out, file) = backed_up();

    // The other PC: draft-a changed later there (local newer), draft-b
    // older there than in the backup, draft-l only there; a different
    // profile and calendar year file.
    let target = tempfile::tempdir().unwrap();
    let t = target.path();
    save_versions(t, "draft-a", &["a1", "a-local"], 1_000 * DAY_MS);
    let store = store_at(t, 1_000 * DAY_MS + 5 * DAY_MS);
    store
        .save_version(&application_text("draft-a", 2, "a-local-newest"))
        .unwrap();
    save_versions(t, "draft-b", &["b1"], 900 * DAY_MS);
    save_versions(t, "draft-l", &["l1"], 900 * DAY_MS);
    let pdf = t.join("local.pdf");
    std::fs::write(&pdf, b"%PDF local").unwrap();
    store_at(t, 1_006 * DAY_MS)
        .log_export("draft-a", ExportKind::Pdf, &pdf)
        .unwrap();
    store_at(t, 1_006 * DAY_MS)
        .set_profile(&UnitProfile {
            unit_name: "本机单位".into(),
            ..UnitProfile::default()
        })
        .unwrap();
    std::fs::create_dir_all(t.join("calendar")).unwrap();
    let local_year = YEAR_2027.replace("测试用", "本机");
    std::fs::write(t.join("calendar/2027.json"), &local_year).unwrap();
    let before = versions(&t.join("drafts.db"));
    let local_current_a = store_at(t, 0).document("draft-a").unwrap();

    let plan = restore_into(t, &file);
    let action = |id: &str| plan.drafts.iter().find(|d| d.id == id).unwrap().clone();
    assert_eq!(action("draft-a").action, DraftAction::LocalNewer);
    assert_eq!(action("draft-a").versions_added, 2, "a2 and a3");
    assert_eq!(action("draft-b").action, DraftAction::BackupNewer);
    assert_eq!(action("draft-b").versions_added, 1, "b2");
    assert_eq!(action("draft-c").action, DraftAction::Added);
    assert_eq!(plan.profile, ProfileAction::KeptLocal);
    let year = plan
        .files
        .iter()
        .find(|f| f.path == "calendar/2027.json")
        .unwrap();
    assert_eq!(year.action, FileAction::KeptLocal);

    let after = versions(&t.join("drafts.db"));
    let source_all = versions(&source.path().join("drafts.db"));
    // Nothing lost: every local and every backup text is there, once.
    for (id, local) in &before {
        for text in local.values() {
            assert!(after[id].values().any(|t| t == text), "{id} lost a version");
        }
    }
    for (id, theirs) in &source_all {
        for text in theirs.values() {
            assert_eq!(after[id].values().filter(|t| *t == text).count(), 1, "{id}");
        }
    }
    for texts_of in after.values() {
        let unique: BTreeSet<&String> = texts_of.values().collect();
        assert_eq!(unique.len(), texts_of.len(), "no text twice");
    }
    let store = store_at(t, 2_000 * DAY_MS);
    // Newer kept: draft-a's current is the local newest, draft-b's the backup's.
    assert_eq!(store.document("draft-a").unwrap(), local_current_a);
    assert_eq!(
        store.document("draft-b").unwrap(),
        application_text("draft-b", 2, "b2")
    );
    assert_eq!(
        store.document("draft-l").unwrap(),
        application_text("draft-l", 2, "l1")
    );
    // The current version is the highest, so the next save adds after it.
    for id in ["draft-a", "draft-b", "draft-c", "draft-l"] {
        let history = store.history(id).unwrap();
        assert!(history[0].current, "{id}");
    }
    // The local export still names the local current version's text.
    let local_export = store
        .exports(Some("draft-a"))
        .unwrap()
        .into_iter()
        .find(|e| e.path.ends_with("local.pdf"))
        .unwrap();
    assert_eq!(
        store
            .version_document("draft-a", local_export.draft_version)
            .unwrap(),
        local_current_a
    );
    assert_eq!(store.profile().unwrap().unit_name, "本机单位");
    assert_eq!(
        std::fs::read_to_string(t.join("calendar/2027.json")).unwrap(),
        local_year
    );
    store
        .save(&application_text("draft-a", 2, "after"))
        .unwrap();
    drop(store);

    // The same backup again adds nothing.
    let db_before = versions(&t.join("drafts.db"));
    let again = restore_into(t, &file);
    assert!(again.is_empty(), "{:?}", again.lines());
    assert_eq!(
        again.versions.added + again.packages.added + again.exports.added,
        0
    );
    assert_eq!(versions(&t.join("drafts.db")), db_before);
    assert_eq!(super::integrity(&t.join("drafts.db")), "ok");
}

/// A target folder with one draft, and the SHA-256 of its `drafts.db`.
fn target_with_a_draft() -> (tempfile::TempDir, String) {
    let target = tempfile::tempdir().unwrap();
    save_versions(target.path(), "draft-t", &["t1"], 1_000 * DAY_MS);
    let sha = file_sha(&target.path().join("drafts.db"));
    (target, sha)
}

fn refused(file: &Path) -> BackupError {
    let (target, sha) = target_with_a_draft();
    let err = backup::open_backup(file).unwrap_err();
    assert!(err.is_refused_file(), "{err}");
    // Nothing opened the target; it is byte for byte as it was.
    assert_eq!(file_sha(&target.path().join("drafts.db")), sha);
    err
}

#[test]
fn damaged_and_foreign_files_are_refused_and_change_nothing() {
    let (source, out, file) = backed_up();
    let good = std::fs::read(&file).unwrap();

    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let damaged = out.path().join("flipped.gcbackup");
    std::fs::write(&damaged, &flipped).unwrap();
    let err = refused(&damaged);
    assert!(matches!(err, BackupError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("已损坏"), "{err}");

    // Every single flipped bit in a stride over the file is caught.
    for at in (0..good.len()).step_by(good.len() / 97 + 1) {
        let mut bytes = good.clone();
        bytes[at] ^= 0x80;
        std::fs::write(&damaged, &bytes).unwrap();
        assert!(backup::open_backup(&damaged).is_err(), "byte {at}");
    }

    let cut = out.path().join("cut.gcbackup");
    std::fs::write(&cut, &good[..good.len() * 2 / 3]).unwrap();
    assert!(matches!(refused(&cut), BackupError::Damaged { .. }));

    let json = out.path().join("x.gcbackup");
    std::fs::write(&json, br#"{"form":"application"}"#).unwrap();
    assert!(matches!(refused(&json), BackupError::NotABackup { .. }));

    let other_db = out.path().join("other.gcbackup");
    let conn = rusqlite::Connection::open(&other_db).unwrap();
    conn.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('备份');")
        .unwrap();
    drop(conn);
    assert!(matches!(refused(&other_db), BackupError::NotABackup { .. }));

    // A draft store is not a backup either.
    let err = refused(&source.path().join("drafts.db"));
    assert!(err.to_string().contains("不是 gcforms 备份文件"), "{err}");
}

#[test]
fn a_newer_format_is_refused() {
    let (_source, _out, file) = backed_up();
    // Rewritten by SQLite as a newer gcforms would write it, then resealed
    // the way the format says: the seal holds, the version does not.
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute("UPDATE backup_meta SET format_version = 2", [])
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&file).unwrap();
    let prefix = b"gcforms-backup-seal:";
    let at = bytes
        .windows(prefix.len())
        .position(|w| w == prefix)
        .unwrap()
        + prefix.len();
    bytes[at..at + 64].fill(b'0');
    let digest = sha256_bytes(&bytes);
    bytes[at..at + 64].copy_from_slice(digest.as_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let err = refused(&file);
    assert!(matches!(err, BackupError::Newer { .. }), "{err}");
    assert!(err.to_string().contains("更新版本"), "{err}");
}

fn gcforms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gcforms"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn cli_backup_and_restore() {
    let source = source_folder();
    let out = tempfile::tempdir().unwrap();
    let file: PathBuf = out.path().join("备份.gcbackup");
    let (f, s) = (file.to_str().unwrap(), source.path().to_str().unwrap());
    let o = gcforms(&["backup", "-o", f, "--data-dir", s, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["drafts"], 3);

    let target = tempfile::tempdir().unwrap();
    let t = target.path().join("d");
    let t = t.to_str().unwrap();
    // A dry run prints the plan and changes nothing.
    let o = gcforms(&["restore", f, "--data-dir", t, "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("草稿：新增 3 份"),
        "{}",
        text(&o.stdout)
    );
    // Without a terminal and without --yes: the plan, no change, exit 2.
    let o = gcforms(&["restore", f, "--data-dir", t]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--yes"), "{}", text(&o.stderr));
    let listed = |db: &str| {
        let o = gcforms(&["drafts", "list", "--db", db, "--format", "json"]);
        text(&o.stdout).lines().count()
    };
    let db = format!("{t}/drafts.db");
    assert_eq!(listed(&db), 0);
    let o = gcforms(&["restore", f, "--data-dir", t, "--yes", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["applied"], true);
    assert_eq!(plan["versions"]["added"], 7);
    assert_eq!(listed(&db), 3);
    // Again: nothing to add.
    let o = gcforms(&["restore", f, "--data-dir", t, "--yes"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("不会改动"), "{}", text(&o.stdout));

    // A foreign file: exit 1, a Chinese message, nothing changed.
    let sha = file_sha(Path::new(&db));
    let foreign = out.path().join("x.gcbackup");
    std::fs::write(&foreign, b"{}").unwrap();
    let o = gcforms(&[
        "restore",
        foreign.to_str().unwrap(),
        "--data-dir",
        t,
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("不是 gcforms 备份文件"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(file_sha(Path::new(&db)), sha);
    // A missing file: exit 2.
    let o = gcforms(&["restore", "/nonexistent.gcbackup", "--data-dir", t]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_draft_quoting_the_seal_still_backs_up_and_restores() {
    let source = tempfile::tempdir().unwrap();
    let quoted = format!("gcforms-backup-seal:{}", "0123456789abcdef".repeat(4));
    save_versions(source.path(), "draft-q", &[&quoted], 1_000 * DAY_MS);
    let file = source.path().join("q.gcbackup");
    let store = store_at(source.path(), 1_001 * DAY_MS);
    backup::write_backup(&store, &DataFolder::new(source.path()), &file).unwrap();
    let target = tempfile::tempdir().unwrap();
    let plan = restore_into(target.path(), &file);
    assert_eq!(plan.count(DraftAction::Added), 1);
    assert_eq!(
        versions(&target.path().join("drafts.db")),
        versions(&source.path().join("drafts.db"))
    );
}

#[test]
fn an_independent_reader_checks_the_seal_and_the_contents() {
    let (_source, _out, file) = backed_up();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/store/check_backup.py");
    let o = Command::new("python3")
        .arg(&script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(got["format"], "gcforms-backup");
    assert_eq!(got["schema_version"], gcforms::store::migrate::LATEST);
    assert_eq!(
        (
            &got["drafts"],
            &got["versions"],
            &got["packages"],
            &got["exports"]
        ),
        (&json!(3), &json!(7), &json!(2), &json!(1))
    );
    assert_eq!(
        (&got["certificates"], &got["review_results"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(got["verdicts"], 0, "the verdict cache is left out");
    assert_eq!(
        got["files"],
        json!(["calendar/2027.json", "unit-cert.der", "unit-key.p12"])
    );
    // The same reader refuses a flipped byte.
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let o = Command::new("python3")
        .arg(&script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!o.status.success());
}
