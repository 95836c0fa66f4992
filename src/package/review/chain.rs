//! `verify`'s checks of the reviews in a package (SPEC §5.1), and where the
//! package stands: its route, its `status` and, once approved, the
//! provider's `provisioning_deadline`.
//!
//! For each review, in order (each check names the review, 「审核记录2（县(市、区)
//! 政务服务数据管理部门，…）」, and carries its index):
//! - `review_format`: it has the shape of SPEC §5.1, no unknown member —
//!   otherwise nothing else is checked for it;
//! - `review_signature`: ES256 with the enclosed certificate over the
//!   package as it stood ([`super::signed`]), and the stated fingerprint is
//!   the certificate's; `trust` with `--trust`; `certificate_validity` when
//!   the certificate expired before the review's date (a review carries no
//!   signing time, only the date of the decision, which may be entered
//!   later with a newer key, so a certificate issued after it is accepted);
//!   `unit_matches` (warning) when the certificate names another unit;
//! - `review_order`: the level is the next on the route, and no review
//!   follows a closing decision;
//! - `review_dates`: the three dates are dates, the decision is not before
//!   `received`, `received` not before the package's `created_at` date or
//!   the previous review's date, the deadline not before `received`;
//! - `review_late` (warning): the decision after the signed `deadline`;
//! - `review_deadline` (warning): the signed `deadline` differs from
//!   `received` plus `review_working_days` on this calendar, when neither
//!   count was provisional (see below);
//! - `review_text`, `review_opinion_required`, `review_too_long`
//!   ([`super::text_problems`]).
//!
//! **The deadline is recomputed but only warned about.** It is signed, so
//! no one but the reviewer can have changed it; a difference means the
//! reviewer's calendar was not ours — an imported corrected notice, an older
//! program — not that the package was tampered with, and `review_late` is
//! judged by the signed deadline, the one the reviewer committed to. A count
//! that crossed a year this calendar does not know is not compared; nor is
//! one that crossed a year not built into this program, which the
//! reviewer's program may have counted Monday to Friday.

use base64::Engine;
use chrono::{DateTime, NaiveDate};
use serde::Serialize;
use serde_json::Value;

use super::{
    shape_problems, text_problems, Review, ReviewDecision, ReviewLevel, ReviewStatus, Route,
    RouteError,
};
use crate::calendar::{Calendar, Deadline};
use crate::escape::printable;
use crate::package::check::{Check, CheckCode, Signer};
use crate::package::signed::SignedForms;
use crate::package::ALG_ES256;
use crate::policy::Policy;
use crate::rules::parse_date;
use crate::sign::jcs::JcsError;
use crate::sign::{CertInfo, TrustStore};

/// What the chain is checked against.
#[derive(Clone, Copy)]
pub struct ChainContext<'a> {
    /// `sla.review_working_days` and `sla.provisioning_working_days`.
    pub policy: &'a Policy,
    /// Working days.
    pub calendar: &'a Calendar,
    /// `--trust`, applied to every reviewer's certificate.
    pub trust: Option<&'a TrustStore>,
}

/// One review as `verify` read it: what the renderer's review boxes and
/// `verify`'s text print.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewSummary {
    /// Its index in `reviews[]`, from 0.
    pub index: usize,
    /// `supervisor`, `county` or `city`.
    pub level: ReviewLevel,
    /// 主管部门 / 县(市、区)政务服务数据管理部门 / 韶关市政务服务数据管理部门.
    pub level_label: &'static str,
    /// 审核单位.
    pub unit: String,
    /// 审核人.
    pub reviewer: String,
    /// `approve`, `reject` or `return`.
    pub decision: ReviewDecision,
    /// 同意 / 初审通过，转报上级 / 不同意 / 退回修改.
    pub decision_label: &'static str,
    /// 审核意见, as written (escape it to show it).
    pub opinion: String,
    /// 收到日期, as written.
    pub received: String,
    /// 审核日期, as written.
    pub date: String,
    /// 办理期限, as written (signed).
    pub deadline: String,
    /// The reviewer's certificate fingerprint, when the certificate reads.
    pub fingerprint: Option<String>,
    /// The reviewer's certificate, when it reads.
    pub signer: Option<Signer>,
    /// The signature verifies and the fingerprint is the certificate's.
    pub signature_valid: bool,
    /// Whether the certificate is trusted; `None` without `--trust`.
    pub trusted: Option<bool>,
    /// Decided after its deadline.
    pub late: bool,
    /// No error-level check of this review failed.
    pub valid: bool,
}

/// The chain's checks and state.
#[derive(Debug, Clone)]
pub struct ChainReport {
    /// The package's route, or why it has none.
    pub route: Result<Route, RouteError>,
    /// Every check of every review, in order.
    pub checks: Vec<Check>,
    /// Each review that has the shape of SPEC §5.1.
    pub reviews: Vec<ReviewSummary>,
    /// Where the package stands; `None` without a route.
    pub status: Option<ReviewStatus>,
    /// The provider's deadline, once the city approved.
    pub provisioning: Option<Deadline>,
}

/// Checks the reviews of `package` (the whole package as parsed, of the
/// shape of SPEC §5; see the module docs); `forms` are its signed forms.
pub fn check_chain(
    package: &Value,
    forms: &Result<SignedForms<'_>, JcsError>,
    ctx: ChainContext<'_>,
) -> ChainReport {
    let empty = Vec::new();
    let documents = package
        .get("documents")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let route = Route::of_documents(documents.iter().filter_map(|d| d.get("data")));
    let raw_reviews = package
        .get("reviews")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let created = package
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.date_naive());

    let mut walk = Walk {
        ctx,
        route: &route,
        created,
        forms,
        next: 0,
        closed: None,
        previous_date: None,
        builtin: None,
        checks: Vec::new(),
    };
    let mut reviews = Vec::new();
    for (index, raw) in raw_reviews.iter().enumerate() {
        match serde_json::from_value::<Review>(raw.clone()) {
            Ok(review) => reviews.push(walk.review(index, &review)),
            Err(e) => walk.checks.push(
                Check::error(
                    CheckCode::ReviewFormat,
                    false,
                    format!(
                        "审核记录{}的结构不正确：{}",
                        index + 1,
                        shape_problems(raw).unwrap_or_else(|| printable(&e.to_string()))
                    ),
                )
                .of_review(index),
            ),
        }
    }

    let status = route.as_ref().ok().map(|route| match walk.closed {
        Some(closing) => ReviewStatus::closed_by(closing.decision),
        None => route
            .levels()
            .get(walk.next)
            .map_or(ReviewStatus::AwaitingCity, |l| ReviewStatus::awaiting(*l)),
    });
    let provisioning = match (status, walk.closed) {
        (Some(ReviewStatus::Approved), Some(closing)) => closing.date.and_then(|date| {
            ctx.calendar
                .deadline(date, ctx.policy.sla.provisioning_working_days)
                .ok()
        }),
        _ => None,
    };
    ChainReport {
        checks: walk.checks,
        route,
        reviews,
        status,
        provisioning,
    }
}

/// The review that closed the chain.
#[derive(Debug, Clone, Copy)]
struct Closing {
    index: usize,
    level: ReviewLevel,
    decision: ReviewDecision,
    date: Option<NaiveDate>,
}

/// The state carried from one review to the next.
struct Walk<'a> {
    ctx: ChainContext<'a>,
    route: &'a Result<Route, RouteError>,
    created: Option<NaiveDate>,
    forms: &'a Result<SignedForms<'a>, JcsError>,
    /// The index in the route of the level due next.
    next: usize,
    closed: Option<Closing>,
    previous_date: Option<NaiveDate>,
    /// The built-in years alone, made when a deadline must be compared.
    builtin: Option<Calendar>,
    checks: Vec<Check>,
}

impl Walk<'_> {
    fn review(&mut self, index: usize, review: &Review) -> ReviewSummary {
        let first = self.checks.len();
        let label = format!(
            "审核记录{}（{}，{}）",
            index + 1,
            review.level.label(),
            printable(&review.unit)
        );
        let mut checks = Vec::new();
        let (signature_valid, cert) = self.signature(index, review, &label, &mut checks);
        let trusted = match (self.ctx.trust, &cert) {
            (Some(store), Some(cert)) => {
                let trusted = store.trusts(cert, &[]);
                checks.push(Check::error(
                    CheckCode::Trust,
                    trusted,
                    if trusted {
                        format!("{label}：审核人证书可信：属于或签发自指定的信任证书")
                    } else {
                        format!("{label}：审核人证书未登记：既不是指定的信任证书，也不由其签发")
                    },
                ));
                Some(trusted)
            }
            (Some(_), None) => Some(false),
            (None, _) => None,
        };
        // Dates are read first (the order check keeps the closing date) but
        // reported after the order.
        let mut date_checks = Vec::new();
        let dates = self.dates(review, &label, &mut date_checks);
        if let (Some(cert), Some(date)) = (&cert, dates.date) {
            if cert.not_after.date_naive() < date {
                checks.push(Check::error(
                    CheckCode::CertificateValidity,
                    false,
                    format!(
                        "{label}：审核人证书已于 {} 过期，早于审核日期 {date}",
                        cert.not_after.format("%Y-%m-%d")
                    ),
                ));
            }
        }
        if let Some(cert) = &cert {
            let names = [cert.organization.as_deref(), cert.common_name.as_deref()];
            if !names
                .iter()
                .flatten()
                .any(|n| n.trim() == review.unit.trim())
            {
                checks.push(Check::warning(
                    CheckCode::UnitMatches,
                    false,
                    format!(
                        "{label}：审核人证书载明的单位“{}”与审核单位不同，请确认",
                        printable(cert.unit())
                    ),
                ));
            }
        }
        self.order(index, review, dates.date, &label, &mut checks);
        checks.append(&mut date_checks);
        let late = self.late(&dates, &label, &mut checks);
        self.deadline(&dates, &label, &mut checks);
        for p in text_problems(
            &review.unit,
            &review.reviewer,
            review.decision,
            &review.opinion,
        ) {
            checks.push(Check::new(
                p.code,
                false,
                if p.blocking {
                    crate::rules::Severity::Error
                } else {
                    crate::rules::Severity::Warning
                },
                format!("{label}：{}", p.message),
            ));
        }
        self.checks
            .extend(checks.into_iter().map(|c| c.of_review(index)));
        let valid = !self.checks[first..].iter().any(Check::fails);
        ReviewSummary {
            index,
            level: review.level,
            level_label: review.level.label(),
            unit: review.unit.clone(),
            reviewer: review.reviewer.clone(),
            decision: review.decision,
            decision_label: review.decision.label(review.level),
            opinion: review.opinion.clone(),
            received: review.received.clone(),
            date: review.date.clone(),
            deadline: review.deadline.clone(),
            fingerprint: cert.as_ref().map(|c| c.fingerprint.to_string()),
            signer: cert.as_ref().map(Signer::from),
            signature_valid,
            trusted,
            late,
            valid,
        }
    }

    fn signature(
        &self,
        index: usize,
        review: &Review,
        label: &str,
        checks: &mut Vec<Check>,
    ) -> (bool, Option<CertInfo>) {
        let cert = match CertInfo::from_base64(&review.signature.certificate) {
            Ok(cert) => cert,
            Err(e) => {
                checks.push(Check::error(
                    CheckCode::ReviewSignature,
                    false,
                    format!("{label}：审核人证书无法读取：{e}"),
                ));
                return (false, None);
            }
        };
        let signed = match self.forms {
            Ok(forms) => forms.review(index),
            Err(e) => Some(Err(e.clone())),
        };
        let value = base64::engine::general_purpose::STANDARD
            .decode(&review.signature.value)
            .ok();
        let alg_ok = review.signature.alg == ALG_ES256;
        let verified = alg_ok
            && matches!((&signed, &value), (Some(Ok(m)), Some(s)) if cert.verify(m, s, true));
        let fingerprint_ok = review.signature.fingerprint == cert.fingerprint.to_string();
        let ok = verified && fingerprint_ok;
        let message = if ok {
            format!(
                "{label}：审核签名（ES256）有效，覆盖此前的提交包与审核记录；审核人证书：{}，指纹 {}",
                printable(cert.unit()),
                cert.fingerprint
            )
        } else if !alg_ok {
            format!(
                "{label}：审核签名算法“{}”不受支持，应为 ES256",
                printable(&review.signature.alg)
            )
        } else if let Some(Err(e)) = &signed {
            format!("{label}：审核签名无法核对：{e}")
        } else if !verified {
            format!(
                "{label}：审核签名无效：提交包或此前的审核记录在签名后被改动，或此条审核记录、签名值、证书被改动或替换"
            )
        } else {
            format!(
                "{label}：所写的审核人证书指纹与所附证书不一致（所附证书的指纹为 {}）",
                cert.fingerprint
            )
        };
        checks.push(Check::error(CheckCode::ReviewSignature, ok, message));
        (ok, Some(cert))
    }

    fn order(
        &mut self,
        index: usize,
        review: &Review,
        date: Option<NaiveDate>,
        label: &str,
        checks: &mut Vec<Check>,
    ) {
        let route = match self.route {
            Ok(route) => route,
            Err(e) => {
                checks.push(Check::error(
                    CheckCode::ReviewOrder,
                    false,
                    format!("{label}：审核顺序无法核对：{e}"),
                ));
                return;
            }
        };
        let (ok, message) = if let Some(closing) = self.closed {
            (
                false,
                format!(
                    "{label}：审核记录{}（{}）已作出结论“{}”，其后不应再有审核记录",
                    closing.index + 1,
                    closing.level.label(),
                    closing.decision.label(closing.level)
                ),
            )
        } else {
            match route.levels().get(self.next) {
                Some(&due) if due == review.level => (
                    true,
                    format!("{label}：审核层级符合审核路线（{}）", route.describe()),
                ),
                Some(&due) => (
                    false,
                    format!(
                        "{label}：此时应由{}审核，而不是{}（审核路线：{}）",
                        due.label(),
                        review.level.label(),
                        route.describe()
                    ),
                ),
                None => (false, format!("{label}：审核路线已走完，不应再有审核记录")),
            }
        };
        checks.push(Check::error(CheckCode::ReviewOrder, ok, message));
        // Only reviews in their place move the chain on.
        if ok {
            self.next += 1;
            if review.decision.closes(review.level) {
                self.closed = Some(Closing {
                    index,
                    level: review.level,
                    decision: review.decision,
                    date,
                });
            }
        }
    }

    fn dates(&mut self, review: &Review, label: &str, checks: &mut Vec<Check>) -> Dates {
        let dates = Dates {
            received: parse_date(&review.received),
            date: parse_date(&review.date),
            deadline: parse_date(&review.deadline),
        };
        let mut problems = Vec::new();
        for (name, raw, parsed) in [
            ("收到日期", &review.received, dates.received),
            ("审核日期", &review.date, dates.date),
            ("办理期限", &review.deadline, dates.deadline),
        ] {
            if parsed.is_none() {
                problems.push(format!(
                    "{name}“{}”不是 YYYY-MM-DD 格式的日期",
                    printable(raw)
                ));
            }
        }
        let mut before = |later: Option<NaiveDate>, earlier: Option<NaiveDate>, what: &str| {
            if let (Some(l), Some(e)) = (later, earlier) {
                if l < e {
                    problems.push(format!("{what}（{l} 早于 {e}）"));
                }
            }
        };
        before(dates.date, dates.received, "审核日期早于收到日期");
        before(dates.deadline, dates.received, "办理期限早于收到日期");
        before(dates.received, self.created, "收到日期早于提交包的打包日期");
        before(
            dates.received,
            self.previous_date,
            "收到日期早于上一条审核记录的审核日期",
        );
        before(
            dates.date,
            self.previous_date,
            "审核日期早于上一条审核记录的审核日期",
        );
        if dates.date.is_some() {
            self.previous_date = dates.date;
        }
        let ok = problems.is_empty();
        checks.push(Check::error(
            CheckCode::ReviewDates,
            ok,
            if ok {
                format!(
                    "{label}：日期先后无误（收到 {}，审核 {}，期限 {}）",
                    review.received, review.date, review.deadline
                )
            } else {
                format!("{label}：日期有误：{}", problems.join("；"))
            },
        ));
        dates
    }

    fn late(&self, dates: &Dates, label: &str, checks: &mut Vec<Check>) -> bool {
        let (Some(date), Some(deadline)) = (dates.date, dates.deadline) else {
            return false;
        };
        let late = date > deadline;
        checks.push(Check::warning(
            CheckCode::ReviewLate,
            !late,
            if late {
                format!(
                    "{label}：审核日期 {date} 晚于办理期限 {deadline}，已逾期 {} 个工作日",
                    self.ctx.calendar.working_days_left(deadline, date).days
                )
            } else {
                format!("{label}：在办理期限 {deadline} 内审核")
            },
        ));
        late
    }

    fn deadline(&mut self, dates: &Dates, label: &str, checks: &mut Vec<Check>) {
        let (Some(received), Some(signed)) = (dates.received, dates.deadline) else {
            return;
        };
        let days = self.ctx.policy.sla.review_working_days;
        let Ok(local) = self.ctx.calendar.deadline(received, days) else {
            return;
        };
        if local.deadline == signed || local.status.provisional {
            return;
        }
        let builtin = self.builtin.get_or_insert_with(Calendar::builtin);
        if builtin
            .deadline(received, days)
            .map_or(true, |d| d.status.provisional)
        {
            return;
        }
        checks.push(Check::warning(
            CheckCode::ReviewDeadline,
            false,
            format!(
                "{label}：所写办理期限 {signed} 与本机工作日历算得的 {}（自收到日期 {received} 起 {days} 个工作日）不同；签名有效，可能是双方的放假安排不同",
                local.deadline
            ),
        ));
    }
}

/// A review's dates, when they are dates.
struct Dates {
    received: Option<NaiveDate>,
    date: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
}
