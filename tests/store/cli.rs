//! `gcforms drafts import|list|export` through the built binary: output,
//! exit codes, the default database, and an unwritable folder.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::{examples, integrity};

fn gcforms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gcforms"))
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn id_of(file: &Path) -> String {
    let v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn import_list_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let db = db.to_str().unwrap();
    let files = examples();
    let mut args = vec!["drafts", "import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--db", db]);
    let o = gcforms(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        files.len()
    );

    for file in &files {
        let o = gcforms(&["drafts", "export", &id_of(file), "--db", db]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(o.stdout, std::fs::read(file).unwrap(), "{}", file.display());
    }

    let o = gcforms(&["drafts", "list", "--db", db, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len());
    for l in &lines {
        for key in [
            "id",
            "form",
            "status",
            "title",
            "unit_name",
            "updated_at",
            "version",
        ] {
            assert!(l.get(key).is_some(), "{key} in {l}");
        }
    }

    let o = gcforms(&["drafts", "list", "--db", db]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), files.len());
    assert!(text.contains("附件1 资源申请表"), "{text}");
    assert!(text.contains("资源需求预估表：2027年度"), "{text}");

    let filtered = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["drafts", "list", "--db", db, "--format", "json"];
        args.extend(extra);
        let o = gcforms(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["form"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(filtered(&["--form", "application"]), ["application"]);
    assert_eq!(
        filtered(&["--form", "demand_estimate"]),
        ["demand_estimate"]
    );
    assert_eq!(
        filtered(&["--status", "ready", "--form", "change"]),
        ["change"]
    );
    assert_eq!(filtered(&["--search", "旧版查询"]), ["cancellation"]);
    assert!(filtered(&["--trash"]).is_empty());
    assert!(filtered(&["--status", "exported"]).is_empty());
    let o = gcforms(&["drafts", "list", "--db", db, "--form", "letter"]);
    assert_eq!(code(&o), 2, "a bad --form is a usage error");

    // Importing again changes nothing.
    let o = gcforms(&["drafts", "import", files[0].to_str().unwrap(), "--db", db]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("未改动"));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("d.db");
    let db = db_path.to_str().unwrap();
    let no_id = dir.path().join("no-id.json");
    std::fs::write(&no_id, r#"{"form":"application","schema_version":1}"#).unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"form":"application","#).unwrap();
    let gbk = dir.path().join("gbk.json");
    std::fs::write(&gbk, b"{\"id\":\"\xc9\xd8\xb9\xd8\"}").unwrap();
    let good = &examples()[0];

    let o = gcforms(&["drafts", "import", no_id.to_str().unwrap(), "--db", db]);
    assert_eq!(code(&o), 1, "a document without id");
    let line = stderr(&o);
    assert!(
        line.contains("缺少编号 id") && line.lines().count() == 1,
        "{line}"
    );

    for bad in [&broken, &gbk, &dir.path().join("missing.json")] {
        let o = gcforms(&["drafts", "import", bad.to_str().unwrap(), "--db", db]);
        assert_eq!(code(&o), 2, "{}: {}", bad.display(), stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1);
    }

    // A good file beside a bad one is still imported; the worst code wins.
    let o = gcforms(&[
        "drafts",
        "import",
        good.to_str().unwrap(),
        no_id.to_str().unwrap(),
        broken.to_str().unwrap(),
        "--db",
        db,
    ]);
    assert_eq!(code(&o), 2);
    let o = gcforms(&["drafts", "export", &id_of(good), "--db", db]);
    assert_eq!(code(&o), 0);

    let o = gcforms(&["drafts", "export", "no-such-id", "--db", db]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("找不到"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());

    // An unusable database: missing, a text file, a newer version.
    let missing = dir.path().join("none.db");
    let o = gcforms(&["drafts", "list", "--db", missing.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(!missing.exists(), "list does not create a database");
    let o = gcforms(&["drafts", "export", "x", "--db", good.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("不是 gcforms 草稿库"), "{}", stderr(&o));
    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch(
            "CREATE TABLE t (x); PRAGMA application_id = 1195591249; PRAGMA user_version = 50;",
        )
        .unwrap();
    let o = gcforms(&["drafts", "list", "--db", newer.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("更新版本"), "{}", stderr(&o));
}

#[test]
fn a_damaged_database_is_repaired_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let o = gcforms(&[
        "drafts",
        "import",
        examples()[0].to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    std::fs::write(&db, vec![0u8; 4096]).unwrap();
    let o = gcforms(&["drafts", "list", "--db", db.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let note = stderr(&o);
    assert!(note.contains("注意") && note.contains("damaged-"), "{note}");
    let o = gcforms(&["drafts", "list", "--db", db.to_str().unwrap()]);
    assert!(stderr(&o).is_empty(), "repaired once: {}", stderr(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn without_db_the_apps_own_database_is_used() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gcforms"))
            .args(args)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .output()
            .unwrap()
    };
    let o = run(&["drafts", "list"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let file = &examples()[0];
    assert_eq!(code(&run(&["drafts", "import", file.to_str().unwrap()])), 0);
    let db = home.path().join("data/gcforms/drafts.db");
    assert!(db.exists(), "the database lives in the user's data folder");
    let o = run(&["drafts", "export", &id_of(file)]);
    assert_eq!(o.stdout, std::fs::read(file).unwrap());
    assert_eq!(integrity(&db), "ok");
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// An unwritable folder, for real: root ignores permissions, so as root the
/// binary is run as `nobody` through `setpriv`; otherwise the folder is
/// made read-only with chmod.
#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_folder_gives_a_clear_error_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("gcforms-ro")
        .tempdir()
        .unwrap();
    let folder = dir.path().join("store");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("drafts.db");
    let files = examples();
    let o = gcforms(&[
        "drafts",
        "import",
        files[0].to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    let before = std::fs::read(&db).unwrap();
    let new_doc = dir.path().join("new.json");
    std::fs::copy(&files[1], &new_doc).unwrap();

    let root = running_as_root();
    let mut cmd = if root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("setpriv not found: unwritable-folder test skipped");
            return;
        }
        // Let `nobody` reach the files, but own nothing.
        for p in [dir.path(), &folder] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(env!("CARGO_BIN_EXE_gcforms"));
        c
    } else {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        Command::new(env!("CARGO_BIN_EXE_gcforms"))
    };
    let o = cmd
        .args([
            "drafts",
            "import",
            new_doc.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    if root && stderr(&o).starts_with("setpriv") {
        eprintln!("setpriv could not switch user: unwritable-folder test skipped");
        return;
    }
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let message = stderr(&o);
    assert!(message.contains("无法写入草稿库"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");

    if !root {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "nothing saved was touched"
    );
    let o = gcforms(&[
        "drafts",
        "export",
        &id_of(&files[0]),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(o.stdout, std::fs::read(&files[0]).unwrap());
    assert_eq!(integrity(&db), "ok");
}
