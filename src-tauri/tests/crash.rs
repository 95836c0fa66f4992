//! Crash safety on the app's own save path: a child process autosaves a
//! 300-host draft through [`gcforms_app::drafts::Drafts`] — the calls the
//! editor's autosave makes — and is killed with SIGKILL at random moments,
//! 1,000 times (in three lanes side by side, each on a store of its own). After every kill the database must pass
//! `PRAGMA integrity_check`, the app's store must open it without a repair,
//! and every save the child acknowledged must be there with its exact text.
//!
//! The child is this test binary re-executed to run the ignored test
//! [`autosaver`]. It prints `READY` once the store is open, `SAVING <sha>`
//! before each save and `ACK <sha>` after it returned (after the commit).
//! The app's history policy is the default one: saves within a minute
//! coalesce into one version (the row rewritten in place), and a draft keeps
//! at most 200 versions. The draft starts with 199 versions, and between
//! kills the test ages the history by two minutes, so that each run's first
//! save starts a new version and thins the history at its cap — pruning
//! inside the killed transaction — while the following saves rewrite that
//! version. WAL checkpoints happen on their own
//! (every 1,000 pages; a 300-host text is ~80 pages). Every other save the
//! child also receives a package into the same store.
//!
//! Acknowledged means: the draft's current text is the last acknowledged
//! one, or the one being saved when the kill came (committed, not yet
//! acknowledged); every acknowledged received package is stored with its
//! bytes unchanged.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gcforms::policy::Policy;
use gcforms::store::{HistoryPolicy, Store};
use gcforms_app::drafts::Drafts;
use rusqlite::Connection;
use serde_json::{json, Value};
use sha2::Digest;

mod support;

const KILLS: usize = 1000;
const DB_VAR: &str = "GCFORMS_APP_CRASH_DB";
const DRAFT_ID: &str = "4d2c8f0e-crash-300-hosts";

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The example 附件1 grown to 300 hosts, with `marker` in 备注.
fn big_application(marker: &str) -> Value {
    let mut doc = support::big_application();
    doc["id"] = json!(DRAFT_ID);
    doc["remarks"] = json!(marker);
    doc
}

/// The text the store keeps for a document: what `Drafts::save` writes.
fn stored_text(doc: &Value) -> String {
    serde_json::to_string_pretty(doc).unwrap()
}

/// The autosaving child. Does nothing unless started by the crash test.
#[test]
#[ignore = "run by autosave_survives_1000_kills as a child process"]
fn autosaver() {
    let Some(db) = std::env::var_os(DB_VAR) else {
        return;
    };
    let policy = Arc::clone(Policy::shared_default());
    let (drafts, _) = Drafts::open(Path::new(&db), &policy).expect("open");
    // A second handle on the same file, as the CLI or the reviewer's
    // workspace would have.
    let (receiver, _) = Store::open(Path::new(&db)).expect("open");
    let run: u64 = std::process::id().into();
    // Built once: a run should spend its time saving, where kills count.
    let base = big_application("");
    println!("READY");
    for seq in 0u64.. {
        // A clerk typing: 备注 grows a little with each autosave.
        let mut doc = base.clone();
        doc["remarks"] = json!(format!("第 {run} 次运行，第 {seq} 次自动保存"));
        let sha = sha256(stored_text(&doc).as_bytes());
        println!("SAVING {sha}");
        drafts.save(&doc).expect("save");
        println!("ACK {sha}");
        if seq % 2 == 0 {
            let package = json!({
                "format": "gcforms-package",
                "package_id": format!("pkg-{run}-{seq}"),
                "documents": [{"data": doc}],
            });
            let bytes = serde_json::to_vec(&package).unwrap();
            println!("RECEIVING");
            let received = chrono::NaiveDate::from_ymd_opt(2026, 9, 29).unwrap();
            let got = receiver
                .receive_package(&bytes, "p.gcpkg.json", received)
                .expect("receive");
            println!("RECV {}", got.package.sha256);
        }
    }
}

/// A small xorshift generator: random kill moments without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The marks a line of the child's output carries (libtest may print its
/// own text before the first one, without a new line).
fn marked<'a>(out: &'a str, mark: &str) -> Vec<&'a str> {
    out.lines()
        .filter_map(|l| l.find(mark).map(|at| l[at + mark.len()..].trim()))
        .collect()
}

/// What one lane of kills saw.
#[derive(Default)]
struct Tally {
    acks: usize,
    runs_with_acks: usize,
    in_flight_commits: usize,
    pruned_runs: usize,
    killed_while_writing: usize,
    received: usize,
}

/// Lanes of kills run side by side, each on a store of its own: the test
/// spends most of a run waiting for the moment to kill, so three lanes take
/// about a third of the time on two cores, and the saves of one lane slow
/// the others as a busy PC would.
const LANES: usize = 3;

#[test]
fn autosave_survives_1000_kills() {
    let started = Instant::now();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let lanes: Vec<_> = (0..LANES)
            .map(|lane| {
                let kills = KILLS / LANES + usize::from(lane < KILLS % LANES);
                scope.spawn(move || kill_lane(lane, seed, kills))
            })
            .collect();
        lanes.into_iter().map(|l| l.join().unwrap()).collect()
    });
    let sum = |f: fn(&Tally) -> usize| tallies.iter().map(f).sum::<usize>();
    let killed_while_writing = sum(|t| t.killed_while_writing);
    let runs_with_acks = sum(|t| t.runs_with_acks);
    let pruned_runs = sum(|t| t.pruned_runs);
    // A 300-host save takes tens of milliseconds: most kills must come in
    // the middle of a write, and enough runs must get saves through for the
    // history to fill.
    assert!(
        killed_while_writing > KILLS / 2,
        "kills must land while writing ({killed_while_writing} of {KILLS})"
    );
    assert!(
        runs_with_acks > KILLS / 10,
        "saves must get through ({runs_with_acks} of {KILLS} runs)"
    );
    assert!(
        pruned_runs > KILLS / 2,
        "the history was at its cap in {pruned_runs} runs"
    );
    eprintln!(
        "app crash test: {KILLS} kills in {LANES} lanes, {killed_while_writing} in the middle of a save or a received package, \
         {runs_with_acks} after at least one save, {} \
         acknowledged saves, 0 lost, {} saves committed but killed before \
         their acknowledgement, {} received packages all present, history at its cap of 200 \
         in {pruned_runs} runs, {:.1} s",
        sum(|t| t.acks),
        sum(|t| t.in_flight_commits),
        sum(|t| t.received),
        started.elapsed().as_secs_f64()
    );
}

/// `kills` runs of the autosaver on a store of its own, each killed and
/// checked; panics naming the lane and the kill when a check fails.
fn kill_lane(lane: usize, seed: u64, kills: usize) -> Tally {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drafts.db");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(seed.wrapping_add((lane as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
    let mut tally = Tally::default();
    let mut last_ack: Option<String>;
    let mut received: Vec<String> = Vec::new();
    // The history starts one below its cap (199 versions, as a long-edited
    // draft has), so that pruning runs inside the killed saves from the
    // first run on.
    {
        let (mut store, _) = Store::open(&db).unwrap();
        store.set_history_policy(HistoryPolicy {
            coalesce: Duration::ZERO,
            ..HistoryPolicy::default()
        });
        let mut text = String::new();
        for n in 0..199 {
            text = stored_text(&big_application(&format!("较早的第 {n} 个版本")));
            store.save(&text).unwrap();
        }
        last_ack = Some(sha256(text.as_bytes()));
    }

    for kill in 0..kills {
        let run = format!("lane {lane}, kill {kill}");
        let mut child = Command::new(&exe)
            .args([
                "autosaver",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_VAR, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut out = String::new();
        if rng.below(10) == 0 {
            // Now and then during start-up: opening, WAL recovery.
            std::thread::sleep(Duration::from_millis(rng.below(30)));
        } else {
            while !out.contains("READY") {
                let n = stdout.read_line(&mut out).unwrap();
                assert!(n > 0, "the autosaver stopped before it was ready: {out}");
            }
            std::thread::sleep(Duration::from_millis(rng.below(200)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stdout.read_to_string(&mut out).unwrap();

        let saving = marked(&out, "SAVING ");
        let acked = marked(&out, "ACK ");
        tally.acks += acked.len();
        tally.runs_with_acks += usize::from(!acked.is_empty());
        if let Some(last) = acked.last() {
            last_ack = Some((*last).to_string());
        }
        // Saving but not acknowledged when killed: it may have committed.
        let in_flight = (saving.len() > acked.len()).then(|| saving[saving.len() - 1]);
        let receiving = marked(&out, "RECEIVING").len() > marked(&out, "RECV ").len();
        tally.killed_while_writing += usize::from(in_flight.is_some() || receiving);
        received.extend(marked(&out, "RECV ").into_iter().map(str::to_string));

        // 1. The file is sound.
        let conn = Connection::open(&db).unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "after {run}");
        // 2. The last acknowledged save is the draft's current text, byte
        //    for byte, unless the save in flight committed after it.
        let current: Option<String> = conn
            .query_row(
                "SELECT v.doc FROM drafts d JOIN draft_versions v \
                 ON v.draft_id = d.id AND v.version = d.version WHERE d.id = ?1",
                [DRAFT_ID],
                |r| r.get(0),
            )
            .ok();
        match (&last_ack, &current) {
            (None, _) => {}
            (Some(ack), Some(text)) => {
                let now = sha256(text.as_bytes());
                if &now != ack {
                    assert_eq!(
                        Some(now.as_str()),
                        in_flight,
                        "{run}: the draft is neither the acknowledged save nor the one in flight"
                    );
                    tally.in_flight_commits += 1;
                    last_ack = Some(now);
                }
            }
            (Some(_), None) => panic!("{run}: the acknowledged draft is gone"),
        }
        // 3. The history stays within its cap.
        let versions: i64 = conn
            .query_row(
                "SELECT count(*) FROM draft_versions WHERE draft_id = ?1",
                [DRAFT_ID],
                |r| r.get(0),
            )
            .unwrap_or(0);
        assert!(versions <= 200, "{run}: {versions} versions");
        tally.pruned_runs += usize::from(versions == 200);
        // 4. Every acknowledged received package, bytes unchanged.
        for sha in &received {
            let bytes: Vec<u8> = conn
                .query_row(
                    "SELECT bytes FROM received_packages WHERE sha256 = ?1",
                    [sha],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("{run}: received package {sha} lost: {e}"));
            assert_eq!(&sha256(&bytes), sha, "{run}: package {sha} changed");
        }
        // Age the history: the next run's first save starts a new version
        // (and thins the history once it is at its cap).
        let _ = conn.execute(
            "UPDATE draft_versions SET started_ms = started_ms - 120000, saved_ms = saved_ms - 120000",
            [],
        );
        drop(conn);
        // 5. The app's store opens it without a repair.
        let policy = Arc::clone(Policy::shared_default());
        let (drafts, notice) = Drafts::open(&db, &policy).unwrap();
        assert!(notice.is_none(), "{run}: {notice:?}");
        if last_ack.is_some() {
            drafts.get(DRAFT_ID).unwrap();
        }
    }
    tally.received = received.len();
    tally
}
