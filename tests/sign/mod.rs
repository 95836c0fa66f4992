//! Signing (issue #6): unit keys, signed PDFs, the signed package, `verify`,
//! and the CLI's exit codes. External tools (openssl, pdfsig, pyHanko) are
//! used when present; a test that needs an absent one says so loudly and
//! returns.

mod cli;
mod hostile;
mod key_files;
mod keys;
mod package;
mod pdf;
mod tamper;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;

use gcforms::calendar::Calendar;
use gcforms::package::{pack, PackOptions, PaperRenderer};
use gcforms::policy::Policy;
use gcforms::sign::UnitKey;

/// The signing time of every test signature: output is reproducible.
pub fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-05T16:40:00+08:00").unwrap()
}

/// When test keys were issued.
pub fn issued() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The unit of the examples.
pub const UNIT: &str = "韶关市不动产登记中心";

/// A key of the examples' unit, made once.
pub fn key() -> &'static UnitKey {
    static KEY: OnceLock<UnitKey> = OnceLock::new();
    KEY.get_or_init(|| UnitKey::generate(UNIT, issued()).unwrap())
}

/// Another unit's key.
pub fn other_key() -> &'static UnitKey {
    static KEY: OnceLock<UnitKey> = OnceLock::new();
    KEY.get_or_init(|| UnitKey::generate("韶关市某某局", issued()).unwrap())
}

pub fn policy() -> &'static Policy {
    Policy::default_shaoguan()
}

/// The built-in working-day calendar: tests do not depend on the years
/// imported on this machine.
pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::builtin)
}

pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

pub fn example(name: &str) -> Value {
    let bytes = std::fs::read(examples_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

pub fn options() -> PackOptions {
    PackOptions {
        package_id: uuid::Uuid::parse_str("8d3c0a51-2f4e-4b6a-9c7d-0e1f2a3b4c5d").unwrap(),
        time: t0(),
        signer_name: None,
    }
}

/// The package of 附件1 + 附件2, as `pack` writes it (pretty JSON).
pub fn packed() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let package = pack(
            vec![example("application"), example("security_pledge")],
            policy(),
            key(),
            &PaperRenderer,
            &options(),
        )
        .unwrap();
        serde_json::to_vec_pretty(&package).unwrap()
    })
}

/// The signed PDF of 附件1 taken from [`packed`].
pub fn signed_pdf() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| pdf_of(packed(), 0))
}

/// The PDF of document `i` of a package.
pub fn pdf_of(package: &[u8], i: usize) -> Vec<u8> {
    use base64::Engine;
    let v: Value = serde_json::from_slice(package).unwrap();
    let b64 = v["documents"][i]["pdf"]["base64"].as_str().unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// True when `program` runs; otherwise prints a loud notice for the log.
/// Under CI (`CI` set) a missing tool fails the test instead: CI installs
/// every tool (`scripts/deps`), so a skip there would hide a broken setup.
pub fn have(program: &str, probe: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty());
    if !ok && std::env::var_os("CI").is_some() {
        panic!(
            "`{program}` is not installed, but CI must run this check (scripts/deps installs it)"
        );
    }
    if !ok {
        eprintln!(
            "\n!!!!!!!! SKIPPED: `{program}` is not installed; this check did not run. \
             CI must install it (see the sign tests' module docs). !!!!!!!!\n"
        );
    }
    ok
}

/// The certificate of a key as PEM.
pub fn pem(key: &UnitKey) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&key.certificate().der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
