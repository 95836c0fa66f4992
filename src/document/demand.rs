//! 资源需求预估表 (SPEC §7): the yearly estimate of next year's cloud
//! resources that every department hands in by 30 September (第十七条). A
//! supervising unit lists its subordinate units' needs in its own estimate;
//! county and city bureaus sum the estimates they receive
//! ([`crate::demand`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Envelope;

/// # 资源需求预估表
/// 第十七条: the resources a unit (and, for a supervising unit, its
/// subordinates) will need next year. Printed 一式两份.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct DemandEstimate {
    /// The document envelope.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// # 填报单位
    /// The unit that files the estimate, as on its stamp.
    #[schemars(required)]
    pub unit_name: Option<String>,
    /// # 主管单位
    /// Set when the filing unit reports through its supervising unit (第十七条).
    pub supervisor_unit: Option<String>,
    /// # 所属地区
    /// `city` or a county-level area, a key of the policy's `jurisdictions`.
    #[schemars(required)]
    pub jurisdiction: Option<String>,
    /// # 联系人
    /// Who answers questions about the estimate.
    #[schemars(required)]
    pub contact_name: Option<String>,
    /// # 联系电话
    /// Mobile or landline of the contact.
    #[schemars(required)]
    pub contact_phone: Option<String>,
    /// # 预估年度
    /// The year the resources are for: after the year of 填报日期.
    #[schemars(required)]
    pub year: Option<i64>,
    /// # 填报日期
    /// YYYY-MM-DD.
    #[schemars(required, extend("format" = "date"))]
    pub submit_date: Option<String>,
    /// # 需求明细
    /// One row per system; at least one.
    #[schemars(required, length(min = 1))]
    pub items: Option<Vec<DemandItem>>,
    /// # 备注
    /// Free text.
    pub remarks: Option<String>,
}

impl DemandEstimate {
    /// The item rows, empty when absent.
    pub fn items(&self) -> &[DemandItem] {
        self.items.as_deref().unwrap_or_default()
    }

    /// The using unit of an item: its own 使用单位, or the filing unit when
    /// that is blank. Trimmed; `None` when both are blank.
    pub fn using_unit<'a>(&'a self, item: &'a DemandItem) -> Option<&'a str> {
        [item.unit_name.as_deref(), self.unit_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|s| !s.is_empty())
    }

    /// What makes two rows the same need: the using unit
    /// ([`Self::using_unit`]) and the 系统名称, both trimmed and compared
    /// exactly otherwise. `None` when either is blank.
    pub fn item_key<'a>(&'a self, item: &'a DemandItem) -> Option<(&'a str, &'a str)> {
        let system = item.system_name.as_deref().map(str::trim)?;
        (!system.is_empty()).then_some(())?;
        Some((self.using_unit(item)?, system))
    }
}

/// # 需求明细
/// One system's resources for the year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct DemandItem {
    /// # 使用单位
    /// The unit that will use the resources; blank means the filing unit.
    pub unit_name: Option<String>,
    /// # 系统名称
    /// The information system the resources serve.
    #[schemars(required)]
    pub system_name: Option<String>,
    /// # 需求类型
    /// 新建, 扩容 or 续用.
    #[schemars(required)]
    pub kind: Option<DemandKind>,
    /// # 主机(台)
    /// Hosts, a whole number ≥ 0.
    #[schemars(required)]
    pub hosts: Option<i64>,
    /// # CPU(核)
    /// vCPU cores in all, a whole number ≥ 0.
    #[schemars(required)]
    pub vcpu: Option<i64>,
    /// # 内存(GB)
    /// Memory in all, GB, a whole number ≥ 0.
    #[schemars(required)]
    pub memory_gb: Option<i64>,
    /// # 存储(GB)
    /// Storage in all, GB: at least 主机(台) × the policy's `min_data_disk_gb`.
    #[schemars(required)]
    pub storage_gb: Option<i64>,
    /// # 备注
    /// Free text for this row.
    pub remarks: Option<String>,
}

impl DemandItem {
    /// 主机, CPU, 内存, 存储 with their JSON names; missing numbers are `None`.
    pub fn numbers(&self) -> [(&'static str, Option<i64>); 4] {
        [
            ("hosts", self.hosts),
            ("vcpu", self.vcpu),
            ("memory_gb", self.memory_gb),
            ("storage_gb", self.storage_gb),
        ]
    }
}

/// # 需求类型
/// Whether the system is new, grows, or keeps what it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    /// 新建
    New,
    /// 扩容
    Expand,
    /// 续用
    Continue,
}

impl DemandKind {
    /// All choices in display order.
    pub const ALL: [DemandKind; 3] = [DemandKind::New, DemandKind::Expand, DemandKind::Continue];

    /// The label on paper.
    pub fn label(self) -> &'static str {
        match self {
            DemandKind::New => "新建",
            DemandKind::Expand => "扩容",
            DemandKind::Continue => "续用",
        }
    }
}
