//! `gcforms calendar list|import`: the years the working-day calendar knows,
//! and importing a new year's holiday notice (SPEC §4, §6).
//!
//! Exit codes: 0 done; 1 an invalid year file (nothing imported); 2 a file
//! that cannot be read, or a data folder that cannot be written.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use gcforms::calendar::{Calendar, CalendarError};

use super::{report_error, Format, Outcome};

/// The data folder option shared by `calendar` and `deadline`.
#[derive(Args)]
pub struct DataDirArg {
    /// 数据文件夹（默认：本机用户数据文件夹，与应用共用；导入的年份保存在其中的 calendar/）
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArg {
    /// The calendar with the years imported into the data folder; the
    /// built-in years alone when there is no data folder (with a note).
    pub fn open(&self) -> Result<Calendar, CalendarError> {
        let calendar = match &self.data_dir {
            Some(dir) => Calendar::load(dir),
            None => Calendar::load_default()?,
        };
        for problem in calendar.problems() {
            eprintln!("gcforms: 注意：{problem}");
        }
        Ok(calendar)
    }

    /// [`DataDirArg::open`], falling back to the built-in years.
    pub fn open_or_builtin(&self) -> Calendar {
        self.open().unwrap_or_else(|e| {
            eprintln!("gcforms: 注意：{e}；只用内置年份计算");
            Calendar::builtin()
        })
    }
}

/// The `calendar` subcommands.
#[derive(Subcommand)]
pub enum CalendarCommand {
    /// 列出工作日历已知的年份、来源，以及是内置还是导入的
    List {
        #[command(flatten)]
        data_dir: DataDirArg,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// 导入一年的放假安排（JSON：year、source、holidays、workdays）；再次导入同一年时替换之前导入的
    Import {
        /// 放假安排文件
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
}

/// Runs a `calendar` subcommand.
pub fn run(command: CalendarCommand) -> Outcome {
    match command {
        CalendarCommand::List { data_dir, format } => list(&data_dir.open_or_builtin(), format),
        CalendarCommand::Import { file, data_dir } => {
            let imported = data_dir
                .open()
                .and_then(|mut calendar| calendar.import_file(&file));
            match imported {
                Ok(year) => {
                    println!("{}", year.describe());
                    Outcome::Ok
                }
                Err(e) => {
                    report_error(&file.display().to_string(), &e);
                    if e.is_invalid_file() {
                        Outcome::Findings
                    } else {
                        Outcome::Unreadable
                    }
                }
            }
        }
    }
}

fn list(calendar: &Calendar, format: Format) -> Outcome {
    let mut out = std::io::stdout().lock();
    for year in calendar.list() {
        let line = match format {
            Format::Json => serde_json::to_string(&year).unwrap_or_default(),
            Format::Human => {
                let origin = if year.overrides_builtin {
                    "已导入（取代内置数据）"
                } else {
                    year.origin.label()
                };
                let file = year
                    .file
                    .as_deref()
                    .map(|f| format!("  {f}"))
                    .unwrap_or_default();
                format!(
                    "{}  {origin}  {}（放假 {} 天，调休上班 {} 天）{file}",
                    year.year, year.source, year.holidays, year.workdays
                )
            }
        };
        if writeln!(out, "{line}").is_err() {
            break; // stdout closed (a pipe to `head`)
        }
    }
    Outcome::Ok
}
