//! The review chain of SPEC §5.1: who reviews a package and in which order
//! ([`route`]), and how `verify` checks the reviews already in a package
//! ([`chain`]); what each review signs is [`super::signed`]. Appending a review is
//! [`super::append`], which verifies the package first.
//!
//! A package travels 主管部门 → 县(市、区)政务服务数据管理部门 → 韶关市政务服务数据管理部门
//! (第十七、十九、二十、二十三条), skipping the levels its unit does not have.
//! Each level appends one signed [`Review`]; review k signs the package as
//! it stood, the applicant's signature and reviews 0…k−1 included, so
//! changing anything before it breaks its signature. A `reject` or `return`,
//! or the city's decision, closes the chain.
//!
//! Limits (this program's, not the measures'): an opinion holds at most
//! [`MAX_OPINION_CHARS`] characters and a unit or reviewer name at most
//! [`MAX_NAME_CHARS`], so a review stays readable on paper and on screen;
//! longer ones are refused when appending and fail `verify`
//! (`review_too_long`).

pub mod chain;
pub mod route;

pub use chain::{check_chain, ChainReport, ReviewSummary};
pub use route::{Route, RouteError};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::check::CheckCode;
use super::PackageSignature;
use crate::escape::{is_invisible_format, printable};

/// The longest opinion, in characters (Unicode scalar values): a full A4
/// page of Chinese text. A 主管部门 or the bureau writes a few sentences.
pub const MAX_OPINION_CHARS: usize = 2000;

/// The longest unit or reviewer name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// # 审核记录
/// A reviewer's decision (第十七、二十、二十三条), signed by the reviewer over
/// the package as it stood plus this review (SPEC §5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// # 审核层级
    pub level: ReviewLevel,
    /// # 审核单位
    pub unit: String,
    /// # 审核人
    pub reviewer: String,
    /// # 审核结论
    pub decision: ReviewDecision,
    /// # 审核意见
    /// Required for `reject` and `return`; at most 2000 characters.
    pub opinion: String,
    /// # 收到日期
    /// The date the package reached this level.
    #[schemars(extend("format" = "date"))]
    pub received: String,
    /// # 审核日期
    /// The date of the decision.
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// # 办理期限
    /// `received` plus the policy's `review_working_days` (SPEC §6): the last
    /// working day allowed.
    #[schemars(extend("format" = "date"))]
    pub deadline: String,
    /// # 审核人签名
    /// Over the RFC 8785 form of the package as it stood, with `reviews`
    /// holding the reviews before this one and this one without `signature`.
    pub signature: PackageSignature,
}

/// # 审核层级
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewLevel {
    /// 主管部门
    Supervisor,
    /// 县(市、区)政务服务数据管理部门
    County,
    /// 韶关市政务服务数据管理部门
    City,
}

impl ReviewLevel {
    /// Every level, in the order a package passes them.
    pub const ALL: [ReviewLevel; 3] = [
        ReviewLevel::Supervisor,
        ReviewLevel::County,
        ReviewLevel::City,
    ];

    /// The level as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewLevel::Supervisor => "supervisor",
            ReviewLevel::County => "county",
            ReviewLevel::City => "city",
        }
    }

    /// The reviewing body, as the paper forms' review boxes name it.
    pub fn label(self) -> &'static str {
        match self {
            ReviewLevel::Supervisor => "主管部门",
            ReviewLevel::County => "县(市、区)政务服务数据管理部门",
            ReviewLevel::City => "韶关市政务服务数据管理部门",
        }
    }
}

/// # 审核结论
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 同意 (at a first level: 初审通过，转报上级)
    Approve,
    /// 不同意
    Reject,
    /// 退回修改
    Return,
}

impl ReviewDecision {
    /// Every decision.
    pub const ALL: [ReviewDecision; 3] = [
        ReviewDecision::Approve,
        ReviewDecision::Reject,
        ReviewDecision::Return,
    ];

    /// The decision as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Reject => "reject",
            ReviewDecision::Return => "return",
        }
    }

    /// The words on paper: an approval below the city forwards the package
    /// (初审通过，转报上级); the city's approval is 同意.
    pub fn label(self, level: ReviewLevel) -> &'static str {
        match (self, level) {
            (ReviewDecision::Approve, ReviewLevel::City) => "同意",
            (ReviewDecision::Approve, _) => "初审通过，转报上级",
            (ReviewDecision::Reject, _) => "不同意",
            (ReviewDecision::Return, _) => "退回修改",
        }
    }

    /// Whether this decision at `level` ends the chain.
    pub fn closes(self, level: ReviewLevel) -> bool {
        self != ReviewDecision::Approve || level == ReviewLevel::City
    }
}

/// Where a package stands in its review (SPEC §5.1, `verify`'s `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// The 主管部门 is next.
    AwaitingSupervisor,
    /// The county bureau is next.
    AwaitingCounty,
    /// The city bureau is next.
    AwaitingCity,
    /// The city approved.
    Approved,
    /// A level rejected it.
    Rejected,
    /// A level returned it for changes.
    Returned,
}

impl ReviewStatus {
    /// Waiting for `level`.
    pub fn awaiting(level: ReviewLevel) -> ReviewStatus {
        match level {
            ReviewLevel::Supervisor => ReviewStatus::AwaitingSupervisor,
            ReviewLevel::County => ReviewStatus::AwaitingCounty,
            ReviewLevel::City => ReviewStatus::AwaitingCity,
        }
    }

    /// The status after a closing `decision`.
    pub fn closed_by(decision: ReviewDecision) -> ReviewStatus {
        match decision {
            ReviewDecision::Approve => ReviewStatus::Approved,
            ReviewDecision::Reject => ReviewStatus::Rejected,
            ReviewDecision::Return => ReviewStatus::Returned,
        }
    }

    /// The level whose review is awaited, if any.
    pub fn awaited(self) -> Option<ReviewLevel> {
        match self {
            ReviewStatus::AwaitingSupervisor => Some(ReviewLevel::Supervisor),
            ReviewStatus::AwaitingCounty => Some(ReviewLevel::County),
            ReviewStatus::AwaitingCity => Some(ReviewLevel::City),
            _ => None,
        }
    }

    /// The status as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::AwaitingSupervisor => "awaiting_supervisor",
            ReviewStatus::AwaitingCounty => "awaiting_county",
            ReviewStatus::AwaitingCity => "awaiting_city",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Returned => "returned",
        }
    }

    /// In Chinese.
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::AwaitingSupervisor => "待主管部门审核",
            ReviewStatus::AwaitingCounty => "待县(市、区)政务服务数据管理部门审核",
            ReviewStatus::AwaitingCity => "待韶关市政务服务数据管理部门审批",
            ReviewStatus::Approved => "韶关市政务服务数据管理部门已审批同意",
            ReviewStatus::Rejected => "审核不同意，流程结束",
            ReviewStatus::Returned => "已退回修改，流程结束",
        }
    }
}

/// Something wrong with a review's text (shared by appending, which refuses
/// all of them, and `verify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextProblem {
    /// `review_text`, `review_opinion_required` or `review_too_long`.
    pub code: CheckCode,
    /// Whether `verify` fails on it; hidden characters only warn there,
    /// since they are shown escaped.
    pub blocking: bool,
    /// In Chinese, naming the field by its label.
    pub message: String,
}

/// The problems of a review's unit, reviewer and opinion: blank names, a
/// `reject`/`return` without an opinion, texts over their limits, and
/// control or bidi characters (a line feed is allowed in the opinion).
pub fn text_problems(
    unit: &str,
    reviewer: &str,
    decision: ReviewDecision,
    opinion: &str,
) -> Vec<TextProblem> {
    let mut problems = Vec::new();
    let mut push = |code, blocking, message: String| {
        problems.push(TextProblem {
            code,
            blocking,
            message,
        })
    };
    // (label, text, limit, required, a line feed allowed)
    let fields = [
        ("审核单位", unit, MAX_NAME_CHARS, true, false),
        ("审核人", reviewer, MAX_NAME_CHARS, true, false),
        ("审核意见", opinion, MAX_OPINION_CHARS, false, true),
    ];
    for (label, text, limit, required, line_feeds) in fields {
        if required && text.trim().is_empty() {
            push(CheckCode::ReviewText, true, format!("{label}为空，须填写"));
        }
        let chars = text.chars().count();
        if chars > limit {
            push(
                CheckCode::ReviewTooLong,
                true,
                format!("{label}有 {chars} 个字符，超过上限 {limit} 个字符"),
            );
        }
        if let Some(c) = hidden_character(text, line_feeds) {
            push(
                CheckCode::ReviewText,
                false,
                format!(
                    "{label}含有控制字符或双向文本控制字符（{}），显示时已转义",
                    printable(&c.to_string())
                ),
            );
        }
    }
    if decision != ReviewDecision::Approve && opinion.trim().is_empty() {
        push(
            CheckCode::ReviewOpinionRequired,
            true,
            format!(
                "结论为“{}”时须写明审核意见（理由或修改要求）",
                decision.label(ReviewLevel::City)
            ),
        );
    }
    problems
}

/// The members of a review, with their labels.
const MEMBERS: [(&str, &str); 9] = [
    ("level", "审核层级"),
    ("unit", "审核单位"),
    ("reviewer", "审核人"),
    ("decision", "审核结论"),
    ("opinion", "审核意见"),
    ("received", "收到日期"),
    ("date", "审核日期"),
    ("deadline", "办理期限"),
    ("signature", "审核人签名"),
];

/// The members of a review's `signature`.
const SIGNATURE_MEMBERS: [&str; 4] = ["alg", "certificate", "value", "fingerprint"];

/// Why `raw` does not have the shape of a review (SPEC §5.1), in Chinese:
/// unknown members, missing ones, values of the wrong type or outside their
/// set. `None` when the shape is right.
pub fn shape_problems(raw: &Value) -> Option<String> {
    let Some(object) = raw.as_object() else {
        return Some("不是 JSON 对象".into());
    };
    let mut problems = Vec::new();
    for name in object.keys() {
        if !MEMBERS.iter().any(|(m, _)| m == name) {
            problems.push(format!("有未知字段“{}”", printable(name)));
        }
    }
    let choices = |name: &str| match name {
        "level" => Some(ReviewLevel::ALL.map(ReviewLevel::as_str).to_vec()),
        "decision" => Some(ReviewDecision::ALL.map(ReviewDecision::as_str).to_vec()),
        _ => None,
    };
    for (name, label) in MEMBERS {
        let Some(value) = object.get(name) else {
            problems.push(format!("缺少{label}（{name}）"));
            continue;
        };
        if name == "signature" {
            problems.extend(signature_problems(value));
        } else if let Some(choices) = choices(name) {
            if !value.as_str().is_some_and(|s| choices.contains(&s)) {
                problems.push(format!(
                    "{label}（{name}）应为 {} 之一，而不是 {}",
                    choices.join("、"),
                    printable(&value.to_string())
                ));
            }
        } else if !value.is_string() {
            problems.push(format!(
                "{label}（{name}）应为文字，而不是 {}",
                printable(&value.to_string())
            ));
        }
    }
    (!problems.is_empty()).then(|| problems.join("；"))
}

fn signature_problems(value: &Value) -> Vec<String> {
    let Some(signature) = value.as_object() else {
        return vec!["审核人签名（signature）应为对象".into()];
    };
    let unknown = signature
        .keys()
        .filter(|k| !SIGNATURE_MEMBERS.contains(&k.as_str()))
        .map(|k| format!("审核人签名有未知字段“{}”", printable(k)));
    let wrong = SIGNATURE_MEMBERS
        .iter()
        .filter(|k| !signature.get(**k).is_some_and(Value::is_string))
        .map(|k| format!("审核人签名缺少文字字段 {k}"));
    unknown.chain(wrong).collect()
}

/// The first control or bidi formatting character of `text`; a line feed
/// counts only when `line_feeds` is false.
fn hidden_character(text: &str, line_feeds: bool) -> Option<char> {
    text.chars()
        .find(|&c| (c.is_control() && !(line_feeds && c == '\n')) || is_invisible_format(c))
}
