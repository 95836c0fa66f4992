//! `gcforms verify FILE [--trust CERT_OR_DIR] [--format json]`: a package or a
//! signed PDF; exit 0 valid, 1 tampered or invalid (or not trusted when
//! `--trust` is given, the reviewers' certificates included), 2 unreadable.
//! A package's reviews are printed in Chinese with its review status and,
//! once approved, the provider's deadline; every string from the file goes
//! through `escape`.

use std::path::Path;

use serde_json::json;

use gcforms::escape::{printable, printable_whole};
use gcforms::input::read_file_limited;
use gcforms::package::{
    verify_file_bytes, ReviewSummary, Verification, VerificationKind, VerifyError,
    MAX_OPINION_CHARS,
};
use gcforms::policy::Policy;
use gcforms::rules::Severity;
use gcforms::sign::TrustStore;

use super::calendar::DataDirArg;
use super::{report_error, Format, Outcome};

/// Verifies `file` and prints what was checked.
pub fn run(
    file: &Path,
    trust: Option<&Path>,
    format: Format,
    data_dir: &DataDirArg,
    policy: &Policy,
) -> Outcome {
    let name = file.display().to_string();
    let store = match trust.map(TrustStore::load).transpose() {
        Ok(s) => s,
        Err(e) => {
            report_error("--trust", &e);
            return Outcome::Unreadable;
        }
    };
    let calendar = data_dir.open_or_builtin();
    let result = read_file_limited(file)
        .map_err(VerifyError::from)
        .and_then(|bytes| verify_file_bytes(&bytes, policy, &calendar, store.as_ref()));
    match (result, format) {
        (Ok(v), Format::Json) => {
            let mut line = serde_json::to_value(&v).unwrap_or_default();
            line["file"] = json!(name);
            println!("{line}");
            outcome(&v)
        }
        (Ok(v), Format::Human) => {
            print_human(&name, &v);
            outcome(&v)
        }
        (Err(e), Format::Json) => {
            println!(
                "{}",
                json!({"file": name, "valid": false, "error": {"code": "unreadable", "message": e.to_string()}})
            );
            Outcome::Unreadable
        }
        (Err(e), Format::Human) => {
            report_error(&name, &e);
            Outcome::Unreadable
        }
    }
}

fn outcome(v: &Verification) -> Outcome {
    if v.valid {
        Outcome::Ok
    } else {
        Outcome::Findings
    }
}

fn print_human(name: &str, v: &Verification) {
    match v.kind {
        VerificationKind::Package => println!(
            "{name}：提交包 {}，含 {} 份文档、{} 条审核记录",
            printable(v.package_id.as_deref().unwrap_or("")),
            v.documents.len(),
            v.reviews.len()
        ),
        VerificationKind::Pdf => println!("{name}：签名 PDF"),
    }
    for c in &v.checks {
        let mark = match (c.ok, c.severity) {
            (true, _) => "[通过]",
            (false, Severity::Error) => "[失败]",
            (false, _) => "[提醒]",
        };
        println!("  {mark} {}", c.message);
    }
    match &v.signer {
        Some(s) => {
            println!(
                "签名单位：{}（签发者：{}）",
                printable(&s.unit),
                printable(&s.issuer)
            );
            println!("证书指纹（SHA-256）：{}", s.fingerprint);
        }
        None => println!("签名单位：无法确定"),
    }
    println!(
        "是否可信：{}",
        match v.trusted {
            Some(true) => "可信",
            Some(false) => "不可信",
            None => "未指定信任证书（--trust），未判断",
        }
    );
    if v.kind == VerificationKind::Package {
        print_reviews(v);
    }
    println!(
        "结论：{}",
        if v.valid {
            "有效"
        } else {
            "无效：文件被篡改、签名不符或内容不合规"
        }
    );
}

/// The route, each review as the paper's review box would hold it, the
/// status and the provider's deadline.
fn print_reviews(v: &Verification) {
    match &v.route {
        Some(route) => println!(
            "审核路线：{}",
            route
                .iter()
                .map(|l| l.label())
                .collect::<Vec<_>>()
                .join(" → ")
        ),
        None => println!("审核路线：无法确定（见上方检查）"),
    }
    if v.reviews.is_empty() {
        println!("审核记录：无");
    }
    for r in &v.reviews {
        print_review(r);
    }
    if let Some(status) = v.status {
        println!("审核状态：{}", status.label());
    }
    if let Some(p) = &v.provisioning {
        println!("开通期限（资源提供方）：{}", p.describe());
        if let Some(reason) = &p.status.reason {
            println!("  {reason}");
        }
    }
}

fn print_review(r: &ReviewSummary) {
    println!("审核记录{}：", r.index + 1);
    println!("  审核层级：{}", r.level_label);
    println!("  审核单位：{}", printable(&r.unit));
    println!("  审核人：{}", printable(&r.reviewer));
    println!("  结论：{}", r.decision_label);
    print_opinion(&r.opinion);
    println!("  收到日期：{}", printable(&r.received));
    println!("  审核日期：{}", printable(&r.date));
    println!(
        "  办理期限：{}{}",
        printable(&r.deadline),
        if r.late {
            "（审核时已逾期）"
        } else {
            ""
        }
    );
    println!(
        "  审核人证书指纹（SHA-256）：{}",
        r.fingerprint.as_deref().unwrap_or("无法读取证书")
    );
    println!(
        "  审核人证书：{}",
        match r.trusted {
            Some(true) => "可信",
            Some(false) => "未登记",
            None => "未指定信任证书（--trust），未判断",
        }
    );
    println!(
        "  本条记录：{}",
        if r.valid {
            "有效"
        } else {
            "无效（见上方检查）"
        }
    );
}

/// The opinion line by line, each escaped; one over the limit is cut.
fn print_opinion(opinion: &str) {
    if opinion.trim().is_empty() {
        println!("  意见：（无）");
        return;
    }
    let chars = opinion.chars().count();
    if chars > MAX_OPINION_CHARS {
        println!(
            "  意见：{}（共 {chars} 个字符，超过上限 {MAX_OPINION_CHARS} 个字符，只显示开头）",
            printable(opinion)
        );
        return;
    }
    for (i, line) in opinion.split('\n').enumerate() {
        let lead = if i == 0 { "  意见：" } else { "        " };
        println!("{lead}{}", printable_whole(line));
    }
}
