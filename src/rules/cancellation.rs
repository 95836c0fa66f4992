//! Rules of 附件4 资源注销申请表, with the 第二十二条 confirmations.

use super::collector::{is_blank, Ctx, Field};
use super::findings::Code;
use super::host::{check_duplicates, check_sizes, HostContext};
use super::shared::{check_applicant, check_envelope, check_maintainer, check_totals, Term};
use super::totals::Sums;
use crate::document::{Cancellation, DataDisposition};

/// Every rule of a cancellation. Returns the derived 总计 of the returned hosts.
pub fn check(ctx: &mut Ctx, form: &Cancellation) -> Sums {
    check_envelope(ctx, &form.envelope);
    check_applicant(ctx, form.applicant.as_ref(), Term::Optional);
    check_maintainer(ctx, form.maintainer.as_ref());
    ctx.text(
        form.original_application_id.as_deref(),
        Field::top("original_application_id"),
        "",
    );
    ctx.text(form.reason.as_deref(), Field::top("reason"), "");

    let hosts = form.hosts();
    if hosts.is_empty() {
        ctx.error(
            Code::Required,
            "hosts",
            "注销资源清单至少需要填写一行，请添加要注销的主机".into(),
        );
    }
    for (i, host) in hosts.iter().enumerate() {
        let at = HostContext::row("hosts", "hosts[]", "注销资源", i, host.name.as_deref());
        ctx.text(host.name.as_deref(), at.at("name"), at.owner);
        check_sizes(
            ctx,
            [host.vcpu, host.memory_gb, host.data_disk_gb, host.quantity],
            &at,
        );
    }
    check_duplicates(
        ctx,
        hosts.iter().map(|h| h.name.as_deref()),
        "hosts",
        "name",
        "行",
    );
    let sums = Sums::of(hosts);
    check_totals(ctx, form.totals.as_ref(), &sums);

    let offline = ctx.date(
        form.offline_date.as_deref(),
        true,
        Field::top("offline_date"),
        "",
    );
    if let Some(disposition) = ctx.present(
        form.data_disposition.as_ref(),
        Field::top("data_disposition"),
        "",
    ) {
        check_disposition(ctx, disposition, offline);
    }
    for (path, ticked) in [
        ("confirm_offline", form.confirm_offline),
        ("confirm_data_handled", form.confirm_data_handled),
    ] {
        if !ticked {
            let label = ctx.label(path);
            ctx.error(
                Code::CancellationUnconfirmed,
                path,
                format!("未确认“{label}”：按第二十二条，注销前须完成系统下线和数据迁移备份，完成后请勾选此项"),
            );
        }
    }
    sums
}

fn check_disposition(
    ctx: &mut Ctx,
    disposition: &DataDisposition,
    offline: Option<chrono::NaiveDate>,
) {
    const OWNER: &str = "数据处置：";
    let missing = |ctx: &mut Ctx, path: &str, what: &str| {
        ctx.error(
            Code::DispositionIncomplete,
            path,
            format!("{OWNER}{what}未填写，请补充"),
        );
    };
    match disposition {
        DataDisposition::Migrated { target } => {
            if is_blank(target.as_deref()) {
                missing(ctx, "data_disposition.target", "已迁移的迁移目标");
            }
        }
        DataDisposition::BackedUp {
            location,
            keep_until,
        } => {
            if is_blank(location.as_deref()) {
                missing(ctx, "data_disposition.location", "已备份的备份位置");
            }
            if is_blank(keep_until.as_deref()) {
                missing(
                    ctx,
                    "data_disposition.keep_until",
                    "已备份的保存期限（保存至）",
                );
            } else {
                let until = ctx.date(
                    keep_until.as_deref(),
                    false,
                    Field::new("data_disposition", "keep_until"),
                    OWNER,
                );
                ctx.order(offline, until, "data_disposition.keep_until", |o, u| {
                    format!("{OWNER}备份保存至 {u}，早于系统下线日期 {o}，请改正保存期限")
                });
            }
        }
        DataDisposition::Destroy {} => {}
    }
}
