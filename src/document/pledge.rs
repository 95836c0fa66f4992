//! 附件2 资源使用安全责任书 (SPEC §2.2): the fixed clauses live in
//! [`crate::pledge_text`]; this is the part the unit fills in.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Envelope;

/// # 资源使用安全责任书
/// 附件2: the using unit's security pledge. Printed 一式两份.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct SecurityPledge {
    /// The document envelope.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// # 云资源使用（责任）单位
    /// Must equal the application's 单位名称.
    #[schemars(required)]
    pub unit_name: Option<String>,
    /// # 负责人签字
    /// The using unit's leader, first responsible under clause 十五.
    #[schemars(required)]
    pub unit_leader: Option<String>,
    /// # 业务联系人
    /// The fixed business contact of clause 五.
    #[schemars(required)]
    pub contact_name: Option<String>,
    /// # 联系人电话
    /// The business contact's phone.
    #[schemars(required)]
    pub contact_phone: Option<String>,
    /// # 签署时间
    /// YYYY-MM-DD.
    #[schemars(required, extend("format" = "date"))]
    pub sign_date: Option<String>,
    /// # 申请编号
    /// The `id` of the 附件1 this pledge goes with.
    #[schemars(required)]
    pub application_id: Option<String>,
}
