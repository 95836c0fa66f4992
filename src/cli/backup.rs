//! `gcforms backup -o FILE` and `gcforms restore FILE`: everything of the
//! user's in one `.gcbackup` file, and merging one into a data folder
//! (issue #17; the format and the merge are [`gcforms::backup`]).
//!
//! `restore` prints the plan first. On a terminal it asks before applying;
//! without a terminal (a script) it applies only with `--yes` and otherwise
//! stops with exit 2 having changed nothing, as an unconfirmed change should.
//! `--dry-run` only prints the plan.
//!
//! Exit codes: 0 done (or the plan printed); 1 the backup file refused
//! (foreign, damaged, from a newer gcforms; nothing changed); 2 a file or
//! the data folder that cannot be read or written, or no confirmation.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use gcforms::backup::{self, BackupError, DataFolder};

use super::calendar::DataDirArg;
use super::{report_error, Format, Outcome};

/// `gcforms backup`.
#[derive(Args)]
pub struct BackupArgs {
    /// 备份文件（.gcbackup）；已存在时替换
    #[arg(short = 'o', long = "output", value_name = "FILE.gcbackup")]
    output: PathBuf,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    data_dir: DataDirArg,
}

/// `gcforms restore`.
#[derive(Args)]
pub struct RestoreArgs {
    /// 备份文件（.gcbackup）
    #[arg(value_name = "FILE.gcbackup")]
    file: PathBuf,
    /// 只列出将恢复的内容，不作改动
    #[arg(long)]
    dry_run: bool,
    /// 不询问，直接恢复（非交互运行时必须加）
    #[arg(long, short = 'y')]
    yes: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    data_dir: DataDirArg,
}

fn folder(arg: &DataDirArg) -> Result<DataFolder, Outcome> {
    match arg
        .data_dir
        .clone()
        .or_else(gcforms::data_dir::user_data_dir)
    {
        Some(dir) => Ok(DataFolder::new(dir)),
        None => {
            report_error(
                "",
                &"无法确定用户数据文件夹，请用 --data-dir 指定（no user data folder）",
            );
            Err(Outcome::Unreadable)
        }
    }
}

/// The folder's store, its repair notice (if any) on stderr.
fn open_store(folder: &DataFolder) -> Result<gcforms::store::Store, BackupError> {
    let (store, notice) = folder.open_store()?;
    if let Some(n) = notice {
        eprintln!("gcforms: 注意：{n}");
    }
    Ok(store)
}

fn failed(context: &Path, e: &BackupError) -> Outcome {
    report_error(&context.display().to_string(), e);
    if e.is_refused_file() {
        Outcome::Findings
    } else {
        Outcome::Unreadable
    }
}

/// Runs `gcforms backup`.
pub fn run_backup(args: BackupArgs) -> Outcome {
    let folder = match folder(&args.data_dir) {
        Ok(f) => f,
        Err(o) => return o,
    };
    let written =
        open_store(&folder).and_then(|store| backup::write_backup(&store, &folder, &args.output));
    match written {
        Ok(summary) => {
            match args.format {
                Format::Json => say(&serde_json::to_string(&summary).unwrap_or_default()),
                Format::Human => say(&summary.describe()),
            }
            Outcome::Ok
        }
        Err(e) => failed(&args.output, &e),
    }
}

/// Runs `gcforms restore`.
pub fn run_restore(args: RestoreArgs) -> Outcome {
    let folder = match folder(&args.data_dir) {
        Ok(f) => f,
        Err(o) => return o,
    };
    // The backup is checked before the data folder is touched at all.
    let opened = match backup::open_backup(&args.file) {
        Ok(b) => b,
        Err(e) => return failed(&args.file, &e),
    };
    let store = match open_store(&folder) {
        Ok(s) => s,
        Err(e) => return failed(folder.dir(), &e),
    };
    let plan = match backup::plan(&store, &folder, &opened) {
        Ok(p) => p,
        Err(e) => return failed(&args.file, &e),
    };
    let print = |plan: &backup::RestorePlan, applied: bool| match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(plan).unwrap_or_default();
            value["applied"] = applied.into();
            say(&value.to_string());
        }
        Format::Human => say(&plan.lines().join("\n")),
    };
    if args.dry_run || plan.is_empty() {
        print(&plan, false);
        return Outcome::Ok;
    }
    if !args.yes {
        if args.format == Format::Human {
            print(&plan, false);
        }
        if !confirmed() {
            report_error(
                "",
                &"未确认，未作任何改动；非交互运行请加 --yes 确认，或加 --dry-run 只查看（not confirmed）",
            );
            return Outcome::Unreadable;
        }
    }
    match backup::restore(&store, &folder, &opened) {
        Ok(done) => {
            if args.format == Format::Json || args.yes {
                print(&done, true);
            }
            if args.format == Format::Human {
                say(&format!("已恢复到 {}", folder.dir().display()));
            }
            Outcome::Ok
        }
        Err(e) => failed(&args.file, &e),
    }
}

/// One line (or lines) on stdout; a closed stdout (a pipe to `head`) is
/// not an error: the work is done either way.
fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Asks on the terminal; false without one.
fn confirmed() -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("按以上内容恢复？输入 y 确认：");
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes" | "是")
}
