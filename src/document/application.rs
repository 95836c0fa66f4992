//! 附件1 资源申请表 (SPEC §2.1), and the blocks that 附件3 and 附件4 reuse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Envelope;

/// # 资源申请表
/// 附件1: a unit applies for cloud hosts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Application {
    /// The document envelope.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// # 资源使用单位信息
    /// The applying unit.
    #[schemars(required)]
    pub applicant: Option<Applicant>,
    /// # 维护单位/部门信息
    /// Who maintains the system.
    #[schemars(required)]
    pub maintainer: Option<Maintainer>,
    /// # 资源申请信息
    /// One row per host; at least one.
    #[schemars(required, length(min = 1))]
    pub hosts: Option<Vec<Host>>,
    /// # 总计
    /// Derived from the rows; when present it must agree with them.
    pub totals: Option<Totals>,
    /// # 备注
    /// Free text.
    pub remarks: Option<String>,
}

impl Application {
    /// The host rows, empty when absent.
    pub fn hosts(&self) -> &[Host] {
        self.hosts.as_deref().unwrap_or_default()
    }
}

/// # 资源使用单位信息
/// The applying unit (also used by 附件3 and 附件4, where the term is optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Applicant {
    /// # 单位名称（盖章）
    /// The unit's name as on its stamp.
    #[schemars(required)]
    pub unit_name: Option<String>,
    /// # 单位联系人
    /// The unit's contact person.
    #[schemars(required)]
    pub contact_name: Option<String>,
    /// # 联系电话
    /// Mobile or landline of the contact.
    #[schemars(required)]
    pub contact_phone: Option<String>,
    /// # E-mail
    /// The contact's e-mail address.
    #[schemars(required)]
    pub email: Option<String>,
    /// # 申请日期
    /// YYYY-MM-DD.
    #[schemars(required, extend("format" = "date"))]
    pub application_date: Option<String>,
    /// # 申请期限（起）
    /// First day of the requested term, YYYY-MM-DD.
    #[schemars(extend("format" = "date"))]
    pub term_start: Option<String>,
    /// # 申请期限（止）
    /// Last day of the requested term, YYYY-MM-DD.
    #[schemars(extend("format" = "date"))]
    pub term_end: Option<String>,
    /// # 系统名称
    /// The information system the hosts serve.
    #[schemars(required)]
    pub system_name: Option<String>,
    /// # 项目名称
    /// The project that funds the system.
    #[schemars(required)]
    pub project_name: Option<String>,
    /// # 所属地区
    /// `city` or a county-level area, a key of the policy's `jurisdictions` (第二十三条 routing).
    #[schemars(required)]
    pub jurisdiction: Option<String>,
    /// # 主管部门
    /// Set when a subordinate unit applies through its supervising unit (第十七条).
    pub supervisor_unit: Option<String>,
}

/// # 维护单位/部门信息
/// Who maintains the system on the cloud.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Maintainer {
    /// # 维护单位
    /// Name of the maintaining unit or department.
    #[schemars(required)]
    pub unit_name: Option<String>,
    /// # 维护单位性质
    /// One of the three boxes of the paper form.
    #[schemars(required)]
    pub nature: Option<MaintainerNature>,
    /// # 维护负责人
    /// The person in charge of maintenance.
    #[schemars(required)]
    pub lead_name: Option<String>,
    /// # 联系电话
    /// Phone of the person in charge.
    #[schemars(required)]
    pub phone: Option<String>,
    /// # E-mail
    /// E-mail of the person in charge.
    #[schemars(required)]
    pub email: Option<String>,
}

/// # 维护单位性质
/// The three boxes of the paper form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MaintainerNature {
    /// 本单位内设机构
    Internal,
    /// 下属单位/部门
    Subordinate,
    /// 委托外包单位
    Outsourced,
}

impl MaintainerNature {
    /// All choices in the paper form's order.
    pub const ALL: [MaintainerNature; 3] = [
        MaintainerNature::Internal,
        MaintainerNature::Subordinate,
        MaintainerNature::Outsourced,
    ];

    /// The box's label on paper.
    pub fn label(self) -> &'static str {
        match self {
            MaintainerNature::Internal => "本单位内设机构",
            MaintainerNature::Subordinate => "下属单位/部门",
            MaintainerNature::Outsourced => "委托外包单位",
        }
    }
}

/// # 主机
/// One row of 资源申请信息, with its backup line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Host {
    /// # 系统(主机)名称
    /// Unique within the form.
    #[schemars(required)]
    pub name: Option<String>,
    /// # 服务器类型
    /// A key of the policy's `server_types`.
    #[schemars(required)]
    pub server_type: Option<String>,
    /// # 网络区域
    /// A key of the policy's `network_zones` (`egov` 政务外网区, `internet` 互联网区).
    #[schemars(required)]
    pub network_zone: Option<String>,
    /// # 操作系统
    /// A key of the policy's `operating_systems`, or `other` with `os_other`.
    #[schemars(required)]
    pub os: Option<String>,
    /// # 其他操作系统
    /// The operating system's name when `os` is `other`.
    pub os_other: Option<String>,
    /// # CPU(核)
    /// vCPU count, within the policy's `limits.vcpu`.
    #[schemars(required)]
    pub vcpu: Option<i64>,
    /// # 内存(GB)
    /// Memory in GB, within the policy's `limits.memory_gb`.
    #[schemars(required)]
    pub memory_gb: Option<i64>,
    /// # 数据盘(GB)
    /// At least the policy's `min_data_disk_gb` (100GB起).
    #[schemars(required)]
    pub data_disk_gb: Option<i64>,
    /// # 数量
    /// Hosts of this configuration, within the policy's `limits.quantity`.
    #[schemars(required)]
    pub quantity: Option<i64>,
    /// # 备注
    /// Free text for this row.
    pub remarks: Option<String>,
    /// # 备份
    /// The row's backup line.
    #[schemars(required)]
    pub backup: Option<Backup>,
}

/// # 备份
/// The backup line under a host row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Backup {
    /// # 需要备份
    /// 需要备份 (true) or 不需要备份 (false).
    #[schemars(required)]
    pub required: Option<bool>,
    /// # 备份数据类型
    /// Which data to back up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_types: Vec<BackupDataType>,
    /// # 数据副本
    /// Where the copies are kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<BackupCopy>,
    /// # 数据保存周期
    /// Months to keep; absent means the policy default (默认 2 个月).
    pub retention_months: Option<i64>,
}

/// # 备份数据类型
/// A box of 备份数据类型.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupDataType {
    /// 文件
    File,
    /// 数据库
    Database,
    /// 虚拟云主机
    Vm,
}

impl BackupDataType {
    /// All choices in the paper form's order.
    pub const ALL: [BackupDataType; 3] = [
        BackupDataType::File,
        BackupDataType::Database,
        BackupDataType::Vm,
    ];

    /// The box's label on paper.
    pub fn label(self) -> &'static str {
        match self {
            BackupDataType::File => "文件",
            BackupDataType::Database => "数据库",
            BackupDataType::Vm => "虚拟云主机",
        }
    }
}

/// # 数据副本
/// A box of 数据副本.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupCopy {
    /// 本地机房备份
    Local,
    /// 同城容灾备份
    SameCity,
    /// 异地灾难备份
    Offsite,
}

impl BackupCopy {
    /// All choices in the paper form's order.
    pub const ALL: [BackupCopy; 3] = [BackupCopy::Local, BackupCopy::SameCity, BackupCopy::Offsite];

    /// The box's label on paper.
    pub fn label(self) -> &'static str {
        match self {
            BackupCopy::Local => "本地机房备份",
            BackupCopy::SameCity => "同城容灾备份",
            BackupCopy::Offsite => "异地灾难备份",
        }
    }
}

/// # 总计
/// 主机__台, CPU__核, 内存__G, 存储__G: always derived from the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[schemars(deny_unknown_fields)]
pub struct Totals {
    /// # 主机(台)
    /// Σ quantity.
    #[schemars(required)]
    pub hosts: Option<i64>,
    /// # CPU(核)
    /// Σ vcpu × quantity.
    #[schemars(required)]
    pub vcpu: Option<i64>,
    /// # 内存(G)
    /// Σ memory_gb × quantity.
    #[schemars(required)]
    pub memory_gb: Option<i64>,
    /// # 存储(G)
    /// Σ data_disk_gb × quantity.
    #[schemars(required)]
    pub storage_gb: Option<i64>,
}
