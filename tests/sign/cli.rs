//! The built binary: `key new`, `pack`, `verify` and their exit codes
//! (SPEC §4).

use std::path::Path;

use serde_json::Value;

use super::examples_dir;
use crate::support::{code, gcforms_in as gcforms, stderr, stdout};

const PASS: &str = "测试口令 passphrase";

/// The path of `examples/<name>.json`, as an argument.
pub(super) fn ex(name: &str) -> String {
    examples_dir()
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

/// A key for the examples' unit in `dir/unit.p12`.
fn new_key(dir: &Path) -> String {
    let o = gcforms(
        dir,
        &["key", "new", "--unit", super::UNIT, "-o", "unit.p12"],
        Some(PASS),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("证书指纹（SHA-256）："))
        .unwrap();
    let fp = line.split('：').nth(1).unwrap().to_string();
    assert_eq!(fp.len(), 95, "{fp}");
    fp
}

#[test]
fn key_new_writes_a_protected_file_and_prints_the_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = new_key(d);
    let bytes = std::fs::read(d.join("unit.p12")).unwrap();
    let key = gcforms::sign::UnitKey::from_pkcs12(&bytes, PASS).unwrap();
    assert_eq!(key.fingerprint().to_string(), fp);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("unit.p12"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only");
    }
    // Never overwrites; refuses an empty passphrase; shows a key.
    let o = gcforms(
        d,
        &["key", "new", "--unit", "x", "-o", "unit.p12"],
        Some(PASS),
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("已存在"));
    let o = gcforms(
        d,
        &["key", "new", "--unit", "x", "-o", "empty.p12"],
        Some(""),
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("口令不能为空"));
    assert!(!d.join("empty.p12").exists());
    let o = gcforms(d, &["key", "show", "unit.p12"], Some(PASS));
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains(&fp));
    let o = gcforms(d, &["key", "show", "unit.p12"], Some("wrong"));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("口令错误"));
    // The passphrase never appears in any output.
    assert!(!stdout(&o).contains(PASS) && !stderr(&o).contains(PASS));
}

#[test]
fn pack_then_verify_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = new_key(d);
    let o = gcforms(
        d,
        &[
            "pack",
            &ex("application"),
            &ex("security_pledge"),
            "--key",
            "unit.p12",
            "-o",
            "out.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains(&fp));

    let o = gcforms(d, &["verify", "out.gcpkg.json"], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("结论：有效") && text.contains(&fp) && text.contains("未判断"),
        "{text}"
    );

    let o = gcforms(d, &["verify", "out.gcpkg.json", "--format", "json"], None);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let v: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "package");
    assert_eq!(v["file"], "out.gcpkg.json");
    assert_eq!(v["signer"]["fingerprint"], fp.as_str());
    assert!(v["checks"].as_array().unwrap().len() >= 10);

    // Trust: the unit's own certificate, and another unit's.
    let key =
        gcforms::sign::UnitKey::from_pkcs12(&std::fs::read(d.join("unit.p12")).unwrap(), PASS)
            .unwrap();
    std::fs::write(d.join("unit.pem"), super::pem(&key)).unwrap();
    std::fs::write(d.join("other.pem"), super::pem(super::other_key())).unwrap();
    let o = gcforms(
        d,
        &["verify", "out.gcpkg.json", "--trust", "unit.pem"],
        None,
    );
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("是否可信：可信"));
    let o = gcforms(
        d,
        &["verify", "out.gcpkg.json", "--trust", "other.pem"],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("是否可信：不可信"));
    let o = gcforms(
        d,
        &["verify", "out.gcpkg.json", "--trust", "missing.pem"],
        None,
    );
    assert_eq!(code(&o), 2);

    // A signed PDF on its own.
    let pkg: Value =
        serde_json::from_slice(&std::fs::read(d.join("out.gcpkg.json")).unwrap()).unwrap();
    use base64::Engine;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(pkg["documents"][1]["pdf"]["base64"].as_str().unwrap())
        .unwrap();
    std::fs::write(d.join("pledge.pdf"), &pdf).unwrap();
    let o = gcforms(d, &["verify", "pledge.pdf", "--format", "json"], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        serde_json::from_str::<Value>(stdout(&o).trim()).unwrap()["kind"],
        "pdf"
    );

    // Tampered: exit 1; unreadable: exit 2.
    let mut bytes = std::fs::read(d.join("out.gcpkg.json")).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(d.join("tampered.gcpkg.json"), &bytes).unwrap();
    let o = gcforms(d, &["verify", "tampered.gcpkg.json"], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("结论：无效"));
    let mut pdf_bad = pdf.clone();
    pdf_bad[100] ^= 0x04;
    std::fs::write(d.join("bad.pdf"), &pdf_bad).unwrap();
    assert_eq!(code(&gcforms(d, &["verify", "bad.pdf"], None)), 1);
    std::fs::write(
        d.join("junk.gcpkg.json"),
        b"{\"format\": \"gcforms-package\", ",
    )
    .unwrap();
    let o = gcforms(d, &["verify", "junk.gcpkg.json"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("不完整"), "{}", stderr(&o));
    let o = gcforms(d, &["verify", "junk.gcpkg.json", "--format", "json"], None);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["error"]["code"], "unreadable");
    assert_eq!(code(&gcforms(d, &["verify", "nonexistent.json"], None)), 2);
}

#[test]
fn pack_refusals_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_key(d);
    // An application without its pledge: exit 1, the finding printed, no file.
    let o = gcforms(
        d,
        &[
            "pack",
            &ex("application"),
            "--key",
            "unit.p12",
            "-o",
            "a.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("pledge_missing"), "{}", stdout(&o));
    assert!(!d.join("a.gcpkg.json").exists());
    // A pledge for another unit.
    let mut pledge: Value =
        serde_json::from_slice(&std::fs::read(ex("security_pledge")).unwrap()).unwrap();
    pledge["unit_name"] = "韶关市另一个单位".into();
    std::fs::write(d.join("pledge.json"), serde_json::to_vec(&pledge).unwrap()).unwrap();
    let o = gcforms(
        d,
        &[
            "pack",
            &ex("application"),
            "pledge.json",
            "--key",
            "unit.p12",
            "-o",
            "b.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("pledge_unit_mismatch"));
    // Unreadable input, a wrong passphrase, a missing key: exit 2.
    std::fs::write(d.join("broken.json"), b"{\"form\":").unwrap();
    let o = gcforms(
        d,
        &[
            "pack",
            "broken.json",
            "--key",
            "unit.p12",
            "-o",
            "c.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 2);
    let both = [ex("application"), ex("security_pledge")];
    let o = gcforms(
        d,
        &[
            "pack",
            &both[0],
            &both[1],
            "--key",
            "unit.p12",
            "-o",
            "d.gcpkg.json",
        ],
        Some("wrong"),
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("口令错误"));
    let o = gcforms(
        d,
        &[
            "pack",
            &both[0],
            &both[1],
            "--key",
            "none.p12",
            "-o",
            "e.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn schema_includes_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let o = gcforms(dir.path(), &["schema"], None);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["$defs"]["Package"]["properties"]["signature"].is_object());
    assert!(v["oneOf"].is_array());
}
