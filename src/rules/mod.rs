//! The rules of SPEC §3: every check a document must pass, returning *all*
//! findings at once, sorted, each with a stable code, a severity, a path and a
//! Chinese message that names the field by its paper label.
//!
//! Pipeline ([`validate_value`]): envelope checks ([`crate::input`], failures
//! are unreadable input, not findings) → the structural pass
//! ([`structure`]) → the typed document → the rules of its form. Documents
//! given together ([`validate_set`]: `validate` with several files, `pack`,
//! `verify`) are each validated so, then checked as a set ([`set`]).

mod application;
mod cancellation;
mod change;
mod collector;
mod demand;
mod findings;
mod format;
mod host;
mod pledge;
pub mod set;
mod shared;
pub mod structure;
pub mod totals;

pub use findings::{sort as sort_findings, Code, Finding, Severity};
pub use format::parse_date;
pub use totals::Sums;

use serde::Serialize;
use serde_json::Value;

use crate::document::{
    Application, Cancellation, Change, DemandEstimate, Document, FormKind, SecurityPledge,
};
use crate::input::{into_document, parse_json, InputError};
use crate::policy::Policy;
use collector::Ctx;

/// The outcome of validating one document.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Which form the document is.
    pub form: FormKind,
    /// Every finding, sorted by path, then code.
    pub findings: Vec<Finding>,
    /// The derived 总计, for forms with host or estimate rows.
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

/// Whether every application of a set must come with its 附件2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PledgeRule {
    /// A submission (`pack`, `verify`): every application needs its pledge.
    Required,
    /// Files checked together (`validate`): a pledge among them makes the set
    /// a submission, so every application then needs its pledge; without one,
    /// applications are checked on their own.
    WhenAnyGiven,
}

/// The outcome of validating documents given together.
#[derive(Debug, Clone)]
pub struct SetReport {
    /// One entry per document, in the order given: its own report, or why it
    /// could not be read.
    pub documents: Vec<Result<Report, InputError>>,
    /// The findings of the set (`pledge_missing`, `pledge_unit_mismatch`), by
    /// the index of the document each belongs to. Documents that could not be
    /// read or typed take no part in the set.
    pub set_findings: Vec<set::SetFinding>,
}

impl SetReport {
    /// Each document's report with the set's findings about it added, in the
    /// order of [`sort_findings`].
    pub fn into_reports(self) -> Vec<Result<Report, InputError>> {
        let mut documents = self.documents;
        let mut touched = vec![false; documents.len()];
        for f in self.set_findings {
            if let Some(Ok(report)) = documents.get_mut(f.index) {
                report.findings.push(f.finding);
                touched[f.index] = true;
            }
        }
        for (report, touched) in documents.iter_mut().zip(touched) {
            if let (Ok(report), true) = (report, touched) {
                findings::sort(&mut report.findings);
            }
        }
        documents
    }
}

/// Validates documents given together: each one's rules, then the set's.
/// `documents` are parsed JSON values, or why a file could not be read (such
/// an entry stays an error in the report, in its place).
pub fn validate_set(
    documents: impl IntoIterator<Item = Result<Value, InputError>>,
    policy: &Policy,
    pledges: PledgeRule,
) -> SetReport {
    let documents: Vec<Result<Report, InputError>> = documents
        .into_iter()
        .map(|d| d.and_then(|value| validate_value(value, policy)))
        .collect();
    let typed: Vec<(usize, &Document)> = documents
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.as_ref().ok()?.document.as_ref()?)))
        .collect();
    let require_pledge = match pledges {
        PledgeRule::Required => true,
        PledgeRule::WhenAnyGiven => typed
            .iter()
            .any(|(_, d)| d.form() == FormKind::SecurityPledge),
    };
    let docs: Vec<&Document> = typed.iter().map(|(_, d)| *d).collect();
    let set_findings = set::check(&docs, require_pledge)
        .into_iter()
        .map(|f| set::SetFinding {
            index: typed[f.index].0,
            finding: f.finding,
        })
        .collect();
    SetReport {
        documents,
        set_findings,
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
    let structure = structure::check(form, &mut map);
    let mut ctx = Ctx::new(form, policy);
    let value = Value::Object(map);
    let (document, totals) = match form {
        FormKind::Application => typed::<Application>(value, &mut ctx).map(|d| {
            let sums = application::check(&mut ctx, &d);
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
        FormKind::DemandEstimate => typed::<DemandEstimate>(value, &mut ctx).map(|d| {
            let sums = demand::check(&mut ctx, &d);
            (Document::DemandEstimate(d), Some(sums))
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
