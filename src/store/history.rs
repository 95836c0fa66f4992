//! Versions of a draft: how saves are coalesced into versions, how old
//! versions are thinned, and restoring one.
//!
//! **The rule.** A save replaces the current version while that version is
//! younger than [`HistoryPolicy::coalesce`] (60 s) since its first save;
//! otherwise the current version is kept as history and the save starts a new
//! one. So autosaving every second while typing keeps about one version a
//! minute, and the state before a pause is always kept. An export, an import
//! and a restore always start a new version. Whenever a version is added, the
//! draft's history is thinned: versions saved within [`HistoryPolicy::keep_all`]
//! (24 h) are all kept; older ones, the newest of each hour up to
//! [`HistoryPolicy::hourly`] (30 days) old, then the newest of each day; and
//! never more than [`HistoryPolicy::max_versions`] (200), dropping the oldest.
//! The current version and every version that was exported (it is in the
//! export log) are never removed: what was submitted can always be shown.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;

use super::{rfc3339, Db, Result, SavedDraft, Store, StoreError};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Day buckets follow China's calendar day (UTC+8), so "one per day" means
/// one per working day as the clerk sees it.
const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;

/// How saves become versions and how many are kept (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPolicy {
    /// Saves within this time of a version's first save replace it.
    pub coalesce: Duration,
    /// Versions younger than this are all kept.
    pub keep_all: Duration,
    /// Up to this age, one version per hour is kept; beyond, one per day.
    pub hourly: Duration,
    /// At most this many versions per draft, the current one included.
    pub max_versions: usize,
}

impl Default for HistoryPolicy {
    fn default() -> Self {
        HistoryPolicy {
            coalesce: Duration::from_secs(60),
            keep_all: Duration::from_secs(24 * 3600),
            hourly: Duration::from_secs(30 * 24 * 3600),
            max_versions: 200,
        }
    }
}

/// One version in a draft's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionInfo {
    /// Version number, increasing; gaps are versions thinned away.
    pub version: i64,
    /// First save of this version (RFC 3339).
    pub started_at: String,
    /// Last save coalesced into it (RFC 3339): the state it holds.
    pub saved_at: String,
    /// Size of its text in bytes.
    pub bytes: u64,
    /// True for the draft's current version.
    pub current: bool,
}

/// Which of `versions` (number, last-save ms; newest first) to delete;
/// `current` and the `pinned` (exported) versions are always kept.
pub(crate) fn to_prune(
    versions: &[(i64, i64)],
    current: i64,
    pinned: &HashSet<i64>,
    now: i64,
    policy: &HistoryPolicy,
) -> Vec<i64> {
    let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let (keep_all, hourly) = (ms(policy.keep_all), ms(policy.hourly));
    let mut seen_buckets = HashSet::new();
    let mut kept = 0usize;
    let mut drop = Vec::new();
    for &(version, saved) in versions {
        let age = now.saturating_sub(saved);
        let keep = if version == current || age < keep_all {
            true
        } else if age < hourly {
            seen_buckets.insert((0, saved.div_euclid(HOUR_MS)))
        } else {
            seen_buckets.insert((1, (saved + CHINA_OFFSET_MS).div_euclid(DAY_MS)))
        };
        // Newest first, so the cap drops the oldest; the current version is
        // the newest and always fits.
        if pinned.contains(&version) {
            continue;
        }
        if keep && (kept < policy.max_versions.max(1) || version == current) {
            kept += 1;
        } else {
            drop.push(version);
        }
    }
    drop
}

/// Thins a draft's history; runs inside the saving transaction.
pub(crate) fn prune(
    conn: &Connection,
    path: &Path,
    id: &str,
    current: i64,
    now: i64,
    policy: &HistoryPolicy,
) -> Result<()> {
    let versions: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT version, saved_ms FROM draft_versions WHERE draft_id = ?1 \
             ORDER BY version DESC",
        )
        .db(path)?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .db(path)?
        .collect::<rusqlite::Result<_>>()
        .db(path)?;
    let pinned: HashSet<i64> = conn
        .prepare_cached("SELECT DISTINCT draft_version FROM export_log WHERE draft_id = ?1")
        .db(path)?
        .query_map([id], |r| r.get(0))
        .db(path)?
        .collect::<rusqlite::Result<_>>()
        .db(path)?;
    let mut delete = conn
        .prepare_cached("DELETE FROM draft_versions WHERE draft_id = ?1 AND version = ?2")
        .db(path)?;
    for version in to_prune(&versions, current, &pinned, now, policy) {
        delete.execute(params![id, version]).db(path)?;
    }
    Ok(())
}

impl Store {
    /// The draft's versions, newest first; the first is the current one.
    pub fn history(&self, id: &str) -> Result<Vec<VersionInfo>> {
        let current = self.summary(id)?.version;
        self.conn
            .prepare_cached(
                "SELECT version, started_ms, saved_ms, length(CAST(doc AS BLOB)) \
                 FROM draft_versions WHERE draft_id = ?1 ORDER BY version DESC",
            )
            .db(&self.path)?
            .query_map([id], |r| {
                let version: i64 = r.get(0)?;
                Ok(VersionInfo {
                    version,
                    started_at: rfc3339(r.get(1)?),
                    saved_at: rfc3339(r.get(2)?),
                    bytes: r.get(3)?,
                    current: version == current,
                })
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// The text of one version of a draft, exactly as saved.
    pub fn version_document(&self, id: &str, version: i64) -> Result<String> {
        self.conn
            .prepare_cached("SELECT doc FROM draft_versions WHERE draft_id = ?1 AND version = ?2")
            .db(&self.path)?
            .query_row(params![id, version], |r| r.get(0))
            .optional()
            .db(&self.path)?
            .ok_or_else(|| {
                if self.summary(id).is_err() {
                    StoreError::NotFound(id.to_string())
                } else {
                    StoreError::VersionNotFound {
                        id: id.to_string(),
                        version,
                    }
                }
            })
    }

    /// Makes an earlier version current again. The state it replaces stays in
    /// the history, so a restore can itself be undone.
    pub fn restore_version(&self, id: &str, version: i64) -> Result<SavedDraft> {
        let text = self.version_document(id, version)?;
        self.save_version(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_recent_hourly_daily_and_caps() {
        let policy = HistoryPolicy {
            max_versions: 5,
            ..HistoryPolicy::default()
        };
        let now = 100 * DAY_MS;
        // Newest first: current, two within a day, two in one hour 2 days ago,
        // two on one day 40 days ago.
        let v = [
            (9, now),
            (8, now - HOUR_MS),
            (7, now - 2 * HOUR_MS),
            (6, now - 2 * DAY_MS + 10),
            (5, now - 2 * DAY_MS),
            (4, now - 40 * DAY_MS + 10),
            (3, now - 40 * DAY_MS),
        ];
        let none = HashSet::new();
        let mut dropped = to_prune(&v, 9, &none, now, &policy);
        dropped.sort();
        assert_eq!(dropped, vec![3, 5]);
        let tight = HistoryPolicy {
            max_versions: 2,
            ..policy
        };
        assert_eq!(to_prune(&v, 9, &none, now, &tight), vec![7, 6, 5, 4, 3]);
        let exported = HashSet::from([3, 6]);
        assert_eq!(to_prune(&v, 9, &exported, now, &tight), vec![7, 5, 4]);
    }
}
