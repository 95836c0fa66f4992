//! `gcforms render FILE -o OUT.pdf [--copies N] [--draft]`: the paper form as
//! PDF. A document with errors is refused (exit 1, its findings listed)
//! unless `--draft`; unreadable input and unwritable output are exit 2.
//!
//! A package (`format: gcforms-package`) prints all its documents in one
//! file with the review boxes filled from its `reviews[]`; one that does not
//! verify is refused (exit 1, the failed checks listed).

use std::path::Path;

use gcforms::input::{parse_json, read_file_limited};
use gcforms::package::{is_package, render_package_value, Copies, PrintError};
use gcforms::policy::Policy;
use gcforms::render::{render_report, RenderError, RenderOptions};
use gcforms::rules::Severity;
use serde_json::Value;

use super::calendar::DataDirArg;
use super::{finding_lines, report_error, write_output, Outcome};

/// Renders `file` into `output`.
pub fn run(
    file: &Path,
    output: &Path,
    copies: Option<u32>,
    draft: bool,
    data_dir: &DataDirArg,
    policy: &Policy,
) -> Outcome {
    let name = file.display().to_string();
    let value = match read_file_limited(file).and_then(|b| parse_json(&b)) {
        Ok(v) => v,
        Err(e) => {
            report_error(&name, &e);
            return Outcome::Unreadable;
        }
    };
    if is_package(&value) {
        return package(&name, value, output, copies, draft, data_dir, policy);
    }
    let report = match gcforms::validate_value(value, policy) {
        Ok(r) => r,
        Err(e) => {
            report_error(&name, &e);
            return Outcome::Unreadable;
        }
    };
    let options = RenderOptions {
        copies,
        draft,
        ..RenderOptions::default()
    };
    let pdf = match render_report(&report, policy, &options) {
        Ok(pdf) => pdf,
        Err(RenderError::NotValid(findings)) => {
            report_error(
                &name,
                &format!(
                    "{}有 {} 个错误，不能打印正式文本；请修改后再打印，或加 --draft 打印草稿（document has errors）",
                    report.form.short_name(),
                    report.count(Severity::Error)
                ),
            );
            for line in finding_lines(&findings) {
                eprintln!("{line}");
            }
            return Outcome::Findings;
        }
        Err(e) => return render_failed(&name, &e),
    };
    write_output(output, &pdf)
}

/// Prints a package's documents with their review boxes.
fn package(
    name: &str,
    value: Value,
    output: &Path,
    copies: Option<u32>,
    draft: bool,
    data_dir: &DataDirArg,
    policy: &Policy,
) -> Outcome {
    if draft {
        report_error(
            name,
            &"提交包是已签名的正式文本，不能加 --draft 打印草稿（--draft does not apply to a package）",
        );
        return Outcome::Unreadable;
    }
    let calendar = data_dir.open_or_builtin();
    let copies = copies.map_or(Copies::Single, Copies::Each);
    match render_package_value(value, policy, &calendar, copies) {
        Ok(pdf) => write_output(output, &pdf),
        Err(PrintError::Invalid(verification)) => {
            report_error(name, &PrintError::Invalid(verification.clone()));
            for check in verification.checks.iter().filter(|c| c.fails()) {
                eprintln!("  [失败] {}", check.message);
            }
            Outcome::Findings
        }
        Err(PrintError::Render(e)) => render_failed(name, &e),
        Err(e) => {
            report_error(name, &e);
            Outcome::Unreadable
        }
    }
}

/// Missing glyphs are the input's fault (exit 1); anything else is exit 2.
fn render_failed(name: &str, e: &RenderError) -> Outcome {
    match e {
        RenderError::MissingGlyphs(list) => {
            for m in list {
                report_error(name, m);
            }
            Outcome::Findings
        }
        e => {
            report_error(name, e);
            Outcome::Unreadable
        }
    }
}
