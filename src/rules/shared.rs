//! Blocks several forms share: the envelope, 资源使用单位信息 (附件1, 3, 4),
//! 所属地区 (with the demand estimate), 维护单位/部门信息 and an imported 总计.

use chrono::NaiveDate;

use super::collector::{catalog_choices, Ctx, Field};
use super::findings::Code;
use super::format::is_rfc3339;
use super::totals::{mismatches, Sums};
use crate::document::{Applicant, Envelope, Maintainer, Totals};
use crate::escape::printable;

/// The envelope: `id` required, timestamps in RFC 3339 when present.
pub fn check_envelope(ctx: &mut Ctx, envelope: &Envelope) {
    ctx.text(envelope.id.as_deref(), Field::top("id"), "");
    for (path, value) in [
        ("created_at", &envelope.created_at),
        ("updated_at", &envelope.updated_at),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            if !is_rfc3339(v) {
                let field = ctx.label(path);
                ctx.error(
                    Code::DateFormat,
                    path,
                    format!(
                        "{field}“{}”不是有效时间，应为 RFC 3339 格式，如 2026-03-01T09:30:00+08:00",
                        printable(v)
                    ),
                );
            }
        }
    }
}

/// Whether the 申请期限 is required (附件1) or optional (附件3, 附件4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Required,
    Optional,
}

/// 资源使用单位信息. Returns the 申请日期 when valid, for date orders.
pub fn check_applicant(
    ctx: &mut Ctx,
    applicant: Option<&Applicant>,
    term: Term,
) -> Option<NaiveDate> {
    const OWNER: &str = "资源使用单位信息：";
    let a = ctx.present(applicant, Field::top("applicant"), "")?;
    ctx.text(
        a.unit_name.as_deref(),
        Field::new("applicant", "unit_name"),
        OWNER,
    );
    ctx.text(
        a.contact_name.as_deref(),
        Field::new("applicant", "contact_name"),
        OWNER,
    );
    ctx.phone(
        a.contact_phone.as_deref(),
        Field::new("applicant", "contact_phone"),
        OWNER,
    );
    ctx.email(a.email.as_deref(), Field::new("applicant", "email"), OWNER);
    let applied = ctx.date(
        a.application_date.as_deref(),
        true,
        Field::new("applicant", "application_date"),
        OWNER,
    );
    let needed = term == Term::Required;
    let start = ctx.date(
        a.term_start.as_deref(),
        needed,
        Field::new("applicant", "term_start"),
        OWNER,
    );
    let end = ctx.date(
        a.term_end.as_deref(),
        needed,
        Field::new("applicant", "term_end"),
        OWNER,
    );
    ctx.order(start, end, "applicant.term_end", |s, e| {
        format!("资源使用单位信息：申请期限的结束日期 {e} 早于开始日期 {s}，请改正申请期限")
    });
    let term_ordered = start.zip(end).is_none_or(|(s, e)| s <= e);
    ctx.order(
        applied.filter(|_| term_ordered),
        end,
        "applicant.term_end",
        |a, e| format!("资源使用单位信息：申请期限在 {e} 已结束，早于申请日期 {a}，请改正申请期限"),
    );
    ctx.text(
        a.system_name.as_deref(),
        Field::new("applicant", "system_name"),
        OWNER,
    );
    ctx.text(
        a.project_name.as_deref(),
        Field::new("applicant", "project_name"),
        OWNER,
    );
    check_jurisdiction(
        ctx,
        a.jurisdiction.as_deref(),
        Field::new("applicant", "jurisdiction"),
        OWNER,
    );
    applied
}

/// 所属地区: required, a key of the policy's `jurisdictions` (第二十三条).
pub fn check_jurisdiction(ctx: &mut Ctx, value: Option<&str>, f: Field, owner: &str) {
    let policy = ctx.policy;
    ctx.catalog(
        value,
        |k| policy.jurisdictions.contains_key(k),
        || {
            catalog_choices(
                policy
                    .jurisdictions
                    .iter()
                    .map(|(k, e)| (k.as_str(), e.label.as_str())),
            )
        },
        f,
        owner,
    );
}

/// 维护单位/部门信息.
pub fn check_maintainer(ctx: &mut Ctx, maintainer: Option<&Maintainer>) {
    const OWNER: &str = "维护单位/部门信息：";
    let Some(m) = ctx.present(maintainer, Field::top("maintainer"), "") else {
        return;
    };
    ctx.text(
        m.unit_name.as_deref(),
        Field::new("maintainer", "unit_name"),
        OWNER,
    );
    ctx.present(m.nature, Field::new("maintainer", "nature"), OWNER);
    ctx.text(
        m.lead_name.as_deref(),
        Field::new("maintainer", "lead_name"),
        OWNER,
    );
    ctx.phone(m.phone.as_deref(), Field::new("maintainer", "phone"), OWNER);
    ctx.email(m.email.as_deref(), Field::new("maintainer", "email"), OWNER);
}

/// `totals_mismatch` for each imported component that disagrees with the rows.
pub fn check_totals(ctx: &mut Ctx, imported: Option<&Totals>, derived: &Sums) {
    let Some(imported) = imported else { return };
    for (key, label, got, want) in mismatches(imported, derived) {
        ctx.error(
            Code::TotalsMismatch,
            format!("totals.{key}"),
            format!(
                "总计中的{label}为{got}，但按各行计算应为{want}；总计由各行自动计算，请删除或改正"
            ),
        );
    }
}
