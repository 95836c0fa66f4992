//! What the rules of all four forms share: the finding collector with its
//! label look-up, and the checks of text, phone, e-mail and date fields and of
//! the 资源使用单位信息 / 维护单位 blocks. Also the rules of 附件1 itself.

use std::fmt::Display;

use chrono::NaiveDate;

use super::format::{is_email, is_phone, is_rfc3339, parse_date};
use super::host::{check_duplicates, check_host, HostContext};
use super::totals::{mismatches, Sums};
use super::{Code, Finding};
use crate::document::{Applicant, Application, Envelope, FormKind, Maintainer, Totals};
use crate::escape::printable;
use crate::labels::label;
use crate::policy::Policy;

/// A field a rule looks at: its concrete path (`hosts[1].vcpu`) and its label
/// pattern (`hosts[].vcpu`), both put together only when a finding is made.
#[derive(Clone, Copy)]
pub struct Field<'a> {
    base: &'a str,
    pattern_base: &'a str,
    name: &'a str,
}

impl<'a> Field<'a> {
    /// A member of a top-level object: `Field::new("applicant", "email")`.
    pub fn new(base: &'a str, name: &'a str) -> Field<'a> {
        Field {
            base,
            pattern_base: base,
            name,
        }
    }

    /// A top-level member of the document.
    pub fn top(name: &'a str) -> Field<'a> {
        Field {
            base: "",
            pattern_base: "",
            name,
        }
    }

    /// A member of a row: `Field::under("hosts[2]", "hosts[]", "vcpu")`.
    pub fn under(base: &'a str, pattern_base: &'a str, name: &'a str) -> Field<'a> {
        Field {
            base,
            pattern_base,
            name,
        }
    }

    /// The concrete path.
    pub fn path(&self) -> String {
        join(self.base, self.name)
    }

    /// The label pattern.
    pub fn pattern(&self) -> String {
        join(self.pattern_base, self.name)
    }
}

/// True when a text field counts as not filled in: missing, empty or white space.
pub fn is_blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{name}")
    }
}

/// Collects findings for one document.
pub struct Ctx<'p> {
    /// The form being checked, for label look-ups.
    pub form: FormKind,
    /// The policy the numbers come from.
    pub policy: &'p Policy,
    findings: Vec<Finding>,
}

impl<'p> Ctx<'p> {
    pub fn new(form: FormKind, policy: &'p Policy) -> Ctx<'p> {
        Ctx {
            form,
            policy,
            findings: Vec::new(),
        }
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    pub fn error(&mut self, code: Code, path: impl Into<String>, message: String) {
        self.findings.push(Finding::error(code, path, message));
    }

    pub fn warning(&mut self, code: Code, path: impl Into<String>, message: String) {
        self.findings.push(Finding::warning(code, path, message));
    }

    /// The paper label of a field of this form (`hosts[].vcpu`).
    pub fn label(&self, pattern: &str) -> &'static str {
        label(self.form, pattern)
    }

    fn missing(&mut self, f: Field, owner: impl Display) {
        let field = self.label(&f.pattern());
        self.error(
            Code::Required,
            f.path(),
            format!("{owner}{field}未填写，请填写{field}"),
        );
    }

    /// `required` when the text is missing or blank; the trimmed text otherwise.
    pub fn text<'a>(
        &mut self,
        value: Option<&'a str>,
        f: Field,
        owner: impl Display,
    ) -> Option<&'a str> {
        if is_blank(value) {
            self.missing(f, owner);
            return None;
        }
        value.map(str::trim)
    }

    /// `required` when a value that is not text is missing.
    pub fn present<T>(&mut self, value: Option<T>, f: Field, owner: impl Display) -> Option<T> {
        if value.is_none() {
            self.missing(f, owner);
        }
        value
    }

    /// A required phone number in the format of [`is_phone`].
    pub fn phone(&mut self, value: Option<&str>, f: Field, owner: impl Display + Copy) {
        let Some(v) = self.text(value, f, owner) else {
            return;
        };
        if !is_phone(v) {
            let field = self.label(&f.pattern());
            let message = format!(
                "{owner}{field}“{}”格式不正确，应为11位手机号（如13800138000）或带区号的固定电话（如0751-8888888）",
                printable(v)
            );
            self.error(Code::PhoneFormat, f.path(), message);
        }
    }

    /// A required e-mail address.
    pub fn email(&mut self, value: Option<&str>, f: Field, owner: impl Display + Copy) {
        let Some(v) = self.text(value, f, owner) else {
            return;
        };
        if !is_email(v) {
            let field = self.label(&f.pattern());
            let message = format!(
                "{owner}{field}“{}”不是有效的电子邮箱地址，应形如 name@example.gov.cn",
                printable(v)
            );
            self.error(Code::EmailFormat, f.path(), message);
        }
    }

    /// A date field: `required` when `needed` and blank, `date_format` when
    /// not `YYYY-MM-DD`. Returns the date when it is one.
    pub fn date(
        &mut self,
        value: Option<&str>,
        needed: bool,
        f: Field,
        owner: &str,
    ) -> Option<NaiveDate> {
        let value = if needed {
            self.text(value, f, owner)?
        } else {
            value.map(str::trim).filter(|v| !v.is_empty())?
        };
        let date = parse_date(value);
        if date.is_none() {
            let field = self.label(&f.pattern());
            let message = format!(
                "{owner}{field}“{}”不是有效日期，请按“年-月-日”填写，如 2026-03-01",
                printable(value)
            );
            self.error(Code::DateFormat, f.path(), message);
        }
        date
    }

    /// `date_order` when `later` is before `earlier`.
    pub fn order(
        &mut self,
        earlier: Option<NaiveDate>,
        later: Option<NaiveDate>,
        path: &str,
        message: impl FnOnce(NaiveDate, NaiveDate) -> String,
    ) {
        if let (Some(a), Some(b)) = (earlier, later) {
            if b < a {
                self.error(Code::DateOrder, path, message(a, b));
            }
        }
    }

    /// A key that must be in a policy catalog: `required` when blank,
    /// `enum_value` when unknown. `choices` lists the allowed values for the
    /// message and is only called when one is needed.
    pub fn catalog<'a>(
        &mut self,
        value: Option<&'a str>,
        known: impl Fn(&str) -> bool,
        choices: impl FnOnce() -> String,
        f: Field,
        owner: impl Display + Copy,
    ) -> Option<&'a str> {
        let v = self.text(value, f, owner)?;
        if known(v) {
            return Some(v);
        }
        let field = self.label(&f.pattern());
        let message = format!(
            "{owner}{field}“{}”不在可选范围内，应为：{}",
            printable(v),
            choices()
        );
        self.error(Code::EnumValue, f.path(), message);
        None
    }
}

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
    let policy = ctx.policy;
    ctx.catalog(
        a.jurisdiction.as_deref(),
        |k| policy.jurisdictions.contains_key(k),
        || {
            catalog_choices(
                policy
                    .jurisdictions
                    .iter()
                    .map(|(k, e)| (k.as_str(), e.label.as_str())),
            )
        },
        Field::new("applicant", "jurisdiction"),
        OWNER,
    );
    applied
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

/// `key 标签、key 标签` for messages about catalog values.
pub fn catalog_choices<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    entries
        .map(|(k, l)| format!("{k}（{l}）"))
        .collect::<Vec<_>>()
        .join("、")
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

/// 附件1 资源申请表. Returns the derived 总计.
pub fn check_application(ctx: &mut Ctx, app: &Application) -> Sums {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_means_missing_or_white_space() {
        assert!(is_blank(None));
        assert!(is_blank(Some(" \t")));
        assert!(is_blank(Some("　")), "full-width space is blank too");
        assert!(!is_blank(Some("a")));
    }
}
