//! Commands of 备份… and 恢复… (issue #17): the core's backup of the data
//! folder ([`gcforms::backup`], the same as `gcforms backup` / `restore`),
//! the file dialogs, and the plan the UI shows before 确认.

use std::path::Path;

use gcforms::backup::{self, BackupError, BackupSummary, DataFolder, RestorePlan};
use gcforms::calendar::Calendar;
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::ipc::{ErrorCode, IpcError, IpcResult};
use crate::AppState;

/// A restore plan with its lines in Chinese, as the CLI prints them.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RestoreView {
    /// The plan (or what was done).
    pub plan: RestorePlan,
    /// One line each for the dialog.
    pub lines: Vec<String>,
    /// False when restoring would change nothing.
    pub changes: bool,
}

fn backup_error(e: BackupError) -> IpcError {
    let code = match &e {
        e if e.is_refused_file() => ErrorCode::InvalidFile,
        BackupError::Store(_) => ErrorCode::Storage,
        _ => ErrorCode::Io,
    };
    IpcError::new(code, e.to_string())
}

fn view(plan: RestorePlan) -> RestoreView {
    RestoreView {
        lines: plan.lines(),
        changes: !plan.is_empty(),
        plan,
    }
}

/// Writes a backup of everything of the user's to `path`.
#[tauri::command]
#[specta::specta]
pub async fn write_backup(state: State<'_, AppState>, path: String) -> IpcResult<BackupSummary> {
    let folder = DataFolder::new(state.drafts.folder());
    let mut outcome = None;
    state.drafts.with_store(|store| {
        outcome = Some(backup::write_backup(store, &folder, Path::new(&path)));
        Ok(())
    })?;
    outcome
        .unwrap_or_else(|| unreachable!("set by with_store"))
        .map_err(backup_error)
}

/// Checks a backup file and says what restoring it would add and skip.
#[tauri::command]
#[specta::specta]
pub async fn restore_plan(state: State<'_, AppState>, path: String) -> IpcResult<RestoreView> {
    run(&state, &path, backup::plan)
}

/// Restores a backup file (after the clerk confirmed its plan): merged, never
/// overwriting newer work. Returns what was done.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(state: State<'_, AppState>, path: String) -> IpcResult<RestoreView> {
    let done = run(&state, &path, backup::restore)?;
    // Restored calendar years count from now on.
    *state.calendar() = Calendar::load(state.drafts.folder());
    Ok(done)
}

type Step = fn(
    &gcforms::store::Store,
    &DataFolder,
    &backup::OpenedBackup,
) -> Result<RestorePlan, BackupError>;

fn run(state: &AppState, path: &str, step: Step) -> IpcResult<RestoreView> {
    let opened = backup::open_backup(Path::new(path)).map_err(backup_error)?;
    let folder = DataFolder::new(state.drafts.folder());
    let mut outcome = None;
    state.drafts.with_store(|store| {
        outcome = Some(step(store, &folder, &opened));
        Ok(())
    })?;
    outcome
        .unwrap_or_else(|| unreachable!("set by with_store"))
        .map(view)
        .map_err(backup_error)
}

/// Asks where to write a backup, with the system's save dialog. End-to-end
/// tests set `GCFORMS_EXPORT_DIR` to answer without it.
#[tauri::command]
#[specta::specta]
pub async fn choose_backup_path(app: tauri::AppHandle) -> IpcResult<Option<String>> {
    let name = format!(
        "gcforms-备份-{}.{}",
        chrono::Local::now().format("%Y%m%d"),
        backup::EXTENSION
    );
    Ok(crate::commands::save_dialog(
        &app,
        &name,
        "gcforms 备份",
        backup::EXTENSION,
    ))
}

/// Asks which backup to restore. End-to-end tests set `GCFORMS_OPEN_BACKUP`
/// to the file to answer without the dialog.
#[tauri::command]
#[specta::specta]
pub async fn choose_backup_file(app: tauri::AppHandle) -> IpcResult<Option<String>> {
    if let Some(path) = std::env::var_os("GCFORMS_OPEN_BACKUP") {
        return Ok(Some(Path::new(&path).display().to_string()));
    }
    use tauri_plugin_dialog::DialogExt;
    Ok(app
        .dialog()
        .file()
        .add_filter("gcforms 备份", &[backup::EXTENSION])
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}
