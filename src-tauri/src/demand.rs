//! Commands of 年度需求汇总 (SPEC §7): the yearly demand summary of the
//! estimates a bureau received, as files chosen by the clerk or as packages
//! in the reviewer's inbox ([`gcforms::store::Store::received_packages`]).
//! The core sums ([`gcforms::demand::summarize`]), lays out the workbook, the
//! CSV and the printed pages; these commands read the inputs and hand the
//! result over.

use gcforms::demand::{load, summarize, Input, Summary};
use gcforms::input::read_file_limited;
use gcforms::store::ReceivedPackage;
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::ipc::{ErrorCode, ExportDone, IpcError, IpcResult};
use crate::AppState;

/// What to sum: files on disk and packages received into the inbox.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct DemandSources {
    /// Estimates (`*.json`) or packages (`*.gcpkg.json`) on disk.
    pub paths: Vec<String>,
    /// Received packages, by the SHA-256 of the version received.
    pub received: Vec<String>,
    /// 预估年度 to sum; required when the inputs hold several years.
    pub year: Option<i64>,
}

/// Reads every source; an unreadable one is an error naming it (as the
/// command line's exit 2), nothing summed in part.
fn inputs(state: &AppState, sources: &DemandSources) -> IpcResult<Vec<Input>> {
    let policy = &state.policy;
    let mut out = Vec::with_capacity(sources.paths.len() + sources.received.len());
    for path in &sources.paths {
        let loaded = read_file_limited(std::path::Path::new(path))
            .map_err(gcforms::demand::LoadError::from)
            .and_then(|bytes| load(&bytes, policy))
            .map_err(|e| IpcError::new(ErrorCode::InvalidFile, format!("{path}：{e}")))?;
        out.push(Input {
            file: path.clone(),
            loaded,
        });
    }
    if !sources.received.is_empty() {
        let inbox = state.drafts.with_store(|s| s.received_packages())?;
        for sha in &sources.received {
            let bytes = state.drafts.with_store(|s| s.received_bytes(sha))?;
            let name = inbox
                .iter()
                .find(|p| &p.sha256 == sha)
                .map_or_else(|| sha.clone(), |p| format!("已收：{}", p.file_name));
            let loaded = load(&bytes, policy)
                .map_err(|e| IpcError::new(ErrorCode::InvalidFile, format!("{name}：{e}")))?;
            out.push(Input { file: name, loaded });
        }
    }
    Ok(out)
}

fn summary_of(state: &AppState, sources: &DemandSources) -> IpcResult<Summary> {
    let inputs = inputs(state, sources)?;
    summarize(&inputs, sources.year, &state.policy)
        .map_err(|e| IpcError::new(ErrorCode::InvalidFile, e.to_string()))
}

/// The summary of the chosen sources: per area (every area of the policy,
/// in its order: the chart's bars), per using unit, in all, the late
/// estimates, the items counted once and what was left out, with why.
#[tauri::command]
#[specta::specta]
pub async fn demand_summary(
    state: State<'_, AppState>,
    sources: DemandSources,
) -> IpcResult<Summary> {
    summary_of(&state, &sources)
}

/// The received packages that hold a 资源需求预估表: what "the received
/// packages of a year" are summed from.
#[tauri::command]
#[specta::specta]
pub async fn received_estimates(state: State<'_, AppState>) -> IpcResult<Vec<ReceivedPackage>> {
    let estimate = gcforms::document::FormKind::DemandEstimate.key();
    Ok(state
        .drafts
        .with_store(|s| s.received_packages())?
        .into_iter()
        .filter(|p| p.forms.iter().any(|f| f == estimate))
        .collect())
}

/// Writes the summary to `path`: a workbook (`.xlsx`, one sheet per table
/// and a chart of the areas) or CSV (`.csv`), by the name's extension.
#[tauri::command]
#[specta::specta]
pub async fn export_demand_summary(
    state: State<'_, AppState>,
    sources: DemandSources,
    path: String,
) -> IpcResult<ExportDone> {
    let lower = path.to_lowercase();
    let summary = summary_of(&state, &sources)?;
    let bytes = if lower.ends_with(".xlsx") {
        gcforms::demand::xlsx::to_xlsx(&summary)
            .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?
    } else if lower.ends_with(".csv") {
        gcforms::demand::table::to_csv(&summary)
    } else {
        return Err(IpcError::new(
            ErrorCode::Io,
            "导出文件名须以 .xlsx 或 .csv 结尾",
        ));
    };
    std::fs::write(&path, &bytes)
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("无法写入 {path}：{e}")))?;
    Ok(ExportDone {
        path,
        bytes: bytes.len() as u64,
    })
}

/// Prints the summary: its tables as A4 pages, opened in the system's PDF
/// reader like a form.
#[tauri::command]
#[specta::specta]
pub async fn print_demand_summary(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    sources: DemandSources,
) -> IpcResult<ExportDone> {
    let summary = summary_of(&state, &sources)?;
    let bytes = gcforms::demand::print::to_pdf(&summary)
        .map_err(|e| IpcError::new(ErrorCode::RenderFailed, e.to_string()))?;
    let name = summary.year.map_or_else(
        || "需求汇总.pdf".to_string(),
        |y| format!("{y}年度需求汇总.pdf"),
    );
    crate::commands::open_for_printing(&app, &bytes, &name)
}

/// The multi-file open dialog of 年度需求汇总: estimates and packages.
/// End-to-end tests set `GCFORMS_OPEN_FILES` (a path list, `:`-separated on
/// Linux) to answer without the dialog, which WebDriver cannot drive.
#[tauri::command]
#[specta::specta]
pub async fn choose_demand_files(app: tauri::AppHandle) -> IpcResult<Vec<String>> {
    let answer = std::env::var_os("GCFORMS_OPEN_FILES").map(|list| {
        std::env::split_paths(&list)
            .map(|p| p.display().to_string())
            .collect()
    });
    Ok(crate::commands::pick_files_dialog(
        &app,
        answer,
        "资源需求预估表或提交包 (JSON)",
        "json",
    ))
}
