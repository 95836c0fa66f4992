//! Rules of one host row (附件1 资源申请信息, and 附件3's before/after rows),
//! of the sizes of a 附件4 row, and of duplicate host names.

use std::collections::HashMap;
use std::fmt::{self, Display};

use super::collector::{catalog_choices, is_blank, Ctx, Field};
use super::findings::Code;
use crate::document::{Backup, Host};
use crate::escape::printable;
use crate::policy::{CatalogEntry, Range, OS_OTHER};
use indexmap::IndexMap;

/// Where a host row sits and how messages name it.
pub struct HostContext<'a> {
    /// Concrete path of the row: `hosts[1]`, `items[0].after`.
    pub path: String,
    /// Label pattern of the row: `hosts[]`, `items[].after`.
    pub pattern: &'static str,
    /// How messages name the row: 「第2行主机“bdc-db-01”的」.
    pub owner: RowOwner<'a>,
}

impl<'a> HostContext<'a> {
    /// Row `index` (0-based) of 资源申请信息 or 注销资源清单.
    pub fn row(
        array: &'static str,
        pattern: &'static str,
        noun: &'static str,
        index: usize,
        name: Option<&'a str>,
    ) -> HostContext<'a> {
        HostContext {
            path: format!("{array}[{index}]"),
            pattern,
            owner: RowOwner {
                index,
                unit: "行",
                noun,
                name,
                side: "",
            },
        }
    }

    /// Row `index` of 附件1's host table.
    pub fn application_row(index: usize, host: &'a Host) -> HostContext<'a> {
        HostContext::row("hosts", "hosts[]", "主机", index, host.name.as_deref())
    }

    /// A field of this row.
    pub fn at<'f>(&'f self, name: &'f str) -> Field<'f> {
        Field::under(&self.path, self.pattern, name)
    }
}

/// How messages name a row: 「第2行主机“bdc-db-01”的」, 「第1项变更“x”变更后的」,
/// or 「第2行主机的」 when the name is blank. Formatted only when a message
/// is written, since most rows have none.
#[derive(Clone, Copy)]
pub struct RowOwner<'a> {
    /// 0-based position.
    pub index: usize,
    /// 行 for table rows, 项 for change items.
    pub unit: &'static str,
    /// What the row is: 主机, 变更, 注销资源.
    pub noun: &'static str,
    /// The row's host name, if filled in.
    pub name: Option<&'a str>,
    /// A part of the row, e.g. 变更后; empty for the whole row.
    pub side: &'static str,
}

impl<'a> RowOwner<'a> {
    /// The phrase without its final 的, to stand before a verb.
    pub fn subject(self) -> impl Display + 'a {
        Subject(self)
    }

    fn write_subject(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}{}{}", self.index + 1, self.unit, self.noun)?;
        if let Some(n) = self.name.map(str::trim).filter(|n| !n.is_empty()) {
            write!(f, "“{}”", printable(n))?;
        }
        f.write_str(self.side)
    }
}

impl Display for RowOwner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_subject(f)?;
        f.write_str("的")
    }
}

struct Subject<'a>(RowOwner<'a>);

impl Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_subject(f)
    }
}

/// Every rule of one host row.
pub fn check_host(ctx: &mut Ctx, host: &Host, at: &HostContext) {
    let policy = ctx.policy;
    let owner = at.owner;
    ctx.text(host.name.as_deref(), at.at("name"), owner);

    let labels = |entries: &IndexMap<String, CatalogEntry>| {
        catalog_choices(entries.iter().map(|(k, e)| (k.as_str(), e.label.as_str())))
    };
    ctx.catalog(
        host.server_type.as_deref(),
        |k| policy.server_types.contains_key(k),
        || labels(&policy.server_types),
        at.at("server_type"),
        owner,
    );
    ctx.catalog(
        host.network_zone.as_deref(),
        |k| policy.network_zones.contains_key(k),
        || labels(&policy.network_zones),
        at.at("network_zone"),
        owner,
    );
    let os = ctx.catalog(
        host.os.as_deref(),
        |k| k == OS_OTHER || policy.operating_systems.contains_key(k),
        || {
            catalog_choices(
                policy
                    .operating_systems
                    .iter()
                    .map(|(k, e)| (k.as_str(), e.label.as_str()))
                    .chain([(OS_OTHER, "其他，须填写其他操作系统")]),
            )
        },
        at.at("os"),
        owner,
    );
    if os == Some(OS_OTHER) && is_blank(host.os_other.as_deref()) {
        let f = at.at("os_other");
        let field = ctx.label(&f.pattern());
        ctx.error(
            Code::Required,
            f.path(),
            format!("{owner}操作系统选择了“其他”，请在{field}中写明操作系统名称"),
        );
    }

    check_sizes(
        ctx,
        [host.vcpu, host.memory_gb, host.data_disk_gb, host.quantity],
        at,
    );

    let f = at.at("backup");
    if let Some(backup) = ctx.present(host.backup.as_ref(), f, owner) {
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
    let owner = at.owner;
    for (field, value, range, unit) in [
        ("vcpu", vcpu, policy.limits.vcpu, "核"),
        ("memory_gb", memory, policy.limits.memory_gb, "GB"),
    ] {
        let f = at.at(field);
        if let Some(v) = ctx.present(value, f, owner) {
            if !range.contains(v) {
                let name = if field == "vcpu" { "CPU" } else { "内存" };
                ctx.error(
                    Code::ComputeRange,
                    f.path(),
                    out_of_range(owner, name, v, unit, range),
                );
            }
        }
    }
    let f = at.at("data_disk_gb");
    if let Some(v) = ctx.present(disk, f, owner) {
        let min = policy.min_data_disk_gb;
        if v < min {
            ctx.error(
                Code::DataDiskMin,
                f.path(),
                format!("{owner}数据盘为{v}GB，不得小于{min}GB，请改为{min}GB或以上"),
            );
        }
    }
    let f = at.at("quantity");
    if let Some(v) = ctx.present(quantity, f, owner) {
        let range = policy.limits.quantity;
        if !range.contains(v) {
            ctx.error(
                Code::QuantityRange,
                f.path(),
                out_of_range(owner, "数量", v, "台", range),
            );
        }
    }
}

fn out_of_range(owner: RowOwner, name: &str, v: i64, unit: &str, range: Range) -> String {
    format!(
        "{owner}{name}为{v}{unit}，超出允许范围，应在{}–{}{unit}之间",
        range.min, range.max
    )
}

/// The backup line under a row.
fn check_backup(ctx: &mut Ctx, backup: &Backup, at: &HostContext) {
    let owner = at.owner;
    let f = at.at("backup.required");
    let Some(required) = ctx.present(backup.required, f, owner) else {
        return;
    };
    let retention = ctx.policy.backup.retention_months;
    if required {
        if backup.data_types.is_empty() {
            ctx.error(
                Code::BackupDataTypeMissing,
                at.at("backup.data_types").path(),
                format!(
                    "{}已选择需要备份，请勾选备份数据类型（文件、数据库或虚拟云主机）",
                    owner.subject()
                ),
            );
        }
        if backup.copies.is_empty() {
            ctx.error(
                Code::BackupCopyMissing,
                at.at("backup.copies").path(),
                format!(
                    "{}已选择需要备份，请勾选数据副本（本地机房备份、同城容灾备份或异地灾难备份）",
                    owner.subject()
                ),
            );
        }
        if let Some(months) = backup.retention_months {
            if !retention.contains(months) {
                ctx.error(
                    Code::BackupRetentionRange,
                    at.at("backup.retention_months").path(),
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
                at.at("backup").path(),
                format!(
                    "{}勾选了不需要备份，但填写了{}；这些选项不会生效，请取消勾选或改为需要备份",
                    owner.subject(),
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
