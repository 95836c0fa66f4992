//! The four documents of the measures (SPEC §2) and the yearly demand
//! estimate (SPEC §7) as Rust types.
//!
//! The types are **draft-tolerant**: every field a clerk fills in is an
//! `Option`, because a draft is saved, rendered (`--draft`) and validated while
//! it is still incomplete. "Required" is a rule ([`crate::rules`]), and the
//! JSON Schema still marks those fields required (`#[schemars(required)]`).
//! Types are strict: a value of the wrong JSON type never reaches these
//! structs (the [`crate::rules::structure`] pass reports and removes it first).
//!
//! The first line of each field's doc comment, `# 标签`, is the label printed on
//! the paper form. It becomes the schema's `title`, and messages take field
//! names from there ([`labels`]), so a label is written once.

mod application;
mod cancellation;
mod change;
mod demand;
pub mod labels;
mod pledge;
pub mod prefill;
pub mod schema;

pub use application::{
    Applicant, Application, Backup, BackupCopy, BackupDataType, Host, Maintainer, MaintainerNature,
    Totals,
};
pub use cancellation::{Cancellation, CancelledHost, DataDisposition, DispositionKind};
pub use change::{Change, ChangeItem, ChangeType};
pub use demand::{DemandEstimate, DemandItem, DemandKind};
pub use pledge::SecurityPledge;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which document a JSON object is (its `form` member): one of the four
/// attachments, or the demand estimate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 附件1 资源申请表
    Application,
    /// 附件2 资源使用安全责任书
    SecurityPledge,
    /// 附件3 资源变更申请表
    Change,
    /// 附件4 资源注销申请表
    Cancellation,
    /// 资源需求预估表 (第十七条)
    DemandEstimate,
}

impl FormKind {
    /// All five: the measures' attachments in order, then the demand estimate.
    pub const ALL: [FormKind; 5] = [
        FormKind::Application,
        FormKind::SecurityPledge,
        FormKind::Change,
        FormKind::Cancellation,
        FormKind::DemandEstimate,
    ];

    /// The `form` value in JSON.
    pub fn key(self) -> &'static str {
        match self {
            FormKind::Application => "application",
            FormKind::SecurityPledge => "security_pledge",
            FormKind::Change => "change",
            FormKind::Cancellation => "cancellation",
            FormKind::DemandEstimate => "demand_estimate",
        }
    }

    /// Parses a `form` value.
    pub fn from_key(key: &str) -> Option<FormKind> {
        FormKind::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The document's title as the measures name it.
    pub fn title(self) -> &'static str {
        match self {
            FormKind::Application => "韶关市“数字政府”政务云资源申请表",
            FormKind::SecurityPledge => "韶关市“数字政府”政务云资源使用安全责任书",
            FormKind::Change => "韶关市“数字政府”政务云资源变更申请表",
            FormKind::Cancellation => "韶关市“数字政府”政务云资源注销申请表",
            FormKind::DemandEstimate => "韶关市“数字政府”政务云资源需求预估表",
        }
    }

    /// Short name with the attachment number, e.g. 「附件1 资源申请表」; the
    /// demand estimate is no attachment of the measures: 「资源需求预估表」.
    pub fn short_name(self) -> &'static str {
        match self {
            FormKind::Application => "附件1 资源申请表",
            FormKind::SecurityPledge => "附件2 资源使用安全责任书",
            FormKind::Change => "附件3 资源变更申请表",
            FormKind::Cancellation => "附件4 资源注销申请表",
            FormKind::DemandEstimate => "资源需求预估表",
        }
    }
}

/// Any of the five documents. In JSON the variant is the `form` member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "form", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum Document {
    /// 附件1 资源申请表
    Application(Application),
    /// 附件2 资源使用安全责任书
    SecurityPledge(SecurityPledge),
    /// 附件3 资源变更申请表
    Change(Change),
    /// 附件4 资源注销申请表
    Cancellation(Cancellation),
    /// 资源需求预估表 (第十七条)
    DemandEstimate(DemandEstimate),
}

impl Document {
    /// Which form this is.
    pub fn form(&self) -> FormKind {
        match self {
            Document::Application(_) => FormKind::Application,
            Document::SecurityPledge(_) => FormKind::SecurityPledge,
            Document::Change(_) => FormKind::Change,
            Document::Cancellation(_) => FormKind::Cancellation,
            Document::DemandEstimate(_) => FormKind::DemandEstimate,
        }
    }

    /// The envelope every document has.
    pub fn envelope(&self) -> &Envelope {
        match self {
            Document::Application(d) => &d.envelope,
            Document::SecurityPledge(d) => &d.envelope,
            Document::Change(d) => &d.envelope,
            Document::Cancellation(d) => &d.envelope,
            Document::DemandEstimate(d) => &d.envelope,
        }
    }

    /// What the review chain of SPEC §5.1 is drawn from: the 主管部门 and
    /// the 所属地区 of the applicant of 附件1, 3 and 4, or of the filing unit
    /// of a demand estimate. `None` for 附件2, which travels with its
    /// application, and for a document without those blocks.
    pub fn routing(&self) -> Option<Routing<'_>> {
        let applicant = match self {
            Document::Application(d) => d.applicant.as_ref(),
            Document::Change(d) => d.applicant.as_ref(),
            Document::Cancellation(d) => d.applicant.as_ref(),
            Document::SecurityPledge(_) => None,
            Document::DemandEstimate(d) => {
                return Some(Routing::new(
                    d.supervisor_unit.as_deref(),
                    d.jurisdiction.as_deref(),
                ))
            }
        }?;
        Some(Routing::new(
            applicant.supervisor_unit.as_deref(),
            applicant.jurisdiction.as_deref(),
        ))
    }
}

/// The two fields a document's review route follows (SPEC §5.1), trimmed,
/// blank as `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routing<'a> {
    /// 主管部门 / 主管单位: a `supervisor` review comes first when set.
    pub supervisor_unit: Option<&'a str>,
    /// 所属地区 (a key of the policy's `jurisdictions`): a `county` review
    /// comes before the city's unless it is `city`.
    pub jurisdiction: Option<&'a str>,
}

impl<'a> Routing<'a> {
    fn new(supervisor_unit: Option<&'a str>, jurisdiction: Option<&'a str>) -> Routing<'a> {
        let filled = |s: Option<&'a str>| s.map(str::trim).filter(|s| !s.is_empty());
        Routing {
            supervisor_unit: filled(supervisor_unit),
            jurisdiction: filled(jurisdiction),
        }
    }
}

/// The members every document carries besides `form` (SPEC §2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Envelope {
    /// # 格式版本
    /// The document schema version; this build reads version 1.
    #[schemars(required, range(min = 1, max = 1))]
    pub schema_version: Option<u32>,
    /// # 文档编号
    /// The document's UUID; a draft's id in the store.
    #[schemars(required)]
    pub id: Option<String>,
    /// # 创建时间
    /// RFC 3339 time the document was created; kept when present.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: Option<String>,
    /// # 修改时间
    /// RFC 3339 time of the last change; kept when present.
    #[schemars(extend("format" = "date-time"))]
    pub updated_at: Option<String>,
}
