//! `gcforms render PACKAGE.gcpkg.json`: the package's documents in one PDF
//! with the review boxes filled from its verified `reviews[]`, read back by
//! poppler's `pdftotext`/`pdfinfo`. A package that does not verify is not
//! printed.

use std::path::{Path, PathBuf};

use gcforms::package::ReviewLevel;

use super::{append, approved_chain, clerk_key, packed, request, reviewer_key, verify};
use crate::render::{pages, squeeze, text_of};
use crate::support::{code, gcforms_in, stderr};

/// Writes `package` into `dir` and renders it with `extra` arguments.
fn render(dir: &Path, package: &[u8], extra: &[&str]) -> (std::process::Output, PathBuf) {
    std::fs::write(dir.join("in.gcpkg.json"), package).unwrap();
    let pdf = dir.join("out.pdf");
    let mut args = vec!["render", "in.gcpkg.json", "-o", "out.pdf"];
    args.extend_from_slice(extra);
    (gcforms_in(dir, &args, None), pdf)
}

/// The first 8 hex pairs of a key's certificate fingerprint.
fn short(level: ReviewLevel) -> String {
    let full = reviewer_key(level).fingerprint().to_string();
    full.split(':').take(8).collect::<Vec<_>>().join(":")
}

#[test]
fn an_approved_package_prints_every_document_with_the_three_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let package = &approved_chain()[2];
    let (out, pdf) = render(dir.path(), package, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = text_of(&pdf, None);
    for want in [
        // Both documents, the application first.
        "韶关市“数字政府”政务云资源申请表",
        "韶关市“数字政府”政务云资源使用安全责任书",
        // The three opinions, decisions, reviewers and dates.
        "同意上报。",
        "经初审，资源配置合理，同意转报。",
        "同意。请资源提供方按期开通。",
        "结论：初审通过，转报上级",
        "结论：同意",
        "审核人签名：王建国",
        "审核人签名：陈晓燕",
        "审核人签名：刘志强",
        "日期：2026-09-22",
        "日期：2026-09-28",
        "日期：2026-09-30",
        "韶关市自然资源局",
        "韶关市浈江区政务服务数据管理局",
    ] {
        assert!(text.contains(&squeeze(want)), "{want} in {text}");
    }
    for level in ReviewLevel::ALL {
        assert!(
            text.contains(&short(level)),
            "{level:?} fingerprint in {text}"
        );
    }
    // The pledge carries the applicant's certificate fingerprint.
    let applicant = clerk_key().fingerprint().to_string();
    assert!(text.contains(&applicant), "{applicant} in {text}");
    // One copy of each: one 第1页 per document.
    assert_eq!(text.matches("第1页").count(), 2, "{text}");
    assert_eq!(text.matches("结论：").count(), 3, "{text}");
}

#[test]
fn levels_not_reached_stay_blank_and_levels_off_the_route_print_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    // Reviewed by the supervisor only: the county and the city are to come.
    let (out, pdf) = render(dir.path(), &approved_chain()[0], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = text_of(&pdf, None);
    assert_eq!(text.matches("结论：").count(), 1, "{text}");
    assert_eq!(text.matches("审核人签名：").count(), 3, "{text}");
    assert!(text.contains("审核人签名：王建国"), "{text}");
    assert!(!text.contains('—'), "{text}");

    // A city unit without a supervisor goes to the city only.
    let city = append(
        &packed(false, "city"),
        &request(
            ReviewLevel::City,
            gcforms::package::ReviewDecision::Return,
            "请补充系统等级保护备案材料后重新提交。",
            "2026-09-21",
            "2026-09-22",
        ),
    )
    .unwrap();
    let (out, pdf) = render(dir.path(), &city, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = text_of(&pdf, None);
    assert_eq!(text.matches('—').count(), 2, "{text}");
    assert!(
        text.contains(&squeeze("结论：退回修改"))
            && text.contains("请补充系统等级保护备案材料后重新提交。"),
        "{text}"
    );
}

#[test]
fn copies_repeat_each_document_with_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let package = &approved_chain()[2];
    let (out, one) = render(dir.path(), package, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let single = pages(&one);
    let (out, two) = render(dir.path(), package, &["--copies", "2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(pages(&two), 2 * single);
    let text = text_of(&two, None);
    // Every page of each copy names its holder in the footer.
    for copy in ["第1份（共2份）", "第2份（共2份）"] {
        assert_eq!(text.matches(copy).count(), single, "{copy} in {text}");
    }
    assert_eq!(text.matches("结论：").count(), 6, "{text}");
}

#[test]
fn a_package_that_does_not_verify_is_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let package = String::from_utf8(approved_chain()[2].clone()).unwrap();
    // An earlier opinion edited after the reviews were signed.
    let edited = package.replacen("同意上报。", "不同意。", 1);
    assert_ne!(edited, package);
    assert!(!verify(edited.as_bytes()).valid);
    let (out, pdf) = render(dir.path(), edited.as_bytes(), &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("提交包校验失败，不能打印审核单"), "{err}");
    assert!(err.contains("[失败]"), "{err}");
    assert!(!pdf.exists());

    // A draft of a signed package makes no sense: exit 2.
    let (out, pdf) = render(dir.path(), package.as_bytes(), &["--draft"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--draft"), "{}", stderr(&out));
    assert!(!pdf.exists());
}
