//! The policy file (SPEC §2.5): every number, catalog and label the rules use.
//!
//! The Shaoguan 2020 policy ships in `assets/policy/` and is compiled into the
//! binary; `--policy FILE` reads another. Rules never hold a number of their
//! own: they ask the policy, and every package records the policy's `id` and
//! `version` so a reviewer knows what the clerk checked against.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::document::FormKind;

/// The default policy's JSON, as shipped.
pub const DEFAULT_POLICY_JSON: &str = include_str!("../assets/policy/shaoguan-2020.json");

/// A policy: the rules' numbers and catalogs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Stable identifier, e.g. `shaoguan-2020`.
    pub id: String,
    /// Version of this policy file.
    pub version: String,
    /// The measures it implements.
    pub title: String,
    /// Where the measures were published.
    #[serde(default)]
    pub source: String,
    /// 数据盘(GB) 100GB起.
    pub min_data_disk_gb: i64,
    /// Backup defaults and bounds.
    pub backup: BackupPolicy,
    /// Per-row limits.
    pub limits: Limits,
    /// 服务器类型 catalog.
    pub server_types: IndexMap<String, CatalogEntry>,
    /// 网络区域 catalog (第二条).
    pub network_zones: IndexMap<String, CatalogEntry>,
    /// 操作系统 catalog; `other` is not listed and needs `os_other`.
    pub operating_systems: IndexMap<String, OsEntry>,
    /// Jurisdictions for routing (第二十三条).
    pub jurisdictions: IndexMap<String, CatalogEntry>,
    /// When a change counts as 重大变更 (第二十一条).
    pub major_change: MajorChangePolicy,
    /// Deadlines in working days.
    pub sla: Sla,
    /// How key files are protected.
    pub key_file: KeyFilePolicy,
    /// Paper copies printed of each form (一式N份).
    pub copies: IndexMap<FormKind, u32>,
    /// Who holds each paper copy, in order (the 注 line of each form).
    pub copy_holders: IndexMap<FormKind, Vec<String>>,
}

/// An inclusive range of whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Smallest allowed value.
    pub min: i64,
    /// Largest allowed value.
    pub max: i64,
}

impl Range {
    /// True when `v` lies within the range.
    pub fn contains(&self, v: i64) -> bool {
        self.min <= v && v <= self.max
    }
}

/// Backup defaults and bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupPolicy {
    /// 默认 2 个月.
    pub default_retention_months: i64,
    /// Allowed 数据保存周期 in months.
    pub retention_months: Range,
}

/// Per-row limits of 配置需求 and 数量.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// vCPU per host.
    pub vcpu: Range,
    /// Memory per host, GB.
    pub memory_gb: Range,
    /// Hosts per row.
    pub quantity: Range,
}

/// A catalog entry with its printed label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    /// The label shown on screen and paper.
    pub label: String,
}

/// An operating system with its family, for 重大变更 detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OsEntry {
    /// The label shown on screen and paper.
    pub label: String,
    /// Family, e.g. `linux` or `windows`.
    pub family: String,
}

/// When a change is 重大变更.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorChangePolicy {
    /// Moving a host to another network zone is major.
    pub zone_change: bool,
    /// Changing a host's operating-system family is major.
    pub os_family_change: bool,
    /// Growth of total vCPU, memory or storage by more than this ratio is major
    /// (1.0: doubling is not major, more than doubling is).
    pub growth_ratio: f64,
}

impl MajorChangePolicy {
    /// The growth limit in words: 「一倍」 for 1.0, else a percentage.
    pub fn growth_words(&self) -> String {
        if self.growth_ratio == 1.0 {
            "一倍".to_string()
        } else {
            format!("{}%", self.growth_ratio * 100.0)
        }
    }

    /// What makes a change major under this policy (第二十一条), for the
    /// editor's note: 「改变网络区域、操作系统类别，或总配置增长超过一倍」.
    pub fn summary(&self) -> String {
        let mut kinds = Vec::new();
        if self.zone_change {
            kinds.push("网络区域");
        }
        if self.os_family_change {
            kinds.push("操作系统类别");
        }
        let growth = format!("总配置增长超过{}", self.growth_words());
        if kinds.is_empty() {
            growth
        } else {
            format!("改变{}，或{growth}", kinds.join("、"))
        }
    }
}

/// Deadlines (第十七, 二十, 二十一, 二十二条).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// Working days the bureau has to review.
    pub review_working_days: u32,
    /// Working days the provider has to provision.
    pub provisioning_working_days: u32,
    /// MM-DD by which next year's demand estimate is due.
    pub demand_estimate_due: String,
}

impl Sla {
    /// The day by which the estimate for `year` is due: the policy's
    /// `demand_estimate_due` of the year before (第十七条: 每年9月底前提出第二年的
    /// 资源需求预估量). `None` for a year outside the calendar's range or a
    /// policy whose date does not parse (a checked policy always does).
    pub fn demand_estimate_due_for(&self, year: i64) -> Option<chrono::NaiveDate> {
        let (month, day) = parse_month_day(&self.demand_estimate_due)?;
        chrono::NaiveDate::from_ymd_opt(i32::try_from(year - 1).ok()?, month, day)
    }
}

/// How a new unit key file is protected (`gcforms key new`, the app's 单位证书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyFilePolicy {
    /// PBKDF2-HMAC-SHA256 iterations of the key's encryption and of the
    /// file's MAC (600,000: OWASP's figure for PBKDF2-HMAC-SHA256).
    pub pbkdf2_iterations: u32,
    /// The fewest characters a new passphrase may have.
    pub min_passphrase_chars: usize,
}

/// The most PBKDF2 iterations a key file may ask for: what our PKCS#12
/// reader still opens (p12-keystore refuses more than 1,000,000).
pub const MAX_KEY_FILE_ITERATIONS: u32 = 1_000_000;

/// `MM-DD` as (month, day), when it is a day every year has.
fn parse_month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let all_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(m) || !all_digits(d) {
        return None;
    }
    let (month, day) = (m.parse().ok()?, d.parse().ok()?);
    // 2001 is not a leap year: 02-29 would make the rule vanish some years.
    chrono::NaiveDate::from_ymd_opt(2001, month, day)?;
    Some((month, day))
}

/// Why a policy file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "政策文件无效：{}（invalid policy file）", self.0)
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// The Shaoguan 2020 policy compiled into the binary.
    pub fn default_shaoguan() -> &'static Policy {
        Policy::shared_default()
    }

    /// The same compiled-in policy as a shared handle, for holders that may
    /// also be given another policy (the draft store): one instance in the
    /// process, however many hold it.
    pub fn shared_default() -> &'static Arc<Policy> {
        static DEFAULT: OnceLock<Arc<Policy>> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            Arc::new(
                Policy::from_json(DEFAULT_POLICY_JSON.as_bytes())
                    .expect("the shipped policy is checked by the test suite"),
            )
        })
    }

    /// Reads and checks a policy from JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let value = crate::input::parse_json(bytes).map_err(|e| PolicyError(e.to_string()))?;
        let policy: Policy =
            serde_json::from_value(value).map_err(|e| PolicyError(e.to_string()))?;
        policy.check()?;
        Ok(policy)
    }

    /// Reads and checks a policy file.
    pub fn from_file(path: &Path) -> Result<Policy, PolicyError> {
        let bytes =
            crate::input::read_file_limited(path).map_err(|e| PolicyError(e.to_string()))?;
        Policy::from_json(&bytes)
    }

    /// Consistency checks a JSON parser cannot make.
    fn check(&self) -> Result<(), PolicyError> {
        let ranges = [
            ("backup.retention_months", self.backup.retention_months),
            ("limits.vcpu", self.limits.vcpu),
            ("limits.memory_gb", self.limits.memory_gb),
            ("limits.quantity", self.limits.quantity),
        ];
        for (name, r) in ranges {
            if r.min > r.max || r.min < 0 {
                return Err(PolicyError(format!(
                    "{name} 的范围 {}–{} 不成立",
                    r.min, r.max
                )));
            }
        }
        if !self
            .backup
            .retention_months
            .contains(self.backup.default_retention_months)
        {
            return Err(PolicyError("默认保存周期不在允许范围内".into()));
        }
        if !(self.major_change.growth_ratio.is_finite() && self.major_change.growth_ratio >= 0.0) {
            return Err(PolicyError("major_change.growth_ratio 必须是非负数".into()));
        }
        if self.operating_systems.contains_key(OS_OTHER) {
            return Err(PolicyError("operating_systems 不得包含保留值 other".into()));
        }
        if parse_month_day(&self.sla.demand_estimate_due).is_none() {
            return Err(PolicyError(format!(
                "sla.demand_estimate_due“{}”应为每年都有的月-日，如 09-30",
                crate::escape::printable(&self.sla.demand_estimate_due)
            )));
        }
        if !(1..=MAX_KEY_FILE_ITERATIONS).contains(&self.key_file.pbkdf2_iterations) {
            return Err(PolicyError(format!(
                "key_file.pbkdf2_iterations 应在 1–{MAX_KEY_FILE_ITERATIONS} 之间"
            )));
        }
        if self.key_file.min_passphrase_chars == 0 {
            return Err(PolicyError("key_file.min_passphrase_chars 至少为 1".into()));
        }
        if self.id.trim().is_empty() || self.version.trim().is_empty() {
            return Err(PolicyError("缺少 id 或 version".into()));
        }
        for form in FormKind::ALL {
            let copies = self.copies.get(&form).copied().unwrap_or(0);
            let holders = self.copy_holders.get(&form).map_or(0, Vec::len);
            if copies == 0 || holders != copies as usize {
                return Err(PolicyError(format!(
                    "{} 的份数与持有方数目不一致",
                    form.key()
                )));
            }
        }
        Ok(())
    }

    /// The label of a server type, if the key is in the catalog.
    pub fn server_type_label(&self, key: &str) -> Option<&str> {
        self.server_types.get(key).map(|e| e.label.as_str())
    }

    /// The label of a network zone, if the key is in the catalog.
    pub fn network_zone_label(&self, key: &str) -> Option<&str> {
        self.network_zones.get(key).map(|e| e.label.as_str())
    }

    /// The label of an operating system, if the key is in the catalog.
    pub fn os_label(&self, key: &str) -> Option<&str> {
        self.operating_systems.get(key).map(|e| e.label.as_str())
    }

    /// The label of a jurisdiction, if the key is in the catalog.
    pub fn jurisdiction_label(&self, key: &str) -> Option<&str> {
        self.jurisdictions.get(key).map(|e| e.label.as_str())
    }

    /// Paper copies of a form (一式N份).
    pub fn copies_of(&self, form: FormKind) -> u32 {
        self.copies.get(&form).copied().unwrap_or(1)
    }

    /// Holder of copy `index` (0-based) of a form, e.g. 「申请单位」.
    pub fn copy_holder(&self, form: FormKind, index: usize) -> Option<&str> {
        self.copy_holders.get(&form)?.get(index).map(String::as_str)
    }
}

/// The `os` value that means "not in the catalog; see `os_other`".
pub const OS_OTHER: &str = "other";

/// The label of [`OS_OTHER`] on screen and paper; the system's name is
/// written beside it (`os_other`).
pub const OS_OTHER_LABEL: &str = "其他";
