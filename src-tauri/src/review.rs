//! Commands of the reviewer's workspace (审核工作台, issue #14) and the
//! clerk's 导入审核结果: each decodes, calls the core ([`gcforms::inbox`],
//! [`gcforms::package`], the store) and converts. Which level is next,
//! whether a decision is allowed, deadlines and every word shown are the
//! core's. The passphrase crosses IPC only with 签名并导出 and is never kept.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gcforms::inbox::{self, DecisionInput, Inbox, InboxQuery, PackageView, TimeLeft};
use gcforms::input::read_file_limited;
use gcforms::package::{prepare_review, render_package, AppendError, Copies};
use gcforms::rules::parse_date;
use gcforms::sign::cert::parse_certificates;
use gcforms::sign::{CertInfo, UnitKey};
use gcforms::store::{ReviewResult, TrustedCertificate};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::ipc::{ErrorCode, IpcError, IpcResult};
use crate::AppState;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn io(what: &str, path: &str, e: impl std::fmt::Display) -> IpcError {
    IpcError::new(ErrorCode::Io, format!("无法{what} {path}：{e}"))
}

fn date(s: &str, label: &str) -> IpcResult<NaiveDate> {
    parse_date(s.trim()).ok_or_else(|| {
        IpcError::new(
            ErrorCode::InvalidFile,
            format!("{label}应为 YYYY-MM-DD 格式的日期"),
        )
    })
}

/// The inbox: one row per package, by deadline, matching `query`.
#[tauri::command]
#[specta::specta]
pub async fn inbox(state: State<'_, AppState>, query: InboxQuery) -> IpcResult<Inbox> {
    let calendar = state.calendar();
    state
        .drafts
        .with(|s| inbox::inbox(s, &state.policy, &calendar, today(), &query))
}

/// What happened to one file given to 导入提交包.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ReceiveLine {
    /// The file.
    pub file: String,
    /// Stored (now or before).
    pub ok: bool,
    /// In Chinese: 已导入 / 已导入过 / why not.
    pub message: String,
    /// The version stored, when ok.
    pub sha256: Option<String>,
}

/// 导入提交包: each file is kept exactly as received (收到日期 today) and
/// verified; one line per file.
#[tauri::command]
#[specta::specta]
pub async fn receive_packages(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> IpcResult<Vec<ReceiveLine>> {
    let calendar = state.calendar();
    Ok(paths
        .into_iter()
        .map(|path| {
            let name = Path::new(&path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            let bytes = match read_file_limited(Path::new(&path)) {
                Ok(b) => b,
                Err(e) => {
                    return ReceiveLine {
                        file: name,
                        ok: false,
                        message: e.to_string(),
                        sha256: None,
                    }
                }
            };
            match state
                .drafts
                .with(|s| inbox::receive(s, &bytes, &path, today(), &state.policy, &calendar))
            {
                Ok((got, verdict)) => ReceiveLine {
                    file: name,
                    ok: true,
                    message: match (got.new, verdict.valid) {
                        (false, _) => "已导入过，未重复列出".into(),
                        (true, true) => "已导入".into(),
                        (true, false) => format!("已导入，但校验失败：{}", verdict.problem),
                    },
                    sha256: Some(got.package.sha256),
                },
                Err(e) => ReceiveLine {
                    file: name,
                    ok: false,
                    message: e.message,
                    sha256: None,
                },
            }
        })
        .collect())
}

/// Asks which packages to import (several at once). End-to-end tests set
/// `GCFORMS_OPEN_PACKAGES_DIR` to a folder, whose files are the answer
/// (WebDriver cannot drive the system's dialog).
#[tauri::command]
#[specta::specta]
pub async fn choose_packages(app: tauri::AppHandle) -> IpcResult<Vec<String>> {
    let answer = match std::env::var_os("GCFORMS_OPEN_PACKAGES_DIR") {
        Some(dir) => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| io("读取", &PathBuf::from(&dir).display().to_string(), e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            Some(files.iter().map(|p| p.display().to_string()).collect())
        }
        None => None,
    };
    Ok(crate::commands::pick_files_dialog(
        &app,
        answer,
        "提交包",
        "json",
    ))
}

/// One received version's page: verified again, with trust.
#[tauri::command]
#[specta::specta]
pub async fn open_received(state: State<'_, AppState>, sha256: String) -> IpcResult<PackageView> {
    let calendar = state.calendar();
    state
        .drafts
        .with(|s| inbox::package_view(s, &sha256, &state.policy, &calendar, today()))
}

/// Corrects the 收到日期 of a received version; the deadline follows.
#[tauri::command]
#[specta::specta]
pub async fn set_received_date(
    state: State<'_, AppState>,
    sha256: String,
    received: String,
) -> IpcResult<()> {
    let received = date(&received, "收到日期")?;
    state
        .drafts
        .with(|s| s.set_received_date(&sha256, received))
}

/// A deadline with the time left.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DeadlineInfo {
    /// 办理期限.
    pub deadline: gcforms::calendar::Deadline,
    /// Time left until it.
    pub time_left: TimeLeft,
}

/// 办理期限 from a 收到日期, for the decision panel (computed live).
#[tauri::command]
#[specta::specta]
pub async fn review_deadline(
    state: State<'_, AppState>,
    received: String,
) -> IpcResult<DeadlineInfo> {
    let received = date(&received, "收到日期")?;
    let (deadline, time_left) =
        inbox::review_deadline(&state.policy, &state.calendar(), received, today())
            .map_err(|e| IpcError::new(ErrorCode::InvalidFile, e.to_string()))?;
    Ok(DeadlineInfo {
        deadline,
        time_left,
    })
}

/// The reviewed package written by 签名并导出.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SignedReview {
    /// The file written.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// The new version in the inbox.
    pub sha256: String,
    /// Where the package stands now (当前环节).
    pub stage_label: String,
}

/// Which key signs a review.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct KeyChoice {
    /// A `.p12` chosen at signing time; `None`: the app's 单位证书.
    pub file: Option<String>,
    /// Its passphrase (or the 单位证书's).
    pub passphrase: String,
}

fn open_key(state: &AppState, key: &KeyChoice) -> IpcResult<std::sync::Arc<UnitKey>> {
    match &key.file {
        Some(path) => {
            let bytes = read_file_limited(Path::new(path)).map_err(|e| io("读取", path, e))?;
            UnitKey::from_pkcs12(&bytes, &key.passphrase)
                .map(std::sync::Arc::new)
                .map_err(|e| IpcError::new(ErrorCode::Key, e.to_string()))
        }
        // The app's unit key: already unlocked in this run, or unlocked now
        // (and kept, like 解锁) with the passphrase given.
        None => crate::signing::unit_key(
            state,
            (!key.passphrase.is_empty()).then_some(key.passphrase.as_str()),
        ),
    }
}

/// 签名并导出: appends the reviewer's signed decision to the received
/// version `sha256` and writes the new package to `path`; it joins the
/// inbox as the package's new version. The core refuses a decision that is
/// not allowed (§5.1 codes) before the key is opened.
#[tauri::command]
#[specta::specta]
pub async fn sign_review(
    state: State<'_, AppState>,
    sha256: String,
    decision: DecisionInput,
    key: KeyChoice,
    path: String,
) -> IpcResult<SignedReview> {
    let request =
        inbox::request_of(&decision).map_err(|m| IpcError::new(ErrorCode::ReviewRefused, m))?;
    let bytes = state.drafts.with(|s| s.received_bytes(&sha256))?;
    let prepared = {
        let calendar = state.calendar();
        prepare_review(&bytes, &request, &state.policy, &calendar, today()).map_err(refused)?
    };
    let key = open_key(&state, &key)?;
    let appended = prepared.sign(&key).map_err(refused)?;
    let mut out = serde_json::to_vec_pretty(&appended.package)
        .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?;
    out.push(b'\n');
    std::fs::write(&path, &out).map_err(|e| io("写入", &path, e))?;
    let calendar = state.calendar();
    let (got, _) = state
        .drafts
        .with(|s| inbox::receive(s, &out, &path, request.date, &state.policy, &calendar))?;
    Ok(SignedReview {
        path,
        bytes: out.len() as u64,
        sha256: got.package.sha256,
        stage_label: inbox::stage_label(appended.status).into(),
    })
}

fn refused(e: AppendError) -> IpcError {
    match e {
        AppendError::Refused(r) => IpcError::new(ErrorCode::ReviewRefused, r.message),
        other => IpcError::new(ErrorCode::InvalidFile, other.to_string()),
    }
}

/// 打印审核单: the received version `sha256` printed with the review boxes
/// filled (the core's `render` of a package), every copy the policy asks
/// for, opened in the system's PDF reader like 打印. A package that does not
/// verify is not printed.
#[tauri::command]
#[specta::specta]
pub async fn print_review(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    sha256: String,
) -> IpcResult<crate::ipc::ExportDone> {
    let bytes = state.drafts.with(|s| s.received_bytes(&sha256))?;
    let package = state.drafts.with(|s| s.received_version(&sha256))?;
    let pdf = render_package(&bytes, &state.policy, &state.calendar(), Copies::AsPolicy)
        .map_err(|e| IpcError::new(ErrorCode::RenderFailed, e.to_string()))?;
    let name = format!("审核单-{}.pdf", package.unit_name.trim());
    crate::commands::open_for_printing(&app, &pdf, &name)
}

/// Asks where to save a reviewed package. End-to-end tests set
/// `GCFORMS_EXPORT_DIR` to answer without the dialog.
#[tauri::command]
#[specta::specta]
pub async fn choose_package_save_path(
    app: tauri::AppHandle,
    default_name: String,
) -> IpcResult<Option<String>> {
    let name = Path::new(&default_name).file_name().map_or_else(
        || "审核后.gcpkg.json".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(crate::commands::save_dialog(&app, &name, "提交包", "json"))
}

/// 信任的单位证书.
#[tauri::command]
#[specta::specta]
pub async fn trusted_certificates(
    state: State<'_, AppState>,
) -> IpcResult<Vec<TrustedCertificate>> {
    state.drafts.with(|s| s.trusted_certificates())
}

fn record(state: &AppState, certs: &[CertInfo], source: &str) -> IpcResult<u32> {
    let mut new = 0;
    for c in certs {
        let recorded = state.drafts.with(|s| {
            s.trust_certificate(
                &c.der,
                &c.fingerprint.to_string(),
                c.unit(),
                &c.not_after.format("%Y-%m-%d").to_string(),
                source,
            )
        })?;
        new += u32::from(recorded);
    }
    Ok(new)
}

/// Records the certificates of a file (PEM or DER) as trusted; returns how
/// many were new.
#[tauri::command]
#[specta::specta]
pub async fn trust_certificate_file(state: State<'_, AppState>, path: String) -> IpcResult<u32> {
    let bytes = read_file_limited(Path::new(&path)).map_err(|e| io("读取", &path, e))?;
    let certs = parse_certificates(&bytes).map_err(|e| {
        IpcError::new(
            ErrorCode::InvalidFile,
            format!("不是证书文件（PEM 或 DER）：{e}"),
        )
    })?;
    let name = Path::new(&path)
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    record(&state, &certs, &format!("证书文件 {name}"))
}

/// Records the certificate that signed a received package (`review`:
/// `None` the applicant's, else the review's index from 0) as trusted,
/// after the reviewer compared its fingerprint with the stamped paper.
#[tauri::command]
#[specta::specta]
pub async fn trust_package_signer(
    state: State<'_, AppState>,
    sha256: String,
    review: Option<u32>,
) -> IpcResult<u32> {
    let bytes = state.drafts.with(|s| s.received_bytes(&sha256))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| IpcError::new(ErrorCode::InvalidFile, e.to_string()))?;
    let signature = match review {
        None => &value["signature"],
        Some(i) => &value["reviews"][i as usize]["signature"],
    };
    let cert = signature["certificate"]
        .as_str()
        .and_then(|b64| CertInfo::from_base64(b64).ok())
        .ok_or_else(|| IpcError::new(ErrorCode::InvalidFile, "签名证书无法读取"))?;
    let source = format!(
        "提交包 {}",
        value["package_id"].as_str().unwrap_or_default()
    );
    record(&state, &[cert], &source)
}

/// Removes a trusted certificate.
#[tauri::command]
#[specta::specta]
pub async fn untrust_certificate(
    state: State<'_, AppState>,
    fingerprint: String,
) -> IpcResult<bool> {
    state.drafts.with(|s| s.untrust_certificate(&fingerprint))
}

/// 导入审核结果 (the clerk): where the reviewed package at `path` stands,
/// recorded on the drafts it came from.
#[tauri::command]
#[specta::specta]
pub async fn import_review_result(
    state: State<'_, AppState>,
    path: String,
) -> IpcResult<ReviewResult> {
    let bytes = read_file_limited(Path::new(&path)).map_err(|e| io("读取", &path, e))?;
    let (result, ids) = inbox::review_result(&bytes, &state.policy, &state.calendar())
        .map_err(|m| IpcError::new(ErrorCode::InvalidFile, m))?;
    state
        .drafts
        .with(|s| s.record_review_result(&result, &ids))?;
    Ok(result)
}

/// The latest review result of each draft that has one.
#[tauri::command]
#[specta::specta]
pub async fn review_results(state: State<'_, AppState>) -> IpcResult<Vec<ReviewResult>> {
    state.drafts.with(|s| s.review_results())
}
