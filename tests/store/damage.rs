//! A damaged file is kept aside and what can be read is carried over; a full
//! disk or an unwritable place gives a clear error and loses nothing.

use std::collections::BTreeMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use gcforms::store::{ListQuery, NoticeKind, Store, StoreError};
use rusqlite::Connection;

use super::{application_text, integrity};

/// A store with `n` small drafts, closed (checkpointed); returns their texts.
fn filled(path: &Path, n: usize) -> BTreeMap<String, String> {
    let (store, _) = Store::open(path).unwrap();
    let mut texts = BTreeMap::new();
    let docs: Vec<String> = (0..n)
        .map(|i| application_text(&format!("d-{i:03}"), 3, &"备注".repeat(200)))
        .collect();
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    for r in store.import_all(&refs).unwrap() {
        let saved = r.unwrap();
        texts.insert(saved.id.clone(), store.document(&saved.id).unwrap());
    }
    texts
}

fn overwrite(path: &Path, offset: u64, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(bytes).unwrap();
    f.sync_all().unwrap();
}

fn leaf_pages(path: &Path, table: &str) -> (u64, Vec<u64>) {
    let conn = Connection::open(path).unwrap();
    let page_size: u64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    let mut st = conn
        .prepare("SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY pageno")
        .unwrap();
    let pages = st
        .query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (page_size, pages)
}

#[test]
fn a_damaged_page_is_repaired_keeping_a_copy_and_every_readable_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 60);
    let (page_size, leaves) = leaf_pages(&path, "draft_versions");
    assert!(leaves.len() >= 10, "{leaves:?}");
    // One page in the middle of the documents' table becomes garbage.
    let victim = leaves[leaves.len() / 2];
    let garbage: Vec<u8> = (0..page_size).map(|i| (i * 7 + 13) as u8).collect();
    overwrite(&path, (victim - 1) * page_size, &garbage);
    let damaged_bytes = std::fs::read(&path).unwrap();

    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("the repair is reported");
    assert_eq!(notice.kind, NoticeKind::Recovered);
    let copy = notice.damaged_copy.clone().unwrap();
    assert!(copy
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("drafts.db.damaged-"));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        damaged_bytes,
        "the copy is the damaged file"
    );
    let message = notice.to_string();
    eprintln!("{message}");
    assert!(
        message.contains("已损坏") && message.contains(&copy.display().to_string()),
        "{message}"
    );
    assert!(!message.contains('\n'));

    // Most drafts are back, each exactly as saved; the lost ones were on
    // the damaged page.
    let list = store.list(&ListQuery::default()).unwrap();
    assert_eq!(list.len(), notice.recovered_drafts);
    assert!(
        list.len() >= 50 && list.len() < 60,
        "{} of 60 recovered",
        list.len()
    );
    for d in &list {
        assert_eq!(&store.document(&d.id).unwrap(), &texts[&d.id]);
    }
    assert_eq!(integrity(&path), "ok");

    // And the store works again; reopening reports nothing more.
    store.save(&application_text("after", 1, "")).unwrap();
    drop(store);
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none(), "no repair loop");
    assert_eq!(
        store.list(&ListQuery::default()).unwrap().len(),
        list.len() + 1
    );
    assert!(!dir.path().join("drafts.db.recovering").exists());
    assert!(!dir.path().join("drafts.db.recovered").exists());
}

#[test]
fn a_zeroed_header_is_repaired_with_every_draft() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    filled(&path, 3);
    overwrite(&path, 0, &[0u8; 100]);
    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.unwrap();
    assert!(notice.damaged_copy.as_ref().unwrap().exists());
    assert!(
        notice.message.contains("草稿库文件已损坏"),
        "{}",
        notice.message
    );
    // SQLite cannot read a file without its header; the copy is all there is.
    assert_eq!(
        notice.recovered_drafts,
        store.list(&ListQuery::default()).unwrap().len()
    );
    store.save(&application_text("new", 1, "")).unwrap();
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_file_of_garbage_is_replaced_by_a_working_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let noise: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &noise).unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.unwrap();
    assert_eq!(notice.recovered_drafts, 0);
    assert_eq!(std::fs::read(notice.damaged_copy.unwrap()).unwrap(), noise);
    store.save(&application_text("new", 1, "")).unwrap();
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_truncated_file_is_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 40);
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a truncated file is damaged");
    eprintln!("{}", notice.message);
    assert!(notice.damaged_copy.unwrap().exists());
    // The rows in the surviving first half come back.
    assert!(notice.recovered_drafts >= 10, "{}", notice.message);
    for d in store.list(&ListQuery::default()).unwrap() {
        assert_eq!(store.document(&d.id).unwrap(), texts[&d.id]);
    }
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn an_interrupted_repair_is_finished_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    // The state a repair leaves if the power fails just before the swap:
    // the complete new database beside the damaged one.
    let recovered = dir.path().join("drafts.db.recovered");
    filled(&recovered, 2);
    std::fs::write(&path, vec![0xA5u8; 8192]).unwrap();
    std::fs::write(dir.path().join("drafts.db-wal"), vec![0x5Au8; 100]).unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(store.list(&ListQuery::default()).unwrap().len(), 2);
    assert!(!recovered.exists());
}

#[test]
fn a_full_disk_keeps_every_earlier_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 5);
    let (store, _) = Store::open(&path).unwrap();
    // SQLite's page limit fails a write with SQLITE_FULL, the same error a
    // full disk gives.
    let pages: i64 = store
        .connection()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    store
        .connection()
        .pragma_update(None, "max_page_count", pages + 1)
        .unwrap();
    let big = application_text("d-000", 300, "很大的修改");
    let e = store.save(&big).unwrap_err();
    assert!(matches!(e, StoreError::DiskFull), "{e}");
    assert!(e.to_string().contains("磁盘空间已满"), "{e}");
    let e = store
        .save(&application_text("new-one", 300, ""))
        .unwrap_err();
    assert!(matches!(e, StoreError::DiskFull));
    // Nothing saved before is lost, nothing half-written is visible.
    for (id, text) in &texts {
        assert_eq!(&store.document(id).unwrap(), text);
    }
    assert!(matches!(
        store.summary("new-one"),
        Err(StoreError::NotFound(_))
    ));
    drop(store);
    assert_eq!(integrity(&path), "ok");
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none());
    assert!(store.save(&big).unwrap().changed, "space again: saves work");
}

#[test]
fn a_folder_that_is_a_file_or_missing_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "x").unwrap();
    let e = Store::open(file.join("drafts.db")).unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e}");
    assert!(e.to_string().contains("不是文件夹"), "{e}");
    let e = Store::open(dir.path().join("no/such/folder/drafts.db")).unwrap_err();
    assert!(e.to_string().contains("不存在"), "{e}");
    let e = Store::open(dir.path()).unwrap_err();
    assert!(
        matches!(e, StoreError::NotAStore { .. }),
        "a folder is not a store: {e}"
    );
    let e = Store::open_existing(dir.path().join("none.db")).unwrap_err();
    assert!(matches!(e, StoreError::NoSuchDatabase { .. }), "{e}");
    assert!(!dir.path().join("none.db").exists());
}

#[test]
fn the_copy_keeps_the_wal_and_its_saves_are_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 20);
    let (page_size, leaves) = leaf_pages(&path, "draft_versions");
    // A process that dies with saves only in the WAL.
    let (store, _) = Store::open(&path).unwrap();
    for i in 0..5 {
        store
            .save(&application_text(&format!("w-{i}"), 2, ""))
            .unwrap();
    }
    std::mem::forget(store);
    let wal = dir.path().join("drafts.db-wal");
    assert!(wal.metadata().unwrap().len() > 0);
    overwrite(
        &path,
        (leaves[1] - 1) * page_size,
        &vec![0xEEu8; page_size as usize],
    );
    let (main_bytes, wal_bytes) = (std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap());

    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("repaired");
    let copy = notice.damaged_copy.unwrap();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        main_bytes,
        "the damaged file as found"
    );
    let mut copy_wal = copy.into_os_string();
    copy_wal.push("-wal");
    assert_eq!(
        std::fs::read(copy_wal).unwrap(),
        wal_bytes,
        "and its WAL as found"
    );
    for i in 0..5 {
        assert!(
            store.summary(&format!("w-{i}")).is_ok(),
            "saves in the WAL are recovered"
        );
    }
    let recovered = store.list(&ListQuery::default()).unwrap();
    assert!(recovered.len() >= 20, "{}", recovered.len());
    for d in recovered.iter().filter(|d| d.id.starts_with("d-")) {
        assert_eq!(store.document(&d.id).unwrap(), texts[&d.id]);
    }
}

#[test]
fn a_file_cut_in_the_middle_of_a_page_is_repaired_not_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 40);
    let conn = Connection::open(&path).unwrap();
    let page_size: u64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    drop(conn);
    let len = std::fs::metadata(&path).unwrap().len();
    // Not on a page boundary: the last page kept is itself cut short.
    let cut = (len / page_size / 2) * page_size + page_size / 3;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(cut)
        .unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a file cut mid-page is damaged");
    assert!(notice.damaged_copy.unwrap().exists());
    assert!(notice.recovered_drafts >= 10, "{}", notice.message);
    let listed = store.list(&ListQuery::default()).unwrap();
    assert_eq!(listed.len(), notice.recovered_drafts, "{}", notice.message);
    for d in listed {
        assert_eq!(store.document(&d.id).unwrap(), texts[&d.id]);
    }
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_wal_whose_last_frame_is_cut_short_keeps_every_earlier_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let texts = filled(&path, 5);
    // A process that dies with its saves only in the WAL, one commit each.
    let (store, _) = Store::open(&path).unwrap();
    let saved: Vec<String> = (0..6)
        .map(|i| application_text(&format!("w-{i}"), 2, &format!("第 {i} 次保存")))
        .collect();
    for text in &saved {
        store.save(text).unwrap();
    }
    // The files as a crash leaves them: the database and its WAL, without
    // the shared-memory index a live connection would still hold (the next
    // opener rebuilds it from the WAL). Copied while the writer is alive.
    std::mem::forget(store);
    let crashed = tempfile::tempdir().unwrap();
    let path = crashed.path().join("drafts.db");
    std::fs::copy(dir.path().join("drafts.db"), &path).unwrap();
    let wal = crashed.path().join("drafts.db-wal");
    std::fs::copy(dir.path().join("drafts.db-wal"), &wal).unwrap();
    let len = wal.metadata().unwrap().len();
    // The last frame (the last commit's commit frame) loses its tail.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&wal)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    // SQLite stops reading the WAL at the incomplete frame: the last commit
    // is gone as if it never happened, every earlier one is there, nothing
    // needs repair and nothing else is lost.
    assert!(notice.is_none(), "{notice:?}");
    for (i, text) in saved.iter().enumerate().take(5) {
        assert_eq!(&store.document(&format!("w-{i}")).unwrap(), text);
    }
    assert!(
        store.summary("w-5").is_err(),
        "the cut commit is not half-applied"
    );
    for (id, text) in &texts {
        assert_eq!(&store.document(id).unwrap(), text);
    }
    assert_eq!(integrity(&path), "ok");
}
