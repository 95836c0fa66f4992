//! `gcforms pack FILE… --key KEY.p12 -o OUT.gcpkg.json`: checks the
//! documents as one submission, then signs each PDF and the package.

use std::path::{Path, PathBuf};

use gcforms::input::{parse_json, read_file_limited};
use gcforms::package::{check_submission, pack, PackError, PackOptions, PaperRenderer};
use gcforms::policy::Policy;

use super::{report_error, write_output, Outcome};

/// Packs `files` with the key in `key_file` into `output`.
pub fn run(
    files: &[PathBuf],
    key_file: &Path,
    output: &Path,
    signer: Option<String>,
    policy: &Policy,
) -> Outcome {
    let mut values = Vec::with_capacity(files.len());
    for file in files {
        match read_file_limited(file).and_then(|b| parse_json(&b)) {
            Ok(v) => values.push(v),
            Err(e) => {
                report_error(&file.display().to_string(), &e);
                return Outcome::Unreadable;
            }
        }
    }
    // Refuse before asking for the passphrase.
    if let Err(e) = check_submission(&values, policy) {
        return refused(files, e);
    }
    let Ok(key) = super::key::open_key(key_file) else {
        return Outcome::Unreadable;
    };
    let options = PackOptions {
        signer_name: signer,
        ..PackOptions::now()
    };
    let package = match pack(values, policy, &key, &PaperRenderer, &options) {
        Ok(p) => p,
        Err(e) => return refused(files, e),
    };
    let mut bytes = match serde_json::to_vec_pretty(&package) {
        Ok(b) => b,
        Err(e) => {
            report_error("", &e);
            return Outcome::Unreadable;
        }
    };
    bytes.push(b'\n');
    if write_output(output, &bytes) != Outcome::Ok {
        return Outcome::Unreadable;
    }
    println!(
        "已打包 {} 份文档：{}（{} 字节）",
        package.documents.len(),
        output.display(),
        bytes.len()
    );
    println!("提交包编号：{}", package.package_id);
    println!(
        "签名单位：{}",
        gcforms::escape::printable(key.certificate().unit())
    );
    println!("证书指纹（SHA-256）：{}", key.fingerprint());
    Outcome::Ok
}

fn refused(files: &[PathBuf], e: PackError) -> Outcome {
    match e {
        PackError::Findings(reports) => {
            for (file, report) in files.iter().zip(reports) {
                super::validate::print_human(file, &Ok(report));
            }
            report_error(
                "",
                &"文档有错误，未打包（documents have errors; nothing packed）",
            );
            Outcome::Findings
        }
        PackError::Unreadable(i, e) => {
            let name = files
                .get(i)
                .map(|f| f.display().to_string())
                .unwrap_or_default();
            report_error(&name, &e);
            Outcome::Unreadable
        }
        PackError::Canonical(i, e) => {
            let name = files
                .get(i)
                .map(|f| f.display().to_string())
                .unwrap_or_default();
            report_error(&name, &e);
            Outcome::Findings
        }
        other => {
            report_error("", &other);
            Outcome::Unreadable
        }
    }
}
