//! Rules of 附件3 资源变更申请表, with 重大变更 detection (第二十一条, SPEC §2.3).

use super::collector::{Ctx, Field};
use super::findings::Code;
use super::host::{check_duplicates, check_host, HostContext, RowOwner};
use super::shared::{check_applicant, check_envelope, check_maintainer, Term};
use super::totals::Sums;
use crate::document::{Change, ChangeItem, Host};
use crate::escape::printable;
use crate::policy::{Policy, OS_OTHER};

/// Every rule of a change form.
pub fn check(ctx: &mut Ctx, change: &Change) {
    check_envelope(ctx, &change.envelope);
    let applied = check_applicant(ctx, change.applicant.as_ref(), Term::Optional);
    check_maintainer(ctx, change.maintainer.as_ref());
    ctx.text(
        change.original_application_id.as_deref(),
        Field::top("original_application_id"),
        "",
    );
    ctx.text(change.reason.as_deref(), Field::top("reason"), "");
    let expected = ctx.date(
        change.expected_date.as_deref(),
        false,
        Field::top("expected_date"),
        "",
    );
    ctx.order(applied, expected, "expected_date", |a, e| {
        format!("期望完成日期 {e} 早于申请日期 {a}，请改正期望完成日期")
    });

    let items = change.items();
    if items.is_empty() {
        ctx.error(
            Code::Required,
            "items",
            "变更内容至少需要填写一项，请添加变更的主机".into(),
        );
    }
    for (i, item) in items.iter().enumerate() {
        check_item(ctx, i, item);
    }
    check_duplicates(
        ctx,
        items.iter().map(|it| it.host_name.as_deref()),
        "items",
        "host_name",
        "项",
    );
    check_major(ctx, items);
}

fn check_item(ctx: &mut Ctx, i: usize, item: &ChangeItem) {
    let owner = RowOwner {
        index: i,
        unit: "项",
        noun: "变更",
        name: item.host_name.as_deref(),
        side: "",
    };
    let base = format!("items[{i}]");
    let path = |f: &str| format!("{base}.{f}");
    let field = |name| Field::under(&base, "items[]", name);
    ctx.text(item.host_name.as_deref(), field("host_name"), owner);
    ctx.present(item.change_type, field("change_type"), owner);
    let before = ctx.present(item.before.as_ref(), field("before"), owner);
    let after = ctx.present(item.after.as_ref(), field("after"), owner);
    for (side, pattern, row, word) in [
        ("before", "items[].before", before, "变更前"),
        ("after", "items[].after", after, "变更后"),
    ] {
        if let Some(row) = row {
            let at = HostContext {
                path: path(side),
                pattern,
                owner: RowOwner {
                    side: word,
                    ..owner
                },
            };
            check_host(ctx, row, &at);
        }
    }
    if let (Some(b), Some(a)) = (before, after) {
        if same_resources(b, a) {
            ctx.error(
                Code::ChangeNoEffect,
                path("after"),
                format!("{}变更前与变更后的配置完全相同，此项没有变更任何内容，请修改变更后的配置或删除此项", owner.subject()),
            );
        }
    }
}

/// Equal rows, ignoring 备注, which changes nothing on the cloud.
fn same_resources(before: &Host, after: &Host) -> bool {
    Host {
        remarks: None,
        ..before.clone()
    } == Host {
        remarks: None,
        ..after.clone()
    }
}

/// The family used to compare operating systems: the policy's family, or for
/// `other` the named system itself.
fn os_family(policy: &Policy, host: &Host) -> Option<String> {
    let os = host.os.as_deref()?.trim();
    if os == OS_OTHER {
        return host
            .os_other
            .as_deref()
            .map(|o| format!("other:{}", o.trim().to_lowercase()));
    }
    policy.operating_systems.get(os).map(|e| e.family.clone())
}

/// 重大变更: another network zone, another OS family, or total vCPU, memory or
/// storage growing by more than the policy's ratio.
fn check_major(ctx: &mut Ctx, items: &[ChangeItem]) {
    let rule = ctx.policy.major_change.clone();
    const ADVICE: &str = "属于重大变更（第二十一条），不能以变更申请提交，请按第十九条重新填写资源申请表（附件1），完成后对原资源填写注销申请表（附件4）";
    for (i, item) in items.iter().enumerate() {
        let (Some(before), Some(after)) = (&item.before, &item.after) else {
            continue;
        };
        let owner = RowOwner {
            index: i,
            unit: "项",
            noun: "变更",
            name: item.host_name.as_deref(),
            side: "",
        };
        if rule.zone_change {
            if let (Some(b), Some(a)) = (
                before.network_zone.as_deref(),
                after.network_zone.as_deref(),
            ) {
                if b.trim() != a.trim() {
                    let label = |k: &str| {
                        ctx.policy
                            .network_zone_label(k.trim())
                            .map_or_else(|| printable(k), str::to_owned)
                    };
                    let message =
                        format!("{owner}网络区域由{}改为{}，{ADVICE}", label(b), label(a));
                    ctx.error(
                        Code::MajorChange,
                        format!("items[{i}].after.network_zone"),
                        message,
                    );
                }
            }
        }
        if rule.os_family_change {
            let (b, a) = (os_family(ctx.policy, before), os_family(ctx.policy, after));
            if let (Some(b), Some(a)) = (b, a) {
                if b != a {
                    let message = format!("{owner}操作系统类别发生改变，{ADVICE}");
                    ctx.error(Code::MajorChange, format!("items[{i}].after.os"), message);
                }
            }
        }
    }
    let before = Sums::of(items.iter().filter_map(|it| it.before.as_ref()));
    let after = Sums::of(items.iter().filter_map(|it| it.after.as_ref()));
    let grown: Vec<String> = [
        ("CPU", before.vcpu, after.vcpu, "核"),
        ("内存", before.memory_gb, after.memory_gb, "G"),
        ("存储", before.storage_gb, after.storage_gb, "G"),
    ]
    .into_iter()
    .filter(|(_, b, a, _)| grows_more_than(*b, *a, rule.growth_ratio))
    .map(|(name, b, a, unit)| format!("{name}由{b}{unit}增至{a}{unit}"))
    .collect();
    if !grown.is_empty() {
        let limit = rule.growth_words();
        ctx.error(
            Code::MajorChange,
            "items",
            format!(
                "变更后总量增长超过{limit}（{}），{ADVICE}",
                grown.join("，")
            ),
        );
    }
}

/// True when `after` exceeds `before` by more than `ratio × before`.
/// Exactly doubling with ratio 1.0 is not "more than".
pub fn grows_more_than(before: i64, after: i64, ratio: f64) -> bool {
    if after <= before {
        return false;
    }
    if before <= 0 {
        return true;
    }
    (after - before) as f64 > ratio * before as f64
}

#[cfg(test)]
mod tests {
    use super::grows_more_than;

    #[test]
    fn doubling_is_not_more_than_doubling() {
        assert!(!grows_more_than(8, 16, 1.0));
        assert!(grows_more_than(8, 17, 1.0));
        assert!(!grows_more_than(8, 4, 1.0));
        assert!(grows_more_than(0, 1, 1.0));
        assert!(!grows_more_than(100, 150, 0.5));
        assert!(grows_more_than(100, 151, 0.5));
    }
}
