//! The rules of SPEC §3: every check a document must pass, returning *all*
//! findings at once, sorted, each with a stable code, a severity, a path and a
//! Chinese message that names the field by its paper label.
//!
//! Pipeline ([`validate_value`]): envelope checks ([`crate::input`], failures
//! are unreadable input, not findings) → the structural pass
//! ([`crate::structure`]) → the typed document → the rules of its form → the
//! rules over a set of documents ([`set`]) where several are given together.

mod cancellation;
mod change;
mod common;
mod findings;
mod format;
mod host;
mod pledge;
pub mod set;
pub mod totals;

pub use findings::{sort as sort_findings, Code, Finding, Severity};
pub use format::parse_date;
pub use totals::Sums;

use serde::Serialize;
use serde_json::Value;

use crate::document::{Application, Cancellation, Change, Document, FormKind, SecurityPledge};
use crate::input::{into_document, parse_json, InputError};
use crate::policy::Policy;
use common::Ctx;

/// The outcome of validating one document.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Which form the document is.
    pub form: FormKind,
    /// Every finding, sorted by path, then code.
    pub findings: Vec<Finding>,
    /// The derived 总计, for forms with host rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Sums>,
    /// The typed document, as far as it could be read.
    #[serde(skip)]
    pub document: Option<Document>,
}

impl Report {
    /// True when no finding is an error: the document may be exported as final.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Validates a document given as bytes (a file's content).
pub fn validate_bytes(bytes: &[u8], policy: &Policy) -> Result<Report, InputError> {
    validate_value(parse_json(bytes)?, policy)
}

/// Validates a document given as a JSON value.
pub fn validate_value(value: Value, policy: &Policy) -> Result<Report, InputError> {
    let raw = into_document(value)?;
    let form = raw.form;
    let mut map = raw.value;
    let structure = crate::structure::check(form, &mut map);
    let mut ctx = Ctx::new(form, policy);
    let value = Value::Object(map);
    let (document, totals) = match form {
        FormKind::Application => typed::<Application>(value, &mut ctx).map(|d| {
            let sums = common::check_application(&mut ctx, &d);
            (Document::Application(d), Some(sums))
        }),
        FormKind::SecurityPledge => typed::<SecurityPledge>(value, &mut ctx).map(|d| {
            pledge::check(&mut ctx, &d);
            (Document::SecurityPledge(d), None)
        }),
        FormKind::Change => typed::<Change>(value, &mut ctx).map(|d| {
            change::check(&mut ctx, &d);
            (Document::Change(d), None)
        }),
        FormKind::Cancellation => typed::<Cancellation>(value, &mut ctx).map(|d| {
            let sums = cancellation::check(&mut ctx, &d);
            (Document::Cancellation(d), Some(sums))
        }),
    }
    .map_or((None, None), |(d, t)| (Some(d), t));
    let mut findings = structure.findings;
    findings.extend(
        ctx.into_findings()
            .into_iter()
            .filter(|f| !structure.removed.iter().any(|r| is_at_or_under(&f.path, r))),
    );
    findings::sort(&mut findings);
    findings.dedup();
    Ok(Report {
        form,
        findings,
        totals,
        document,
    })
}

/// Turns the cleaned value into the typed document. The structural pass makes
/// this infallible in practice; should it fail, the failure is a finding.
fn typed<T: serde::de::DeserializeOwned>(value: Value, ctx: &mut Ctx) -> Option<T> {
    match serde_json::from_value(value) {
        Ok(doc) => Some(doc),
        Err(e) => {
            ctx.error(
                Code::TypeMismatch,
                String::new(),
                format!("文档结构无法识别：{e}"),
            );
            None
        }
    }
}

/// True when `path` is `prefix` or lies inside it (`hosts[1].name` under `hosts[1]`).
fn is_at_or_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}
