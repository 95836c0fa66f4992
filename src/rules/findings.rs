//! Findings: the stable codes of SPEC §3, severities, and their order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A rule code. The `snake_case` names are the contract (SPEC §3, §7); three
/// codes are additions of this implementation: `type_mismatch`, `date_format`
/// and `estimate_negative`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required field is missing or blank.
    Required,
    /// The JSON has a field the schema does not know.
    UnknownField,
    /// A value outside its allowed set.
    EnumValue,
    /// A value of the wrong JSON type (text where a number belongs, …).
    TypeMismatch,
    /// Text holding a control or invisible formatting character (U+0007,
    /// U+202E, …), which a form cannot print.
    ControlCharacter,
    /// Not a mainland mobile or landline number.
    PhoneFormat,
    /// Not a plausible e-mail address.
    EmailFormat,
    /// Not a date in `YYYY-MM-DD` (or a time in RFC 3339).
    DateFormat,
    /// Dates in an impossible order.
    DateOrder,
    /// A data disk below the policy minimum.
    DataDiskMin,
    /// vCPU or memory outside the policy's limits.
    ComputeRange,
    /// Quantity outside the policy's limits.
    QuantityRange,
    /// Two rows with the same host name.
    DuplicateHostName,
    /// Backup required but no data type chosen.
    BackupDataTypeMissing,
    /// Backup required but no copy location chosen.
    BackupCopyMissing,
    /// Retention outside the policy's bounds.
    BackupRetentionRange,
    /// Backup options filled although 不需要备份 is ticked (warning).
    BackupWithoutRequired,
    /// Imported totals differ from the rows.
    TotalsMismatch,
    /// An application submitted without its security pledge.
    PledgeMissing,
    /// Pledge and application name different units.
    PledgeUnitMismatch,
    /// A change that is 重大变更.
    MajorChange,
    /// A change item whose before and after are equal.
    ChangeNoEffect,
    /// A 第二十二条 confirmation not ticked.
    CancellationUnconfirmed,
    /// The chosen data disposition lacks its target, location or date.
    DispositionIncomplete,
    /// A demand estimate whose 预估年度 is not after the year it was filed in.
    EstimateYear,
    /// A demand estimate filed after the policy's due date (warning).
    EstimateLate,
    /// An estimate row's storage below 主机(台) × the policy's minimum data disk.
    EstimateStorageMin,
    /// An estimate row's number below zero (an addition of this
    /// implementation: SPEC §7 asks for integers ≥ 0 without naming a code).
    EstimateNegative,
    /// The same using unit and system twice in one estimate.
    DuplicateSystem,
}

impl Code {
    /// Every code, in the order of SPEC §3.
    pub const ALL: [Code; 29] = [
        Code::Required,
        Code::UnknownField,
        Code::EnumValue,
        Code::TypeMismatch,
        Code::ControlCharacter,
        Code::PhoneFormat,
        Code::EmailFormat,
        Code::DateFormat,
        Code::DateOrder,
        Code::DataDiskMin,
        Code::ComputeRange,
        Code::QuantityRange,
        Code::DuplicateHostName,
        Code::BackupDataTypeMissing,
        Code::BackupCopyMissing,
        Code::BackupRetentionRange,
        Code::BackupWithoutRequired,
        Code::TotalsMismatch,
        Code::PledgeMissing,
        Code::PledgeUnitMismatch,
        Code::MajorChange,
        Code::ChangeNoEffect,
        Code::CancellationUnconfirmed,
        Code::DispositionIncomplete,
        Code::EstimateYear,
        Code::EstimateLate,
        Code::EstimateStorageMin,
        Code::EstimateNegative,
        Code::DuplicateSystem,
    ];

    /// The code as it appears in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::UnknownField => "unknown_field",
            Code::EnumValue => "enum_value",
            Code::TypeMismatch => "type_mismatch",
            Code::ControlCharacter => "control_character",
            Code::PhoneFormat => "phone_format",
            Code::EmailFormat => "email_format",
            Code::DateFormat => "date_format",
            Code::DateOrder => "date_order",
            Code::DataDiskMin => "data_disk_min",
            Code::ComputeRange => "compute_range",
            Code::QuantityRange => "quantity_range",
            Code::DuplicateHostName => "duplicate_host_name",
            Code::BackupDataTypeMissing => "backup_data_type_missing",
            Code::BackupCopyMissing => "backup_copy_missing",
            Code::BackupRetentionRange => "backup_retention_range",
            Code::BackupWithoutRequired => "backup_without_required",
            Code::TotalsMismatch => "totals_mismatch",
            Code::PledgeMissing => "pledge_missing",
            Code::PledgeUnitMismatch => "pledge_unit_mismatch",
            Code::MajorChange => "major_change",
            Code::ChangeNoEffect => "change_no_effect",
            Code::CancellationUnconfirmed => "cancellation_unconfirmed",
            Code::DispositionIncomplete => "disposition_incomplete",
            Code::EstimateYear => "estimate_year",
            Code::EstimateLate => "estimate_late",
            Code::EstimateStorageMin => "estimate_storage_min",
            Code::EstimateNegative => "estimate_negative",
            Code::DuplicateSystem => "duplicate_system",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `error` blocks the signed export; `warning` does not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the final export.
    Error,
    /// Shown, but does not block.
    Warning,
}

impl Severity {
    /// 错误 / 提醒.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提醒",
        }
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Finding {
    /// Stable rule code.
    pub code: Code,
    /// Whether it blocks the final export.
    pub severity: Severity,
    /// Where: `hosts[2].data_disk_gb`; empty for the document as a whole.
    pub path: String,
    /// What is wrong and how to fix it, in Chinese, naming the paper label.
    pub message: String,
}

impl Finding {
    /// An error finding.
    pub fn error(code: Code, path: impl Into<String>, message: String) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            path: path.into(),
            message,
        }
    }

    /// A warning finding.
    pub fn warning(code: Code, path: impl Into<String>, message: String) -> Finding {
        Finding {
            code,
            severity: Severity::Warning,
            path: path.into(),
            message,
        }
    }
}

/// A path split into comparable parts, so that `hosts[10]` sorts after `hosts[2]`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part<'a> {
    Index(u64),
    Name(&'a str),
}

fn path_key(path: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    for segment in path.split('.') {
        let mut rest = segment;
        if let Some(open) = rest.find('[') {
            parts.push(Part::Name(&rest[..open]));
            rest = &rest[open..];
            while let Some(inner) = rest.strip_prefix('[') {
                let close = inner.find(']').unwrap_or(inner.len());
                parts.push(Part::Index(inner[..close].parse().unwrap_or(u64::MAX)));
                rest = inner.get(close + 1..).unwrap_or("");
            }
        } else {
            parts.push(Part::Name(rest));
        }
    }
    parts
}

/// Sorts findings by path (numeric indices in numeric order), then code, then
/// message, so that the same document always gives the same list.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        path_key(&a.path)
            .cmp(&path_key(&b.path))
            .then(a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_sort_numerically() {
        let mut f: Vec<Finding> = ["hosts[10].name", "hosts[2].name", "applicant.email", ""]
            .iter()
            .map(|p| Finding::error(Code::Required, *p, String::new()))
            .collect();
        sort(&mut f);
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["", "applicant.email", "hosts[2].name", "hosts[10].name"]
        );
    }

    #[test]
    fn codes_serialize_as_their_names() {
        for code in Code::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
