//! Appending a review to a package (`gcforms review`, SPEC §4 and §5.1).
//!
//! [`prepare_review`] decides, before any key is opened: the package and
//! every review in it must verify (`review_package_invalid`); the chain must
//! be open (`review_chain_closed`); the level must be the next on the route
//! (`review_level_order`); a `reject` or `return` needs an opinion
//! (`review_opinion_required`); then this program's own refusals: texts over
//! their limits (`review_too_long`), blank names or control and bidi
//! characters (`review_text`), and dates that go backwards or lie in the
//! future (`review_dates`). It computes the deadline, `received` plus the
//! policy's `review_working_days` on the calendar. [`PreparedReview::sign`]
//! then signs the review over the package as it stood (SPEC §5.1) and
//! returns the new package; the input is never changed.

use base64::Engine;
use chrono::{DateTime, NaiveDate};
use serde::Serialize;
use serde_json::Value;

use super::review::{text_problems, Review, ReviewDecision, ReviewLevel, ReviewStatus, Route};
use super::signed::SignedForms;
use super::verify::{verify_package_value, Verification, VerifyError};
use super::{PackageSignature, ALG_ES256};
use crate::calendar::{Calendar, Deadline};
use crate::input::parse_json;
use crate::package::check::CheckCode;
use crate::policy::Policy;
use crate::rules::parse_date;
use crate::sign::jcs::JcsError;
use crate::sign::UnitKey;

/// The review to append, as the reviewer gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRequest {
    /// 审核层级.
    pub level: ReviewLevel,
    /// 审核结论.
    pub decision: ReviewDecision,
    /// 审核意见 (surrounding white space is dropped).
    pub opinion: String,
    /// 审核单位.
    pub unit: String,
    /// 审核人.
    pub reviewer: String,
    /// 收到日期: when the package reached this level.
    pub received: NaiveDate,
    /// 审核日期: the decision's date.
    pub date: NaiveDate,
}

/// Why a review was refused (exit 1): the codes of SPEC §5.1, and this
/// program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The package, or a review already in it, does not verify.
    ReviewPackageInvalid,
    /// The level is not the next one on the package's route.
    ReviewLevelOrder,
    /// An earlier review rejected or returned it, or the city has decided.
    ReviewChainClosed,
    /// `reject` or `return` without an opinion.
    ReviewOpinionRequired,
    /// The opinion, unit or reviewer is longer than its limit.
    ReviewTooLong,
    /// A blank unit or reviewer, or control or bidi characters.
    ReviewText,
    /// Dates that go backwards, or a decision dated after today.
    ReviewDates,
}

impl RefusalCode {
    /// The code as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::ReviewPackageInvalid => "review_package_invalid",
            RefusalCode::ReviewLevelOrder => "review_level_order",
            RefusalCode::ReviewChainClosed => "review_chain_closed",
            RefusalCode::ReviewOpinionRequired => "review_opinion_required",
            RefusalCode::ReviewTooLong => "review_too_long",
            RefusalCode::ReviewText => "review_text",
            RefusalCode::ReviewDates => "review_dates",
        }
    }
}

/// A refused review: its code and a Chinese line saying why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{}] {message}", code.as_str())]
pub struct Refusal {
    /// The code.
    pub code: RefusalCode,
    /// Why, in Chinese.
    pub message: String,
}

impl Refusal {
    fn new(code: RefusalCode, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

/// Why no review was appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The file is not a readable package (exit 2).
    #[error(transparent)]
    Unreadable(#[from] VerifyError),
    /// Refused (exit 1).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The package has no canonical form to sign.
    #[error(transparent)]
    Canonical(#[from] JcsError),
}

/// A review that passed every check, ready to be signed.
#[derive(Debug, Clone)]
pub struct PreparedReview {
    package: Value,
    request: ReviewRequest,
    /// Its index in `reviews[]`.
    pub index: usize,
    /// `received` plus `review_working_days`, with whether it is provisional.
    pub deadline: Deadline,
    /// The package's route.
    pub route: Route,
    /// Where the package stands once the review is appended.
    pub status: ReviewStatus,
    /// Once the city approves: its date plus `provisioning_working_days`.
    pub provisioning: Option<Deadline>,
}

/// The package with the new review appended and signed.
#[derive(Debug, Clone)]
pub struct AppendedReview {
    /// The new package.
    pub package: Value,
    /// The review as appended.
    pub review: Review,
    /// Its index in `reviews[]`.
    pub index: usize,
    /// As in [`PreparedReview`].
    pub deadline: Deadline,
    /// Decided after the deadline (`verify` will warn: `review_late`).
    pub late: bool,
    /// As in [`PreparedReview`].
    pub status: ReviewStatus,
    /// As in [`PreparedReview`].
    pub provisioning: Option<Deadline>,
}

/// Checks `request` against the package in `bytes` (see the module docs).
/// `today` bounds the decision's date.
pub fn prepare_review(
    bytes: &[u8],
    request: &ReviewRequest,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<PreparedReview, AppendError> {
    let package = parse_json(bytes).map_err(VerifyError::from)?;
    let verification = verify_package_value(&package, policy, calendar, None)?;
    if !verification.valid {
        return Err(invalid(&verification).into());
    }
    let documents = package["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("data"));
    let route = Route::of_documents(documents).map_err(|e| {
        Refusal::new(
            RefusalCode::ReviewLevelOrder,
            format!("无法确定审核层级：{e}"),
        )
    })?;
    // With a route, verify always says where the package stands; the city
    // is on every route.
    let status = verification.status.unwrap_or(ReviewStatus::AwaitingCity);
    let Some(due) = status.awaited() else {
        let closing = verification.reviews.last();
        return Err(Refusal::new(
            RefusalCode::ReviewChainClosed,
            format!(
                "审核已结束：{}{}，不能再追加审核记录",
                status.label(),
                closing.map_or(String::new(), |r| format!(
                    "（审核记录{}，{}，{}）",
                    r.index + 1,
                    r.level_label,
                    r.decision_label
                ))
            ),
        )
        .into());
    };
    if due != request.level {
        let why = if route.contains(request.level) {
            format!("下一级应由{}审核", due.label())
        } else {
            format!("本提交包的审核路线不经过{}", request.level.label())
        };
        return Err(Refusal::new(
            RefusalCode::ReviewLevelOrder,
            format!(
                "不能以“{}”追加审核：{why}（审核路线：{}）",
                request.level.label(),
                route.describe()
            ),
        )
        .into());
    }
    let request = ReviewRequest {
        opinion: request.opinion.trim().to_string(),
        unit: request.unit.trim().to_string(),
        reviewer: request.reviewer.trim().to_string(),
        ..request.clone()
    };
    check_texts(&request)?;
    check_dates(&request, &package, &verification, today)?;
    let deadline = calendar
        .deadline(request.received, policy.sla.review_working_days)
        .map_err(|e| Refusal::new(RefusalCode::ReviewDates, e.to_string()))?;
    let status = if request.decision.closes(request.level) {
        ReviewStatus::closed_by(request.decision)
    } else {
        let position = route.levels().iter().position(|l| *l == request.level);
        position
            .and_then(|p| route.levels().get(p + 1))
            .map_or(ReviewStatus::AwaitingCity, |l| ReviewStatus::awaiting(*l))
    };
    let provisioning = if status == ReviewStatus::Approved {
        calendar
            .deadline(request.date, policy.sla.provisioning_working_days)
            .ok()
    } else {
        None
    };
    Ok(PreparedReview {
        index: verification.reviews.len(),
        package,
        request,
        deadline,
        route,
        status,
        provisioning,
    })
}

impl PreparedReview {
    /// Signs the review with `key` and appends it (SPEC §5.1).
    pub fn sign(self, key: &UnitKey) -> Result<AppendedReview, AppendError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let r = &self.request;
        let mut review = Review {
            level: r.level,
            unit: r.unit.clone(),
            reviewer: r.reviewer.clone(),
            decision: r.decision,
            opinion: r.opinion.clone(),
            received: r.received.to_string(),
            date: r.date.to_string(),
            deadline: self.deadline.deadline.to_string(),
            signature: PackageSignature {
                alg: ALG_ES256.into(),
                certificate: b64.encode(&key.certificate().der),
                value: String::new(),
                fingerprint: key.fingerprint().to_string(),
            },
        };
        let mut unsigned = serde_json::to_value(&review).map_err(|e| JcsError(e.to_string()))?;
        if let Some(object) = unsigned.as_object_mut() {
            object.shift_remove("signature");
        }
        let mut package = self.package;
        let Some(object) = package.as_object_mut() else {
            return Err(JcsError("提交包不是 JSON 对象".into()).into());
        };
        let reviews = object
            .entry("reviews")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(list) = reviews.as_array_mut() else {
            return Err(JcsError("reviews 不是数组".into()).into());
        };
        list.push(unsigned);
        let index = list.len() - 1;
        let bytes = SignedForms::new(&package)?
            .review(index)
            .unwrap_or_else(|| Err(JcsError("审核记录不存在".into())))?;
        review.signature.value = b64.encode(key.sign_es256(&bytes));
        let signed = serde_json::to_value(&review).map_err(|e| JcsError(e.to_string()))?;
        package["reviews"][index] = signed;
        Ok(AppendedReview {
            package,
            review,
            index,
            late: self.request.date > self.deadline.deadline,
            deadline: self.deadline,
            status: self.status,
            provisioning: self.provisioning,
        })
    }
}

/// [`prepare_review`] then [`PreparedReview::sign`].
pub fn append_review(
    bytes: &[u8],
    request: &ReviewRequest,
    key: &UnitKey,
    policy: &Policy,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<AppendedReview, AppendError> {
    prepare_review(bytes, request, policy, calendar, today)?.sign(key)
}

/// `review_package_invalid`, naming the first failed checks.
fn invalid(v: &Verification) -> Refusal {
    const SHOWN: usize = 3;
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| c.fails())
        .map(|c| c.message.as_str())
        .collect();
    let mut message = format!(
        "提交包未通过校验，不能追加审核：{}",
        failed[..failed.len().min(SHOWN)].join("；")
    );
    if failed.len() > SHOWN {
        message.push_str(&format!("；另有 {} 项", failed.len() - SHOWN));
    }
    Refusal::new(RefusalCode::ReviewPackageInvalid, message)
}

fn check_texts(r: &ReviewRequest) -> Result<(), Refusal> {
    let problems = text_problems(&r.unit, &r.reviewer, r.decision, &r.opinion);
    let Some(first) = problems.first() else {
        return Ok(());
    };
    let code = match first.code {
        CheckCode::ReviewOpinionRequired => RefusalCode::ReviewOpinionRequired,
        CheckCode::ReviewTooLong => RefusalCode::ReviewTooLong,
        _ => RefusalCode::ReviewText,
    };
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    Err(Refusal::new(code, messages.join("；")))
}

fn check_dates(
    r: &ReviewRequest,
    package: &Value,
    verification: &Verification,
    today: NaiveDate,
) -> Result<(), Refusal> {
    let created = package["created_at"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.date_naive());
    let previous = verification
        .reviews
        .last()
        .and_then(|p| parse_date(&p.date));
    let mut problems = Vec::new();
    if r.date < r.received {
        problems.push(format!("审核日期 {} 早于收到日期 {}", r.date, r.received));
    }
    if r.date > today {
        problems.push(format!("审核日期 {} 晚于今天 {today}", r.date));
    }
    if let Some(created) = created.filter(|c| r.received < *c) {
        problems.push(format!(
            "收到日期 {} 早于提交包的打包日期 {created}",
            r.received
        ));
    }
    if let Some(previous) = previous.filter(|p| r.received < *p) {
        problems.push(format!(
            "收到日期 {} 早于上一级的审核日期 {previous}",
            r.received
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(
            RefusalCode::ReviewDates,
            format!("日期有误：{}", problems.join("；")),
        ))
    }
}
