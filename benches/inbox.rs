//! The reviewer's workspace (issue #14): importing 100 packages (each kept,
//! verified and its verdict recorded) and listing an inbox of 500 (verdicts
//! read from the store, deadlines and time left counted, sorted).
//!
//! `cargo bench --bench inbox -- --warm-up-time 1 --measurement-time 5`.
//! The packages are one real package (the example application and its
//! pledge, signed PDFs) re-signed under new `package_id`s, so every one of
//! them verifies in full.

use std::hint::black_box;
use std::time::Instant;

use base64::Engine;
use chrono::{DateTime, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use gcforms::calendar::Calendar;
use gcforms::inbox::{self, InboxQuery};
use gcforms::package::{pack, signed_bytes, PackOptions, PaperRenderer};
use gcforms::policy::Policy;
use gcforms::sign::UnitKey;
use gcforms::store::Store;
use serde_json::Value;

fn example(name: &str) -> Value {
    let path = format!("{}/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `n` distinct valid packages.
fn packages(n: usize) -> Vec<Vec<u8>> {
    let policy = Policy::default_shaoguan();
    let time = DateTime::parse_from_rfc3339("2026-09-18T10:00:00+08:00").unwrap();
    let key = UnitKey::generate("韶关市不动产登记中心", time.to_utc()).unwrap();
    let options = PackOptions {
        package_id: uuid::Uuid::new_v4(),
        time,
        signer_name: None,
    };
    let documents = vec![example("application"), example("security_pledge")];
    let package = pack(documents, policy, &key, &PaperRenderer, &options).unwrap();
    let base = serde_json::to_value(&package).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    (0..n)
        .map(|i| {
            let mut p = base.clone();
            p["package_id"] = Value::String(format!("00000000-0000-4000-8000-{i:012}"));
            let signed = signed_bytes(&p).unwrap();
            p["signature"]["value"] = Value::String(b64.encode(key.sign_es256(&signed)));
            serde_json::to_vec_pretty(&p).unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default_shaoguan();
    let calendar = Calendar::builtin();
    let received = NaiveDate::from_ymd_opt(2026, 9, 21).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 9, 24).unwrap();
    let all = packages(500);
    eprintln!("package size: {} bytes", all[0].len());

    let mut group = c.benchmark_group("inbox");
    group.sample_size(10);
    group.bench_function("import 100 packages", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let (store, _) = Store::open(dir.path().join("drafts.db")).unwrap();
                (dir, store)
            },
            |(dir, store)| {
                for p in &all[..100] {
                    inbox::receive(&store, p, "p.gcpkg.json", received, policy, &calendar).unwrap();
                }
                (dir, store)
            },
            criterion::BatchSize::PerIteration,
        )
    });

    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("drafts.db")).unwrap();
    let t = Instant::now();
    for p in &all {
        inbox::receive(&store, p, "p.gcpkg.json", received, policy, &calendar).unwrap();
    }
    eprintln!("importing 500 packages once: {:?}", t.elapsed());
    group.bench_function("list an inbox of 500", |b| {
        b.iter(|| {
            let inbox = inbox::inbox(&store, policy, &calendar, today, &InboxQuery::default());
            black_box(inbox.unwrap().rows.len())
        })
    });
    group.bench_function("search an inbox of 500", |b| {
        let query = InboxQuery {
            search: Some("不动产".into()),
            stage: Some("awaiting_city".into()),
            jurisdiction: None,
        };
        b.iter(|| {
            black_box(
                inbox::inbox(&store, policy, &calendar, today, &query)
                    .unwrap()
                    .rows
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
