//! `gcforms demand summary FILE… [--year Y] [--format text|json|csv] [-o OUT]`:
//! sums the demand estimates of SPEC §7 ([`gcforms::demand`]) and prints the
//! tables; `-o OUT.xlsx` also writes the workbook, `-o OUT.csv` the CSV,
//! `-o OUT.pdf` the printed pages.
//!
//! Exit codes: 0; 1 when an input was left out for errors (an estimate with
//! errors, a package that does not verify) — the rest is still summed and
//! every left-out input is named with its reason; 2 when an input cannot be
//! read or is not an estimate, the years are mixed without `--year`, or the
//! output cannot be written.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use gcforms::demand::table::{
    tables, to_csv, Cell, Table, BY_AREA, BY_UNIT, DUPLICATES, LATE, NOT_COUNTED,
};
use gcforms::demand::xlsx::to_xlsx;
use gcforms::demand::{load, summarize, Input, ItemRef, LoadError, Summary};
use gcforms::escape::printable;
use gcforms::input::read_file_limited;
use gcforms::policy::Policy;

use super::{report_error, write_output, Outcome};

/// `gcforms demand …`.
#[derive(Subcommand)]
pub enum DemandCommand {
    /// 汇总资源需求预估表：按地区、按使用单位和全部合计，列出逾期填报与重复计列（退出码：0 成功，1 有输入因错误或提交包校验未通过而未计入，2 无法读取、年度不一或无法写入）
    Summary {
        /// 资源需求预估表（JSON）或提交包（.gcpkg.json），可多个
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 汇总的预估年度；输入中有多个年度时必须指定
        #[arg(long, value_name = "YEAR")]
        year: Option<i64>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
        format: SummaryFormat,
        /// 另存为 Excel 工作簿（.xlsx，含各地区柱状图）、CSV（.csv）或打印用的 PDF（.pdf）
        #[arg(short = 'o', long = "output", value_name = "OUT.xlsx")]
        output: Option<PathBuf>,
    },
}

/// Output format of `demand summary`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// 中文表格
    Text,
    /// 一个 JSON 对象
    Json,
    /// 各表依次输出的 CSV（UTF-8，带 BOM，Excel 可直接打开）
    Csv,
}

/// What `-o` writes, from its extension.
#[derive(Clone, Copy)]
enum OutputKind {
    Workbook,
    Csv,
    Pdf,
}

/// Runs a `demand` subcommand.
pub fn run(command: DemandCommand, policy: &Policy) -> Outcome {
    match command {
        DemandCommand::Summary {
            files,
            year,
            format,
            output,
        } => summary(&files, year, format, output.as_deref(), policy),
    }
}

fn output_kind(path: &Path) -> Option<OutputKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Some(OutputKind::Workbook),
        "csv" => Some(OutputKind::Csv),
        "pdf" => Some(OutputKind::Pdf),
        _ => None,
    }
}

fn summary(
    files: &[PathBuf],
    year: Option<i64>,
    format: SummaryFormat,
    output: Option<&Path>,
    policy: &Policy,
) -> Outcome {
    let output = match output.map(|p| (p, output_kind(p))) {
        Some((path, None)) => {
            report_error(
                &path.display().to_string(),
                &"输出文件应以 .xlsx（Excel 工作簿）、.csv 或 .pdf 结尾（the output must be .xlsx, .csv or .pdf）",
            );
            return Outcome::Unreadable;
        }
        Some((path, Some(kind))) => Some((path, kind)),
        None => None,
    };

    let mut inputs = Vec::with_capacity(files.len());
    let mut unreadable = false;
    for file in files {
        let name = file.display().to_string();
        match read_file_limited(file)
            .map_err(LoadError::from)
            .and_then(|bytes| load(&bytes, policy))
        {
            Ok(loaded) => inputs.push(Input { file: name, loaded }),
            Err(e) => {
                report_error(&name, &e);
                unreadable = true;
            }
        }
    }
    if unreadable {
        return Outcome::Unreadable;
    }
    let summary = match summarize(&inputs, year, policy) {
        Ok(s) => s,
        Err(e) => {
            report_error("", &e);
            return Outcome::Unreadable;
        }
    };
    drop(inputs);

    // Written at once, and a closed pipe (`| head`) is not an error.
    let printed = match format {
        SummaryFormat::Text => text(&summary).into_bytes(),
        SummaryFormat::Json => {
            let mut json = serde_json::to_vec(&summary).unwrap_or_default();
            json.push(b'\n');
            json
        }
        SummaryFormat::Csv => to_csv(&summary),
    };
    let _ = std::io::stdout().write_all(&printed);
    for n in summary.not_counted.iter().filter(|n| n.kind.is_error()) {
        let place = if n.place.is_empty() {
            n.file.clone()
        } else {
            format!("{} {}", n.file, n.place)
        };
        report_error(&place, &format!("未计入：{}", n.message));
    }

    if let Some((path, kind)) = output {
        let bytes = match kind {
            OutputKind::Csv => to_csv(&summary),
            OutputKind::Workbook => match to_xlsx(&summary) {
                Ok(b) => b,
                Err(e) => {
                    report_error("", &e);
                    return Outcome::Unreadable;
                }
            },
            OutputKind::Pdf => match gcforms::demand::print::to_pdf(&summary) {
                Ok(b) => b,
                Err(e) => {
                    report_error("", &e);
                    return Outcome::Unreadable;
                }
            },
        };
        if write_output(path, &bytes) != Outcome::Ok {
            return Outcome::Unreadable;
        }
        if format == SummaryFormat::Text {
            let _ = writeln!(std::io::stdout(), "已写入 {}", path.display());
        }
    }
    if summary.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}

/// The summary as text: the header, the tables and the lists.
fn text(summary: &Summary) -> String {
    let mut out = String::new();
    let year = summary
        .year
        .map_or_else(|| "（无预估表）".to_string(), |y| format!("{y}年度"));
    let due = summary
        .due_date
        .as_deref()
        .map(|d| format!("；报送截止日期 {d}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{year}资源需求预估汇总：输入 {} 个文件，计入 {} 份预估表、{} 项需求{due}",
        summary.files, summary.estimates, summary.items
    );
    let t = summary.total;
    let _ = writeln!(
        out,
        "合计：主机 {} 台，CPU {} 核，内存 {} GB，存储 {} GB",
        t.hosts, t.vcpu, t.memory_gb, t.storage_gb
    );
    for table in tables(summary)
        .iter()
        .filter(|t| [BY_AREA, BY_UNIT, LATE].contains(&t.name))
    {
        let _ = writeln!(out);
        if table.rows.is_empty() {
            let _ = writeln!(out, "{}：无", table.name);
            continue;
        }
        let _ = writeln!(out, "{}", table.name);
        write_table(&mut out, table);
    }

    let _ = writeln!(out);
    if summary.duplicates.is_empty() {
        let _ = writeln!(out, "{DUPLICATES}：无");
    } else {
        let _ = writeln!(
            out,
            "{DUPLICATES}：{} 项需求在多处出现，各只计一次",
            summary.duplicates.len()
        );
    }
    let place = |r: &ItemRef| format!("{} {}（{}）", r.file, r.place, printable(&r.filing_unit));
    for d in &summary.duplicates {
        let also: Vec<String> = d.also.iter().map(place).collect();
        let _ = writeln!(
            out,
            "  {}“{}”：计入 {}；另见 {}{}",
            printable(&d.unit_name),
            printable(&d.system_name),
            place(&d.counted),
            also.join("、"),
            if d.numbers_differ {
                "；各处数字不一致，按计入处的数字"
            } else {
                ""
            }
        );
    }
    if !summary.not_counted.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{NOT_COUNTED}：{} 处", summary.not_counted.len());
        for n in &summary.not_counted {
            let at = [n.file.as_str(), n.place.as_str()].join(" ");
            let _ = writeln!(out, "  {}：{}", at.trim_end(), n.message);
        }
    }
    out
}

/// A table with columns padded to their widest cell (Chinese characters
/// count double); numbers right-aligned.
fn write_table(out: &mut String, table: &Table) {
    let texts: Vec<Vec<(String, bool)>> = table
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| (printable(&c.text()), matches!(c, Cell::Number(_))))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.width()).collect();
    for row in &texts {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(text.width());
        }
    }
    let mut line = |cells: Vec<(&str, bool)>| {
        let mut row = String::from(" ");
        for ((text, right), width) in cells.into_iter().zip(&widths) {
            let pad = " ".repeat(width - text.width().min(*width));
            row.push(' ');
            if right {
                row.push_str(&pad);
                row.push_str(text);
            } else {
                row.push_str(text);
                row.push_str(&pad);
            }
        }
        let _ = writeln!(out, "{}", row.trim_end());
    };
    line(table.columns.iter().map(|c| (*c, false)).collect());
    for row in &texts {
        line(row.iter().map(|(t, n)| (t.as_str(), *n)).collect());
    }
}
