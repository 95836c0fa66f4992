//! Commands of 设置 · 节假日安排: the years the working-day calendar knows
//! and importing a new year's notice ([`gcforms::calendar`]). Imports land in
//! the same data folder the `gcforms calendar` command uses.

use std::path::Path;

use gcforms::calendar::{CalendarError, ImportedYear, YearInfo};
use tauri::State;

use crate::ipc::{ErrorCode, IpcError, IpcResult};
use crate::AppState;

fn calendar_error(e: CalendarError) -> IpcError {
    let code = if e.is_invalid_file() {
        ErrorCode::InvalidFile
    } else {
        ErrorCode::Io
    };
    IpcError::new(code, e.to_string())
}

/// Each year the calendar knows: its notice, built in or imported.
#[tauri::command]
#[specta::specta]
pub fn calendar_years(state: State<'_, AppState>) -> Vec<YearInfo> {
    state.calendar().list()
}

/// Imports a year file (SPEC §6) chosen by the clerk; an invalid file is
/// refused with the wrong date named, and changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_calendar(state: State<'_, AppState>, path: String) -> IpcResult<ImportedYear> {
    state
        .calendar()
        .import_file(Path::new(&path))
        .map_err(calendar_error)
}
