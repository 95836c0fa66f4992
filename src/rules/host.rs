//! Rules of one host row (附件1 资源申请信息, and 附件3's before/after rows),
//! of the sizes of a 附件4 row, and of duplicate host names.

use std::collections::HashMap;

use super::common::{catalog_choices, Ctx};
use super::Code;
use crate::document::{Backup, Host};
use crate::policy::{Range, OS_OTHER};
use crate::text::{is_blank, printable};

/// Where a host row sits and how messages name it.
pub struct HostContext {
    /// Concrete path of the row: `hosts[1]`, `items[0].after`.
    pub path: String,
    /// Label pattern of the row: `hosts[]`, `items[].after`.
    pub pattern: &'static str,
    /// How messages name the row: 「第2行主机“bdc-db-01”的」.
    pub owner: String,
}

impl HostContext {
    /// Row `index` (0-based) of 资源申请信息 or 注销资源清单.
    pub fn row(
        array: &'static str,
        pattern: &'static str,
        noun: &str,
        index: usize,
        name: Option<&str>,
    ) -> HostContext {
        HostContext {
            path: format!("{array}[{index}]"),
            pattern,
            owner: row_owner(index, "行", noun, name),
        }
    }

    /// Row `index` of 附件1's host table.
    pub fn application_row(index: usize, host: &Host) -> HostContext {
        HostContext::row("hosts", "hosts[]", "主机", index, host.name.as_deref())
    }

    fn at(&self, field: &str) -> (String, String) {
        (
            format!("{}.{field}", self.path),
            format!("{}.{field}", self.pattern),
        )
    }
}

/// 「第2行主机“bdc-db-01”的」, or 「第2行主机的」 when the name is blank.
/// `unit` is 行 for table rows, 项 for change items.
pub fn row_owner(index: usize, unit: &str, noun: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.trim().is_empty()) {
        Some(n) => format!("第{}{unit}{noun}“{}”的", index + 1, printable(n.trim())),
        None => format!("第{}{unit}{noun}的", index + 1),
    }
}

/// The owner phrase without its final 的, to stand before a verb.
pub fn subject(owner: &str) -> &str {
    owner.strip_suffix('的').unwrap_or(owner)
}

/// Every rule of one host row.
pub fn check_host(ctx: &mut Ctx, host: &Host, at: &HostContext) {
    let policy = ctx.policy;
    let owner = at.owner.as_str();
    let (p, l) = at.at("name");
    ctx.text(host.name.as_deref(), &p, &l, owner);

    let (p, l) = at.at("server_type");
    let choices = catalog_choices(
        policy
            .server_types
            .iter()
            .map(|(k, e)| (k.as_str(), e.label.as_str())),
    );
    ctx.catalog(
        host.server_type.as_deref(),
        |k| policy.server_types.contains_key(k),
        choices,
        &p,
        &l,
        owner,
    );

    let (p, l) = at.at("network_zone");
    let choices = catalog_choices(
        policy
            .network_zones
            .iter()
            .map(|(k, e)| (k.as_str(), e.label.as_str())),
    );
    ctx.catalog(
        host.network_zone.as_deref(),
        |k| policy.network_zones.contains_key(k),
        choices,
        &p,
        &l,
        owner,
    );

    let (p, l) = at.at("os");
    let choices = catalog_choices(
        policy
            .operating_systems
            .iter()
            .map(|(k, e)| (k.as_str(), e.label.as_str()))
            .chain([(OS_OTHER, "其他，须填写其他操作系统")]),
    );
    let os = ctx.catalog(
        host.os.as_deref(),
        |k| k == OS_OTHER || policy.operating_systems.contains_key(k),
        choices,
        &p,
        &l,
        owner,
    );
    if os == Some(OS_OTHER) && is_blank(host.os_other.as_deref()) {
        let (p, l) = at.at("os_other");
        let field = ctx.label(&l);
        ctx.error(
            Code::Required,
            p,
            format!("{owner}操作系统选择了“其他”，请在{field}中写明操作系统名称"),
        );
    }

    check_sizes(
        ctx,
        [host.vcpu, host.memory_gb, host.data_disk_gb, host.quantity],
        at,
    );

    let (p, l) = at.at("backup");
    if let Some(backup) = ctx.present(host.backup.as_ref(), &p, &l, owner) {
        check_backup(ctx, backup, at);
    }
}

/// 配置需求, 数据盘 and 数量 of a row: [vcpu, memory_gb, data_disk_gb, quantity].
pub fn check_sizes(
    ctx: &mut Ctx,
    [vcpu, memory, disk, quantity]: [Option<i64>; 4],
    at: &HostContext,
) {
    let policy = ctx.policy;
    let owner = at.owner.as_str();
    for (field, value, range, unit) in [
        ("vcpu", vcpu, policy.limits.vcpu, "核"),
        ("memory_gb", memory, policy.limits.memory_gb, "GB"),
    ] {
        let (p, l) = at.at(field);
        if let Some(v) = ctx.present(value, &p, &l, owner) {
            if !range.contains(v) {
                let name = if field == "vcpu" { "CPU" } else { "内存" };
                ctx.error(
                    Code::ComputeRange,
                    p,
                    out_of_range(owner, name, v, unit, range),
                );
            }
        }
    }
    let (p, l) = at.at("data_disk_gb");
    if let Some(v) = ctx.present(disk, &p, &l, owner) {
        let min = policy.min_data_disk_gb;
        if v < min {
            ctx.error(
                Code::DataDiskMin,
                p,
                format!("{owner}数据盘为{v}GB，不得小于{min}GB，请改为{min}GB或以上"),
            );
        }
    }
    let (p, l) = at.at("quantity");
    if let Some(v) = ctx.present(quantity, &p, &l, owner) {
        let range = policy.limits.quantity;
        if !range.contains(v) {
            ctx.error(
                Code::QuantityRange,
                p,
                out_of_range(owner, "数量", v, "台", range),
            );
        }
    }
}

fn out_of_range(owner: &str, name: &str, v: i64, unit: &str, range: Range) -> String {
    format!(
        "{owner}{name}为{v}{unit}，超出允许范围，应在{}–{}{unit}之间",
        range.min, range.max
    )
}

/// The backup line under a row.
fn check_backup(ctx: &mut Ctx, backup: &Backup, at: &HostContext) {
    let owner = at.owner.as_str();
    let (p, l) = at.at("backup.required");
    let Some(required) = ctx.present(backup.required, &p, &l, owner) else {
        return;
    };
    let retention = ctx.policy.backup.retention_months;
    if required {
        if backup.data_types.is_empty() {
            ctx.error(
                Code::BackupDataTypeMissing,
                at.at("backup.data_types").0,
                format!(
                    "{}已选择需要备份，请勾选备份数据类型（文件、数据库或虚拟云主机）",
                    subject(owner)
                ),
            );
        }
        if backup.copies.is_empty() {
            ctx.error(
                Code::BackupCopyMissing,
                at.at("backup.copies").0,
                format!(
                    "{}已选择需要备份，请勾选数据副本（本地机房备份、同城容灾备份或异地灾难备份）",
                    subject(owner)
                ),
            );
        }
        if let Some(months) = backup.retention_months {
            if !retention.contains(months) {
                ctx.error(
                    Code::BackupRetentionRange,
                    at.at("backup.retention_months").0,
                    format!(
                        "{owner}数据保存周期为{months}个月，应在{}–{}个月之间（默认{}个月）",
                        retention.min, retention.max, ctx.policy.backup.default_retention_months
                    ),
                );
            }
        }
    } else {
        let filled: Vec<&str> = [
            (!backup.data_types.is_empty(), "备份数据类型"),
            (!backup.copies.is_empty(), "数据副本"),
            (backup.retention_months.is_some(), "数据保存周期"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if !filled.is_empty() {
            ctx.warning(
                Code::BackupWithoutRequired,
                at.at("backup").0,
                format!(
                    "{}勾选了不需要备份，但填写了{}；这些选项不会生效，请取消勾选或改为需要备份",
                    subject(owner),
                    filled.join("、")
                ),
            );
        }
    }
}

/// `duplicate_host_name` on every row whose name (trimmed, ignoring ASCII
/// case, as host names are) repeats an earlier row's.
pub fn check_duplicates<'a>(
    ctx: &mut Ctx,
    names: impl Iterator<Item = Option<&'a str>>,
    array: &str,
    field: &str,
    unit: &str,
) {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (i, name) in names.enumerate() {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            continue;
        };
        match first_seen.get(&name.to_ascii_lowercase()) {
            Some(&first) => ctx.error(
                Code::DuplicateHostName,
                format!("{array}[{i}].{field}"),
                format!(
                    "第{}{unit}的主机名称“{}”与第{}{unit}重复，同一表内主机名称不得重复，请改名或合并为一{unit}",
                    i + 1,
                    printable(name),
                    first + 1
                ),
            ),
            None => {
                first_seen.insert(name.to_ascii_lowercase(), i);
            }
        }
    }
}
