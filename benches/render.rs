//! Rendering 附件1 with 20 and with 300 hosts (targets: ≤ 20 ms and ≤ 150 KB
//! for 20 hosts, ≤ 100 ms for 300). Fonts are loaded once, as in the app;
//! the full faces, since the example's names go beyond the common subsets
//! (the PDF is the same either way).
//! Run: `cargo bench --bench render -- --warm-up-time 1 --measurement-time 3`.
//!
//! The whole `gcforms render` process, with the per-user font cache warm, is
//! measured on the same documents made by `scripts/many-hosts`:
//! `scripts/many-hosts 300 > /tmp/a300.json`, then
//! `hyperfine -N --warmup 3 'target/release/gcforms render /tmp/a300.json -o /tmp/a300.pdf'`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::render::{render_with, Fonts, RenderOptions};

/// The example application with `n` hosts cycling through its three rows.
fn application(n: usize) -> Document {
    let mut doc: Value =
        serde_json::from_str(include_str!("../examples/application.json")).expect("example");
    let base = doc["hosts"].as_array().expect("hosts").clone();
    let hosts: Vec<Value> = (0..n)
        .map(|i| {
            let mut h = base[i % base.len()].clone();
            h["name"] = json!(format!("host-{i:03}"));
            h
        })
        .collect();
    doc["hosts"] = json!(hosts);
    doc.as_object_mut().expect("object").remove("totals");
    let report = gcforms::validate_value(doc, Policy::default_shaoguan()).expect("readable");
    report.document.expect("typed")
}

fn bench(c: &mut Criterion) {
    let fonts = Fonts::shared();
    let policy = Policy::default_shaoguan();
    let options = RenderOptions::default();
    for n in [20, 300] {
        let doc = application(n);
        let pdf = render_with(fonts, &doc, policy, &options).expect("renders");
        println!("附件1 with {n} hosts: {} bytes", pdf.len());
        c.bench_function(&format!("render_application_{n}_hosts"), |b| {
            b.iter(|| render_with(fonts, black_box(&doc), policy, &options))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
