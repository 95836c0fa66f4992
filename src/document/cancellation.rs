//! 附件4 资源注销申请表 (SPEC §2.4): named by the measures (第二十二条), laid out
//! in the style of 附件1.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Applicant, Envelope, Maintainer, Totals};

/// # 资源注销申请表
/// 附件4: the unit returns hosts it no longer uses. Printed 一式三份.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Cancellation {
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
    /// # 注销原因
    /// Why the resources are no longer needed.
    #[schemars(required)]
    pub reason: Option<String>,
    /// # 注销资源清单
    /// The hosts to return; at least one.
    #[schemars(required, length(min = 1))]
    pub hosts: Option<Vec<CancelledHost>>,
    /// # 总计
    /// Derived from the rows; when present it must agree with them.
    pub totals: Option<Totals>,
    /// # 系统下线日期
    /// YYYY-MM-DD.
    #[schemars(required, extend("format" = "date"))]
    pub offline_date: Option<String>,
    /// # 数据处置
    /// What happens to the system's data.
    #[schemars(required)]
    pub data_disposition: Option<DataDisposition>,
    /// # 系统已下线或将于下线日期前下线
    /// 第二十二条 confirmation; must be ticked.
    #[serde(default)]
    pub confirm_offline: bool,
    /// # 数据已迁移备份，知悉注销后数据不可恢复
    /// 第二十二条 confirmation; must be ticked.
    #[serde(default)]
    pub confirm_data_handled: bool,
    /// # 备注
    /// Free text.
    pub remarks: Option<String>,
}

impl Cancellation {
    /// The host rows, empty when absent.
    pub fn hosts(&self) -> &[CancelledHost] {
        self.hosts.as_deref().unwrap_or_default()
    }
}

/// # 注销资源
/// One row of 注销资源清单.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct CancelledHost {
    /// # 系统(主机)名称
    /// The host being returned.
    #[schemars(required)]
    pub name: Option<String>,
    /// # CPU(核)
    /// vCPU count.
    #[schemars(required)]
    pub vcpu: Option<i64>,
    /// # 内存(GB)
    /// Memory in GB.
    #[schemars(required)]
    pub memory_gb: Option<i64>,
    /// # 数据盘(GB)
    /// Data disk in GB.
    #[schemars(required)]
    pub data_disk_gb: Option<i64>,
    /// # 数量
    /// Hosts of this configuration.
    #[schemars(required)]
    pub quantity: Option<i64>,
    /// # 备注
    /// Free text for this row.
    pub remarks: Option<String>,
}

/// # 数据处置
/// What happens to the data of the cancelled system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schemars(deny_unknown_fields)]
pub enum DataDisposition {
    /// # 已迁移
    /// The data was moved to another system.
    Migrated {
        /// # 迁移目标
        /// Where the data went.
        #[schemars(required)]
        target: Option<String>,
    },
    /// # 已备份
    /// The data is kept in a backup.
    BackedUp {
        /// # 备份位置
        /// Where the backup is kept.
        #[schemars(required)]
        location: Option<String>,
        /// # 保存至
        /// Keep the backup until this date, YYYY-MM-DD.
        #[schemars(required, extend("format" = "date"))]
        keep_until: Option<String>,
    },
    /// # 确认无需保留
    /// The data may be destroyed with the resources.
    Destroy {},
}

/// The `kind` of a [`DataDisposition`], the three boxes of 数据处置.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DispositionKind {
    /// 已迁移
    Migrated,
    /// 已备份
    BackedUp,
    /// 确认无需保留
    Destroy,
}

impl DispositionKind {
    /// All choices in the paper form's order.
    pub const ALL: [DispositionKind; 3] = [
        DispositionKind::Migrated,
        DispositionKind::BackedUp,
        DispositionKind::Destroy,
    ];

    /// The box's label on paper.
    pub fn label(self) -> &'static str {
        match self {
            DispositionKind::Migrated => "已迁移",
            DispositionKind::BackedUp => "已备份",
            DispositionKind::Destroy => "确认无需保留",
        }
    }
}

impl DataDisposition {
    /// Which of the three boxes this is.
    pub fn kind(&self) -> DispositionKind {
        match self {
            DataDisposition::Migrated { .. } => DispositionKind::Migrated,
            DataDisposition::BackedUp { .. } => DispositionKind::BackedUp,
            DataDisposition::Destroy {} => DispositionKind::Destroy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds' keys are the `kind` tags of [`DataDisposition`] (SPEC §2.4).
    #[test]
    fn kinds_match_the_disposition_tags() {
        let all = [
            DataDisposition::Migrated { target: None },
            DataDisposition::BackedUp {
                location: None,
                keep_until: None,
            },
            DataDisposition::Destroy {},
        ];
        for (d, kind) in all.iter().zip(DispositionKind::ALL) {
            assert_eq!(d.kind(), kind);
            assert_eq!(
                serde_json::to_value(d).unwrap()["kind"],
                serde_json::to_value(kind).unwrap()
            );
        }
    }
}
