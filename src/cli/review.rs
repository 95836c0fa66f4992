//! `gcforms review PACKAGE --level L --decision D --opinion TEXT --unit UNIT
//! --reviewer NAME --key KEY.p12 [--received DATE] [--date DATE] -o OUT`:
//! appends one signed review to a package and writes a new file (SPEC §4,
//! §5.1). The input is never changed, and OUT may not be the input.
//!
//! Exit codes: 0 appended; 1 refused, the code of §5.1 printed; 2 an
//! unreadable package, bad arguments (OUT is the input), a wrong passphrase
//! or an output that cannot be written.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use gcforms::escape::printable;
use gcforms::input::read_file_limited;
use gcforms::package::{
    prepare_review, AppendError, AppendedReview, ReviewDecision, ReviewLevel, ReviewRequest,
    ReviewStatus,
};
use gcforms::policy::Policy;

use super::calendar::DataDirArg;
use super::deadline::parse_date;
use super::{report_error, write_output, Outcome};

/// Arguments of `review`.
#[derive(Args)]
pub struct ReviewArgs {
    /// 提交包（.gcpkg.json）；此文件不会被改动
    #[arg(value_name = "PACKAGE")]
    package: PathBuf,
    /// 审核层级：supervisor（主管部门）、county（县(市、区)政务服务数据管理部门）、city（韶关市政务服务数据管理部门）
    #[arg(long, value_name = "L", value_parser = parse_level)]
    level: ReviewLevel,
    /// 审核结论：approve（同意；主管部门、县级为初审通过，转报上级）、reject（不同意）、return（退回修改）
    #[arg(long, value_name = "D", value_parser = parse_decision)]
    decision: ReviewDecision,
    /// 审核意见（不同意、退回修改时必填；至多 2000 字）
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    opinion: String,
    /// 审核单位
    #[arg(long, value_name = "UNIT")]
    unit: String,
    /// 审核人
    #[arg(long, value_name = "NAME")]
    reviewer: String,
    /// 审核人的单位密钥文件（.p12）
    #[arg(long, value_name = "KEY.p12")]
    key: PathBuf,
    /// 收到日期（YYYY-MM-DD），默认同审核日期；办理期限自此日起算（当日不计）
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    received: Option<NaiveDate>,
    /// 审核日期（YYYY-MM-DD），默认今天
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// 输出的新提交包（不能是输入文件）
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    data_dir: DataDirArg,
}

fn parse_level(s: &str) -> Result<ReviewLevel, String> {
    ReviewLevel::ALL
        .into_iter()
        .find(|l| l.as_str() == s)
        .ok_or_else(|| "应为 supervisor、county 或 city".into())
}

fn parse_decision(s: &str) -> Result<ReviewDecision, String> {
    ReviewDecision::ALL
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| "应为 approve、reject 或 return".into())
}

/// Runs `review`.
pub fn run(args: ReviewArgs, policy: &Policy) -> Outcome {
    if same_file(&args.package, &args.output) {
        report_error(
            &args.output.display().to_string(),
            &"输出文件不能是输入的提交包：审核记录写入新文件，原提交包保持不变（the output must be a new file）",
        );
        return Outcome::Unreadable;
    }
    let name = args.package.display().to_string();
    let bytes = match read_file_limited(&args.package) {
        Ok(b) => b,
        Err(e) => {
            report_error(&name, &e);
            return Outcome::Unreadable;
        }
    };
    let today = chrono::Local::now().date_naive();
    let date = args.date.unwrap_or(today);
    let request = ReviewRequest {
        level: args.level,
        decision: args.decision,
        opinion: args.opinion,
        unit: args.unit,
        reviewer: args.reviewer,
        received: args.received.unwrap_or(date),
        date,
    };
    let calendar = args.data_dir.open_or_builtin();
    // Refuse before asking for the passphrase.
    let prepared = match prepare_review(&bytes, &request, policy, &calendar, today) {
        Ok(p) => p,
        Err(e) => return failed(&name, e),
    };
    let Ok(key) = super::key::open_key(&args.key) else {
        return Outcome::Unreadable;
    };
    let appended = match prepared.sign(&key) {
        Ok(a) => a,
        Err(e) => return failed(&name, e),
    };
    let mut out = match serde_json::to_vec_pretty(&appended.package) {
        Ok(b) => b,
        Err(e) => {
            report_error("", &e);
            return Outcome::Unreadable;
        }
    };
    out.push(b'\n');
    if write_output(&args.output, &out) != Outcome::Ok {
        return Outcome::Unreadable;
    }
    print_appended(&appended, key.certificate().unit());
    println!(
        "已写入新提交包：{}（{} 字节，原提交包 {} 字节，未改动）",
        args.output.display(),
        out.len(),
        bytes.len()
    );
    Outcome::Ok
}

fn failed(name: &str, e: AppendError) -> Outcome {
    match e {
        AppendError::Refused(refusal) => {
            report_error("", &refusal);
            eprintln!(
                "gcforms: 未追加审核记录，未写入任何文件（review refused: {}）",
                refusal.code.as_str()
            );
            Outcome::Findings
        }
        other => {
            report_error(name, &other);
            Outcome::Unreadable
        }
    }
}

fn print_appended(a: &AppendedReview, certificate_unit: &str) {
    let r = &a.review;
    println!(
        "已追加审核记录{}：{}，{}",
        a.index + 1,
        r.level.label(),
        r.decision.label(r.level)
    );
    println!("审核单位：{}", printable(&r.unit));
    println!("审核人：{}", printable(&r.reviewer));
    println!("收到日期：{}　审核日期：{}", r.received, r.date);
    println!("办理期限：{}", a.deadline.describe());
    if let Some(reason) = &a.deadline.status.reason {
        println!("{reason}");
    }
    if a.late {
        println!("注意：审核日期晚于办理期限，已逾期");
    }
    println!("当前状态：{}", a.status.label());
    if let (ReviewStatus::Approved, Some(p)) = (a.status, &a.provisioning) {
        println!("开通期限（资源提供方）：{}", p.describe());
        if let Some(reason) = &p.status.reason {
            println!("{reason}");
        }
    }
    println!("审核人证书指纹（SHA-256）：{}", r.signature.fingerprint);
    if certificate_unit.trim() != r.unit {
        println!(
            "注意：密钥证书载明的单位“{}”与审核单位不同",
            printable(certificate_unit)
        );
    }
}

/// Whether two paths name the same existing file (through links too).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
