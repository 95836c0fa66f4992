//! Schema migrations: ordered SQL files embedded in the binary, applied on
//! open, tracked with `PRAGMA user_version`.
//!
//! Migration *N* takes a database at version *N − 1* to version *N*, inside
//! one transaction together with the `user_version` bump, so a crash leaves
//! the database at either version, never between. A database whose
//! `user_version` is above [`LATEST`] was written by a newer gcforms and is
//! refused before anything is written to it.

use rusqlite::Connection;

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The `user_version` the database has after this migration.
    pub version: u32,
    /// File name, for messages and tests.
    pub name: &'static str,
    /// The SQL, run as one batch.
    pub sql: &'static str,
}

/// Every migration, in order; `MIGRATIONS[i].version == i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_drafts.sql",
        sql: include_str!("migrations/0001_drafts.sql"),
    },
    Migration {
        version: 2,
        name: "0002_unit_profile.sql",
        sql: include_str!("migrations/0002_unit_profile.sql"),
    },
    Migration {
        version: 3,
        name: "0003_export_log.sql",
        sql: include_str!("migrations/0003_export_log.sql"),
    },
    Migration {
        version: 4,
        name: "0004_received_packages.sql",
        sql: include_str!("migrations/0004_received_packages.sql"),
    },
    Migration {
        version: 5,
        name: "0005_demand_estimate.sql",
        sql: include_str!("migrations/0005_demand_estimate.sql"),
    },
    Migration {
        version: 6,
        name: "0006_review_workspace.sql",
        sql: include_str!("migrations/0006_review_workspace.sql"),
    },
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

/// The `application_id` stamped into every draft store ("GCFQ").
pub const APPLICATION_ID: i64 = 0x4743_4651;

/// Reads `PRAGMA user_version`.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Applies the migrations after the database's version up to `target`
/// (at most [`LATEST`]), each in its own transaction. Returns the versions applied.
pub fn migrate_to(conn: &Connection, target: u32) -> rusqlite::Result<Vec<u32>> {
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version <= target) {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        // Re-read inside the write lock: another process may have migrated.
        let result = schema_version(conn).and_then(|current| {
            if current >= m.version {
                return Ok(false);
            }
            conn.execute_batch(m.sql)?;
            conn.pragma_update(None, "user_version", m.version)?;
            Ok(true)
        });
        match result {
            Ok(ran) => {
                conn.execute_batch("COMMIT")?;
                if ran {
                    applied.push(m.version);
                }
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(applied)
}

/// Applies every pending migration.
pub fn migrate(conn: &Connection) -> rusqlite::Result<Vec<u32>> {
    migrate_to(conn, LATEST)
}
