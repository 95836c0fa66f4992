//! Commands of 单位证书, 导出提交包 and 验证 (issue #6 in the app): each decodes,
//! calls the core ([`gcforms::sign::UnitKeyFile`], [`gcforms::package`]) and
//! converts. The passphrase crosses IPC only for the call that needs it and
//! is never stored.

use std::path::Path;

use gcforms::package::{
    pack, verify_file_bytes, PackError, PackOptions, PaperRenderer, VerificationKind,
};
use gcforms::rules::Severity;
use gcforms::sign::{CertInfo, KeyFileError};
use gcforms::store::ExportKind;
use serde_json::Value;
use tauri::State;

use crate::ipc::{
    CertificateInfo, ErrorCode, ExportDone, IpcError, IpcResult, VerifyLine, VerifyResult,
};
use crate::AppState;

fn key_error(e: KeyFileError) -> IpcError {
    IpcError::new(ErrorCode::Key, e.to_string())
}

fn info(cert: &CertInfo) -> CertificateInfo {
    CertificateInfo {
        unit: cert.unit().to_string(),
        issuer: cert.issuer.clone(),
        not_before: cert.not_before.format("%Y-%m-%d").to_string(),
        not_after: cert.not_after.format("%Y-%m-%d").to_string(),
        fingerprint: cert.fingerprint.to_string(),
    }
}

/// The unit certificate, when one has been issued or imported.
#[tauri::command]
#[specta::specta]
pub fn unit_certificate(state: State<'_, AppState>) -> IpcResult<Option<CertificateInfo>> {
    Ok(state
        .unit_key
        .certificate()
        .map_err(key_error)?
        .as_ref()
        .map(info))
}

/// Issues a unit key pair and certificate naming `unit`.
#[tauri::command]
#[specta::specta]
pub async fn issue_unit_key(
    state: State<'_, AppState>,
    unit: String,
    passphrase: String,
) -> IpcResult<CertificateInfo> {
    Ok(info(
        &state
            .unit_key
            .issue(unit.trim(), &passphrase)
            .map_err(key_error)?,
    ))
}

/// Imports a `.p12`/`.pfx` chosen by the clerk.
#[tauri::command]
#[specta::specta]
pub async fn import_unit_key(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
) -> IpcResult<CertificateInfo> {
    let bytes = std::fs::read(&path)
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("无法读取 {path}：{e}")))?;
    Ok(info(
        &state
            .unit_key
            .import(&bytes, &passphrase)
            .map_err(key_error)?,
    ))
}

/// Signs the drafts `ids` with the unit key and writes the submission package
/// to `path`; logged in each draft's export log.
#[tauri::command]
#[specta::specta]
pub async fn export_package(
    state: State<'_, AppState>,
    ids: Vec<String>,
    passphrase: String,
    path: String,
) -> IpcResult<ExportDone> {
    let documents: Vec<Value> = ids
        .iter()
        .map(|id| state.drafts.get(id).map(|d| d.document))
        .collect::<IpcResult<_>>()?;
    let key = state.unit_key.unlock(&passphrase).map_err(key_error)?;
    let package = pack(
        documents,
        &state.policy,
        &key,
        &PaperRenderer,
        &PackOptions::now(),
    )
    .map_err(refused)?;
    let mut bytes = serde_json::to_vec_pretty(&package)
        .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?;
    bytes.push(b'\n');
    std::fs::write(&path, &bytes)
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("无法写入 {path}：{e}")))?;
    for id in &ids {
        if let Err(e) = state
            .drafts
            .log_export(id, ExportKind::Package, Path::new(&path))
        {
            eprintln!("导出记录未能保存：{}", e.message);
        }
    }
    Ok(ExportDone {
        path,
        bytes: bytes.len() as u64,
    })
}

fn refused(e: PackError) -> IpcError {
    match e {
        PackError::Findings(reports) => {
            let lines: Vec<String> = reports
                .iter()
                .flat_map(|r| r.findings.iter().filter(|f| f.severity == Severity::Error))
                .map(|f| f.message.clone())
                .collect();
            IpcError::new(
                ErrorCode::PackRefused,
                format!("不能打包：{}", lines.join("；")),
            )
        }
        other => IpcError::new(ErrorCode::PackRefused, other.to_string()),
    }
}

/// Verifies a package or a signed PDF chosen by the reviewer.
#[tauri::command]
#[specta::specta]
pub async fn verify_file(state: State<'_, AppState>, path: String) -> IpcResult<VerifyResult> {
    let bytes = gcforms::input::read_file_limited(Path::new(&path))
        .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?;
    let v = verify_file_bytes(&bytes, &state.policy, &state.calendar(), None)
        .map_err(|e| IpcError::new(ErrorCode::InvalidDocument, e.to_string()))?;
    Ok(VerifyResult {
        valid: v.valid,
        is_package: v.kind == VerificationKind::Package,
        signer: v.signer.as_ref().map(|s| s.unit.clone()),
        fingerprint: v.signer.as_ref().map(|s| s.fingerprint.clone()),
        lines: v
            .checks
            .iter()
            .map(|c| VerifyLine {
                ok: c.ok,
                blocking: c.severity == Severity::Error,
                message: c.message.clone(),
            })
            .collect(),
    })
}

/// Asks which file to open: a key (`p12`), a file to verify (`verify`) or
/// a holiday calendar year (`calendar`).
/// End-to-end tests set `GCFORMS_OPEN_FILE` to answer without the dialog,
/// which WebDriver cannot drive.
#[tauri::command]
#[specta::specta]
pub async fn choose_open_path(app: tauri::AppHandle, kind: String) -> IpcResult<Option<String>> {
    if let Some(path) = std::env::var_os("GCFORMS_OPEN_FILE") {
        return Ok(Some(std::path::PathBuf::from(path).display().to_string()));
    }
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file();
    let dialog = match kind.as_str() {
        "p12" => dialog.add_filter("单位证书 (PKCS#12)", &["p12", "pfx"]),
        "calendar" => dialog.add_filter("放假安排 (JSON)", &["json"]),
        "cert" => dialog.add_filter("单位证书 (PEM/DER)", &["pem", "crt", "cer", "der"]),
        "package" => dialog.add_filter("提交包", &["json"]),
        _ => dialog.add_filter("提交包或签名 PDF", &["json", "pdf"]),
    };
    Ok(dialog
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}
