//! `gcforms deadline DATE [--days N] [--format json]`: the last working day of
//! a time limit of N working days counted from DATE, which is not counted
//! (SPEC §4, §6). N defaults to the policy's review limit.
//!
//! Exit codes: 0; 2 an unparsable date or an N out of range.

use chrono::NaiveDate;
use clap::Args;

use gcforms::calendar::MAX_WORKING_DAYS;
use gcforms::policy::Policy;

use super::calendar::DataDirArg;
use super::{report_error, Format, Outcome};

/// Arguments of `deadline`.
#[derive(Args)]
pub struct DeadlineArgs {
    /// 起算日期（YYYY-MM-DD），当日不计入
    #[arg(value_name = "DATE", value_parser = parse_date)]
    date: NaiveDate,
    /// 工作日数（默认：政策文件的审核时限 review_working_days）
    #[arg(long, value_name = "N", value_parser = parse_days)]
    days: Option<u32>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    data_dir: DataDirArg,
}

pub(super) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    gcforms::rules::parse_date(s).ok_or_else(|| "应为 YYYY-MM-DD 格式的日期，如 2026-09-29".into())
}

fn parse_days(s: &str) -> Result<u32, String> {
    s.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_WORKING_DAYS).contains(n))
        .ok_or_else(|| format!("应为 1 到 {MAX_WORKING_DAYS} 之间的整数"))
}

/// Runs `deadline`.
pub fn run(args: DeadlineArgs, policy: &Policy) -> Outcome {
    let days = args.days.unwrap_or(policy.sla.review_working_days);
    let calendar = args.data_dir.open_or_builtin();
    let deadline = match calendar.deadline(args.date, days) {
        Ok(d) => d,
        Err(e) => {
            report_error("", &e);
            return Outcome::Unreadable;
        }
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&deadline).unwrap_or_default()),
        Format::Human => {
            println!("{}", deadline.describe());
            if let Some(reason) = &deadline.status.reason {
                println!("{reason}");
            }
        }
    }
    Outcome::Ok
}
