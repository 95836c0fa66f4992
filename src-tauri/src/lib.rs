//! # gcforms-app — the desktop shell
//!
//! A thin Tauri 2 adapter over the `gcforms` core: it registers the IPC
//! commands ([`commands`]), holds the app state (policy, draft store,
//! renderer), keeps one instance running, and saves the open draft when the
//! window closes. The UI is `ui/` (Svelte 5), embedded from `ui/dist`.
//!
//! **Invariant:** no rule, number or label is decided here; validation is
//! the core's, catalogs and labels come from the policy and the core's types.

pub mod commands;
pub mod core_store;
pub mod drafts;
pub mod ipc;
pub mod prefill;
pub mod render;
pub mod signing;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use gcforms::policy::Policy;
use serde_json::Value;
use tauri::{Emitter, Manager, Runtime};

use core_store::CoreStore;
use drafts::DraftStore;
use ipc::{ErrorCode, IpcError, IpcResult, PdfRequest};
use render::Renderer;

/// The event the UI answers by saving at once and calling `close_ready`.
pub const FLUSH_EVENT: &str = "gcforms:flush";

/// How long a close request waits for the UI before saving on its own.
const CLOSE_GRACE: Duration = Duration::from_millis(1500);

/// Everything the commands share.
pub struct AppState {
    /// The policy the rules and catalogs come from.
    pub policy: &'static Policy,
    /// The draft store.
    pub drafts: Box<dyn DraftStore>,
    /// The PDF renderer.
    pub renderer: Box<dyn Renderer>,
    /// What the store repaired when it opened, for the clerk.
    pub store_notice: Option<String>,
    /// The unit key files, beside the draft store.
    pub unit_key: gcforms::sign::UnitKeyFile,
    /// The last document validated and not saved since: the safety net that
    /// closing the window saves when the UI cannot.
    pending: Mutex<Option<Value>>,
    closing: AtomicBool,
}

impl AppState {
    /// State over a draft store and a renderer.
    pub fn new(
        policy: &'static Policy,
        drafts: Box<dyn DraftStore>,
        renderer: Box<dyn Renderer>,
    ) -> AppState {
        AppState {
            policy,
            drafts,
            renderer,
            store_notice: None,
            unit_key: gcforms::sign::UnitKeyFile::in_dir(
                &std::env::temp_dir().join("gcforms-no-key"),
            ),
            pending: Mutex::new(None),
            closing: AtomicBool::new(false),
        }
    }

    /// The production state: the core's draft store in the user's data
    /// folder (shared with the `gcforms drafts` command) and the core's renderer.
    pub fn open() -> IpcResult<AppState> {
        let policy = Policy::default_shaoguan();
        let (drafts, notice) = CoreStore::open_default()?;
        if let Some(n) = &notice {
            eprintln!("{n}");
        }
        let key_dir = std::path::PathBuf::from(drafts.location())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut state = AppState::new(policy, Box::new(drafts), Box::new(render::CoreRenderer));
        state.store_notice = notice;
        state.unit_key = gcforms::sign::UnitKeyFile::in_dir(&key_dir);
        Ok(state)
    }

    fn remember(&self, document: &Value) {
        // Only drafts can be saved on close; anything without an id is not one.
        if document.get("id").and_then(Value::as_str).is_some() {
            *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(document.clone());
        }
    }

    fn forget(&self, saved: &Value) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.as_ref() == Some(saved) {
            *pending = None;
        }
    }

    /// Saves what the UI validated but had not saved yet.
    pub fn save_pending(&self) {
        let doc = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(doc) = doc {
            let _ = self.drafts.save(&doc);
        }
    }

    /// Validates, then renders; a final PDF of a document with errors is
    /// refused. Returns the bytes and whether they are a draft.
    fn pdf(&self, document: Value, request: PdfRequest) -> IpcResult<(Vec<u8>, bool)> {
        let report = gcforms::validate_value(document, self.policy)?;
        if !request.draft && !report.is_valid() {
            let n = report.count(gcforms::rules::Severity::Error);
            return Err(IpcError::new(
                ErrorCode::ExportRefused,
                format!("文档还有 {n} 处错误，不能导出正式文本；请先按提示修改，或导出带“草稿”水印的版本。"),
            ));
        }
        let doc = report.document.ok_or_else(|| {
            IpcError::new(ErrorCode::InvalidDocument, "文档结构无法识别，不能生成 PDF")
        })?;
        Ok((
            self.renderer.render(&doc, self.policy, &request)?,
            request.draft,
        ))
    }
}

/// The typed command list: drives the invoke handler and the TypeScript
/// bindings (`ui/src/bindings/commands.ts`).
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    // Keep in step with the list in build.rs, which gates each command
    // behind an `allow-…` permission.
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_info,
        catalogs,
        field_labels,
        pledge_text,
        validate,
        new_draft,
        open_draft,
        save_draft,
        list_drafts,
        duplicate_draft,
        trash_draft,
        restore_draft,
        purge_draft,
        draft_history,
        restore_version,
        get_profile,
        set_profile,
        prefill_from_application,
        render_pdf,
        export_pdf,
        print_pdf,
        choose_export_path,
        close_ready,
        signing::unit_certificate,
        signing::issue_unit_key,
        signing::import_unit_key,
        signing::export_package,
        signing::verify_file,
        signing::choose_open_path,
    ])
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &Path) -> Result<(), String> {
    specta_builder()
        .typ::<gcforms::document::Document>()
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from Rust by tauri-specta (scripts/gen-bindings). Do not edit.\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Saves what is left and closes the window; safe to call twice.
pub fn finish_close<R: Runtime>(window: &tauri::Window<R>) {
    let state = window.state::<AppState>();
    if state.closing.swap(true, Ordering::SeqCst) {
        return;
    }
    state.save_pending();
    let _ = window.destroy();
}

/// On a small screen (1366×768 at 150 % scaling is 910×512 logical pixels)
/// the default 1280×720 window would not fit: shrink it to the screen (the
/// minimum size in tauri.conf.json still holds) and centre it.
fn fit_to_screen(app: &tauri::App) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Ok(Some(monitor)) = window.current_monitor() {
        let size = monitor.size().to_logical::<f64>(monitor.scale_factor());
        if size.width < 1320.0 || size.height < 740.0 {
            let fit = tauri::LogicalSize::new(
                (size.width * 0.96).min(1280.0),
                (size.height * 0.92).min(720.0),
            );
            let _ = window.set_size(fit);
            // `center()` would use the size before the resize took effect.
            let origin = monitor.position().to_logical::<f64>(monitor.scale_factor());
            let _ = window.set_position(tauri::LogicalPosition::new(
                origin.x + (size.width - fit.width) / 2.0,
                origin.y + (size.height - fit.height) / 2.0,
            ));
        }
    }
}

/// Runs the app.
pub fn run() {
    let builder = specta_builder();
    let app = tauri::Builder::default()
        // First plugin, so a second launch exits before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(|app| {
            let state = AppState::open().map_err(|e| e.message)?;
            app.manage(state);
            fit_to_screen(app);
            // Load (on a first start: cut) the print fonts off the main
            // thread, so the window is not held up and the first preview is quick.
            std::thread::spawn(|| {
                let _ = gcforms::render::Fonts::shared();
            });
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<AppState>().closing.load(Ordering::SeqCst) {
                    return;
                }
                // Give the UI a moment to save its debounced edits, then
                // save whatever it validated last and close regardless.
                api.prevent_close();
                let _ = window.emit(FLUSH_EVENT, ());
                let w = window.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(CLOSE_GRACE);
                    finish_close(&w);
                });
            }
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("政务云资源申请助手无法启动：{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command declared in build.rs (and so permission-gated) is
    /// registered and granted to the window, and the capability grants
    /// nothing else but event listening: no dialog, fs, shell or http
    /// permission (dialogs are opened by the app's own commands).
    #[test]
    fn capability_grants_exactly_the_app_commands() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let build = std::fs::read_to_string(dir.join("build.rs")).unwrap();
        let list = &build[build.find("&[").unwrap()..build.rfind(']').unwrap()];
        let declared: Vec<String> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        // The committed bindings list every registered command (and
        // `bindings_are_fresh` keeps them in step with the Rust list).
        let registered =
            std::fs::read_to_string(dir.join("../ui/src/bindings/commands.ts")).unwrap();
        for d in &declared {
            let command = d.trim_start_matches("allow-").replace('-', "_");
            assert!(
                registered.contains(&format!("\"{command}\"")),
                "{command} is declared but not registered"
            );
        }
        let cap: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("capabilities/main.json")).unwrap())
                .unwrap();
        let granted: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        for d in &declared {
            assert!(granted.contains(&d.as_str()), "{d} not granted");
        }
        let others: Vec<&&str> = granted
            .iter()
            .filter(|g| !declared.iter().any(|d| d == *g))
            .collect();
        assert_eq!(
            others,
            [&"core:event:allow-listen", &"core:event:allow-unlisten"]
        );
    }

    /// The committed bindings are what the Rust types generate. Run
    /// `scripts/gen-bindings` after changing a command or an IPC type.
    #[test]
    fn bindings_are_fresh() {
        let committed =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/commands.ts");
        if std::env::var_os("GCFORMS_UPDATE_BINDINGS").is_some() {
            export_bindings(&committed).unwrap();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("commands.ts");
        export_bindings(&fresh).unwrap();
        let want = std::fs::read_to_string(&fresh).unwrap();
        let have = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            want == have,
            "ui/src/bindings/commands.ts is stale: run scripts/gen-bindings and commit the result"
        );
    }
}
