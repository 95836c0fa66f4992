//! 附件3 资源变更申请表 (SPEC §2.3): named by the measures (第二十一条), laid out
//! in the style of 附件1.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Applicant, Envelope, Host, Maintainer};

/// # 资源变更申请表
/// 附件3: a change to hosts granted by an earlier application. Printed 一式三份.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Change {
    /// The document envelope.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// # 资源使用单位信息
    /// As in 附件1; the term is optional here.
    #[schemars(required)]
    pub applicant: Option<Applicant>,
    /// # 维护单位/部门信息
    /// As in 附件1.
    #[schemars(required)]
    pub maintainer: Option<Maintainer>,
    /// # 原申请编号
    /// The id of the 附件1 package, or the bureau's number.
    #[schemars(required)]
    pub original_application_id: Option<String>,
    /// # 变更原因
    /// Why the change is needed.
    #[schemars(required)]
    pub reason: Option<String>,
    /// # 变更内容
    /// One item per host; at least one.
    #[schemars(required, length(min = 1))]
    pub items: Option<Vec<ChangeItem>>,
    /// # 期望完成日期
    /// YYYY-MM-DD.
    #[schemars(extend("format" = "date"))]
    pub expected_date: Option<String>,
    /// # 备注
    /// Free text.
    pub remarks: Option<String>,
}

impl Change {
    /// The change items, empty when absent.
    pub fn items(&self) -> &[ChangeItem] {
        self.items.as_deref().unwrap_or_default()
    }
}

/// # 变更内容
/// One host's configuration before and after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct ChangeItem {
    /// # 主机名称
    /// The host being changed.
    #[schemars(required)]
    pub host_name: Option<String>,
    /// # 变更类型
    /// What kind of change.
    #[schemars(required)]
    pub change_type: Option<ChangeType>,
    /// # 变更前
    /// The host row as it is now.
    #[schemars(required)]
    pub before: Option<Host>,
    /// # 变更后
    /// The host row as requested.
    #[schemars(required)]
    pub after: Option<Host>,
}

/// # 变更类型
/// What kind of change an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    /// 扩容
    ScaleUp,
    /// 缩容
    ScaleDown,
    /// 配置调整
    Reconfigure,
    /// 备份策略调整
    BackupPolicy,
    /// 其他
    Other,
}

impl ChangeType {
    /// All choices in display order.
    pub const ALL: [ChangeType; 5] = [
        ChangeType::ScaleUp,
        ChangeType::ScaleDown,
        ChangeType::Reconfigure,
        ChangeType::BackupPolicy,
        ChangeType::Other,
    ];

    /// The label on paper.
    pub fn label(self) -> &'static str {
        match self {
            ChangeType::ScaleUp => "扩容",
            ChangeType::ScaleDown => "缩容",
            ChangeType::Reconfigure => "配置调整",
            ChangeType::BackupPolicy => "备份策略调整",
            ChangeType::Other => "其他",
        }
    }
}
