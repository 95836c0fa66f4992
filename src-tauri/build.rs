//! Build script: tauri's codegen, with the app's own commands declared so
//! that each gets an `allow-…` permission and a capability must grant it.

fn main() {
    // The UI is embedded from ui/dist (tauri.conf.json `frontendDist`); say
    // how to make it rather than fail inside tauri's codegen.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.exists() {
        panic!(
            "ui/dist 不存在：请先构建界面 (the UI is not built): \
             npm --prefix ui ci && npm --prefix ui run build"
        );
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(gcforms_commands())),
    )
    .expect("tauri build script failed");
}

/// Every command of `src/commands.rs`; `src/lib.rs` checks the list matches.
fn gcforms_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "catalogs",
        "field_labels",
        "pledge_text",
        "validate",
        "new_draft",
        "open_draft",
        "save_draft",
        "list_drafts",
        "duplicate_draft",
        "trash_draft",
        "restore_draft",
        "purge_draft",
        "draft_history",
        "restore_version",
        "get_profile",
        "set_profile",
        "prefill_from_application",
        "render_pdf",
        "export_pdf",
        "print_pdf",
        "choose_export_path",
        "unit_certificate",
        "issue_unit_key",
        "import_unit_key",
        "export_package",
        "verify_file",
        "choose_open_path",
        "close_ready",
    ]
}
