//! Validation speed: an application of 1,000 host rows (target ≤ 2 ms), from
//! a parsed JSON value and from the file's bytes.

use criterion::{criterion_group, criterion_main, Criterion};
use gcforms::policy::Policy;
use serde_json::{json, Value};

fn application_with_hosts(n: usize) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/application.json"
    ))
    .unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let hosts: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "name": format!("sg-host-{i:04}"), "server_type": "vm", "network_zone": if i % 2 == 0 { "egov" } else { "internet" },
                "os": "kylin", "vcpu": 8, "memory_gb": 16, "data_disk_gb": 200, "quantity": 1 + i % 3,
                "remarks": "业务应用服务器",
                "backup": { "required": true, "data_types": ["file", "database"], "copies": ["local", "same_city"], "retention_months": 6 }
            })
        })
        .collect();
    doc["hosts"] = Value::Array(hosts);
    doc.as_object_mut().unwrap().shift_remove("totals");
    doc
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default_shaoguan();
    let doc = application_with_hosts(1000);
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert!(gcforms::validate_value(doc.clone(), policy)
        .unwrap()
        .is_valid());
    c.bench_function("validate 1000 hosts (value)", |b| {
        b.iter_batched(
            || doc.clone(),
            |d| gcforms::validate_value(d, policy).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    c.bench_function("validate 1000 hosts (bytes)", |b| {
        b.iter(|| gcforms::validate_bytes(&bytes, policy).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
