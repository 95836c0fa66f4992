//! The types that cross IPC, kept apart from the core's domain types where
//! they differ, and the one error shape of the boundary: `{code, message}`
//! with a closed set of codes.
//!
//! Core types that cross unchanged (`FormKind`, `Finding`, `Sums`, the
//! document types, the draft store's types) derive `specta::Type` behind the
//! core's `specta` feature; nothing here mirrors them.
//! Everything here is mirrored into `ui/src/bindings/commands.ts`.

use gcforms::document::FormKind;
use gcforms::rules::{Finding, Severity, Sums};
use gcforms::store::{DraftSummary, SavedDraft};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The closed set of error codes the UI can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The JSON sent is not a document at all (no `form`, wrong version, …).
    InvalidDocument,
    /// No draft with that ID (or it is in the trash when it must not be).
    NotFound,
    /// A draft ID that is not a plain UUID-like name.
    InvalidId,
    /// Reading or writing the draft store failed.
    Storage,
    /// The PDF renderer is not part of this build yet.
    RenderUnavailable,
    /// The renderer refused or failed.
    RenderFailed,
    /// A final export of a document that still has errors.
    ExportRefused,
    /// Writing an exported file failed.
    Io,
    /// No unit key yet, a wrong passphrase, or a key that cannot sign.
    Key,
    /// The unit key is locked: ask for its passphrase (解锁) and try again.
    KeyLocked,
    /// A new key file's passphrase is too short or too common; the message
    /// says which, to be shown at the passphrase field.
    WeakPassphrase,
    /// Documents that cannot be packed (errors, or 附件2 missing or for another unit).
    PackRefused,
    /// A file chosen by the user that is not what it must be (e.g. a holiday
    /// calendar year with a wrong date); nothing was changed.
    InvalidFile,
    /// A review decision the core refuses (SPEC §5.1 codes): nothing signed.
    ReviewRefused,
}

/// The one error shape of every command: a stable code and a Chinese message
/// that can be shown as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct IpcError {
    /// Stable, for the UI's logic.
    pub code: ErrorCode,
    /// For the clerk, in Chinese.
    pub message: String,
}

impl IpcError {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<gcforms::input::InputError> for IpcError {
    fn from(e: gcforms::input::InputError) -> IpcError {
        IpcError::new(ErrorCode::InvalidDocument, e.to_string())
    }
}

/// Result of every fallible command.
pub type IpcResult<T> = Result<T, IpcError>;

/// Version and policy, for the title bar and the about line.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The policy's `id`, e.g. `shaoguan-2020`.
    pub policy_id: String,
    /// The policy's version.
    pub policy_version: String,
    /// The measures the policy implements.
    pub policy_title: String,
    /// Where drafts are kept, shown in 常用信息 for the administrator.
    pub data_dir: String,
    /// Whether drafts keep a version history.
    pub history_available: bool,
    /// What the draft store repaired on opening (a damaged database), in
    /// Chinese, with where the damaged copy was kept; shown once on the home page.
    pub store_notice: Option<String>,
}

/// One choice of a catalog: the key stored in JSON and the label shown.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Choice {
    /// Stored in the document.
    pub key: String,
    /// Shown on screen and paper.
    pub label: String,
}

/// An inclusive range, for input hints (`min`/`max` attributes): the rules
/// themselves stay in Rust.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct Bounds {
    /// Smallest allowed.
    pub min: i64,
    /// Largest allowed.
    pub max: i64,
}

/// Everything a form's choices and hints come from, sent by Rust so that the
/// policy file stays the one source of catalogs and numbers.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Catalogs {
    /// 服务器类型.
    pub server_types: Vec<Choice>,
    /// 网络区域.
    pub network_zones: Vec<Choice>,
    /// 操作系统 (without `other`; the UI adds [`os_other`](Self::os_other)
    /// with a text field).
    pub operating_systems: Vec<Choice>,
    /// The choice that means 其他 (needs `os_other`).
    pub os_other: Choice,
    /// 所属地区.
    pub jurisdictions: Vec<Choice>,
    /// 维护单位性质, the three boxes.
    pub maintainer_natures: Vec<Choice>,
    /// 备份数据类型.
    pub backup_data_types: Vec<Choice>,
    /// 数据副本.
    pub backup_copies: Vec<Choice>,
    /// 变更类型.
    pub change_types: Vec<Choice>,
    /// 数据处置 kinds of 附件4.
    pub disposition_kinds: Vec<Choice>,
    /// 需求类型 of the 资源需求预估表 (新建, 扩容, 续用).
    pub demand_kinds: Vec<Choice>,
    /// 数据盘 minimum (100GB起).
    pub min_data_disk_gb: i64,
    /// 默认 N 个月.
    pub default_retention_months: i64,
    /// Allowed retention.
    pub retention_months: Bounds,
    /// vCPU per host.
    pub vcpu: Bounds,
    /// Memory per host.
    pub memory_gb: Bounds,
    /// Hosts per row.
    pub quantity: Bounds,
    /// 一式N份 per form.
    pub copies: Vec<FormCopies>,
    /// What makes a change 重大变更 under the policy (第二十一条), in words.
    pub major_change: String,
    /// A draft's statuses with their labels (草稿, 可导出, 已导出).
    pub draft_statuses: Vec<Choice>,
}

/// Paper copies of one form.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FormCopies {
    /// The form.
    pub form: FormKind,
    /// 一式N份.
    pub copies: u32,
}

/// The paper labels of one form, keyed by path pattern (`hosts[].vcpu`).
#[derive(Debug, Clone, Serialize, Type)]
pub struct FormLabels {
    /// The form.
    pub form: FormKind,
    /// Short name, 「附件1 资源申请表」.
    pub short_name: String,
    /// The title printed on paper.
    pub title: String,
    /// (path pattern, label) pairs.
    pub labels: Vec<FieldLabel>,
}

/// One field's paper label.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FieldLabel {
    /// Path pattern, e.g. `hosts[].data_disk_gb`.
    pub path: String,
    /// Paper label, e.g. `数据盘(GB)`.
    pub label: String,
}

/// The fixed text of 附件2, read-only in the editor.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PledgeText {
    /// The title lines.
    pub title_lines: Vec<String>,
    /// The paragraph before the clauses.
    pub preamble: String,
    /// The seventeen clauses.
    pub clauses: Vec<PledgeClause>,
    /// The closing note (一式两份).
    pub note: String,
}

/// One clause of 附件2.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PledgeClause {
    /// The clause, starting with its number.
    pub text: String,
    /// Numbered items under it.
    pub items: Vec<String>,
    /// A paragraph after the items.
    pub after: Option<String>,
}

/// What the core says about a document, for the editor.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ValidationReport {
    /// Which form.
    pub form: FormKind,
    /// Every finding, sorted by path.
    pub findings: Vec<Finding>,
    /// 总计, for forms with host rows.
    pub totals: Option<Sums>,
    /// Findings of severity `error`.
    pub errors: u32,
    /// Findings of severity `warning`.
    pub warnings: u32,
}

impl From<gcforms::Report> for ValidationReport {
    fn from(r: gcforms::Report) -> ValidationReport {
        let count = |s| u32::try_from(r.count(s)).unwrap_or(u32::MAX);
        ValidationReport {
            form: r.form,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            findings: r.findings,
            totals: r.totals,
        }
    }
}

/// A draft opened in the editor.
#[derive(Debug, Clone, Serialize, Type)]
pub struct OpenedDraft {
    /// The list line.
    pub summary: DraftSummary,
    /// The document as stored.
    pub document: serde_json::Value,
}

/// What a save did, with the findings of the saved document (validated once,
/// by the save).
#[derive(Debug, Clone, Serialize, Type)]
pub struct SaveResult {
    /// The store's account of the save.
    pub saved: SavedDraft,
    /// The core's findings on what was saved.
    pub report: ValidationReport,
}

/// Sent to the window when it is asked to close: the UI saves at once and
/// calls `close_ready`.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct FlushRequest;

/// Files dropped on the window (导入提交包 by drag and drop).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct FilesDropped {
    /// The dropped files' paths.
    pub paths: Vec<String>,
}

/// How to render a PDF.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, Type)]
pub struct PdfRequest {
    /// Stamp 草稿 on every page (always so while the document has errors).
    pub draft: bool,
    /// Print the policy's 一式N份 copies in one file.
    pub all_copies: bool,
}

/// A rendered PDF. Base64 keeps it one JSON string over IPC.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PdfData {
    /// The PDF bytes, base64.
    pub base64: String,
    /// Whether it carries the 草稿 watermark.
    pub draft: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportDone {
    /// The file written.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The unit certificate as 单位证书 shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CertificateInfo {
    /// The unit it names.
    pub unit: String,
    /// Who issued it.
    pub issuer: String,
    /// First valid day, YYYY-MM-DD.
    pub not_before: String,
    /// Last valid day, YYYY-MM-DD.
    pub not_after: String,
    /// SHA-256 fingerprint, colon-separated upper-case hex (printed on 附件2).
    pub fingerprint: String,
}

/// One check of a verification.
#[derive(Debug, Clone, Serialize, Type)]
pub struct VerifyLine {
    /// Whether it passed.
    pub ok: bool,
    /// A failure makes the file invalid (otherwise it is a reminder).
    pub blocking: bool,
    /// What was checked, in Chinese.
    pub message: String,
}

/// The result of 验证.
#[derive(Debug, Clone, Serialize, Type)]
pub struct VerifyResult {
    /// No blocking check failed.
    pub valid: bool,
    /// A package (else a signed PDF).
    pub is_package: bool,
    /// The signing unit, when readable.
    pub signer: Option<String>,
    /// The signer's certificate fingerprint.
    pub fingerprint: Option<String>,
    /// Everything checked, in order.
    pub lines: Vec<VerifyLine>,
}
