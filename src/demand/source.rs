//! The inputs of a summary: bare estimate documents, or packages whose
//! estimates count only when the package verifies (SPEC §5).

use serde_json::Value;

use crate::calendar::Calendar;
use crate::document::{DemandEstimate, Document, FormKind};
use crate::input::{parse_json, InputError};
use crate::package::{verify_package, VerifyError, FORMAT};
use crate::policy::Policy;
use crate::rules::{Finding, Severity};

/// One estimate read from an input, validated.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where in its file: 0 for a bare document, the index in `documents[]`
    /// of a package.
    pub index: usize,
    /// Whether the file is a package (places are then named by document).
    pub in_package: bool,
    /// The estimate, as far as it could be read.
    pub estimate: DemandEstimate,
    /// Its errors (warnings are not kept: they do not stop counting).
    pub errors: Vec<Finding>,
}

impl Entry {
    /// Where the estimate is in its file, for people: 「」 for a bare
    /// document, 「第2份文档」 in a package.
    pub fn place(&self) -> String {
        if self.in_package {
            format!("第{}份文档", self.index + 1)
        } else {
            String::new()
        }
    }
}

/// What one input gave.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// The estimates in it (a package may hold none).
    Estimates(Vec<Entry>),
    /// A package that does not verify: the failed checks, in Chinese. None
    /// of its estimates count.
    Unverified(Vec<String>),
}

/// Why an input is not a summary's input at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Too large, not UTF-8, not JSON, not a document.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A package that cannot be read as one.
    #[error(transparent)]
    Package(#[from] VerifyError),
    /// A document of another form.
    #[error("这是{}，不是资源需求预估表；汇总只读取预估表或含预估表的提交包（not a demand estimate）", .0.short_name())]
    NotAnEstimate(FormKind),
}

/// Reads one input's bytes: a package (`format: gcforms-package`), or a
/// bare document that must be a demand estimate.
pub fn load(bytes: &[u8], policy: &Policy) -> Result<Loaded, LoadError> {
    let value = parse_json(bytes)?;
    if value.get("format").and_then(Value::as_str) == Some(FORMAT) {
        return load_package(bytes, value, policy);
    }
    let entry = validated(value, 0, false, policy)?;
    Ok(Loaded::Estimates(vec![entry]))
}

fn load_package(bytes: &[u8], value: Value, policy: &Policy) -> Result<Loaded, LoadError> {
    // The user's calendar (imported years included), as `verify` uses it.
    let calendar = Calendar::load_default().unwrap_or_else(|_| Calendar::builtin());
    let verification = verify_package(bytes, policy, &calendar, None)?;
    if !verification.valid {
        let failed = verification
            .checks
            .into_iter()
            .filter(|c| !c.ok && c.severity == Severity::Error)
            .map(|c| c.message)
            .collect();
        return Ok(Loaded::Unverified(failed));
    }
    let Some(Value::Array(documents)) = value.get("documents") else {
        return Ok(Loaded::Estimates(Vec::new()));
    };
    let mut entries = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        let data = &document["data"];
        if data.get("form").and_then(Value::as_str) != Some(FormKind::DemandEstimate.key()) {
            continue;
        }
        entries.push(validated(data.clone(), index, true, policy)?);
    }
    Ok(Loaded::Estimates(entries))
}

fn validated(
    value: Value,
    index: usize,
    in_package: bool,
    policy: &Policy,
) -> Result<Entry, LoadError> {
    let report = crate::validate_value(value, policy)?;
    let errors: Vec<Finding> = report
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let estimate = match (report.form, report.document) {
        (_, Some(Document::DemandEstimate(estimate))) => estimate,
        // Not typed at all: its errors say why, and it will not count.
        (FormKind::DemandEstimate, _) => DemandEstimate::default(),
        (form, _) => return Err(LoadError::NotAnEstimate(form)),
    };
    Ok(Entry {
        index,
        in_package,
        estimate,
        errors,
    })
}
