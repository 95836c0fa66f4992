//! `gcforms drafts import|list|export`: the app's draft store from the command
//! line, for administrators and tests (SPEC §4).
//!
//! Exit codes: 0 done; 1 a request that cannot be met (an unknown ID, a
//! document without `id`); 2 unreadable input or an unusable database.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;

use gcforms::document::FormKind;
use gcforms::input::{read_file_limited, InputError};
use gcforms::policy::Policy;
use gcforms::store::{DraftStatus, ListQuery, SavedDraft, Store, StoreError};

use super::{report_error, Format, Outcome};

/// The `drafts` subcommands.
#[derive(Subcommand)]
pub enum DraftsCommand {
    /// 把文档导入草稿库（以文档编号 id 为草稿编号；同编号的草稿保存为新版本）
    Import {
        /// 要导入的 JSON 文档，可多个
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 草稿库文件（默认：本机用户数据文件夹中应用自己的草稿库）
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
    },
    /// 列出草稿，最近修改的在前
    List {
        /// 草稿库文件（默认：应用自己的草稿库）
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// 只列此类表单：application、security_pledge、change、cancellation、demand_estimate
        #[arg(long, value_name = "FORM", value_parser = parse_form)]
        form: Option<FormKind>,
        /// 只列此状态：draft（有错误）、ready（可导出）、exported（已导出）
        #[arg(long, value_name = "STATUS", value_parser = parse_status)]
        status: Option<DraftStatus>,
        /// 按单位名称、系统名称或主机名称查找（多个词须都出现）
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// 列出回收站中的草稿
        #[arg(long)]
        trash: bool,
    },
    /// 输出草稿的文档，与保存时逐字节相同
    Export {
        /// 草稿编号（文档的 id）
        id: String,
        /// 草稿库文件（默认：应用自己的草稿库）
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
    },
}

/// `--form` names no form.
#[derive(Debug, thiserror::Error)]
#[error("应为 application、security_pledge、change、cancellation 或 demand_estimate 之一")]
pub(super) struct UnknownForm;

/// `--status` names no draft status.
#[derive(Debug, thiserror::Error)]
#[error("应为 draft、ready 或 exported 之一")]
struct UnknownStatus;

pub(super) fn parse_form(s: &str) -> Result<FormKind, UnknownForm> {
    FormKind::from_key(s).ok_or(UnknownForm)
}

fn parse_status(s: &str) -> Result<DraftStatus, UnknownStatus> {
    DraftStatus::from_key(s).ok_or(UnknownStatus)
}

/// Runs a `drafts` subcommand.
pub fn run(command: DraftsCommand, policy: &Arc<Policy>) -> Outcome {
    match command {
        DraftsCommand::Import { files, db } => import(&files, db.as_deref(), policy),
        DraftsCommand::List {
            db,
            format,
            form,
            status,
            search,
            trash,
        } => {
            let query = ListQuery {
                form,
                status,
                search,
                trash,
                ..ListQuery::default()
            };
            list(&query, format, db.as_deref())
        }
        DraftsCommand::Export { id, db } => export(&id, db.as_deref()),
    }
}

fn outcome_of(e: &StoreError) -> Outcome {
    if e.is_request_error() {
        Outcome::Findings
    } else {
        Outcome::Unreadable
    }
}

/// Opens the given store (created when `create`) or the app's own.
fn open(db: Option<&Path>, create: bool) -> Result<Store, Outcome> {
    let opened = match db {
        Some(path) if create => Store::open(path),
        Some(path) => Store::open_existing(path),
        None => Store::open_default(),
    };
    match opened {
        Ok((store, notice)) => {
            if let Some(notice) = notice {
                eprintln!("gcforms: 注意：{notice}");
            }
            Ok(store)
        }
        Err(e) => {
            report_error("草稿库", &e);
            Err(outcome_of(&e))
        }
    }
}

fn import(files: &[PathBuf], db: Option<&Path>, policy: &Arc<Policy>) -> Outcome {
    let mut store = match open(db, true) {
        Ok(s) => s,
        Err(o) => return o,
    };
    store.set_policy(Arc::clone(policy));
    let texts: Vec<Result<String, InputError>> = files
        .iter()
        .map(|f| {
            let bytes = read_file_limited(f)?;
            String::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
                offset: e.utf8_error().valid_up_to(),
            })
        })
        .collect();
    let readable: Vec<&str> = texts.iter().filter_map(|t| t.as_deref().ok()).collect();
    let mut saved = match store.import_all(&readable) {
        Ok(results) => results.into_iter(),
        Err(e) => {
            report_error("草稿库", &e);
            return outcome_of(&e);
        }
    };
    let mut worst = Outcome::Ok;
    for (file, text) in files.iter().zip(&texts) {
        let name = file.display().to_string();
        let result = match text {
            Err(e) => Err(StoreError::Input(e.clone())),
            Ok(_) => saved
                .next()
                .unwrap_or_else(|| Err(StoreError::Database("导入结果缺失".into()))),
        };
        match result {
            Ok(s) => println!("{name}：{}", describe(&s)),
            Err(e) => {
                report_error(&name, &e);
                worst = worst.max(outcome_of(&e));
            }
        }
    }
    worst
}

fn describe(s: &SavedDraft) -> String {
    let what = if s.changed {
        "已导入"
    } else {
        "内容未变，未改动"
    };
    let errors = if s.errors > 0 {
        format!("，{} 个错误", s.errors)
    } else {
        String::new()
    };
    let trash = if s.trashed {
        "；该草稿在回收站中"
    } else {
        ""
    };
    format!(
        "草稿 {}{what}（{}，{}，第 {} 版{errors}）{trash}",
        s.id,
        s.form.short_name(),
        s.status.label(),
        s.version
    )
}

fn list(query: &ListQuery, format: Format, db: Option<&Path>) -> Outcome {
    let store = match open(db, false) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let drafts = match store.list(query) {
        Ok(d) => d,
        Err(e) => {
            report_error("草稿库", &e);
            return outcome_of(&e);
        }
    };
    let mut out = std::io::stdout().lock();
    for d in &drafts {
        let line = match format {
            Format::Json => serde_json::to_string(d).unwrap_or_default(),
            Format::Human => {
                let errors = if d.errors > 0 {
                    format!("，{} 个错误", d.errors)
                } else {
                    String::new()
                };
                format!(
                    "{}  {}  {}{errors}  {}  {}",
                    d.id,
                    d.status.label(),
                    d.updated_at,
                    d.form.short_name(),
                    gcforms::escape::printable(&d.title)
                )
            }
        };
        if writeln!(out, "{line}").is_err() {
            return Outcome::Ok; // stdout closed (a pipe to `head`)
        }
    }
    if drafts.is_empty() && format == Format::Human {
        let _ = writeln!(out, "（没有符合条件的草稿）");
    }
    Outcome::Ok
}

fn export(id: &str, db: Option<&Path>) -> Outcome {
    let store = match open(db, false) {
        Ok(s) => s,
        Err(o) => return o,
    };
    match store.document(id) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            Outcome::Ok
        }
        Err(e) => {
            report_error("", &e);
            outcome_of(&e)
        }
    }
}
