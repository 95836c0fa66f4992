//! `gcforms verify FILE [--trust CERT_OR_DIR] [--format json]`: a package or a
//! signed PDF; exit 0 valid, 1 tampered or invalid (or not trusted when
//! `--trust` is given), 2 unreadable.

use std::path::Path;

use serde_json::json;

use gcforms::input::read_file_limited;
use gcforms::package::{verify_file_bytes, Verification, VerificationKind, VerifyError};
use gcforms::policy::Policy;
use gcforms::rules::Severity;
use gcforms::sign::TrustStore;

use super::{report_error, Format, Outcome};

/// Verifies `file` and prints what was checked.
pub fn run(file: &Path, trust: Option<&Path>, format: Format, policy: &Policy) -> Outcome {
    let name = file.display().to_string();
    let store = match trust.map(TrustStore::load).transpose() {
        Ok(s) => s,
        Err(e) => {
            report_error("--trust", &e);
            return Outcome::Unreadable;
        }
    };
    let result = read_file_limited(file)
        .map_err(VerifyError::from)
        .and_then(|bytes| verify_file_bytes(&bytes, policy, store.as_ref()));
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
            "{name}：提交包 {}，含 {} 份文档",
            v.package_id.as_deref().unwrap_or(""),
            v.documents.len()
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
                gcforms::escape::printable(&s.unit),
                gcforms::escape::printable(&s.issuer)
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
    println!(
        "结论：{}",
        if v.valid {
            "有效"
        } else {
            "无效：文件被篡改、签名不符或内容不合规"
        }
    );
}
