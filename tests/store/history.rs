//! Versions: coalescing autosaves, keeping the state before a pause,
//! restoring, and thinning old versions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gcforms::store::{HistoryPolicy, Store, StoreError};
use serde_json::json;

use super::{application_text, temp_store};

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

fn clock(store: &mut Store) -> Arc<AtomicI64> {
    let now = Arc::new(AtomicI64::new(1_700_000_000_000));
    let c = now.clone();
    store.set_clock(move || c.load(Ordering::SeqCst));
    now
}

fn pledge(id: &str, n: i64) -> String {
    json!({"form":"security_pledge","schema_version":1,"id":id,"unit_name":format!("单位{n}")})
        .to_string()
}

#[test]
fn autosave_every_second_keeps_about_one_version_a_minute() {
    let (_dir, mut store) = temp_store();
    let now = clock(&mut store);
    // Ten minutes of typing, a save every second.
    for s in 0..600 {
        store.save(&pledge("typing", s)).unwrap();
        now.fetch_add(SEC, Ordering::SeqCst);
    }
    let history = store.history("typing").unwrap();
    assert_eq!(history.len(), 10, "{history:#?}");
    assert!(history[0].current);
    assert!(history[1..].iter().all(|v| !v.current));
    // Each kept version holds the last state of its minute.
    let v = |i: usize| {
        store
            .version_document("typing", history[i].version)
            .unwrap()
    };
    assert_eq!(v(0), pledge("typing", 599));
    assert_eq!(v(1), pledge("typing", 539));
    assert_eq!(v(9), pledge("typing", 59));
}

#[test]
fn the_state_before_a_pause_is_kept_and_can_be_restored() {
    let (_dir, mut store) = temp_store();
    let now = clock(&mut store);
    for s in 0..30 {
        store.save(&pledge("pause", s)).unwrap();
        now.fetch_add(SEC, Ordering::SeqCst);
    }
    // Next morning the clerk deletes everything by mistake.
    now.fetch_add(16 * HOUR, Ordering::SeqCst);
    let wrong = store.save(&pledge("pause", 999)).unwrap();
    assert!(wrong.new_version);
    let history = store.history("pause").unwrap();
    assert_eq!(history.len(), 2);
    let before = history[1].version;
    assert_eq!(
        store.version_document("pause", before).unwrap(),
        pledge("pause", 29)
    );

    now.fetch_add(SEC, Ordering::SeqCst);
    let restored = store.restore_version("pause", before).unwrap();
    assert!(restored.new_version, "a restore is a version of its own");
    assert_eq!(store.document("pause").unwrap(), pledge("pause", 29));
    // The mistaken state is itself still there: a restore can be undone.
    let texts: Vec<String> = store
        .history("pause")
        .unwrap()
        .iter()
        .map(|v| store.version_document("pause", v.version).unwrap())
        .collect();
    assert!(texts.contains(&pledge("pause", 999)));

    assert!(matches!(
        store.restore_version("pause", 12345),
        Err(StoreError::VersionNotFound { .. })
    ));
    assert!(matches!(
        store.restore_version("nope", 1),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn explicit_versions_and_a_clock_set_back() {
    let (_dir, mut store) = temp_store();
    let now = clock(&mut store);
    store.save(&application_text("v", 1, "a")).unwrap();
    let v = store.save_version(&application_text("v", 1, "b")).unwrap();
    assert!(v.new_version && v.version == 2);
    // The PC's clock jumps back a day: saves must not coalesce forever.
    now.fetch_sub(DAY, Ordering::SeqCst);
    let back = store.save(&application_text("v", 1, "c")).unwrap();
    assert!(back.new_version);
}

/// Checks the thinning rule on a draft's history (see `HistoryPolicy`).
fn check_rule(store: &Store, id: &str, now: i64, policy: &HistoryPolicy, all_saves: &[i64]) {
    let kept: Vec<i64> = store
        .history(id)
        .unwrap()
        .iter()
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(&v.saved_at)
                .unwrap()
                .timestamp_millis()
        })
        .collect();
    let keep_all = policy.keep_all.as_millis() as i64;
    let hourly = policy.hourly.as_millis() as i64;
    assert!(kept.len() <= policy.max_versions);
    // Recent: everything saved is there.
    let recent_saves = all_saves.iter().filter(|&&t| now - t < keep_all).count();
    let recent_kept = kept.iter().filter(|&&t| now - t < keep_all).count();
    assert_eq!(recent_kept, recent_saves, "all recent versions kept");
    // Older: exactly one per hour, then one per (China) day, for every
    // bucket that had saves.
    let bucket = |t: i64| {
        if now - t < hourly {
            (0, t.div_euclid(HOUR))
        } else {
            (1, (t + 8 * HOUR).div_euclid(DAY))
        }
    };
    let mut per_bucket: BTreeMap<(i32, i64), usize> = BTreeMap::new();
    for &t in kept.iter().filter(|&&t| now - t >= keep_all) {
        *per_bucket.entry(bucket(t)).or_default() += 1;
    }
    assert!(per_bucket.values().all(|&n| n == 1), "{per_bucket:?}");
    let saved_buckets: BTreeSet<_> = all_saves
        .iter()
        .filter(|&&t| now - t >= keep_all)
        .map(|&t| bucket(t))
        .collect();
    assert_eq!(
        per_bucket.keys().cloned().collect::<BTreeSet<_>>(),
        saved_buckets
    );
}

#[test]
fn old_versions_are_thinned_hourly_then_daily() {
    let (_dir, mut store) = temp_store();
    // Durability is not under test here; skip the fsyncs of 430 saves.
    store
        .connection()
        .execute_batch("PRAGMA synchronous = OFF")
        .unwrap();
    let now = clock(&mut store);
    let policy = HistoryPolicy {
        coalesce: Duration::from_secs(60),
        keep_all: Duration::from_secs(2 * 3600),
        hourly: Duration::from_secs(24 * 3600),
        max_versions: 1000,
    };
    store.set_history_policy(policy.clone());
    // Three days of edits, every 10 minutes: each save is a new version.
    let mut saves = Vec::new();
    for n in 0..(3 * 24 * 6) {
        saves.push(now.load(Ordering::SeqCst));
        assert!(store.save(&pledge("thin", n)).unwrap().new_version);
        now.fetch_add(10 * MIN, Ordering::SeqCst);
    }
    let at = now.load(Ordering::SeqCst) - 10 * MIN;
    check_rule(&store, "thin", at, &policy, &saves);
    let n = store.history("thin").unwrap().len();
    assert!((30..60).contains(&n), "{n} versions of 432 saves");

    // The cap drops the oldest, never the current.
    store.set_history_policy(HistoryPolicy {
        max_versions: 5,
        ..policy
    });
    now.fetch_add(10 * MIN, Ordering::SeqCst);
    store.save(&pledge("thin", 10_000)).unwrap();
    let history = store.history("thin").unwrap();
    assert_eq!(history.len(), 5);
    assert!(history[0].current);
    assert_eq!(store.document("thin").unwrap(), pledge("thin", 10_000));
    assert_eq!(
        store.version_document("thin", history[1].version).unwrap(),
        pledge("thin", 3 * 24 * 6 - 1)
    );
}

#[test]
fn default_policy_is_documented_values() {
    let p = HistoryPolicy::default();
    assert_eq!(p.coalesce, Duration::from_secs(60));
    assert_eq!(p.keep_all, Duration::from_secs(86_400));
    assert_eq!(p.hourly, Duration::from_secs(30 * 86_400));
    assert_eq!(p.max_versions, 200);
}

#[test]
fn an_exported_version_is_never_thinned_away() {
    let (dir, mut store) = temp_store();
    let now = clock(&mut store);
    store.set_history_policy(HistoryPolicy {
        max_versions: 3,
        ..HistoryPolicy::default()
    });
    store.save(&pledge("exp", 0)).unwrap();
    let pdf = dir.path().join("exp.pdf");
    std::fs::write(&pdf, b"%PDF").unwrap();
    let exported = store
        .log_export("exp", gcforms::store::ExportKind::Pdf, &pdf)
        .unwrap()
        .draft_version;
    for n in 1..20 {
        now.fetch_add(2 * MIN, Ordering::SeqCst);
        store.save(&pledge("exp", n)).unwrap();
    }
    let history = store.history("exp").unwrap();
    assert_eq!(history.len(), 4, "the cap of 3, plus the exported version");
    assert_eq!(
        store.version_document("exp", exported).unwrap(),
        pledge("exp", 0)
    );
}
