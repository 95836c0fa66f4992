//! Schema migrations, one test each; newer and foreign files refused untouched.

use std::path::Path;

use gcforms::store::migrate::{
    migrate, migrate_to, schema_version, APPLICATION_ID, LATEST, MIGRATIONS,
};
use gcforms::store::{ListQuery, Store, StoreError};
use rusqlite::Connection;

fn tables(conn: &Connection) -> Vec<String> {
    let mut st = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn db_at(version: u32) -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("drafts.db")).unwrap();
    assert_eq!(migrate_to(&conn, version).unwrap().len(), version as usize);
    assert_eq!(schema_version(&conn).unwrap(), version);
    (dir, conn)
}

const DRAFT_TEXT: &str =
    r#"{"form":"security_pledge","schema_version":1,"id":"m-1","unit_name":"韶关市数据管理中心"}"#;

/// Inserts a draft the way version 1 of the schema holds it.
fn insert_v1_draft(conn: &Connection) {
    conn.execute_batch(&format!(
        "INSERT INTO drafts (id, form, status, errors, warnings, version, created_ms, updated_ms, \
         title, unit_name) VALUES ('m-1', 'security_pledge', 'draft', 3, 0, 1, 1, 1, \
         '附件2 资源使用安全责任书：韶关市数据管理中心', '韶关市数据管理中心');
         INSERT INTO draft_versions VALUES ('m-1', 1, 1, 1, '{DRAFT_TEXT}');"
    ))
    .unwrap();
}

#[test]
fn migrations_are_numbered_in_order() {
    assert_eq!(LATEST as usize, MIGRATIONS.len());
    for (i, m) in MIGRATIONS.iter().enumerate() {
        assert_eq!(m.version as usize, i + 1);
        assert!(m.name.starts_with(&format!("{:04}_", i + 1)), "{}", m.name);
        assert!(m.name.ends_with(".sql"));
    }
}

#[test]
fn migration_0001_creates_drafts_and_versions() {
    let (_dir, conn) = db_at(1);
    assert_eq!(tables(&conn), ["draft_versions", "drafts"]);
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, APPLICATION_ID);
    insert_v1_draft(&conn);
    // The closed sets are enforced by the schema too.
    let bad = conn.execute_batch(
        "INSERT INTO drafts (id, form, status, version, created_ms, updated_ms) \
         VALUES ('x', 'application', 'bogus', 1, 1, 1)",
    );
    assert!(bad.is_err(), "status outside the set");
    let bad = conn.execute_batch(
        "INSERT INTO drafts (id, form, status, version, created_ms, updated_ms) \
         VALUES ('x', 'letter', 'draft', 1, 1, 1)",
    );
    assert!(bad.is_err(), "form outside the set");
}

#[test]
fn migration_0002_adds_the_profile_and_keeps_drafts() {
    let (_dir, conn) = db_at(1);
    insert_v1_draft(&conn);
    assert_eq!(migrate_to(&conn, 2).unwrap(), [2]);
    assert_eq!(tables(&conn), ["draft_versions", "drafts", "unit_profile"]);
    let doc: String = conn
        .query_row(
            "SELECT doc FROM draft_versions WHERE draft_id = 'm-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(doc, DRAFT_TEXT);
    conn.execute_batch("INSERT INTO unit_profile VALUES (1, '{}', 1)")
        .unwrap();
    assert!(
        conn.execute_batch("INSERT INTO unit_profile VALUES (2, '{}', 1)")
            .is_err(),
        "one profile row"
    );
}

#[test]
fn migration_0003_adds_the_export_log_and_keeps_everything() {
    let (_dir, conn) = db_at(2);
    insert_v1_draft(&conn);
    conn.execute_batch("INSERT INTO unit_profile VALUES (1, '{\"unit_name\":\"甲\"}', 1)")
        .unwrap();
    assert_eq!(migrate_to(&conn, 3).unwrap(), [3]);
    assert_eq!(
        tables(&conn),
        ["draft_versions", "drafts", "export_log", "unit_profile"]
    );
    conn.execute_batch(
        "INSERT INTO export_log (draft_id, draft_version, kind, path, sha256, bytes, exported_ms) \
         VALUES ('m-1', 1, 'pdf', '/tmp/x.pdf', 'ab', 2, 1)",
    )
    .unwrap();
    let profile: String = conn
        .query_row("SELECT profile FROM unit_profile", [], |r| r.get(0))
        .unwrap();
    assert_eq!(profile, "{\"unit_name\":\"甲\"}");
}

/// The demand estimate joins the forms; rebuilding the tables under
/// `foreign_keys = ON` (as the store runs) keeps every draft, version,
/// profile and log row, and the closed sets and the cascade still hold.
#[test]
fn migration_0005_admits_the_demand_estimate_and_keeps_everything() {
    let (_dir, conn) = db_at(4);
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    insert_v1_draft(&conn);
    conn.execute_batch(
        "INSERT INTO draft_versions VALUES ('m-1', 2, 5, 6, '{}');
         UPDATE drafts SET version = 2, trashed_ms = 9, host_count = 1, host_names = 'a';
         INSERT INTO unit_profile VALUES (1, '{}', 1);
         INSERT INTO export_log (draft_id, draft_version, kind, path, sha256, bytes, exported_ms) \
         VALUES ('m-1', 1, 'pdf', '/tmp/x.pdf', 'ab', 2, 1);",
    )
    .unwrap();
    let dump = |conn: &Connection| -> Vec<String> {
        let mut rows = Vec::new();
        for sql in [
            "SELECT * FROM drafts",
            "SELECT * FROM draft_versions ORDER BY version",
            "SELECT * FROM unit_profile",
            "SELECT * FROM export_log",
        ] {
            let mut st = conn.prepare(sql).unwrap();
            let n = st.column_count();
            let mut q = st.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                rows.push(cells.join("|"));
            }
        }
        rows
    };
    let before = dump(&conn);
    assert_eq!(before.len(), 5);
    assert_eq!(migrate_to(&conn, 5).unwrap(), [5]);
    assert_eq!(dump(&conn), before, "every row kept as it was");
    assert_eq!(
        tables(&conn),
        [
            "draft_versions",
            "drafts",
            "export_log",
            "received_packages",
            "unit_profile"
        ]
    );
    let indexes: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'drafts_by_updated'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 1);
    conn.execute_batch(
        "INSERT INTO drafts (id, form, status, version, created_ms, updated_ms) \
         VALUES ('e-1', 'demand_estimate', 'draft', 1, 1, 1)",
    )
    .unwrap();
    for bad in [
        "INSERT INTO drafts (id, form, status, version, created_ms, updated_ms) \
         VALUES ('x', 'letter', 'draft', 1, 1, 1)",
        "INSERT INTO drafts (id, form, status, version, created_ms, updated_ms) \
         VALUES ('y', 'change', 'bogus', 1, 1, 1)",
        "INSERT INTO draft_versions VALUES ('no-such-draft', 1, 1, 1, '{}')",
    ] {
        assert!(conn.execute_batch(bad).is_err(), "{bad}");
    }
    conn.execute_batch("DELETE FROM drafts WHERE id = 'm-1'")
        .unwrap();
    let versions: i64 = conn
        .query_row("SELECT count(*) FROM draft_versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 0, "deleting a draft still deletes its versions");
    let check: String = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .unwrap_or_else(|_| "ok".into());
    assert_eq!(check, "ok");
}

#[test]
fn migrating_again_does_nothing() {
    let (_dir, conn) = db_at(LATEST);
    assert!(migrate(&conn).unwrap().is_empty());
}

#[test]
fn an_old_database_is_upgraded_on_open() {
    let (dir, conn) = db_at(1);
    insert_v1_draft(&conn);
    drop(conn);
    let (store, notice) = Store::open(dir.path().join("drafts.db")).unwrap();
    assert!(notice.is_none());
    assert_eq!(schema_version(store.connection()).unwrap(), LATEST);
    let list = store.list(&ListQuery::default()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(store.document("m-1").unwrap(), DRAFT_TEXT);
    assert!(store.profile().unwrap().unit_name.is_empty());
    assert!(store.exports(None).unwrap().is_empty());
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    {
        let conn = Connection::open(&path).unwrap();
        migrate(&conn).unwrap();
        conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = file_bytes(&path);
    let e = Store::open(&path).unwrap_err();
    assert!(
        matches!(e, StoreError::NewerSchema { found: 99, supported, .. } if supported == LATEST),
        "{e}"
    );
    let message = e.to_string();
    assert!(
        message.contains("更新版本") && message.contains("升级"),
        "{message}"
    );
    assert!(!message.contains('\n'));
    assert_eq!(file_bytes(&path), before, "not a byte changed");
    assert!(!dir.path().join("drafts.db-wal").exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no copy, no side file"
    );
}

#[test]
fn a_newer_version_in_wal_mode_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let conn = Connection::open(&path).unwrap();
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    migrate(&conn).unwrap();
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 7;")
        .unwrap();
    // Held open: the new user_version is only in the WAL, not in the header.
    let e = Store::open(&path).unwrap_err();
    assert!(matches!(e, StoreError::NewerSchema { found: 7, .. }), "{e}");
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 7);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = file_bytes(&path);
    let e = Store::open(&path).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }), "{e}");
    assert_eq!(file_bytes(&path), before);

    let json = dir.path().join("doc.json");
    std::fs::write(&json, "{\"form\":\"application\"}\n").unwrap();
    assert!(matches!(
        Store::open(&json),
        Err(StoreError::NotAStore { .. })
    ));
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        "{\"form\":\"application\"}\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// The app and the CLI share `drafts.db`: when both open an older database
/// at once, the one that finds the other migrating waits for it and then
/// finds nothing left to do (the version is read again inside the write
/// lock), instead of running the same migration twice.
#[test]
fn two_programs_opening_an_old_database_at_once_both_succeed() {
    let (dir, conn) = db_at(LATEST - 1);
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    let path = dir.path().join("drafts.db");
    // The other program is migrating: it holds the write lock.
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let opener = std::thread::spawn(move || Store::open(path).map(|_| ()));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let last = MIGRATIONS.last().unwrap();
    conn.execute_batch(last.sql).unwrap();
    conn.pragma_update(None, "user_version", last.version)
        .unwrap();
    conn.execute_batch("COMMIT").unwrap();
    opener.join().unwrap().unwrap();
    assert_eq!(schema_version(&conn).unwrap(), LATEST);
}
