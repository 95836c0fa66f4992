//! `gcforms render FILE -o OUT.pdf [--copies N] [--draft]`: the paper form as
//! PDF. A document with errors is refused (exit 1, its findings listed)
//! unless `--draft`; unreadable input and unwritable output are exit 2.

use std::io::ErrorKind;
use std::path::Path;

use gcforms::input::read_file_limited;
use gcforms::policy::Policy;
use gcforms::render::{render, RenderError, RenderOptions};
use gcforms::rules::Severity;

use super::{report_error, Outcome};

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
    if !draft && !report.is_valid() {
        report_error(
            &name,
            &format!(
                "{}有 {} 个错误，不能打印正式文本；请修改后再打印，或加 --draft 打印草稿（document has errors）",
                report.form.short_name(),
                report.count(Severity::Error)
            ),
        );
        for f in &report.findings {
            let path = if f.path.is_empty() {
                "（整份文档）"
            } else {
                f.path.as_str()
            };
            eprintln!(
                "  {} {} [{}] {}",
                f.severity.label(),
                path,
                f.code,
                f.message
            );
        }
        return Outcome::Findings;
    }
    let Some(doc) = report.document.as_ref() else {
        report_error(
            &name,
            &"文档结构无法识别，无法打印（unrecognised document）",
        );
        return Outcome::Findings;
    };
    let options = RenderOptions {
        copies,
        draft,
        ..RenderOptions::default()
    };
    let pdf = match render(doc, policy, &options) {
        Ok(pdf) => pdf,
        Err(RenderError::MissingGlyphs(list)) => {
            for m in &list {
                report_error(&name, m);
            }
            return Outcome::Findings;
        }
        Err(e @ RenderError::NotValid(_)) => {
            report_error(&name, &e);
            return Outcome::Findings;
        }
        Err(e) => {
            report_error(&name, &e);
            return Outcome::Unreadable;
        }
    };
    if let Err(e) = std::fs::write(output, &pdf) {
        let why = match e.kind() {
            ErrorKind::NotFound => "所在目录不存在".to_string(),
            ErrorKind::PermissionDenied => "没有写入权限".to_string(),
            ErrorKind::IsADirectory => "这是一个目录".to_string(),
            ErrorKind::StorageFull => "磁盘空间不足".to_string(),
            _ => e.to_string(),
        };
        report_error(
            "",
            &format!(
                "无法写入输出文件 {}：{why}（cannot write the output: {e}）",
                output.display()
            ),
        );
        return Outcome::Unreadable;
    }
    Outcome::Ok
}
