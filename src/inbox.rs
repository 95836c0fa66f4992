//! The reviewer's workspace (审核工作台, issue #14) over the review chain of
//! SPEC §5.1: what the app's inbox, package view and decision panel show,
//! decided here so the desktop shell only converts and the UI only draws.
//!
//! - [`receive`] keeps a package exactly as received ([`Store`]) and
//!   verifies it once; the [`Verdict`] is cached per version and policy,
//!   so [`inbox`] lists hundreds of packages without verifying each again.
//! - [`inbox`]: one row per package (its newest version) with its stage in
//!   the words of the measures (待主管部门初审 …), 办理期限 counted from its
//!   收到日期 on the working-day calendar, the time left (「剩余 3 个工作日」,
//!   「今日到期」, 「已超期 2 个工作日」, with 「暂定」), and once approved the
//!   provider's 开通期限; sorted by deadline, searched and filtered.
//! - [`package_view`]: every check, the earlier reviews with their
//!   signatures' state, trust against the recorded certificates (已信任 /
//!   未登记; nothing is trusted by default), and the decision panel: the
//!   next level of the route preset, the others disabled with the reason.
//! - [`review_result`]: the clerk's 导入审核结果 — where a reviewed package
//!   ended, for the drafts it came from.
//!
//! Whether a review may be appended is still decided by
//! [`crate::package::prepare_review`] when it is signed; the panel only
//! shows in advance what that will say.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Deadline};
use crate::document::FormKind;
use crate::escape::printable;
use crate::package::review::text_problems;
use crate::package::{
    verify_file_bytes, Check, CheckCode, ReviewDecision, ReviewLevel, ReviewRequest, ReviewStatus,
    Route, Verification, VerifyError,
};
use crate::policy::Policy;
use crate::rules::{parse_date, Severity};
use crate::sign::{CertInfo, TrustStore};
use crate::store::{
    Received, ReceivedPackage, ReviewResult, Store, StoreError, UnitProfile, Verdict,
};

/// The stage of a package that failed verification.
pub const STAGE_INVALID: &str = "invalid";
/// The stage of a package whose route cannot be told.
pub const STAGE_NO_ROUTE: &str = "no_route";

/// The policy a verdict was judged under: `id version`.
pub fn policy_key(policy: &Policy) -> String {
    format!("{} {}", policy.id, policy.version)
}

/// The inbox's words for a review status (the columns of issue #14).
pub fn stage_label(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::AwaitingSupervisor => "待主管部门初审",
        ReviewStatus::AwaitingCounty => "待县级初审",
        ReviewStatus::AwaitingCity => "待市级审批",
        ReviewStatus::Approved => "已同意",
        ReviewStatus::Rejected => "不同意",
        ReviewStatus::Returned => "已退回",
    }
}

const STATUSES: [ReviewStatus; 6] = [
    ReviewStatus::AwaitingSupervisor,
    ReviewStatus::AwaitingCounty,
    ReviewStatus::AwaitingCity,
    ReviewStatus::Approved,
    ReviewStatus::Rejected,
    ReviewStatus::Returned,
];

fn status_of_key(key: &str) -> Option<ReviewStatus> {
    STATUSES.into_iter().find(|s| s.as_str() == key)
}

/// How many failed checks a one-line reason names.
const SHOWN_PROBLEMS: usize = 3;

/// Verifies a package's bytes (without trust: trust is shown, it does not
/// decide) and says what the inbox needs to know.
pub fn judge(bytes: &[u8], policy: &Policy, calendar: &Calendar) -> Verdict {
    let policy_id = policy_key(policy);
    match verify_file_bytes(bytes, policy, calendar, None) {
        Ok(v) => verdict_of(&v, policy_id),
        Err(e) => Verdict {
            policy: policy_id,
            valid: false,
            status: String::new(),
            problem: e.to_string(),
            decided: String::new(),
        },
    }
}

fn verdict_of(v: &Verification, policy: String) -> Verdict {
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| c.fails() && c.code != CheckCode::Trust)
        .map(|c| c.message.as_str())
        .collect();
    let mut problem = failed[..failed.len().min(SHOWN_PROBLEMS)].join("；");
    if failed.len() > SHOWN_PROBLEMS {
        problem.push_str(&format!("；另有 {} 项", failed.len() - SHOWN_PROBLEMS));
    }
    let decided = match (v.status, v.reviews.last()) {
        (Some(ReviewStatus::Approved), Some(city)) => city.date.clone(),
        _ => String::new(),
    };
    Verdict {
        policy,
        valid: failed.is_empty(),
        status: v.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        problem,
        decided,
    }
}

/// Keeps a received package exactly as its bytes are (收到日期 `received`)
/// and records its verdict. A file that is not a package is refused and
/// nothing is stored; a package that fails verification is kept and listed
/// as 校验失败.
pub fn receive(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    received: NaiveDate,
    policy: &Policy,
    calendar: &Calendar,
) -> Result<(Received, Verdict), StoreError> {
    let got = store.receive_package(bytes, file_name, received)?;
    let key = policy_key(policy);
    let verdict = match store.verdict(&got.package.sha256, &key)? {
        Some(v) => v,
        None => {
            let v = judge(bytes, policy, calendar);
            store.record_verdict(&got.package.sha256, &v)?;
            v
        }
    };
    Ok((got, verdict))
}

/// Working days left, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimeLeft {
    /// Working days after today up to the deadline; 0 when due today;
    /// negative when overdue.
    pub days: i32,
    /// 「剩余 3 个工作日」, 「今日到期」 or 「已超期 2 个工作日」, with 「（暂定）」.
    pub text: String,
    /// Today is after the deadline (shown in red).
    pub overdue: bool,
    /// Counting crossed a year the calendar does not know.
    pub provisional: bool,
    /// Why it is provisional (「暂定：2027 年放假安排尚未导入」).
    pub reason: Option<String>,
}

/// The time left from `today` to `deadline`, in words. A deadline that
/// passed over a weekend is overdue though no working day has passed since:
/// 「已超期（逾期未满 1 个工作日）」.
pub fn time_left(calendar: &Calendar, today: NaiveDate, deadline: &Deadline) -> TimeLeft {
    let left = calendar.working_days_left(today, deadline.deadline);
    let overdue = today > deadline.deadline;
    let provisional = left.status.provisional || deadline.status.provisional;
    let mut text = if overdue && left.days == 0 {
        "已超期（逾期未满 1 个工作日）".to_string()
    } else if overdue {
        format!("已超期 {} 个工作日", -i64::from(left.days))
    } else if left.days == 0 {
        "今日到期".to_string()
    } else {
        format!("剩余 {} 个工作日", left.days)
    };
    if provisional {
        text.push_str("（暂定）");
    }
    TimeLeft {
        days: left.days,
        text,
        overdue,
        provisional,
        reason: left.status.reason.or(deadline.status.reason.clone()),
    }
}

/// One package in the inbox: its newest version.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxRow {
    /// The version as stored.
    pub package: ReceivedPackage,
    /// The documents, by their short names (附件1 资源申请表 …).
    pub documents: Vec<String>,
    /// 所属地区 as the policy names it (the key when unknown).
    pub jurisdiction_label: String,
    /// `awaiting_supervisor` … `returned`, or `invalid`, `no_route`.
    pub stage: String,
    /// 当前环节: 待主管部门初审 … 已退回, or 校验失败.
    pub stage_label: String,
    /// Verification passed.
    pub valid: bool,
    /// Why verification failed (empty when valid).
    pub problem: String,
    /// 办理期限 of the awaited level: 收到日期 plus `review_working_days`.
    pub deadline: Option<Deadline>,
    /// Time left until [`Self::deadline`].
    pub time_left: Option<TimeLeft>,
    /// Once the city approved: the provider's 开通期限.
    pub provisioning: Option<Deadline>,
}

/// What the inbox is asked for; absent parts mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxQuery {
    /// Part of 单位, 系统名称, 文件名 or the package id (case-insensitive).
    pub search: Option<String>,
    /// A stage key (`awaiting_county`, `invalid`, …).
    pub stage: Option<String>,
    /// A 所属地区 key.
    pub jurisdiction: Option<String>,
}

/// A choice of a filter: its key and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilterChoice {
    /// The key.
    pub key: String,
    /// The label.
    pub label: String,
}

/// The inbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Inbox {
    /// The matching rows: by deadline (overdue first), then packages whose
    /// review is closed or that failed, by 收到日期.
    pub rows: Vec<InboxRow>,
    /// Packages in the inbox, matching or not.
    pub total: u32,
    /// The stages to filter by.
    pub stages: Vec<FilterChoice>,
    /// The areas to filter by (the policy's 所属地区).
    pub jurisdictions: Vec<FilterChoice>,
}

/// The verdict of a version, judged and recorded when missing.
fn verdict_for(
    store: &Store,
    package: &ReceivedPackage,
    policy: &Policy,
    calendar: &Calendar,
) -> Result<Verdict, StoreError> {
    let bytes = store.received_bytes(&package.sha256)?;
    let v = judge(&bytes, policy, calendar);
    store.record_verdict(&package.sha256, &v)?;
    Ok(v)
}

/// The row of one version with its verdict.
pub fn row(
    package: ReceivedPackage,
    verdict: &Verdict,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
) -> InboxRow {
    let status = status_of_key(&verdict.status);
    let (stage, stage_label) = match (verdict.valid, status) {
        (false, _) => (STAGE_INVALID.to_string(), "校验失败".to_string()),
        (true, Some(s)) => (s.as_str().to_string(), stage_label(s).to_string()),
        (true, None) => (STAGE_NO_ROUTE.to_string(), "无法确定审核层级".to_string()),
    };
    let awaiting = verdict.valid && status.is_some_and(|s| s.awaited().is_some());
    let deadline = awaiting
        .then(|| parse_date(&package.received))
        .flatten()
        .and_then(|d| calendar.deadline(d, policy.sla.review_working_days).ok());
    let provisioning = parse_date(&verdict.decided)
        .filter(|_| verdict.valid)
        .and_then(|d| {
            calendar
                .deadline(d, policy.sla.provisioning_working_days)
                .ok()
        });
    InboxRow {
        documents: package
            .forms
            .iter()
            .map(|f| FormKind::from_key(f).map_or_else(|| printable(f), |k| k.short_name().into()))
            .collect(),
        jurisdiction_label: policy
            .jurisdiction_label(&package.jurisdiction)
            .map_or_else(|| printable(&package.jurisdiction), String::from),
        stage,
        stage_label,
        valid: verdict.valid,
        problem: verdict.problem.clone(),
        time_left: deadline.as_ref().map(|d| time_left(calendar, today, d)),
        deadline,
        provisioning,
        package,
    }
}

/// A query part that was given: trimmed, not blank.
fn wanted(q: &Option<String>) -> Option<&str> {
    q.as_deref().map(str::trim).filter(|q| !q.is_empty())
}

fn matches(row: &InboxRow, query: &InboxQuery) -> bool {
    if wanted(&query.stage).is_some_and(|s| s != row.stage) {
        return false;
    }
    if wanted(&query.jurisdiction).is_some_and(|j| j != row.package.jurisdiction) {
        return false;
    }
    match wanted(&query.search) {
        None => true,
        Some(q) => {
            let q = q.to_lowercase();
            let p = &row.package;
            [&p.unit_name, &p.system_name, &p.file_name, &p.package_id]
                .iter()
                .any(|t| t.to_lowercase().contains(&q))
        }
    }
}

/// The inbox: the newest version of each received package, judged once
/// per version (see the module docs), matching `query`.
pub fn inbox(
    store: &Store,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
    query: &InboxQuery,
) -> Result<Inbox, StoreError> {
    let packages = store.received_packages()?;
    let mut verdicts = store.verdicts(&policy_key(policy))?;
    let total = u32::try_from(packages.len()).unwrap_or(u32::MAX);
    let mut rows = Vec::with_capacity(packages.len());
    for package in packages {
        let verdict = match verdicts.remove(&package.sha256) {
            Some(v) => v,
            None => verdict_for(store, &package, policy, calendar)?,
        };
        let row = row(package, &verdict, policy, calendar, today);
        if matches(&row, query) {
            rows.push(row);
        }
    }
    // Open reviews by deadline first; then the rest by 收到日期 (the store's
    // order, kept by the stable sort).
    rows.sort_by_key(|r| {
        (
            r.deadline.is_none(),
            r.deadline.as_ref().map(|d| d.deadline),
        )
    });
    let mut stages: Vec<FilterChoice> = STATUSES
        .iter()
        .map(|s| FilterChoice {
            key: s.as_str().into(),
            label: stage_label(*s).into(),
        })
        .collect();
    stages.push(FilterChoice {
        key: STAGE_INVALID.into(),
        label: "校验失败".into(),
    });
    Ok(Inbox {
        rows,
        total,
        stages,
        jurisdictions: policy
            .jurisdictions
            .iter()
            .map(|(key, e)| FilterChoice {
                key: key.clone(),
                label: e.label.clone(),
            })
            .collect(),
    })
}

/// One line of verification, as the package view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckLine {
    /// Passed.
    pub ok: bool,
    /// A failure makes the package invalid.
    pub blocking: bool,
    /// What was checked and found, in Chinese.
    pub message: String,
}

/// A signer (the applicant or a reviewer) and whether the reviewer trusts
/// its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignerView {
    /// The unit the certificate names.
    pub unit: String,
    /// SHA-256 fingerprint.
    pub fingerprint: String,
    /// Recorded in 信任的单位证书 (or issued by one recorded there).
    pub trusted: bool,
    /// 已信任 / 未登记.
    pub trust_label: String,
}

/// An earlier review, with its signature's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewView {
    /// 审核记录 number, from 1.
    pub number: u32,
    /// The reviewing body.
    pub level_label: String,
    /// The decision on paper.
    pub decision_label: String,
    /// 审核单位.
    pub unit: String,
    /// 审核人.
    pub reviewer: String,
    /// 审核意见, escaped for display (line feeds kept).
    pub opinion: String,
    /// 收到日期.
    pub received: String,
    /// 审核日期.
    pub date: String,
    /// 办理期限 (signed).
    pub deadline: String,
    /// 签名有效 / 签名无效.
    pub signature_label: String,
    /// The signature verifies.
    pub signature_valid: bool,
    /// The reviewer's certificate, when it reads.
    pub signer: Option<SignerView>,
    /// Decided after its deadline.
    pub late: bool,
}

/// A document of the package with its signed PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentView {
    /// Its short name (附件1 资源申请表).
    pub name: String,
    /// The signed PDF, base64 as in the package (empty when missing).
    pub pdf_base64: String,
}

/// A level of the decision panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LevelChoice {
    /// `supervisor`, `county` or `city`.
    pub level: String,
    /// The reviewing body.
    pub label: String,
    /// The next level of the route: the one that may decide.
    pub enabled: bool,
    /// Why it is disabled (empty when enabled).
    pub reason: String,
}

/// A decision of the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecisionChoice {
    /// `approve`, `reject` or `return`.
    pub decision: String,
    /// The words on paper at the panel's level.
    pub label: String,
    /// 审核意见 must be given (the core refuses it empty).
    pub opinion_required: bool,
}

/// The decision panel's starting state.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecisionPanel {
    /// Every level, the next one enabled.
    pub levels: Vec<LevelChoice>,
    /// The next level.
    pub level: String,
    /// The decisions at that level.
    pub decisions: Vec<DecisionChoice>,
    /// 审核单位, from 常用信息.
    pub unit: String,
    /// 审核人, from 常用信息.
    pub reviewer: String,
    /// 收到日期: the version's.
    pub received: String,
    /// 审核日期: today.
    pub date: String,
    /// 办理期限 from 收到日期.
    pub deadline: Option<Deadline>,
    /// Time left until it.
    pub time_left: Option<TimeLeft>,
    /// The longest opinion.
    pub max_opinion_chars: u32,
}

/// One received package, for its page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackageView {
    /// Its row in the inbox.
    pub row: InboxRow,
    /// Every check but trust, in order.
    pub checks: Vec<CheckLine>,
    /// The applicant's certificate.
    pub applicant: Option<SignerView>,
    /// The reviews already in it.
    pub reviews: Vec<ReviewView>,
    /// The documents with their signed PDFs.
    pub documents: Vec<DocumentView>,
    /// The route, 「主管部门 → …」 (empty when it cannot be told).
    pub route: String,
    /// The panel, when a decision can be made.
    pub decision: Option<DecisionPanel>,
    /// Why no decision can be made (empty when one can).
    pub no_decision: String,
    /// Every version received, newest first.
    pub versions: Vec<ReceivedPackage>,
}

fn trust_label(trusted: bool) -> &'static str {
    if trusted {
        "已信任"
    } else {
        "未登记"
    }
}

/// The certificates the reviewer trusts, as a trust store; those that no
/// longer read are skipped.
pub fn trust_store(store: &Store) -> Result<TrustStore, StoreError> {
    Ok(TrustStore::from_certs(
        store
            .trusted_certificate_ders()?
            .iter()
            .filter_map(|der| CertInfo::from_der(der).ok())
            .collect(),
    ))
}

/// The page of the received version `sha256`: it is verified again (with
/// the trusted certificates) and its verdict refreshed.
pub fn package_view(
    store: &Store,
    sha256: &str,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<PackageView, StoreError> {
    let package = store.received_version(sha256)?;
    let bytes = store.received_bytes(sha256)?;
    let trust = trust_store(store)?;
    let verification = verify_file_bytes(&bytes, policy, calendar, Some(&trust));
    let verdict = match &verification {
        Ok(v) => verdict_of(v, policy_key(policy)),
        Err(_) => judge(&bytes, policy, calendar),
    };
    store.record_verdict(sha256, &verdict)?;
    let versions = store.received_versions(&package.package_id)?;
    let profile = store.profile()?;
    let row = row(package, &verdict, policy, calendar, today);
    let v = match verification {
        Ok(v) => v,
        Err(e) => return Ok(unreadable_view(row, &e, versions)),
    };
    let trusted_signer = |s: &crate::package::Signer, trusted: Option<bool>| {
        let trusted = trusted.unwrap_or(false);
        SignerView {
            unit: printable(&s.unit),
            fingerprint: s.fingerprint.clone(),
            trusted,
            trust_label: trust_label(trusted).into(),
        }
    };
    let reviews = v
        .reviews
        .iter()
        .map(|r| ReviewView {
            number: u32::try_from(r.index + 1).unwrap_or(u32::MAX),
            level_label: r.level_label.into(),
            decision_label: r.decision_label.into(),
            unit: printable(&r.unit),
            reviewer: printable(&r.reviewer),
            opinion: crate::escape::printable_whole(&r.opinion),
            received: printable(&r.received),
            date: printable(&r.date),
            deadline: printable(&r.deadline),
            signature_label: if r.signature_valid {
                "签名有效"
            } else {
                "签名无效"
            }
            .into(),
            signature_valid: r.signature_valid,
            signer: r.signer.as_ref().map(|s| trusted_signer(s, r.trusted)),
            late: r.late,
        })
        .collect();
    let route = Route::of_documents(documents_data(&bytes).iter()).ok();
    let documents = documents_of(&bytes);
    let (decision, no_decision) =
        decision_panel(&row, route.as_ref(), &profile, policy, calendar, today);
    Ok(PackageView {
        checks: v
            .checks
            .iter()
            .filter(|c| c.code != CheckCode::Trust)
            .map(check_line)
            .collect(),
        applicant: v.signer.as_ref().map(|s| trusted_signer(s, v.trusted)),
        reviews,
        documents,
        route: route.map(|r| r.describe()).unwrap_or_default(),
        decision,
        no_decision,
        versions,
        row,
    })
}

fn check_line(c: &Check) -> CheckLine {
    CheckLine {
        ok: c.ok,
        blocking: c.severity == Severity::Error,
        message: c.message.clone(),
    }
}

fn unreadable_view(row: InboxRow, e: &VerifyError, versions: Vec<ReceivedPackage>) -> PackageView {
    PackageView {
        checks: vec![CheckLine {
            ok: false,
            blocking: true,
            message: e.to_string(),
        }],
        applicant: None,
        reviews: Vec::new(),
        documents: Vec::new(),
        route: String::new(),
        decision: None,
        no_decision: "校验失败，不能审核".into(),
        versions,
        row,
    }
}

fn documents_data(bytes: &[u8]) -> Vec<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("documents").and_then(|d| d.as_array()).cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|mut d| d.get_mut("data").map(serde_json::Value::take))
        .collect()
}

fn documents_of(bytes: &[u8]) -> Vec<DocumentView> {
    let value: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    value
        .get("documents")
        .and_then(|d| d.as_array())
        .map(|docs| {
            docs.iter()
                .map(|d| DocumentView {
                    name: d["data"]["form"]
                        .as_str()
                        .and_then(FormKind::from_key)
                        .map_or("文档", |k| k.short_name())
                        .into(),
                    pdf_base64: d["pdf"]["base64"].as_str().unwrap_or_default().into(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The decisions at `level`, each with whether an opinion is required (the
/// core's own rule, asked with an empty opinion).
pub fn decisions_at(level: ReviewLevel) -> Vec<DecisionChoice> {
    ReviewDecision::ALL
        .into_iter()
        .map(|d| DecisionChoice {
            decision: d.as_str().into(),
            label: d.label(level).into(),
            opinion_required: text_problems("审核单位", "审核人", d, "")
                .iter()
                .any(|p| p.code == CheckCode::ReviewOpinionRequired),
        })
        .collect()
}

fn decision_panel(
    row: &InboxRow,
    route: Option<&Route>,
    profile: &UnitProfile,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
) -> (Option<DecisionPanel>, String) {
    if !row.valid {
        return (None, format!("校验失败，不能审核：{}", row.problem));
    }
    let Some(route) = route else {
        return (None, "无法确定审核层级，不能审核".into());
    };
    let Some(next) = status_of_key(&row.stage).and_then(ReviewStatus::awaited) else {
        return (
            None,
            format!("审核已结束（{}），不能再追加审核记录", row.stage_label),
        );
    };
    let levels = ReviewLevel::ALL
        .into_iter()
        .map(|l| LevelChoice {
            level: l.as_str().into(),
            label: l.label().into(),
            enabled: l == next,
            reason: if l == next {
                String::new()
            } else if !route.contains(l) {
                format!("本提交包的审核路线不经过此级（{}）", route.describe())
            } else if route.levels().iter().position(|x| *x == l)
                < route.levels().iter().position(|x| *x == next)
            {
                "此级已审核".into()
            } else {
                format!("下一级应由{}审核", next.label())
            },
        })
        .collect();
    let received = parse_date(&row.package.received);
    let deadline = received.and_then(|d| calendar.deadline(d, policy.sla.review_working_days).ok());
    (
        Some(DecisionPanel {
            levels,
            level: next.as_str().into(),
            decisions: decisions_at(next),
            unit: profile.unit_name.clone(),
            reviewer: profile.contact_name.clone(),
            received: row.package.received.clone(),
            date: today.to_string(),
            time_left: deadline.as_ref().map(|d| time_left(calendar, today, d)),
            deadline,
            max_opinion_chars: u32::try_from(crate::package::MAX_OPINION_CHARS).unwrap_or(u32::MAX),
        }),
        String::new(),
    )
}

/// 办理期限 from a 收到日期 (the panel's live deadline), with the time left.
pub fn review_deadline(
    policy: &Policy,
    calendar: &Calendar,
    received: NaiveDate,
    today: NaiveDate,
) -> Result<(Deadline, TimeLeft), crate::calendar::CalendarError> {
    let deadline = calendar.deadline(received, policy.sla.review_working_days)?;
    let left = time_left(calendar, today, &deadline);
    Ok((deadline, left))
}

/// The reviewer's decision as the panel sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecisionInput {
    /// `supervisor`, `county` or `city`.
    pub level: String,
    /// `approve`, `reject` or `return`.
    pub decision: String,
    /// 审核意见.
    pub opinion: String,
    /// 审核单位.
    pub unit: String,
    /// 审核人.
    pub reviewer: String,
    /// 收到日期, `YYYY-MM-DD`.
    pub received: String,
    /// 审核日期, `YYYY-MM-DD`.
    pub date: String,
}

/// The request [`crate::package::prepare_review`] judges, or what is
/// unreadable in the input.
pub fn request_of(input: &DecisionInput) -> Result<ReviewRequest, String> {
    let level = ReviewLevel::ALL
        .into_iter()
        .find(|l| l.as_str() == input.level)
        .ok_or("请选择审核层级")?;
    let decision = ReviewDecision::ALL
        .into_iter()
        .find(|d| d.as_str() == input.decision)
        .ok_or("请选择审核结论")?;
    let date = |s: &str, label: &str| {
        parse_date(s.trim()).ok_or_else(|| format!("{label}应为 YYYY-MM-DD 格式的日期"))
    };
    Ok(ReviewRequest {
        level,
        decision,
        opinion: input.opinion.clone(),
        unit: input.unit.clone(),
        reviewer: input.reviewer.clone(),
        received: date(&input.received, "收到日期")?,
        date: date(&input.date, "审核日期")?,
    })
}

/// The clerk's words for where a package stands.
pub fn clerk_label(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Approved => "已同意",
        ReviewStatus::Returned => "已退回",
        ReviewStatus::Rejected => "不同意",
        ReviewStatus::AwaitingSupervisor => "审核中：待主管部门初审",
        ReviewStatus::AwaitingCounty => "审核中：待县级初审",
        ReviewStatus::AwaitingCity => "审核中：待市级审批",
    }
}

/// 导入审核结果: where the reviewed package in `bytes` stands, for each of
/// its documents (their ids). A package that fails verification is
/// refused with why.
pub fn review_result(
    bytes: &[u8],
    policy: &Policy,
    calendar: &Calendar,
) -> Result<(ReviewResult, Vec<String>), String> {
    let v = verify_file_bytes(bytes, policy, calendar, None).map_err(|e| e.to_string())?;
    let verdict = verdict_of(&v, policy_key(policy));
    if !verdict.valid {
        return Err(format!("审核结果未通过校验，未导入：{}", verdict.problem));
    }
    let Some(status) = v.status else {
        return Err("无法确定审核层级，未导入".into());
    };
    if v.reviews.is_empty() {
        return Err("提交包中还没有审核记录".into());
    }
    let last = v.reviews.last();
    let ids: Vec<String> = v.documents.iter().filter_map(|d| d.id.clone()).collect();
    Ok((
        ReviewResult {
            document_id: String::new(),
            sha256: crate::store::sha256_hex(bytes),
            package_id: v.package_id.clone().unwrap_or_default(),
            status: status.as_str().into(),
            status_label: clerk_label(status).into(),
            level_label: last.map(|r| r.level_label.to_string()).unwrap_or_default(),
            decision_label: last
                .map(|r| r.decision_label.to_string())
                .unwrap_or_default(),
            unit: last.map(|r| printable(&r.unit)).unwrap_or_default(),
            opinion: last
                .map(|r| crate::escape::printable_whole(&r.opinion))
                .unwrap_or_default(),
            date: last.map(|r| printable(&r.date)).unwrap_or_default(),
            imported_at: String::new(),
        },
        ids,
    ))
}
