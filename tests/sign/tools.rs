//! Independent readers judge the signed PDFs: poppler's `pdfsig` (apt
//! `poppler-utils`; trust through an NSS database made with `certutil`, apt
//! `libnss3-tools`) and pyHanko (pip `pyhanko pyhanko-cli`). pdfsig exits 0
//! even on a digest mismatch, so its text is parsed.

use std::path::Path;
use std::process::Command;

use super::{have, key, signed_pdf};

fn write_pdfs(dir: &Path) -> (String, String) {
    std::fs::write(dir.join("signed.pdf"), signed_pdf()).unwrap();
    // One flipped byte inside the first signed range.
    let mut bad = signed_pdf().to_vec();
    bad[200] ^= 0x01;
    std::fs::write(dir.join("tampered.pdf"), bad).unwrap();
    std::fs::write(dir.join("unit.pem"), super::pem(key())).unwrap();
    ("signed.pdf".into(), "tampered.pdf".into())
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn pdfsig_judges_the_signature_valid_and_total() {
    if !have("pdfsig", &["-v"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = write_pdfs(dir.path());
    let text = run(dir.path(), "pdfsig", &[&good]);
    assert!(
        text.contains("Signature Validation: Signature is Valid."),
        "{text}"
    );
    assert!(text.contains("Total document signed"), "{text}");
    assert!(text.contains("ETSI.CAdES.detached"), "{text}");
    assert!(text.contains(super::UNIT), "{text}");
    let text = run(dir.path(), "pdfsig", &[&bad]);
    assert!(!text.contains("Signature is Valid."), "{text}");

    // Trusted, given the certificate in an NSS database.
    if !have("certutil", &["-H"]) {
        return;
    }
    let db = format!("sql:{}", dir.path().join("nss").display());
    std::fs::create_dir(dir.path().join("nss")).unwrap();
    run(
        dir.path(),
        "certutil",
        &["-N", "-d", &db, "--empty-password"],
    );
    run(
        dir.path(),
        "certutil",
        &[
            "-A", "-d", &db, "-n", "unit", "-t", "CT,C,C", "-i", "unit.pem",
        ],
    );
    let text = run(dir.path(), "pdfsig", &["-nssdir", &db, &good]);
    assert!(text.contains("Signature is Valid."), "{text}");
    assert!(
        text.contains("Certificate Validation: Certificate is Trusted."),
        "{text}"
    );
}

#[test]
fn pyhanko_judges_the_signature_valid_trusted_and_total() {
    if !have("pyhanko", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = write_pdfs(dir.path());
    let args = |f: &str| -> Vec<String> {
        [
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            "unit.pem",
            "--trust-replace",
            f,
        ]
        .map(String::from)
        .to_vec()
    };
    let a: Vec<String> = args(&good);
    let text = run(
        dir.path(),
        "pyhanko",
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(text.contains("The signature is judged VALID"), "{text}");
    assert!(
        text.contains("The signer's certificate is trusted."),
        "{text}"
    );
    assert!(
        text.contains("The signature covers the entire file."),
        "{text}"
    );
    assert!(
        text.contains("The signature is cryptographically sound."),
        "{text}"
    );
    let a: Vec<String> = args(&bad);
    let text = run(
        dir.path(),
        "pyhanko",
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(!text.contains("judged VALID"), "{text}");
}
