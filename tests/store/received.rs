//! Received packages (审核工作台): kept exactly as received, the same bytes
//! once, a package back with more reviews as a new version, through the
//! store's file and a repair.

use chrono::NaiveDate;
use gcforms::store::{Store, StoreError};
use serde_json::{json, Value};

pub(super) fn package(id: &str, reviews: usize, unit: &str) -> Vec<u8> {
    let review = json!({"level": "city", "unit": "韶关市政务服务数据管理局"});
    serde_json::to_vec_pretty(&json!({
        "format": "gcforms-package",
        "format_version": 1,
        "package_id": id,
        "created_at": "2026-09-28T10:00:00+08:00",
        "documents": [
            {"data": {"form": "application", "applicant": {"unit_name": unit,
                "system_name": "不动产统一登记信息平台", "jurisdiction": "wujiang"}}},
            {"data": {"form": "security_pledge", "unit_name": unit}}
        ],
        "reviews": vec![review; reviews],
    }))
    .unwrap()
}

/// Zeroes the store file's header, so that it must be repaired to open,
/// and opens it.
fn repaired(path: &std::path::Path) -> Store {
    let mut file = std::fs::read(path).unwrap();
    file[..16].fill(0);
    std::fs::write(path, &file).unwrap();
    let (store, notice) = Store::open(path).unwrap();
    assert!(notice.is_some(), "the repair is reported");
    store
}

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

#[test]
fn kept_exactly_once_and_newer_versions_listed_first() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("drafts.db")).unwrap();
    let first = package("p-1", 0, "韶关市武江区不动产登记中心");
    let got = store
        .receive_package(&first, "/media/usb/申请.gcpkg.json", day("2026-09-29"))
        .unwrap();
    assert!(got.new);
    let p = &got.package;
    assert_eq!(p.file_name, "申请.gcpkg.json");
    assert_eq!(p.unit_name, "韶关市武江区不动产登记中心");
    assert_eq!(p.system_name, "不动产统一登记信息平台");
    assert_eq!(p.forms, ["application", "security_pledge"]);
    assert_eq!(p.jurisdiction, "wujiang");
    assert_eq!(
        (p.reviews, p.versions, p.received.as_str()),
        (0, 1, "2026-09-29")
    );
    // The same bytes again: one row, nothing changed.
    let again = store
        .receive_package(&first, "copy.gcpkg.json", day("2026-10-08"))
        .unwrap();
    assert!(!again.new);
    assert_eq!(again.package.received, "2026-09-29");
    assert_eq!(store.received_packages().unwrap().len(), 1);
    // Back with a review: a new version of the same package, listed instead.
    let reviewed = package("p-1", 1, "韶关市武江区不动产登记中心");
    let v2 = store
        .receive_package(&reviewed, "reviewed.gcpkg.json", day("2026-10-09"))
        .unwrap();
    assert!(v2.new);
    let inbox = store.received_packages().unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!((inbox[0].reviews, inbox[0].versions), (1, 2));
    assert_eq!(store.received_versions("p-1").unwrap().len(), 2);
    // Bytes unchanged, both versions.
    assert_eq!(store.received_bytes(&got.package.sha256).unwrap(), first);
    assert_eq!(store.received_bytes(&v2.package.sha256).unwrap(), reviewed);
    // 收到日期 can be corrected.
    store
        .set_received_date(&v2.package.sha256, day("2026-10-10"))
        .unwrap();
    assert_eq!(store.received_packages().unwrap()[0].received, "2026-10-10");
    assert!(matches!(
        store.set_received_date("00", day("2026-10-10")),
        Err(StoreError::PackageNotFound(_))
    ));
}

#[test]
fn what_is_not_a_package_is_refused_and_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("drafts.db")).unwrap();
    let pledge =
        std::fs::read(crate::support::root().join("examples/security_pledge.json")).unwrap();
    for bytes in [
        &b"{\"format\": \"gcforms-package\""[..],
        b"\xff\xfe",
        &pledge,
        b"[]",
    ] {
        let e = store
            .receive_package(bytes, "x.json", day("2026-09-29"))
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Input(_) | StoreError::NotAPackage(_)),
            "{e}"
        );
    }
    let mut no_id: Value = serde_json::from_slice(&package("p", 0, "单位")).unwrap();
    no_id["package_id"] = json!("");
    let e = store
        .receive_package(&serde_json::to_vec(&no_id).unwrap(), "x", day("2026-09-29"))
        .unwrap_err();
    assert!(e.to_string().contains("package_id"), "{e}");
    assert!(store.received_packages().unwrap().is_empty());
}

/// A damaged store file is repaired with every received package whose bytes
/// still match their SHA-256: kept exactly, or not at all.
#[test]
fn received_packages_survive_a_repair() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let bytes = package("p-9", 2, "韶关市浈江区数据局");
    {
        let (store, _) = Store::open(&path).unwrap();
        store
            .receive_package(&bytes, "p.gcpkg.json", day("2026-09-29"))
            .unwrap();
    }
    let store = repaired(&path);
    let inbox = store.received_packages().unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(store.received_bytes(&inbox[0].sha256).unwrap(), bytes);
}

/// The workspace's own tables survive a repair too: a trusted certificate
/// and a clerk's review result (the verdicts are a cache, judged again).
#[test]
fn trusted_certificates_and_review_results_survive_a_repair() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.db");
    let result = gcforms::store::ReviewResult {
        document_id: String::new(),
        sha256: "ab".repeat(32),
        package_id: "p-1".into(),
        status: "returned".into(),
        status_label: "已退回".into(),
        level_label: "主管部门".into(),
        decision_label: "退回修改".into(),
        unit: "韶关市自然资源局".into(),
        opinion: "请补充等保测评报告。".into(),
        date: "2026-10-12".into(),
        imported_at: String::new(),
    };
    {
        let (store, _) = Store::open(&path).unwrap();
        store
            .trust_certificate(
                b"der bytes",
                "AB:CD",
                "韶关市不动产登记中心",
                "2036-03-01",
                "证书文件 a.pem",
            )
            .unwrap();
        store
            .record_review_result(&result, &["doc-1".to_string()])
            .unwrap();
    }
    let store = repaired(&path);
    let trusted = store.trusted_certificates().unwrap();
    assert_eq!(trusted.len(), 1);
    assert_eq!(
        (trusted[0].fingerprint.as_str(), trusted[0].unit.as_str()),
        ("AB:CD", "韶关市不动产登记中心")
    );
    assert_eq!(
        store.trusted_certificate_ders().unwrap(),
        [b"der bytes".to_vec()]
    );
    let results = store.review_results().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].document_id, "doc-1");
    assert_eq!(results[0].opinion, "请补充等保测评报告。");
}
