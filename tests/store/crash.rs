//! Crash safety, for real: a writer process saving drafts in a loop is killed
//! with SIGKILL at random moments; after every kill the file must pass
//! `PRAGMA integrity_check` and hold every save the writer acknowledged.
//!
//! The writer is this test binary itself, re-executed to run the ignored test
//! [`writer`] with the database path in `GCFORMS_CRASH_DB`. It prints `READY`
//! once the store is open, then `ACK <id> <sha256>` after each `save`
//! returned, i.e. after the commit, and every fourth step receives a
//! package (审核工作台) and prints `RECV <sha256>` once it is stored, then
//! records its verdict, a trusted certificate and a review result (the
//! workspace's tables), each acknowledged the same way. Nine kills in ten come 0–80 ms after
//! `READY` (while saving, however slow the machine), one in ten 0–30 ms after
//! start (while opening: WAL recovery, migrations). Every save is a version
//! of its own and nothing is pruned, so every acknowledged text must be found,
//! and every acknowledged package with its exact bytes.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gcforms::store::{HistoryPolicy, Store};
use rusqlite::Connection;

use super::{application_text, integrity, sha256};
use crate::support::Rng;

/// SHA-256 of bytes, lower-case hex (as the store keys received packages).
fn sha256_bytes(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const KILLS: usize = 200;
const DB_VAR: &str = "GCFORMS_CRASH_DB";
const RUN_VAR: &str = "GCFORMS_CRASH_RUN";

/// The writer process. Does nothing unless started by the crash test.
#[test]
#[ignore = "run by crash_safety_under_sigkill as a child process"]
fn writer() {
    let Some(db) = std::env::var_os(DB_VAR) else {
        return;
    };
    let run = std::env::var(RUN_VAR).unwrap_or_default();
    let (mut store, _) = Store::open(&db).expect("open");
    println!("READY");
    // Every save a version of its own and none pruned, so that every
    // acknowledged save must still be found.
    store.set_history_policy(HistoryPolicy {
        coalesce: Duration::ZERO,
        max_versions: usize::MAX,
        ..HistoryPolicy::default()
    });
    for seq in 0.. {
        let id = format!("crash-{}", seq % 5);
        // 5–40 hosts: texts of 2–16 pages, so commits span many pages.
        let text = application_text(&id, 5 + (seq * 7) % 36, &format!("run {run} save {seq}"));
        store.save(&text).expect("save");
        println!("ACK {id} {}", sha256(&text));
        if seq % 4 == 3 {
            let package = serde_json::json!({
                "format": "gcforms-package",
                "package_id": format!("pkg-{run}-{seq}"),
                "documents": [{"data": serde_json::from_str::<serde_json::Value>(&text).unwrap()}],
            });
            let bytes = serde_json::to_vec(&package).unwrap();
            let received = chrono::NaiveDate::from_ymd_opt(2026, 9, 29).unwrap();
            let got = store
                .receive_package(&bytes, "p.gcpkg.json", received)
                .expect("receive");
            println!("RECV {}", got.package.sha256);
            // The workspace's tables (migration 0006): a verdict, a
            // trusted certificate and a clerk's review result.
            let verdict = gcforms::store::Verdict {
                policy: format!("crash {run}"),
                valid: seq % 8 == 3,
                status: "awaiting_city".into(),
                problem: String::new(),
                decided: String::new(),
            };
            store
                .record_verdict(&got.package.sha256, &verdict)
                .expect("verdict");
            println!("VERDICT {} crash {run}", got.package.sha256);
            let fingerprint = format!("FP-{run}-{seq}");
            store
                .trust_certificate(&bytes[..64], &fingerprint, "单位", "2030-01-01", "crash")
                .expect("trust");
            println!("TRUST {fingerprint}");
            let result = gcforms::store::ReviewResult {
                document_id: String::new(),
                sha256: got.package.sha256.clone(),
                package_id: format!("pkg-{run}-{seq}"),
                status: "returned".into(),
                status_label: "已退回".into(),
                level_label: "主管部门".into(),
                decision_label: "退回修改".into(),
                unit: "主管部门".into(),
                opinion: format!("意见 {run} {seq}"),
                date: "2026-09-30".into(),
                imported_at: String::new(),
            };
            store
                .record_review_result(&result, &[format!("doc-{run}-{seq}")])
                .expect("review result");
            println!("RESULT doc-{run}-{seq}");
        }
    }
}

fn rows(conn: &Connection, sql: &str) -> Vec<(String, i64, String)> {
    let mut st = conn.prepare(sql).unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn crash_safety_under_sigkill() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    // Every acknowledged save: draft and the sha256 of its text.
    let mut all_acks: Vec<(String, String)> = Vec::new();
    // Versions already checked, by (draft, version): their text's sha256.
    let mut known: BTreeMap<(String, i64), String> = BTreeMap::new();
    let mut known_pending = Vec::new();
    // Every acknowledged received package, by the SHA-256 of its bytes.
    let mut all_received: Vec<String> = Vec::new();
    // And the workspace's rows: verdicts ("sha policy"), trusted
    // fingerprints, review results' document ids.
    let (mut all_verdicts, mut all_trusted, mut all_results) = (
        Vec::<String>::new(),
        Vec::<String>::new(),
        Vec::<String>::new(),
    );
    let (mut total_acks, mut runs_with_acks) = (0usize, 0usize);

    for run in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "store::crash::writer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_VAR, &db)
            .env(RUN_VAR, run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut out = String::new();
        if rng.below(10) == 0 {
            // Now and then during start-up: opening, WAL recovery, migrations.
            std::thread::sleep(Duration::from_millis(rng.below(30)));
        } else {
            // Otherwise while saving, however slow the machine is today.
            while !out.contains("READY") {
                let n = stdout.read_line(&mut out).unwrap();
                assert!(n > 0, "the writer stopped before it was ready: {out}");
            }
            std::thread::sleep(Duration::from_millis(rng.below(80)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stdout.read_to_string(&mut out).unwrap();
        let new_acks: Vec<(String, String)> = out
            .lines()
            // libtest's "test … ... " has no new line: an ACK may follow it.
            .filter_map(|l| l.find("ACK ").map(|at| &l[at + 4..]))
            .map(|l| {
                let (id, sha) = l.split_once(' ').unwrap();
                (id.to_string(), sha.to_string())
            })
            .collect();
        let received: Vec<String> = out
            .lines()
            .filter_map(|l| l.find("RECV ").map(|at| l[at + 5..].trim().to_string()))
            .collect();
        all_received.extend(received);
        let tagged = |tag: &str| -> Vec<String> {
            out.lines()
                .filter_map(|l| l.find(tag).map(|at| l[at + tag.len()..].trim().to_string()))
                .collect()
        };
        all_verdicts.extend(tagged("VERDICT "));
        all_trusted.extend(tagged("TRUST "));
        all_results.extend(tagged("RESULT "));
        let this_run = new_acks.len();
        all_acks.extend(new_acks.iter().cloned());
        total_acks += this_run;
        runs_with_acks += usize::from(this_run > 0);

        // 1. The file is sound.
        assert_eq!(integrity(&db), "ok", "after kill {run}");
        // 2. Every acknowledged save is there, byte for byte (checked by
        //    hash), as the current version or in the history: the new ones
        //    by hash, the earlier ones by their row still being there.
        let conn = Connection::open(&db).unwrap();
        let schema_made: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'draft_versions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if !schema_made {
            // Killed during the very first start-up, before the schema's
            // migration committed: then nothing can have been saved.
            assert!(all_acks.is_empty(), "kill {run}: the tables are gone");
            drop(conn);
            let (_, notice) = Store::open(&db).unwrap();
            assert!(notice.is_none(), "kill {run}: {notice:?}");
            continue;
        }
        let mut fresh: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        for (id, version, doc) in rows(&conn, "SELECT draft_id, version, doc FROM draft_versions") {
            if !known.contains_key(&(id.clone(), version)) {
                let sha = sha256(&doc);
                known_pending.push(((id.clone(), version), sha.clone()));
                fresh.entry(id).or_default().insert(sha);
            }
        }
        for (id, sha) in &new_acks {
            assert!(
                fresh.get(id).is_some_and(|s| s.contains(sha)),
                "kill {run}: acknowledged save of {id} lost"
            );
        }
        for (key, sha) in known_pending.drain(..) {
            known.insert(key, sha);
        }
        let present: HashSet<(String, i64)> =
            rows(&conn, "SELECT draft_id, version, '' FROM draft_versions")
                .into_iter()
                .map(|(id, v, _)| (id, v))
                .collect();
        assert!(
            known.keys().all(|k| present.contains(k)),
            "kill {run}: an earlier save disappeared"
        );
        // 3. Each draft's row points at a version that exists and parses.
        let broken: i64 = conn
            .query_row(
                "SELECT count(*) FROM drafts d LEFT JOIN draft_versions v \
                 ON v.draft_id = d.id AND v.version = d.version WHERE v.doc IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(broken, 0, "kill {run}: a draft without its current version");
        // 4. Every acknowledged received package, bytes unchanged.
        for sha in &all_received {
            let bytes: Vec<u8> = conn
                .query_row(
                    "SELECT bytes FROM received_packages WHERE sha256 = ?1",
                    [sha],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("kill {run}: received package {sha} lost: {e}"));
            assert_eq!(
                &sha256_bytes(&bytes),
                sha,
                "kill {run}: package {sha} changed"
            );
        }
        // 5. Every acknowledged verdict, trusted certificate and review
        //    result (the tables of migration 0006).
        let count =
            |sql: &str, key: &str| -> i64 { conn.query_row(sql, [key], |r| r.get(0)).unwrap() };
        for v in &all_verdicts {
            let (sha, policy) = v.split_once(' ').unwrap();
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM received_verdicts WHERE sha256 = ?1 AND policy = ?2",
                    [sha, policy],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 1, "kill {run}: verdict of {sha} lost");
        }
        for fp in &all_trusted {
            let n = count(
                "SELECT count(*) FROM trusted_certificates WHERE fingerprint = ?1",
                fp,
            );
            assert_eq!(n, 1, "kill {run}: trusted certificate {fp} lost");
        }
        for doc in &all_results {
            let n = count(
                "SELECT count(*) FROM review_results WHERE document_id = ?1",
                doc,
            );
            assert_eq!(n, 1, "kill {run}: review result of {doc} lost");
        }
        drop(conn);
        // 6. The store opens without a repair.
        let (_, notice) = Store::open(&db).unwrap();
        assert!(notice.is_none(), "kill {run}: {notice:?}");
    }
    assert!(
        runs_with_acks > KILLS / 4,
        "kills must land while saving ({runs_with_acks} of {KILLS} after a save)"
    );
    // Finally every text again, by hash: nothing changed under its row.
    let conn = Connection::open(&db).unwrap();
    let all: HashSet<(String, String)> =
        rows(&conn, "SELECT draft_id, version, doc FROM draft_versions")
            .into_iter()
            .map(|(id, _, doc)| (id, sha256(&doc)))
            .collect();
    assert!(all_acks.iter().all(|a| all.contains(a)));
    // Saves committed but killed before their ACK was printed.
    let unacked_commits = all.len() - total_acks;
    eprintln!(
        "crash test: {KILLS} kills, {runs_with_acks} after at least one save, {total_acks} \
         acknowledged saves all present, {unacked_commits} committed but unacknowledged, {} \
         acknowledged received packages all present, {:.1} s",
        all_received.len(),
        started.elapsed().as_secs_f64()
    );
}
