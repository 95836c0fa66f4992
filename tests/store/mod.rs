//! The draft store (issue #4): real SQLite files in temporary folders.

mod backup;
mod cli;
mod crash;
mod damage;
mod drafts;
mod history;
mod migrations;
mod received;

use std::path::{Path, PathBuf};

use gcforms::store::Store;
use serde_json::{json, Value};

/// The example documents shipped in `examples/`.
pub fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the four example documents");
    files
}

/// A fresh store in a temporary folder (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, notice) = Store::open(dir.path().join("drafts.db")).unwrap();
    assert!(notice.is_none());
    (dir, store)
}

/// One valid host row.
pub fn host(i: usize) -> Value {
    json!({
        "name": format!("app-{i:04}"),
        "server_type": "vm",
        "network_zone": if i.is_multiple_of(2) { "egov" } else { "internet" },
        "os": "kylin",
        "vcpu": 4 + (i % 4) * 4,
        "memory_gb": 8 + (i % 8) * 8,
        "data_disk_gb": 100 + i % 900,
        "quantity": 1 + i % 3,
        "remarks": format!("第 {i} 台应用服务器"),
        "backup": { "required": true, "data_types": ["file", "database"], "copies": ["local"], "retention_months": 6 }
    })
}

/// A valid 附件1 with `hosts` rows; `marker` goes into 备注 so that texts differ.
pub fn application(id: &str, hosts: usize, marker: &str) -> Value {
    json!({
        "form": "application",
        "schema_version": 1,
        "id": id,
        "applicant": {
            "unit_name": "韶关市数据管理中心",
            "contact_name": "张三",
            "contact_phone": "0751-8888888",
            "email": "zhangsan@sg.gov.cn",
            "application_date": "2026-03-05",
            "term_start": "2026-04-01",
            "term_end": "2027-03-31",
            "system_name": "政务数据共享平台",
            "project_name": "政务数据共享平台扩容项目",
            "jurisdiction": "city"
        },
        "maintainer": {
            "unit_name": "韶关市数据管理中心信息科",
            "nature": "internal",
            "lead_name": "李四",
            "phone": "13800138000",
            "email": "lisi@sg.gov.cn"
        },
        "hosts": (0..hosts).map(host).collect::<Vec<_>>(),
        "remarks": marker
    })
}

/// [`application`] as pretty JSON text.
pub fn application_text(id: &str, hosts: usize, marker: &str) -> String {
    serde_json::to_string_pretty(&application(id, hosts, marker)).unwrap()
}

/// SHA-256 of a text, hex.
pub fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `PRAGMA integrity_check` of a database file, through a connection of its own.
pub fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}
