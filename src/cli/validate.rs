//! `gcforms validate FILE…`: every finding of every file, and the rules over
//! the files taken together (an application and its pledge).

use std::path::{Path, PathBuf};

use serde_json::json;

use gcforms::input::{parse_json, read_file_limited, InputError};
use gcforms::policy::Policy;
use gcforms::rules::{validate_set, PledgeRule, Report, Severity};

use super::{finding_lines, report_error, Format, Outcome};

/// Validates each file and prints the result in `format`.
pub fn run(files: &[PathBuf], format: Format, policy: &Policy) -> Outcome {
    // Applications and pledges given together are checked as a set; a
    // pledge among them makes the set a submission.
    let documents = files
        .iter()
        .map(|f| read_file_limited(f).and_then(|bytes| parse_json(&bytes)));
    let results = validate_set(documents, policy, PledgeRule::WhenAnyGiven).into_reports();

    let mut worst = Outcome::Ok;
    for (file, result) in files.iter().zip(&results) {
        let outcome = match result {
            Ok(report) if report.is_valid() => Outcome::Ok,
            Ok(_) => Outcome::Findings,
            Err(_) => Outcome::Unreadable,
        };
        worst = worst.max(outcome);
        match format {
            Format::Json => println!("{}", json_line(file, result)),
            Format::Human => print_human(file, result),
        }
    }
    worst
}

fn json_line(file: &Path, result: &Result<Report, InputError>) -> serde_json::Value {
    let name = file.display().to_string();
    match result {
        Ok(report) => {
            let mut line = json!({
                "file": name,
                "valid": report.is_valid(),
                "form": report.form,
                "diagnostics": report.findings,
            });
            if let Some(totals) = report.totals {
                line["totals"] = json!(totals);
            }
            line
        }
        Err(e) => json!({
            "file": name,
            "valid": false,
            "error": { "code": "unreadable", "message": e.to_string() },
            "diagnostics": [],
        }),
    }
}

pub(super) fn print_human(file: &Path, result: &Result<Report, InputError>) {
    let name = file.display();
    let report = match result {
        Ok(r) => r,
        Err(e) => return report_error(&name.to_string(), e),
    };
    let totals = report
        .totals
        .map(|t| {
            format!(
                "；总计：主机{}台，CPU{}核，内存{}G，存储{}G",
                t.hosts, t.vcpu, t.memory_gb, t.storage_gb
            )
        })
        .unwrap_or_default();
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let verdict = match (errors, warnings) {
        (0, 0) => "通过，未发现问题".to_string(),
        (0, w) => format!("通过，{w} 条提醒"),
        (e, 0) => format!("未通过，{e} 个错误"),
        (e, w) => format!("未通过，{e} 个错误，{w} 条提醒"),
    };
    println!("{name}：{}，{verdict}{totals}", report.form.short_name());
    for line in finding_lines(&report.findings) {
        println!("{line}");
    }
}
