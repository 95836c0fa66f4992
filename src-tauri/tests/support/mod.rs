//! What the shell's test binaries share: the repository and a large draft.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A 300-host 附件1, built from the example's rows.
pub fn big_application() -> Value {
    let text = std::fs::read_to_string(repo().join("examples/application.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let rows = doc["hosts"].as_array().unwrap().clone();
    let hosts: Vec<Value> = (0..300)
        .map(|i| {
            let mut h = rows[i % rows.len()].clone();
            h["name"] = json!(format!("host-{i:03}"));
            h
        })
        .collect();
    doc["hosts"] = json!(hosts);
    doc.as_object_mut().unwrap().remove("totals");
    doc
}
