//! Saving, reading, search and filters, trash, duplicate, profile, export log.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use gcforms::document::FormKind;
use gcforms::store::{
    new_document, DraftStatus, ExportKind, ListQuery, MaintainerProfile, Store, StoreError,
    UnitProfile,
};
use serde_json::{json, Value};

use super::{application, application_text, examples, temp_store};

/// A clock the test moves by hand (unix ms).
fn manual_clock(store: &mut Store, start: i64) -> Arc<AtomicI64> {
    let now = Arc::new(AtomicI64::new(start));
    let c = now.clone();
    store.set_clock(move || c.load(Ordering::SeqCst));
    now
}

#[test]
fn the_store_can_move_to_the_apps_worker_thread() {
    fn is_send<T: Send>() {}
    is_send::<Store>();
    let (_dir, store) = temp_store();
    let handle = std::thread::spawn(move || store.list(&ListQuery::default()).map(|l| l.len()));
    assert_eq!(handle.join().unwrap().unwrap(), 0);
}

#[test]
fn every_example_round_trips_byte_for_byte() {
    let (_dir, store) = temp_store();
    for file in examples() {
        let text = std::fs::read_to_string(&file).unwrap();
        let saved = store.save(&text).unwrap();
        assert!(saved.created && saved.changed, "{}", file.display());
        assert_eq!(
            store.document(&saved.id).unwrap(),
            text,
            "{}",
            file.display()
        );
        assert_eq!(store.get(&saved.id).unwrap().document, text);
    }
    assert_eq!(
        store.list(&ListQuery::default()).unwrap().len(),
        examples().len()
    );
}

#[test]
fn odd_formatting_is_kept_exactly() {
    let (_dir, store) = temp_store();
    // Tabs, escapes, key order, a BOM, no final new line: none of it is normalised.
    let text = "\u{feff}{\"schema_version\":1,\t\"id\":\"odd-1\",\n\"form\":\"security_pledge\",\
                \"unit_name\":\"\\u97f6\\u5173\",  \"contact_phone\" : \"0751-1234567\"}";
    let saved = store.save(text).unwrap();
    assert_eq!(saved.id, "odd-1");
    assert_eq!(store.document("odd-1").unwrap(), text);
    let summary = store.summary("odd-1").unwrap();
    assert_eq!(
        summary.unit_name, "韶关",
        "columns come from the parsed JSON"
    );
}

#[test]
fn saving_the_same_text_writes_nothing() {
    let (_dir, mut store) = temp_store();
    let now = manual_clock(&mut store, 1_000_000);
    let text = application_text("same-1", 2, "a");
    let first = store.save(&text).unwrap();
    now.fetch_add(120_000, Ordering::SeqCst);
    let again = store.save(&text).unwrap();
    assert!(!again.changed && !again.created && !again.new_version);
    assert_eq!(again.version, first.version);
    assert_eq!(
        store.summary("same-1").unwrap().updated_at,
        first.updated_at
    );
    assert_eq!(store.history("same-1").unwrap().len(), 1);
}

#[test]
fn status_follows_validation_and_exports() {
    let (dir, mut store) = temp_store();
    let now = manual_clock(&mut store, 1_000_000);
    let mut doc = application("status-1", 1, "");
    doc["hosts"][0]["data_disk_gb"] = json!(50); // below 100 GB: an error
    let saved = store.save_value(&doc).unwrap();
    assert_eq!(saved.status, DraftStatus::Draft);
    assert!(saved.errors >= 1);
    doc["hosts"][0]["data_disk_gb"] = json!(200);
    let saved = store.save_value(&doc).unwrap();
    assert_eq!((saved.status, saved.errors), (DraftStatus::Ready, 0));

    let out = dir.path().join("status-1.pdf");
    std::fs::write(&out, b"%PDF-1.7 test").unwrap();
    let entry = store.log_export("status-1", ExportKind::Pdf, &out).unwrap();
    assert_eq!(entry.draft_version, saved.version);
    assert_eq!(entry.sha256, super::sha256("%PDF-1.7 test"));
    assert_eq!(entry.bytes, 13);
    assert_eq!(
        store.summary("status-1").unwrap().status,
        DraftStatus::Exported
    );
    assert_eq!(
        store.exports(Some("status-1")).unwrap(),
        vec![entry.clone()]
    );
    assert_eq!(store.exports(None).unwrap().len(), 1);

    // Saving the same text keeps `exported`; a change resets it and keeps
    // the exported state as a version of its own, even within the coalescing
    // window.
    assert_eq!(
        store.save_value(&doc).unwrap().status,
        DraftStatus::Exported
    );
    now.fetch_add(1_000, Ordering::SeqCst);
    doc["remarks"] = json!("改了一个字");
    let after = store.save_value(&doc).unwrap();
    assert_eq!(after.status, DraftStatus::Ready);
    assert!(after.new_version);
    assert_eq!(after.version, entry.draft_version + 1);
    assert!(matches!(
        store.log_export("nope", ExportKind::Pdf, &out),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.log_export("status-1", ExportKind::Pdf, &dir.path().join("missing.pdf")),
        Err(StoreError::File { .. })
    ));
}

#[test]
fn documents_that_cannot_be_drafts_are_refused() {
    let (_dir, store) = temp_store();
    let no_id = r#"{"form":"application","schema_version":1}"#;
    let blank = r#"{"form":"application","schema_version":1,"id":"  "}"#;
    let number = r#"{"form":"application","schema_version":1,"id":7}"#;
    let control = "{\"form\":\"application\",\"schema_version\":1,\"id\":\"a\\u0007\"}";
    assert!(matches!(store.save(no_id), Err(StoreError::MissingId)));
    assert!(matches!(store.save(blank), Err(StoreError::MissingId)));
    assert!(matches!(store.save(number), Err(StoreError::InvalidId(_))));
    assert!(matches!(store.save(control), Err(StoreError::InvalidId(_))));
    for bad in ["", "{", "[]", r#"{"form":"x","schema_version":1,"id":"a"}"#] {
        let e = store.save(bad).unwrap_err();
        assert!(matches!(e, StoreError::Input(_)), "{bad}: {e}");
        assert!(!e.is_request_error());
    }
    assert!(StoreError::MissingId.is_request_error());
    assert!(store.list(&ListQuery::default()).unwrap().is_empty());
}

#[test]
fn import_all_is_one_transaction_with_per_document_errors() {
    let (_dir, store) = temp_store();
    let good = application_text("batch-1", 1, "");
    let results = store
        .import_all(&[&good, r#"{"form":"change","schema_version":1}"#, "not json"])
        .unwrap();
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(StoreError::MissingId)));
    assert!(matches!(results[2], Err(StoreError::Input(_))));
    assert_eq!(store.document("batch-1").unwrap(), good);
}

/// Four drafts of different forms, units, hosts and statuses, saved one
/// second apart so their order is known.
fn search_fixture() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = temp_store();
    let now = manual_clock(&mut store, 1_700_000_000_000);
    let mut a = application("s-app", 2, "");
    a["hosts"][0]["name"] = json!("BDC-Web-01");
    store.save_value(&a).unwrap();
    now.fetch_add(1_000, Ordering::SeqCst);
    let mut b = application("s-app-2", 1, "");
    b["applicant"]["unit_name"] = json!("韶关市不动产登记中心");
    b["applicant"]["system_name"] = json!("不动产统一登记信息平台");
    b["hosts"][0]["vcpu"] = json!(0); // an error: status draft
    store.save_value(&b).unwrap();
    now.fetch_add(1_000, Ordering::SeqCst);
    store
        .save_value(
            &json!({"form":"security_pledge","schema_version":1,"id":"s-pledge",
            "unit_name":"韶关市不动产登记中心 100%_OK"}),
        )
        .unwrap();
    now.fetch_add(1_000, Ordering::SeqCst);
    store
        .save_value(
            &json!({"form":"cancellation","schema_version":1,"id":"s-cancel",
            "applicant":{"unit_name":"乐昌市人民医院","system_name":"旧HIS系统"},
            "hosts":[{"name":"his-db"}]}),
        )
        .unwrap();
    (dir, store)
}

fn ids(store: &Store, q: ListQuery) -> Vec<String> {
    store.list(&q).unwrap().into_iter().map(|d| d.id).collect()
}

fn search(s: &str) -> ListQuery {
    ListQuery {
        search: Some(s.into()),
        ..ListQuery::default()
    }
}

#[test]
fn list_searches_unit_system_and_host_names() {
    let (_dir, store) = search_fixture();
    assert_eq!(
        ids(&store, ListQuery::default()),
        ["s-cancel", "s-pledge", "s-app-2", "s-app"],
        "newest change first"
    );
    assert_eq!(ids(&store, search("不动产")), ["s-pledge", "s-app-2"]);
    assert_eq!(ids(&store, search("统一登记")), ["s-app-2"]);
    assert_eq!(
        ids(&store, search("bdc-web")),
        ["s-app"],
        "Latin letters ignore case"
    );
    assert_eq!(ids(&store, search("HIS")), ["s-cancel"]);
    assert_eq!(
        ids(&store, search("不动产 平台")),
        ["s-app-2"],
        "every word must match"
    );
    assert_eq!(ids(&store, search("100%_ok")), ["s-pledge"]);
    assert!(
        ids(&store, search("%")).len() == 1,
        "% is literal, not a wildcard"
    );
    assert!(
        ids(&store, search("_")).len() == 1,
        "_ is literal, not a wildcard"
    );
    assert!(ids(&store, search("无此单位")).is_empty());
    assert!(
        ids(&store, search(&"长".repeat(100_000))).is_empty(),
        "a huge search is cut"
    );
    assert_eq!(ids(&store, search("  ")).len(), 4, "blank search lists all");

    let summary = store.summary("s-app").unwrap();
    assert_eq!(summary.host_count, 2);
    assert_eq!(summary.title, "附件1 资源申请表：政务数据共享平台");
    assert_eq!(
        store.summary("s-pledge").unwrap().title,
        "附件2 资源使用安全责任书：韶关市不动产登记中心 100%_OK"
    );
}

#[test]
fn list_filters_by_form_status_and_pages() {
    let (_dir, store) = search_fixture();
    let form = |f| ListQuery {
        form: Some(f),
        ..ListQuery::default()
    };
    assert_eq!(
        ids(&store, form(FormKind::Application)),
        ["s-app-2", "s-app"]
    );
    assert_eq!(ids(&store, form(FormKind::Change)), Vec::<String>::new());
    let status = |s| ListQuery {
        status: Some(s),
        ..ListQuery::default()
    };
    assert_eq!(ids(&store, status(DraftStatus::Ready)), ["s-app"]);
    assert_eq!(
        ids(&store, status(DraftStatus::Draft)),
        ["s-cancel", "s-pledge", "s-app-2"]
    );
    let both = ListQuery {
        form: Some(FormKind::Application),
        status: Some(DraftStatus::Draft),
        search: Some("不动产".into()),
        ..ListQuery::default()
    };
    assert_eq!(ids(&store, both), ["s-app-2"]);
    let page = ListQuery {
        limit: Some(2),
        offset: 1,
        ..ListQuery::default()
    };
    assert_eq!(ids(&store, page), ["s-pledge", "s-app-2"]);
}

#[test]
fn trash_restore_and_purge() {
    let (_dir, store) = search_fixture();
    let trash = ListQuery {
        trash: true,
        ..ListQuery::default()
    };
    store.trash("s-app").unwrap();
    store.trash("s-app").unwrap(); // again: nothing to do
    assert!(!ids(&store, ListQuery::default()).contains(&"s-app".to_string()));
    assert_eq!(ids(&store, trash.clone()), ["s-app"]);
    assert!(store.summary("s-app").unwrap().trashed_at.is_some());
    // A draft in the trash can still be read and exported.
    assert!(store.document("s-app").is_ok());

    // Saving keeps it in the trash, and says so.
    let text = store
        .document("s-app")
        .unwrap()
        .replace("\"remarks\": \"\"", "\"remarks\": \"x\"");
    assert!(store.save(&text).unwrap().trashed);
    assert_eq!(ids(&store, trash.clone()), ["s-app"]);

    store.restore("s-app").unwrap();
    assert!(ids(&store, trash.clone()).is_empty());
    assert!(store.summary("s-app").unwrap().trashed_at.is_none());

    assert!(matches!(
        store.purge("s-app"),
        Err(StoreError::NotInTrash(_))
    ));
    store.trash("s-app").unwrap();
    store.purge("s-app").unwrap();
    assert!(matches!(
        store.summary("s-app"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.history("s-app"),
        Err(StoreError::NotFound(_))
    ));
    let orphans: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM draft_versions WHERE draft_id = 's-app'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "purge removes the history too");

    assert!(matches!(store.trash("nope"), Err(StoreError::NotFound(_))));
    assert!(matches!(
        store.restore("nope"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(store.purge("nope"), Err(StoreError::NotFound(_))));
    store.trash("s-pledge").unwrap();
    store.trash("s-cancel").unwrap();
    assert_eq!(store.empty_trash().unwrap(), 2);
    assert_eq!(ids(&store, ListQuery::default()), ["s-app-2"]);
}

/// An estimate is listed by its year and filing unit, and found by any
/// row's system or using unit.
#[test]
fn an_estimate_is_listed_by_year_and_unit_and_found_by_its_rows() {
    let (_dir, store) = temp_store();
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("demand_estimate.json"))
        .unwrap();
    let saved = store.save(&std::fs::read_to_string(path).unwrap()).unwrap();
    let summary = store.summary(&saved.id).unwrap();
    assert_eq!(summary.form, FormKind::DemandEstimate);
    assert_eq!(summary.title, "资源需求预估表：2027年度 韶关市自然资源局");
    assert_eq!(summary.unit_name, "韶关市自然资源局");
    assert_eq!(summary.system_name, "国土空间基础信息平台等4项");
    assert_eq!(summary.host_count, 4);
    assert_eq!(summary.status, DraftStatus::Ready);
    for words in ["土地储备监管", "一张图", "自然资源局"] {
        assert_eq!(ids(&store, search(words)), [saved.id.as_str()], "{words}");
    }
    let estimates = ListQuery {
        form: Some(FormKind::DemandEstimate),
        ..ListQuery::default()
    };
    assert_eq!(ids(&store, estimates).len(), 1);
}

#[test]
fn duplicate_makes_a_new_draft_without_this_years_dates() {
    let (_dir, store) = temp_store();
    let example = examples()
        .into_iter()
        .find(|p| p.ends_with("application.json"))
        .unwrap();
    let text = std::fs::read_to_string(example).unwrap();
    let original = store.save(&text).unwrap();
    let copy = store.duplicate(&original.id).unwrap();
    assert!(copy.created);
    assert_ne!(copy.id, original.id);
    assert!(uuid::Uuid::parse_str(&copy.id).is_ok());

    let old: Value = serde_json::from_str(&text).unwrap();
    let new: Value = serde_json::from_str(&store.document(&copy.id).unwrap()).unwrap();
    for gone in [
        "/created_at",
        "/updated_at",
        "/applicant/application_date",
        "/applicant/term_start",
        "/applicant/term_end",
    ] {
        assert!(old.pointer(gone).is_some(), "{gone} in the example");
        assert!(new.pointer(gone).is_none(), "{gone} cleared");
    }
    assert_eq!(new["hosts"], old["hosts"]);
    assert_eq!(new["applicant"]["unit_name"], old["applicant"]["unit_name"]);
    assert_eq!(new["maintainer"], old["maintainer"]);
    assert_eq!(
        store.document(&original.id).unwrap(),
        text,
        "the original is untouched"
    );
    assert!(matches!(
        store.duplicate("nope"),
        Err(StoreError::NotFound(_))
    ));

    let pledge = store
        .save_value(
            &json!({"form":"security_pledge","schema_version":1,"id":"p-1",
            "unit_name":"韶关市数据管理中心","sign_date":"2025-03-01","application_id":"old"}),
        )
        .unwrap();
    let copy = store.duplicate(&pledge.id).unwrap();
    let new: Value = serde_json::from_str(&store.document(&copy.id).unwrap()).unwrap();
    assert!(new.get("sign_date").is_none() && new.get("application_id").is_none());
    assert_eq!(new["unit_name"], "韶关市数据管理中心");
}

/// 以此为模板新建 of an estimate makes next year's, dated today in China's
/// calendar (the clock at 16:30 UTC is already the next day in Shaoguan),
/// with the rows kept and no errors.
#[test]
fn duplicating_an_estimate_makes_next_years_dated_today() {
    let (_dir, mut store) = temp_store();
    // 2027-09-01T16:30:00Z is 2027-09-02 00:30 in Beijing time.
    store.set_clock(|| 1_819_816_200_000);
    let text =
        std::fs::read_to_string(crate::support::root().join("examples/demand_estimate.json"))
            .unwrap();
    let last = store.save(&text).unwrap();
    let copy = store.duplicate(&last.id).unwrap();
    assert_ne!(copy.id, last.id);
    let old: Value = serde_json::from_str(&text).unwrap();
    let new: Value = serde_json::from_str(&store.document(&copy.id).unwrap()).unwrap();
    assert_eq!(new["year"], old["year"].as_i64().unwrap() + 1);
    assert_eq!(new["submit_date"], "2027-09-02");
    assert_eq!(new["items"], old["items"]);
    assert!(new.get("created_at").is_none());
    let report = gcforms::validate_value(new, gcforms::policy::Policy::default_shaoguan()).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

fn profile() -> UnitProfile {
    UnitProfile {
        unit_name: "韶关市数据管理中心".into(),
        unit_leader: "王五".into(),
        contact_name: "张三".into(),
        contact_phone: "0751-8888888".into(),
        email: "zhangsan@sg.gov.cn".into(),
        jurisdiction: "wujiang".into(),
        supervisor_unit: String::new(),
        maintainer: MaintainerProfile {
            unit_name: "信息科".into(),
            nature: "internal".into(),
            lead_name: "李四".into(),
            phone: "13800138000".into(),
            email: "lisi@sg.gov.cn".into(),
        },
    }
}

#[test]
fn profile_is_stored_and_prefills_every_form() {
    let (_dir, store) = temp_store();
    assert_eq!(store.profile().unwrap(), UnitProfile::default());
    store.set_profile(&profile()).unwrap();
    assert_eq!(store.profile().unwrap(), profile());

    for form in FormKind::ALL {
        let doc = new_document(form, &profile());
        assert_eq!(doc["form"], form.key());
        assert!(uuid::Uuid::parse_str(doc["id"].as_str().unwrap()).is_ok());
        let report =
            gcforms::validate_value(doc.clone(), gcforms::policy::Policy::default_shaoguan())
                .unwrap();
        let unknown: Vec<_> = report
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.code,
                    gcforms::rules::Code::UnknownField
                        | gcforms::rules::Code::TypeMismatch
                        | gcforms::rules::Code::EnumValue
                )
            })
            .collect();
        assert!(unknown.is_empty(), "{form:?}: {unknown:?}");
        if form == FormKind::SecurityPledge {
            assert_eq!(doc["unit_name"], "韶关市数据管理中心");
            assert_eq!(doc["unit_leader"], "王五");
        } else if form == FormKind::DemandEstimate {
            assert_eq!(doc["unit_name"], "韶关市数据管理中心");
            assert_eq!(doc["jurisdiction"], "wujiang");
            assert_eq!(doc["contact_phone"], profile().contact_phone);
            assert!(
                doc.get("supervisor_unit").is_none(),
                "blank is not prefilled"
            );
            assert!(doc.get("year").is_none() && doc.get("submit_date").is_none());
        } else {
            assert_eq!(doc["applicant"]["unit_name"], "韶关市数据管理中心");
            assert_eq!(doc["applicant"]["jurisdiction"], "wujiang");
            assert_eq!(doc["maintainer"]["lead_name"], "李四");
            assert!(
                doc["applicant"].get("supervisor_unit").is_none(),
                "blank is not prefilled"
            );
            assert!(doc["applicant"].get("application_date").is_none());
        }
        let draft = store.create(form).unwrap();
        assert_eq!(draft.summary.form, form);
        assert_eq!(draft.summary.unit_name, "韶关市数据管理中心");
        assert_eq!(
            draft.summary.status,
            DraftStatus::Draft,
            "a new form is incomplete"
        );
    }
    assert_eq!(
        store.list(&ListQuery::default()).unwrap().len(),
        FormKind::ALL.len()
    );
}

#[test]
fn the_app_and_the_cli_share_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let (app, _) = Store::open(&path).unwrap();
    let (cli, _) = Store::open(&path).unwrap();
    app.save(&application_text("from-app", 1, "")).unwrap();
    cli.save(&application_text("from-cli", 1, "")).unwrap();
    assert_eq!(app.list(&ListQuery::default()).unwrap().len(), 2);
    assert_eq!(
        cli.document("from-app").unwrap(),
        app.document("from-app").unwrap()
    );
    // A writer holding the lock makes the other wait, not fail, within the
    // busy timeout.
    app.connection().execute_batch("BEGIN IMMEDIATE").unwrap();
    let waiter = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        cli.save(&application_text("from-cli", 1, "later")).unwrap();
        started.elapsed()
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    app.connection().execute_batch("COMMIT").unwrap();
    assert!(waiter.join().unwrap() >= std::time::Duration::from_millis(250));
    assert!(app.document("from-cli").unwrap().contains("later"));
}
