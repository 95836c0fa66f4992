//! `pack` of the example application and its pledge with the unit key
//! already unlocked (the app's path: the key stays in memory for the run),
//! and what opening a key file adds (the command line's path: every `pack`
//! opens the file): a file of today's policy (600,000 iterations) and one
//! written before (10,000, the fixture of `tests/sign/key_files.rs`).
//! Run: `cargo bench --bench pack -- --warm-up-time 1 --measurement-time 5`.
//!
//! The whole `gcforms pack` process from a locked file, with the font cache
//! warm: `hyperfine -N --warmup 2 'target/release/gcforms pack
//! examples/application.json examples/security_pledge.json --key unit.p12
//! -o /tmp/p.gcpkg.json'` with `GCFORMS_PASSPHRASE` set.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;

use gcforms::package::{pack, PackOptions, PaperRenderer};
use gcforms::policy::Policy;
use gcforms::sign::UnitKey;

fn example(name: &str) -> Value {
    let path = format!("{}/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).expect("example")).expect("JSON")
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default_shaoguan();
    let pass = "韶关政务云 bench 口令";
    let key = UnitKey::generate("韶关市不动产登记中心", chrono::Utc::now()).expect("key");
    let documents = vec![example("application"), example("security_pledge")];
    let options = PackOptions::now();
    pack(documents.clone(), policy, &key, &PaperRenderer, &options).expect("packs");
    c.bench_function("pack_with_the_key_unlocked", |b| {
        b.iter(|| {
            pack(
                black_box(documents.clone()),
                policy,
                &key,
                &PaperRenderer,
                &options,
            )
        })
    });
    let new_file = key.to_pkcs12(pass, &policy.key_file).expect("written");
    c.bench_function("open_key_file_600000_iterations", |b| {
        b.iter(|| UnitKey::from_pkcs12(black_box(&new_file), pass))
    });
    let old_file = std::fs::read(format!(
        "{}/tests/sign/fixtures/unit-key-10000-iterations.p12",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    c.bench_function("open_key_file_10000_iterations", |b| {
        b.iter(|| UnitKey::from_pkcs12(black_box(&old_file), "测试口令 passphrase"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
