//! The IPC commands: each decodes, calls the core, converts. No rules live
//! here: validation is `gcforms::validate_value`, drafts are the core's store
//! ([`Drafts`](crate::drafts::Drafts)), PDFs the core's renderer.
//!
//! Commands that touch the disk or may take a while (validation of a large
//! document) are `async`, so they run off the main thread.

use base64::Engine as _;
use gcforms::document::{
    prefill, BackupCopy, BackupDataType, ChangeType, DemandKind, DispositionKind, FormKind,
    MaintainerNature,
};
use gcforms::policy::{CatalogEntry, Range, OS_OTHER, OS_OTHER_LABEL};
use gcforms::store::{DraftStatus, DraftSummary, ExportKind, ListQuery, UnitProfile, VersionInfo};
use serde_json::Value;
use tauri::State;

use crate::ipc::{
    AppInfo, Bounds, Catalogs, Choice, ErrorCode, ExportDone, FieldLabel, FormCopies, FormLabels,
    IpcError, IpcResult, OpenedDraft, PdfData, PdfRequest, PledgeClause, PledgeText, SaveResult,
    ValidationReport,
};
use crate::AppState;

/// Version, policy and what this build can do.
#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let p = &state.policy;
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        policy_id: p.id.clone(),
        policy_version: p.version.clone(),
        policy_title: p.title.clone(),
        data_dir: state.drafts.location().to_string(),
        history_available: true,
        store_notice: state.store_notice.clone(),
    }
}

fn choices<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(k, l)| Choice {
            key: k.into(),
            label: l.into(),
        })
        .collect()
}

fn key<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn bounds(r: Range) -> Bounds {
    Bounds {
        min: r.min,
        max: r.max,
    }
}

fn catalog<'a>(m: impl IntoIterator<Item = (&'a String, &'a CatalogEntry)>) -> Vec<Choice> {
    choices(m.into_iter().map(|(k, e)| (k.as_str(), e.label.as_str())))
}

fn labelled<T: Copy + serde::Serialize>(all: &[T], label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            key: key(v),
            label: label(v).into(),
        })
        .collect()
}

/// The policy's catalogs and bounds, and the fixed choices of the forms.
#[tauri::command]
#[specta::specta]
pub fn catalogs(state: State<'_, AppState>) -> Catalogs {
    let p = &state.policy;
    Catalogs {
        server_types: catalog(&p.server_types),
        network_zones: catalog(&p.network_zones),
        operating_systems: choices(
            p.operating_systems
                .iter()
                .map(|(k, e)| (k.as_str(), e.label.as_str())),
        ),
        os_other: Choice {
            key: OS_OTHER.into(),
            label: OS_OTHER_LABEL.into(),
        },
        jurisdictions: catalog(&p.jurisdictions),
        maintainer_natures: labelled(&MaintainerNature::ALL, MaintainerNature::label),
        backup_data_types: labelled(&BackupDataType::ALL, BackupDataType::label),
        backup_copies: labelled(&BackupCopy::ALL, BackupCopy::label),
        change_types: labelled(&ChangeType::ALL, ChangeType::label),
        disposition_kinds: labelled(&DispositionKind::ALL, DispositionKind::label),
        demand_kinds: labelled(&DemandKind::ALL, DemandKind::label),
        min_data_disk_gb: p.min_data_disk_gb,
        default_retention_months: p.backup.default_retention_months,
        retention_months: bounds(p.backup.retention_months),
        vcpu: bounds(p.limits.vcpu),
        memory_gb: bounds(p.limits.memory_gb),
        quantity: bounds(p.limits.quantity),
        copies: FormKind::ALL
            .iter()
            .map(|&form| FormCopies {
                form,
                copies: p.copies_of(form),
            })
            .collect(),
        major_change: p.major_change.summary(),
        draft_statuses: labelled(&DraftStatus::ALL, DraftStatus::label),
    }
}

/// The paper labels of every form's fields, from the core's type docs.
#[tauri::command]
#[specta::specta]
pub fn field_labels() -> Vec<FormLabels> {
    FormKind::ALL
        .iter()
        .map(|&form| FormLabels {
            form,
            short_name: form.short_name().into(),
            title: form.title().into(),
            labels: gcforms::document::labels::known(form)
                .into_iter()
                .map(|(path, label)| FieldLabel { path, label })
                .collect(),
        })
        .collect()
}

/// The fixed text of 附件2.
#[tauri::command]
#[specta::specta]
pub fn pledge_text() -> PledgeText {
    use gcforms::pledge_text as t;
    PledgeText {
        title_lines: t::TITLE_LINES.iter().map(|s| s.to_string()).collect(),
        preamble: t::PREAMBLE.into(),
        clauses: t::CLAUSES
            .iter()
            .map(|c| PledgeClause {
                text: c.text.into(),
                items: c.items.iter().map(|s| s.to_string()).collect(),
                after: c.after.map(String::from),
            })
            .collect(),
        note: t::NOTE.into(),
    }
}

/// Validates a document without saving it (a draft just opened, whose
/// stored text is not rewritten). Edits are validated by [`save_draft`].
/// Async so a large document never holds up the main (window) thread.
#[tauri::command]
#[specta::specta]
pub async fn validate(state: State<'_, AppState>, document: Value) -> IpcResult<ValidationReport> {
    Ok(gcforms::validate_value(document, &state.policy)?.into())
}

/// A new draft of `form`, prefilled from 常用信息.
#[tauri::command]
#[specta::specta]
pub async fn new_draft(state: State<'_, AppState>, form: FormKind) -> IpcResult<OpenedDraft> {
    state.drafts.create(form)
}

/// One draft with its document.
#[tauri::command]
#[specta::specta]
pub async fn open_draft(state: State<'_, AppState>, id: String) -> IpcResult<OpenedDraft> {
    state.drafts.get(&id)
}

/// Saves a document as the clerk edits it (autosave and Ctrl+S) and returns
/// the findings the save computed: each edit is validated once.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(state: State<'_, AppState>, document: Value) -> IpcResult<SaveResult> {
    let (saved, report) = state.drafts.save(&document)?;
    Ok(SaveResult {
        saved,
        report: report.into(),
    })
}

/// The drafts matching a query.
#[tauri::command]
#[specta::specta]
pub async fn list_drafts(
    state: State<'_, AppState>,
    query: ListQuery,
) -> IpcResult<Vec<DraftSummary>> {
    state.drafts.list(&query)
}

/// 以此为模板新建: a copy under a new id.
#[tauri::command]
#[specta::specta]
pub async fn duplicate_draft(state: State<'_, AppState>, id: String) -> IpcResult<OpenedDraft> {
    state.drafts.duplicate(&id)
}

/// Moves a draft to the trash.
#[tauri::command]
#[specta::specta]
pub async fn trash_draft(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.drafts.trash(&id)
}

/// Takes a draft out of the trash.
#[tauri::command]
#[specta::specta]
pub async fn restore_draft(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.drafts.restore(&id)
}

/// Deletes a draft in the trash for good.
#[tauri::command]
#[specta::specta]
pub async fn purge_draft(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.drafts.purge(&id)
}

/// The kept versions of a draft, newest first.
#[tauri::command]
#[specta::specta]
pub async fn draft_history(state: State<'_, AppState>, id: String) -> IpcResult<Vec<VersionInfo>> {
    state.drafts.history(&id)
}

/// Makes an old version current again.
#[tauri::command]
#[specta::specta]
pub async fn restore_version(
    state: State<'_, AppState>,
    id: String,
    version: i64,
) -> IpcResult<OpenedDraft> {
    state.drafts.restore_version(&id, version)
}

/// 常用信息.
#[tauri::command]
#[specta::specta]
pub async fn get_profile(state: State<'_, AppState>) -> IpcResult<UnitProfile> {
    state.drafts.profile()
}

/// Replaces 常用信息.
#[tauri::command]
#[specta::specta]
pub async fn set_profile(state: State<'_, AppState>, profile: UnitProfile) -> IpcResult<()> {
    state.drafts.set_profile(&profile)
}

/// Fills a 附件3/附件4 document from the 附件1 draft `application_id`.
#[tauri::command]
#[specta::specta]
pub async fn prefill_from_application(
    state: State<'_, AppState>,
    document: Value,
    application_id: String,
) -> IpcResult<Value> {
    let application = state.drafts.get(&application_id)?.document;
    prefill::from_application(&document, &application)
        .map_err(|e| IpcError::new(ErrorCode::InvalidDocument, e.to_string()))
}

/// The PDF of a document for the preview; `draft` stamps 草稿.
#[tauri::command]
#[specta::specta]
pub async fn render_pdf(
    state: State<'_, AppState>,
    document: Value,
    request: PdfRequest,
) -> IpcResult<PdfData> {
    let (bytes, draft) = state.pdf(document, request)?;
    Ok(PdfData {
        base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        draft,
    })
}

/// Writes the PDF to `path` (chosen in the save dialog). A final export of a
/// document with errors is refused with `export_refused`.
#[tauri::command]
#[specta::specta]
pub async fn export_pdf(
    state: State<'_, AppState>,
    document: Value,
    request: PdfRequest,
    path: String,
) -> IpcResult<ExportDone> {
    if !path.to_lowercase().ends_with(".pdf") {
        return Err(IpcError::new(ErrorCode::Io, "导出文件名须以 .pdf 结尾"));
    }
    let id = document
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let final_copy = !request.draft;
    let (bytes, _) = state.pdf(document, request)?;
    std::fs::write(&path, &bytes)
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("无法写入 {path}：{e}")))?;
    if let (Some(id), true) = (id, final_copy) {
        // The PDF is written; a failure to log it must not undo that.
        if let Err(e) = state
            .drafts
            .log_export(&id, ExportKind::Pdf, std::path::Path::new(&path))
        {
            eprintln!("导出记录未能保存：{}", e.message);
        }
    }
    Ok(ExportDone {
        path,
        bytes: bytes.len() as u64,
    })
}

/// Opens the PDF in the system's PDF reader for printing: the reader prints
/// the vector file at the printer's resolution, with its own print dialog
/// (printer, duplex, pages). The file is written to the per-user cache folder
/// (`print/`, files older than a day are removed) under `file_name`.
/// End-to-end tests set `GCFORMS_PRINT_DIR` to write there without starting a
/// reader. A final print of a document with errors is refused like an export.
#[tauri::command]
#[specta::specta]
pub async fn print_pdf(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    document: Value,
    request: PdfRequest,
    file_name: String,
) -> IpcResult<ExportDone> {
    let (bytes, _) = state.pdf(document, request)?;
    open_for_printing(&app, &bytes, &file_name)
}

/// Writes `bytes` as `file_name` in the cache folder's print folder and
/// opens it in the system's PDF reader (end-to-end tests set
/// `GCFORMS_PRINT_DIR` to keep the file there without opening it).
pub(crate) fn open_for_printing(
    app: &tauri::AppHandle,
    bytes: &[u8],
    file_name: &str,
) -> IpcResult<ExportDone> {
    use tauri::Manager;
    let test_dir = std::env::var_os("GCFORMS_PRINT_DIR").map(std::path::PathBuf::from);
    let dir = match &test_dir {
        Some(dir) => dir.clone(),
        None => app
            .path()
            .app_cache_dir()
            .map_err(|e| IpcError::new(ErrorCode::Io, format!("找不到缓存目录：{e}")))?
            .join("print"),
    };
    let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("无法写入打印文件：{e}"));
    std::fs::create_dir_all(&dir).map_err(io)?;
    remove_old_prints(&dir);
    let name = std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase().ends_with(".pdf"))
        .unwrap_or_else(|| "打印.pdf".into());
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io)?;
    if test_dir.is_none() {
        open::that_detached(&path).map_err(|e| {
            IpcError::new(
                ErrorCode::Io,
                format!(
                    "无法打开 PDF 阅读器（{e}）；文件已保存在 {}，可用任一 PDF 阅读器打开后打印",
                    path.display()
                ),
            )
        })?;
    }
    Ok(ExportDone {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// Removes print files older than a day: a reader may still have today's open.
fn remove_old_prints(dir: &std::path::Path) {
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Asks where to save an export, with the system's save dialog. End-to-end
/// tests set `GCFORMS_EXPORT_DIR` to answer without the dialog, which
/// WebDriver cannot drive. Only the file name of `default_name` is used.
#[tauri::command]
#[specta::specta]
pub async fn choose_export_path(
    app: tauri::AppHandle,
    default_name: String,
) -> IpcResult<Option<String>> {
    let name = std::path::Path::new(&default_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "导出.pdf".into());
    // The file's kind from its name: the summary exports a workbook or CSV.
    let (kind, ext) = match name.rsplit('.').next().map(str::to_lowercase).as_deref() {
        Some("xlsx") => ("Excel 工作簿", "xlsx"),
        Some("csv") => ("CSV 文件", "csv"),
        _ => ("PDF 文件", "pdf"),
    };
    Ok(save_dialog(&app, &name, kind, ext))
}

/// The system's save dialog offering `name` with one filter (`kind`,
/// `ext`); None when cancelled. End-to-end tests set `GCFORMS_EXPORT_DIR`
/// to answer `name` in that folder without the dialog.
pub(crate) fn save_dialog(
    app: &tauri::AppHandle,
    name: &str,
    kind: &str,
    ext: &str,
) -> Option<String> {
    if let Some(dir) = std::env::var_os("GCFORMS_EXPORT_DIR") {
        return Some(std::path::Path::new(&dir).join(name).display().to_string());
    }
    use tauri_plugin_dialog::DialogExt;
    app.dialog()
        .file()
        .set_file_name(name)
        .add_filter(kind, &[ext])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string())
}

/// The system's open dialog for several files of one filter (`kind`,
/// `ext`); empty when cancelled. `answer`, when the tests give one, stands
/// in for the dialog (WebDriver cannot drive the system's).
pub(crate) fn pick_files_dialog(
    app: &tauri::AppHandle,
    answer: Option<Vec<String>>,
    kind: &str,
    ext: &str,
) -> Vec<String> {
    if let Some(files) = answer {
        return files;
    }
    use tauri_plugin_dialog::DialogExt;
    app.dialog()
        .file()
        .add_filter(kind, &[ext])
        .blocking_pick_files()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .map(|p| p.display().to_string())
        .collect()
}

/// The UI has saved everything after a close request: close now.
#[tauri::command]
#[specta::specta]
pub fn close_ready(window: tauri::Window) {
    crate::finish_close(&window);
}
