//! The per-user data folder that the desktop app and the CLI share: the
//! draft store (`drafts.db`) and the imported calendar years
//! (`calendar/<year>.json`) live in it.

use std::path::PathBuf;

/// The per-user local data folder: `$XDG_DATA_HOME/gcforms/` (usually
/// `~/.local/share/gcforms/`) on Linux, `%LOCALAPPDATA%\Shaoguan\gcforms\data\`
/// on Windows, `~/Library/Application Support/cn.Shaoguan.gcforms/` on macOS;
/// `None` when the platform gives none. Local, not roaming: a roaming profile
/// copies files at log-off, which a live database must not be.
pub fn user_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "Shaoguan", "gcforms")
        .map(|d| d.data_local_dir().to_path_buf())
}
