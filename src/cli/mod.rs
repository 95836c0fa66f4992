//! Argument parsing and dispatch. Each command lives in its own module and
//! returns an [`Outcome`]; exit codes are decided here, once (SPEC §4).

mod backup;
mod calendar;
mod deadline;
mod demand;
mod drafts;
mod key;
mod new;
mod pack;
mod render;
mod review;
mod validate;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use gcforms::policy::Policy;

/// 政务云资源申请助手 — 韶关市“数字政府”政务云资源申请、变更、注销表单工具
#[derive(Parser)]
#[command(name = "gcforms", version, about, long_about = None)]
struct Cli {
    /// 使用指定的政策文件代替内置的韶关市政策（JSON）
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 校验文档，列出全部问题（退出码：0 无错误，1 有错误，2 无法读取）
    Validate {
        /// 要校验的 JSON 文档，可多个
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// 生成纸质表格 PDF；有错误的文档须加 --draft（退出码：0 成功，1 有错误，2 无法读取或写入）
    Render {
        /// 要打印的 JSON 文档，或提交包（.gcpkg.json：打印其全部文档，审核意见栏按审核记录填写）
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 输出的 PDF 文件
        #[arg(short = 'o', long = "output", value_name = "OUT.pdf")]
        output: PathBuf,
        /// 在一个文件中打印 N 份，每份页脚注明持有方
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=gcforms::render::MAX_COPIES as i64))]
        copies: Option<u32>,
        /// 打印草稿：每页加“草稿”水印，有错误也打印（不适用于提交包）
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        data_dir: calendar::DataDirArg,
    },
    /// 输出文档与提交包的 JSON Schema
    Schema,
    /// 草稿库：导入、列出、导出草稿（退出码：0 成功，1 找不到草稿或文档无编号，2 无法读取）
    Drafts {
        #[command(subcommand)]
        command: drafts::DraftsCommand,
    },
    /// 新建空白文档；附件3、附件4 可用 --from 从原申请（附件1）带入单位信息与主机清单；资源需求预估表可用 --from 以往年预估表为模板（预估年度加一年，填报日期为今天）（退出码：0 成功，1 原申请不是附件1 或模板不是预估表，2 无法读取或写入）
    New {
        /// 表单：application、security_pledge、change、cancellation 或 demand_estimate
        #[arg(value_name = "FORM", value_parser = drafts::parse_form)]
        form: gcforms::document::FormKind,
        /// 原申请（附件1 的 JSON 文档），或作为模板的往年资源需求预估表
        #[arg(long, value_name = "SOURCE.json")]
        from: Option<PathBuf>,
        /// 写入此文件（默认输出到标准输出）
        #[arg(short = 'o', long = "output", value_name = "OUT.json")]
        output: Option<PathBuf>,
    },
    /// 单位密钥：生成、导入、查看（退出码：0 成功，2 失败）
    Key {
        #[command(subcommand)]
        command: key::KeyCommand,
    },
    /// 校验文档并签名，生成提交包（退出码：0 成功，1 文档有错误，2 无法读取）
    Pack {
        /// 要打包的 JSON 文档，可多个（申请表须附安全责任书）
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 单位密钥文件（.p12）
        #[arg(long, value_name = "KEY.p12")]
        key: PathBuf,
        /// 输出的提交包
        #[arg(short = 'o', long = "output", value_name = "OUT.gcpkg.json")]
        output: PathBuf,
        /// 签名块上的签名人，默认取各文档的联系人
        #[arg(long, value_name = "NAME")]
        signer: Option<String>,
    },
    /// 校验提交包或签名 PDF，含各级审核记录（退出码：0 有效，1 被篡改或无效，2 无法读取）
    Verify {
        /// 提交包（.gcpkg.json）或签名 PDF
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 信任的证书（PEM/DER 文件，或含证书的目录）；也用于核对审核人的证书
        #[arg(long, value_name = "CERT_OR_DIR")]
        trust: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        data_dir: calendar::DataDirArg,
    },
    /// 在提交包上追加一条签名的审核记录，写入新文件（退出码：0 已追加，1 拒绝追加并给出原因代码，2 无法读取、参数或口令错误）
    Review(review::ReviewArgs),
    /// 工作日期限：自 DATE 起 N 个工作日（当日不计）的最后一天（退出码：0 成功，2 日期或天数无效）
    Deadline(deadline::DeadlineArgs),
    /// 工作日历：列出已知年份，导入新一年的放假安排（退出码：0 成功，1 文件无效，2 无法读取或写入）
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCommand,
    },
    /// 备份：把草稿（含历史版本）、导出记录、收到的提交包与审核结果、常用信息、信任的证书、导入的放假安排和单位证书密钥文件（仍加密）写入一个 .gcbackup 文件（退出码：0 成功，2 无法读取或写入）
    Backup(backup::BackupArgs),
    /// 恢复：先列出将新增与跳过的内容，再合并到数据文件夹，不重复、不覆盖较新的内容；损坏或不是备份的文件被拒绝且不作改动（退出码：0 成功，1 备份文件被拒绝，2 无法读写或未确认）
    Restore(backup::RestoreArgs),
    /// 年度资源需求预估（第十七条）：汇总各单位的资源需求预估表
    Demand {
        #[command(subcommand)]
        command: demand::DemandCommand,
    },
}

/// Output format of commands that report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 中文，逐行
    Human,
    /// 每个输入一行 JSON
    Json,
}

/// What a command concluded, mapped to the exit codes of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: errors found (or refused for them).
    Findings,
    /// Exit 2: unreadable input or bad usage.
    Unreadable,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(match o {
            Outcome::Ok => 0,
            Outcome::Findings => 1,
            Outcome::Unreadable => 2,
        })
    }
}

/// Prints one error line on stderr.
pub fn report_error(context: &str, error: &dyn std::fmt::Display) {
    if context.is_empty() {
        eprintln!("gcforms: 错误：{error}");
    } else {
        eprintln!("gcforms: 错误：{context}：{error}");
    }
}

/// One line per finding, as `validate` prints them and `render` lists what
/// stops a final print: severity, path, code, message.
pub fn finding_lines(findings: &[gcforms::rules::Finding]) -> impl Iterator<Item = String> + '_ {
    findings.iter().map(|f| {
        let path = if f.path.is_empty() {
            "（整份文档）"
        } else {
            f.path.as_str()
        };
        format!(
            "  {} {} [{}] {}",
            f.severity.label(),
            path,
            f.code,
            f.message
        )
    })
}

/// Writes a command's output file; a failure is one line naming the file and
/// why, and exit 2.
pub fn write_output(output: &std::path::Path, bytes: &[u8]) -> Outcome {
    let Err(e) = std::fs::write(output, bytes) else {
        return Outcome::Ok;
    };
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "所在目录不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
        std::io::ErrorKind::StorageFull => "磁盘空间不足".to_string(),
        _ => e.to_string(),
    };
    report_error(
        "",
        &format!(
            "无法写入输出文件 {}：{why}（cannot write the output: {e}）",
            output.display()
        ),
    );
    Outcome::Unreadable
}

/// Parses arguments, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 2 for usage errors already, 0 for --help/--version.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let policy = match &cli.policy {
        Some(path) => match Policy::from_file(path) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                report_error(&path.display().to_string(), &e);
                return Outcome::Unreadable.into();
            }
        },
        None => Arc::clone(Policy::shared_default()),
    };
    let outcome = match cli.command {
        Command::Validate { files, format } => validate::run(&files, format, &policy),
        Command::Render {
            file,
            output,
            copies,
            draft,
            data_dir,
        } => render::run(&file, &output, copies, draft, &data_dir, &policy),
        Command::Drafts { command } => drafts::run(command, &policy),
        Command::New { form, from, output } => new::run(form, from.as_deref(), output.as_deref()),
        Command::Schema => {
            let schema = gcforms::package::combined_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Outcome::Ok
        }
        Command::Key { command } => key::run(command, &policy.key_file),
        Command::Pack {
            files,
            key,
            output,
            signer,
        } => pack::run(&files, &key, &output, signer, &policy),
        Command::Verify {
            file,
            trust,
            format,
            data_dir,
        } => verify::run(&file, trust.as_deref(), format, &data_dir, &policy),
        Command::Review(args) => review::run(args, &policy),
        Command::Deadline(args) => deadline::run(args, &policy),
        Command::Calendar { command } => calendar::run(command),
        Command::Demand { command } => demand::run(command, &policy),
        Command::Backup(args) => backup::run_backup(args),
        Command::Restore(args) => backup::run_restore(args),
    };
    outcome.into()
}
