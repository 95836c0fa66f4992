//! The finding collector every rule writes to ([`Ctx`]), with the checks of
//! single fields: text, phone, e-mail, date, date order and catalog values.
//! Messages name the field by its paper label, looked up only when a finding
//! is made.

use std::fmt::Display;

use chrono::NaiveDate;

use super::findings::{Code, Finding};
use super::format::{is_email, is_phone, parse_date};
use crate::document::labels::label;
use crate::document::FormKind;
use crate::escape::printable;
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

/// `key 标签、key 标签` for messages about catalog values.
pub fn catalog_choices<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    entries
        .map(|(k, l)| format!("{k}（{l}）"))
        .collect::<Vec<_>>()
        .join("、")
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
