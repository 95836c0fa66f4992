//! WAL checkpoints off the save path.
//!
//! A checkpoint copies the WAL into the database file and syncs it: several
//! megabytes and an extra fsync. Left to SQLite's auto-checkpoint it lands on
//! whichever save crosses the threshold, one save in thirty or so, and that
//! save is the slow one the clerk feels. So after every [`EVERY`] commits a
//! thread with a connection of its own runs a passive checkpoint (which never
//! blocks a save); SQLite's own auto-checkpoint stays as a backstop at
//! [`BACKSTOP_PAGES`], should the thread fall behind.

use std::cell::{Cell, OnceCell};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// Commits between two background checkpoints (about 1,000 WAL pages for
/// saves of a 300-host draft; fewer, and so cheaper, for smaller drafts).
pub(crate) const EVERY: u32 = 32;

/// `wal_autocheckpoint` of the saving connection: 16 MB of 4 KB pages.
pub(crate) const BACKSTOP_PAGES: u32 = 4_000;

type Worker = Option<(SyncSender<()>, JoinHandle<()>)>;

/// Counts commits and wakes the checkpoint thread, started on first need.
pub(crate) struct Checkpointer {
    path: PathBuf,
    commits: Cell<u32>,
    worker: OnceCell<Worker>,
}

impl Checkpointer {
    pub(crate) fn new(path: &Path) -> Checkpointer {
        Checkpointer {
            path: path.to_path_buf(),
            commits: Cell::new(0),
            worker: OnceCell::new(),
        }
    }

    /// Called after each commit.
    pub(crate) fn committed(&self) {
        let n = self.commits.get() + 1;
        if n < EVERY {
            self.commits.set(n);
            return;
        }
        self.commits.set(0);
        if let Some((wake, _)) = self.worker.get_or_init(|| spawn(&self.path)) {
            // Full means a checkpoint is already due: nothing to add.
            let _ = wake.try_send(());
        }
    }
}

fn spawn(path: &Path) -> Worker {
    let (wake, woken) = sync_channel::<()>(1);
    let path = path.to_path_buf();
    let handle = std::thread::Builder::new()
        .name("gcforms-checkpoint".into())
        .spawn(move || {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            // If it cannot open, the backstop does the work.
            let Ok(conn) = Connection::open_with_flags(&path, flags) else {
                return;
            };
            let _ = conn.execute_batch("PRAGMA synchronous = FULL");
            while woken.recv().is_ok() {
                // PASSIVE: copies what no reader needs, waits for no lock.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        })
        .ok()?;
    Some((wake, handle))
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread; joining closes its connection
        // before the store's own, whose close then checkpoints and removes
        // the WAL.
        if let Some(Some((wake, handle))) = self.worker.take() {
            drop(wake);
            let _ = handle.join();
        }
    }
}
