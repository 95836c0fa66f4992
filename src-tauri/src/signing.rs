//! Commands of 单位证书, 导出提交包 and 验证 (issue #6 in the app): each decodes,
//! calls the core ([`gcforms::sign::UnitKeyFile`], [`gcforms::package`]) and
//! converts.
//!
//! The unit's key is unlocked once per run: the first correct passphrase
//! (解锁, or issuing or importing a key) leaves the key in memory in
//! [`UnlockedKey`] until 锁定 or the app exits, so an export does not ask
//! again. The passphrase crosses IPC only for the call that needs it and is
//! never stored; the key never leaves memory unencrypted. Whatever signs
//! with the unit key asks [`unit_key`] for it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gcforms::package::{
    pack, verify_file_bytes, PackError, PackOptions, PaperRenderer, VerificationKind,
};
use gcforms::rules::Severity;
use gcforms::sign::{CertInfo, KeyFileError, UnitKey};
use gcforms::store::ExportKind;
use serde_json::Value;
use tauri::State;

use crate::ipc::{
    CertificateInfo, ErrorCode, ExportDone, IpcError, IpcResult, VerifyLine, VerifyResult,
};
use crate::AppState;

fn key_error(e: KeyFileError) -> IpcError {
    let code = match e {
        KeyFileError::WeakPassphrase(_) => ErrorCode::WeakPassphrase,
        _ => ErrorCode::Key,
    };
    IpcError::new(code, e.to_string())
}

/// The unit key while it is unlocked in this run. Dropping the last handle
/// to a [`UnitKey`] wipes its secret scalar (p256's `SigningKey` zeroizes on
/// drop), so 锁定 and the app's exit leave no key behind in memory.
#[derive(Default)]
pub struct UnlockedKey(Mutex<Option<Arc<UnitKey>>>);

impl UnlockedKey {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<UnitKey>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key, when unlocked.
    pub fn get(&self) -> Option<Arc<UnitKey>> {
        self.slot().clone()
    }

    /// Keeps `key` unlocked for the rest of the run (replacing any other).
    pub fn keep(&self, key: UnitKey) -> Arc<UnitKey> {
        let key = Arc::new(key);
        *self.slot() = Some(Arc::clone(&key));
        key
    }

    /// Locks: forgets the key.
    pub fn lock(&self) {
        *self.slot() = None;
    }
}

/// The unit key to sign with: the one unlocked in this run; when locked,
/// unlocked now with `passphrase` and kept for the rest of the run. Locked
/// and no passphrase given: [`ErrorCode::KeyLocked`], for the UI to ask.
pub fn unit_key(state: &AppState, passphrase: Option<&str>) -> IpcResult<Arc<UnitKey>> {
    if let Some(key) = state.unlocked_key.get() {
        return Ok(key);
    }
    let Some(passphrase) = passphrase else {
        return Err(IpcError::new(
            ErrorCode::KeyLocked,
            "单位证书已锁定：请先输入单位证书口令解锁",
        ));
    };
    let key = state.unit_key.unlock(passphrase).map_err(key_error)?;
    Ok(state.unlocked_key.keep(key))
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

/// Whether the unit key is unlocked in this run.
#[tauri::command]
#[specta::specta]
pub fn unit_key_unlocked(state: State<'_, AppState>) -> bool {
    state.unlocked_key.get().is_some()
}

/// 解锁: opens the unit key with `passphrase` and keeps it for this run.
#[tauri::command]
#[specta::specta]
pub async fn unlock_unit_key(
    state: State<'_, AppState>,
    passphrase: String,
) -> IpcResult<CertificateInfo> {
    state.unlocked_key.lock();
    Ok(info(unit_key(&state, Some(&passphrase))?.certificate()))
}

/// 锁定: forgets the unlocked key; the next signing asks for the passphrase.
#[tauri::command]
#[specta::specta]
pub fn lock_unit_key(state: State<'_, AppState>) {
    state.unlocked_key.lock();
}

/// Issues a unit key pair and certificate naming `unit`; the new key is
/// unlocked for this run.
#[tauri::command]
#[specta::specta]
pub async fn issue_unit_key(
    state: State<'_, AppState>,
    unit: String,
    passphrase: String,
) -> IpcResult<CertificateInfo> {
    let key = state
        .unit_key
        .issue(unit.trim(), &passphrase)
        .map_err(key_error)?;
    Ok(info(state.unlocked_key.keep(key).certificate()))
}

/// Imports a `.p12`/`.pfx` chosen by the clerk, opened with `passphrase`
/// and kept under `new_passphrase` (the same one when empty); the key is
/// unlocked for this run.
#[tauri::command]
#[specta::specta]
pub async fn import_unit_key(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
    new_passphrase: String,
) -> IpcResult<CertificateInfo> {
    let bytes = gcforms::input::read_file_limited(Path::new(&path))
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("无法读取 {path}：{e}")))?;
    let new_passphrase = Some(new_passphrase.as_str()).filter(|p| !p.is_empty());
    let key = state
        .unit_key
        .import(&bytes, &passphrase, new_passphrase)
        .map_err(key_error)?;
    Ok(info(state.unlocked_key.keep(key).certificate()))
}

/// Signs the drafts `ids` with the unlocked unit key and writes the
/// submission package to `path`; logged in each draft's export log.
#[tauri::command]
#[specta::specta]
pub async fn export_package(
    state: State<'_, AppState>,
    ids: Vec<String>,
    path: String,
) -> IpcResult<ExportDone> {
    let documents: Vec<Value> = ids
        .iter()
        .map(|id| state.drafts.get(id).map(|d| d.document))
        .collect::<IpcResult<_>>()?;
    let key = unit_key(&state, None)?;
    let package = pack(
        documents,
        &state.policy,
        key.as_ref(),
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
