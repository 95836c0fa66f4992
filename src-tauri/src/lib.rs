//! # gcforms-app — the desktop shell
//!
//! A thin Tauri 2 adapter over the `gcforms` core: it registers the IPC
//! commands ([`commands`], listed once in `command_list.rs`), holds the app
//! state (policy, draft store, unit key files), keeps one instance running,
//! and lets the UI save the open draft before the window closes. The UI is
//! `ui/` (Svelte 5), embedded from `ui/dist`. The window is built here from
//! its entry in `tauri.conf.json` (`"create": false`) so that it gets the
//! [`navigation`] guard: it loads nothing from outside the app.
//!
//! **Invariant:** no rule, number or label is decided here; validation is
//! the core's, catalogs and labels come from the policy and the core's types.

pub mod backup;
pub mod calendar;
pub mod commands;
pub mod demand;
pub mod drafts;
pub mod ipc;
pub mod navigation;
pub mod review;
pub mod signing;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gcforms::calendar::Calendar;
use gcforms::policy::Policy;
use gcforms::render::{render_report, RenderError, RenderOptions};
use serde_json::Value;
use tauri::Manager;
use tauri_specta::Event as _;

use drafts::Drafts;
use ipc::{ErrorCode, FilesDropped, FlushRequest, IpcError, IpcResult, PdfRequest};

include!("command_list.rs");

/// How long a close request waits for the UI before closing on its own.
const CLOSE_GRACE: Duration = Duration::from_millis(1500);

/// Everything the commands share.
pub struct AppState {
    /// The policy the rules and catalogs come from: one instance, shared
    /// with the draft store.
    pub policy: Arc<Policy>,
    /// The draft store.
    pub drafts: Drafts,
    /// What the store repaired when it opened, for the clerk.
    pub store_notice: Option<String>,
    /// The unit key files, beside the draft store.
    pub unit_key: gcforms::sign::UnitKeyFile,
    /// The unit key while unlocked in this run.
    pub unlocked_key: signing::UnlockedKey,
    /// The working-day calendar: built-in years and those imported into the
    /// data folder.
    calendar: Mutex<Calendar>,
    closing: AtomicBool,
}

impl AppState {
    /// The production state: the core's draft store in the user's data
    /// folder (shared with the `gcforms drafts` command), the unit key files
    /// beside it.
    pub fn open() -> IpcResult<AppState> {
        let policy = Arc::clone(Policy::shared_default());
        let (drafts, store_notice) = Drafts::open_default(&policy)?;
        if let Some(n) = &store_notice {
            eprintln!("{n}");
        }
        let unit_key = gcforms::sign::UnitKeyFile::in_dir(drafts.folder(), &policy.key_file);
        let calendar = Mutex::new(Calendar::load(drafts.folder()));
        Ok(AppState {
            policy,
            drafts,
            store_notice,
            unit_key,
            unlocked_key: signing::UnlockedKey::default(),
            calendar,
            closing: AtomicBool::new(false),
        })
    }

    /// The working-day calendar.
    pub fn calendar(&self) -> std::sync::MutexGuard<'_, Calendar> {
        self.calendar.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The PDF of a document; the core refuses a final PDF of a document
    /// with errors. Returns the bytes and whether they are a draft.
    fn pdf(&self, document: Value, request: PdfRequest) -> IpcResult<(Vec<u8>, bool)> {
        let report = gcforms::validate_value(document, &self.policy)?;
        let options = RenderOptions {
            copies: request
                .all_copies
                .then(|| self.policy.copies_of(report.form)),
            draft: request.draft,
            ..RenderOptions::default()
        };
        let bytes = render_report(&report, &self.policy, &options).map_err(|e| match e {
            RenderError::NotValid(findings) => {
                let n = findings
                    .iter()
                    .filter(|f| f.severity == gcforms::rules::Severity::Error)
                    .count();
                IpcError::new(
                    ErrorCode::ExportRefused,
                    format!("文档还有 {n} 处错误，不能导出正式文本；请先按提示修改，或导出带“草稿”水印的版本。"),
                )
            }
            RenderError::FontUnavailable(_) => IpcError::new(ErrorCode::RenderUnavailable, e.to_string()),
            _ => IpcError::new(ErrorCode::RenderFailed, e.to_string()),
        })?;
        Ok((bytes, request.draft))
    }
}

macro_rules! register_commands {
    ($($module:ident: [$($command:ident),*]),*) => {
        tauri_specta::collect_commands![$($($module::$command),*),*]
    };
}

/// The typed command and event lists: drive the invoke handler and the
/// TypeScript bindings (`ui/src/bindings/commands.ts`).
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(app_commands!(register_commands))
        .events(tauri_specta::collect_events![FlushRequest, FilesDropped])
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

/// Closes the window once the UI has saved (or the grace time is over);
/// safe to call twice.
pub fn finish_close<R: tauri::Runtime>(window: &tauri::Window<R>) {
    let state = window.state::<AppState>();
    if state.closing.swap(true, Ordering::SeqCst) {
        return;
    }
    state.unlocked_key.lock();
    let _ = window.destroy();
}

/// Builds the main window from its configuration, with the navigation
/// guard: only the app's own pages may load, and no new window opens.
fn build_main_window(app: &tauri::App) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let dev_url = app.config().build.dev_url.clone();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_navigation(move |url| {
            let ok = navigation::allowed(url, dev_url.as_ref());
            if !ok {
                eprintln!("已阻止窗口打开外部地址：{url}");
            }
            ok
        })
        .on_new_window(|url, _| {
            eprintln!("已阻止打开新窗口：{url}");
            tauri::webview::NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
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
        .setup(move |app| {
            builder.mount_events(app);
            let state = AppState::open().map_err(|e| e.message)?;
            app.manage(state);
            build_main_window(app)?;
            fit_to_screen(app);
            // Parse the bundled print fonts off the main thread, so the
            // window is not held up and the first preview is quick.
            std::thread::spawn(|| {
                let _ = gcforms::render::Fonts::shared();
            });
            Ok(())
        })
        .on_window_event(|window, event| {
            // 导入提交包 by dropping files on the window: the UI imports them.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let paths = paths.iter().map(|p| p.display().to_string()).collect();
                let _ = FilesDropped { paths }.emit(window);
            }
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<AppState>().closing.load(Ordering::SeqCst) {
                    return;
                }
                // Give the UI a moment to save its debounced edits (every
                // edit that reached Rust is saved already), then close.
                api.prevent_close();
                let _ = FlushRequest.emit(window);
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

    macro_rules! command_names {
        ($($module:ident: [$($command:ident),*]),*) => {
            [$($(stringify!($command)),*),*]
        };
    }

    /// Every command (and so, by build.rs, permission-gated) is registered
    /// and granted to the window, and the window is granted nothing else but
    /// event listening: no dialog, fs, shell or http permission (dialogs are
    /// opened by the app's own commands). Fails when a capability file or a
    /// permission is added beside the generated one.
    #[test]
    fn capability_grants_exactly_the_app_commands() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let commands = app_commands!(command_names);
        // The committed bindings list every registered command (and
        // `bindings_are_fresh` keeps them in step with the Rust list).
        let registered =
            std::fs::read_to_string(dir.join("../ui/src/bindings/commands.ts")).unwrap();
        for command in commands {
            assert!(
                registered.contains(&format!("\"{command}\"")),
                "{command} is listed but not registered"
            );
        }
        let files: Vec<_> = std::fs::read_dir(dir.join("capabilities"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            files,
            ["main.json"],
            "one capability file, written by build.rs"
        );
        let config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("tauri.conf.json")).unwrap()).unwrap();
        assert_eq!(
            config["app"]["security"]["capabilities"],
            serde_json::json!(["main"]),
            "the window uses the generated capability only"
        );
        let cap: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("capabilities/main.json")).unwrap())
                .unwrap();
        assert_eq!(cap["windows"], serde_json::json!(["main"]));
        // Only the app's own pages may call commands: no remote origin.
        assert!(cap.get("remote").is_none(), "no remote URL may use the IPC");
        assert_ne!(cap.get("local"), Some(&serde_json::json!(false)));
        assert!(cap.get("webviews").is_none(), "granted by window only");
        let mut granted: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("permissions are plain identifiers"))
            .collect();
        granted.sort_unstable();
        // No permission set and no plugin's permission: a `*:default` or a
        // `dialog:…`/`fs:…` would widen what the page may do.
        for p in &granted {
            assert!(!p.ends_with(":default"), "{p}: a whole default set");
            assert!(
                !p.contains(':') || p.starts_with("core:event:"),
                "{p}: a plugin's or core permission beyond event listening"
            );
        }
        // What tauri-build resolved and compiles into the app is this one
        // capability, as written.
        let resolved: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("gen/schemas/capabilities.json")).unwrap(),
        )
        .unwrap();
        let resolved = resolved.as_object().unwrap();
        assert_eq!(resolved.keys().collect::<Vec<_>>(), ["main"]);
        assert_eq!(resolved["main"]["permissions"], cap["permissions"]);
        assert_eq!(resolved["main"]["local"], serde_json::json!(true));
        assert!(resolved["main"].get("remote").is_none());
        let allow: Vec<String> = commands
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        let mut expected: Vec<&str> = allow.iter().map(String::as_str).collect();
        expected.extend(["core:event:allow-listen", "core:event:allow-unlisten"]);
        expected.sort_unstable();
        assert_eq!(granted, expected);
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

    /// JSON merge patch (RFC 7396), as Tauri merges `tauri.<platform>.conf.json`.
    fn merge_patch(base: &mut serde_json::Value, patch: &serde_json::Value) {
        match (base, patch) {
            (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
                for (key, value) in patch {
                    if value.is_null() {
                        base.remove(key);
                    } else {
                        merge_patch(
                            base.entry(key.clone()).or_insert(serde_json::Value::Null),
                            value,
                        );
                    }
                }
            }
            (base, patch) => *base = patch.clone(),
        }
    }

    /// The bundles are configured for every platform the clerks have, even
    /// those that cannot be built here: Linux gives .deb and .rpm; Windows
    /// (its file merged over the main one) an NSIS installer carrying
    /// WebView2's offline installer, because the office PCs are offline, in
    /// Chinese, with an .ico. Each merged file must be a config Tauri itself
    /// accepts (its type refuses unknown fields).
    #[test]
    fn bundles_for_linux_and_offline_windows() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |name: &str| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
        };
        let main = read("tauri.conf.json");
        let linux: tauri::utils::config::Config = serde_json::from_value(main.clone()).unwrap();
        let targets = serde_json::to_value(&linux.bundle.targets).unwrap();
        assert_eq!(targets, serde_json::json!(["deb", "rpm"]));

        let mut windows = main;
        merge_patch(&mut windows, &read("tauri.windows.conf.json"));
        let windows: tauri::utils::config::Config = serde_json::from_value(windows).unwrap();
        let targets = serde_json::to_value(&windows.bundle.targets).unwrap();
        assert_eq!(targets, serde_json::json!(["nsis"]));
        assert!(matches!(
            windows.bundle.windows.webview_install_mode,
            tauri::utils::config::WebviewInstallMode::OfflineInstaller { silent: true }
        ));
        let nsis = windows.bundle.windows.nsis.as_ref().expect("NSIS settings");
        assert_eq!(
            nsis.languages.as_deref(),
            Some(&["SimpChinese".to_string()][..])
        );
        for icon in &windows.bundle.icon {
            assert!(dir.join(icon).is_file(), "{icon} is missing");
        }
        assert!(windows.bundle.icon.iter().any(|i| i.ends_with(".ico")));
    }
}
