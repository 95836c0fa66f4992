//! Rules of 附件1 资源申请表: its blocks, at least one host row, each row,
//! duplicate host names and the imported 总计.

use super::collector::Ctx;
use super::findings::Code;
use super::host::{check_duplicates, check_host, HostContext};
use super::shared::{check_applicant, check_envelope, check_maintainer, check_totals, Term};
use super::totals::Sums;
use crate::document::Application;

/// 附件1 资源申请表. Returns the derived 总计.
pub fn check(ctx: &mut Ctx, app: &Application) -> Sums {
    check_envelope(ctx, &app.envelope);
    check_applicant(ctx, app.applicant.as_ref(), Term::Required);
    check_maintainer(ctx, app.maintainer.as_ref());
    let hosts = app.hosts();
    if hosts.is_empty() {
        ctx.error(
            Code::Required,
            "hosts",
            "资源申请信息至少需要填写一行主机，请添加主机".into(),
        );
    }
    for (i, host) in hosts.iter().enumerate() {
        check_host(ctx, host, &HostContext::application_row(i, host));
    }
    check_duplicates(
        ctx,
        hosts.iter().map(|h| h.name.as_deref()),
        "hosts",
        "name",
        "行",
    );
    let sums = Sums::of(hosts);
    check_totals(ctx, app.totals.as_ref(), &sums);
    sums
}
