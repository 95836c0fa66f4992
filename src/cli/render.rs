//! `gcforms render FILE -o OUT.pdf [--copies N] [--draft]`: the paper form as
//! PDF. A document with errors is refused (exit 1, its findings listed)
//! unless `--draft`; unreadable input and unwritable output are exit 2.

use std::path::Path;

use gcforms::input::read_file_limited;
use gcforms::policy::Policy;
use gcforms::render::{render_report, RenderError, RenderOptions};
use gcforms::rules::Severity;

use super::{finding_lines, report_error, write_output, Outcome};

/// Renders `file` into `output`.
pub fn run(
    file: &Path,
    output: &Path,
    copies: Option<u32>,
    draft: bool,
    policy: &Policy,
) -> Outcome {
    let name = file.display().to_string();
    let report = match read_file_limited(file).and_then(|b| gcforms::validate_bytes(&b, policy)) {
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
        Err(RenderError::MissingGlyphs(list)) => {
            for m in &list {
                report_error(&name, m);
            }
            return Outcome::Findings;
        }
        Err(e) => {
            report_error(&name, &e);
            return Outcome::Unreadable;
        }
    };
    write_output(output, &pdf)
}
