//! The signatures checked outside our code: `verify_signatures.py` (PyPI
//! `rfc8785` + `cryptography`, installed by `scripts/deps`) recomputes the
//! RFC 8785 bytes of the applicant's and of each review's signed form from
//! SPEC §5/§5.1 and verifies ES256 with the enclosed certificates; it also
//! recounts each deadline with PyPI `chinesecalendar`. It must fail on a
//! modified package.

use std::process::{Command, Output};

use super::*;

fn run_python(package: &[u8]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.gcpkg.json");
    std::fs::write(&file, package).unwrap();
    let script = crate::support::root().join("tests/review/verify_signatures.py");
    let days = policy().sla.review_working_days.to_string();
    let out = Command::new("python3")
        .arg(&script)
        .arg(&file)
        .args(["--deadlines", &days])
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "rfc8785, cryptography and chinesecalendar are needed (pip install; scripts/deps): {stderr}"
    );
    out
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn python_verifies_the_applicant_and_every_review() {
    let [_, _, three] = approved_chain();
    let o = run_python(three);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for line in [
        "applicant: ok",
        "review 1: ok",
        "review 2: ok",
        "review 3: ok",
        "review 1 deadline: ok",
        "review 2 deadline: ok",
        "review 3 deadline: ok",
        "checked 4 signatures",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}\n{out}");
    }
}

#[test]
fn python_rejects_a_modified_review_and_a_modified_package() {
    let [_, _, three] = approved_chain();
    // The second review's opinion edited: its signature and the third's fail.
    let mut v = value(three);
    v["reviews"][1]["opinion"] = json!("经初审，同意转报。");
    let o = run_python(&bytes(&v));
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("review 1: ok"), "{out}");
    assert!(
        out.contains("review 2: ECDSA signature does not verify"),
        "{out}"
    );
    assert!(
        out.contains("review 3: ECDSA signature does not verify"),
        "{out}"
    );
    assert!(out.contains("applicant: ok"), "{out}");
    // The documents edited: every signature fails.
    let mut v = value(three);
    v["documents"][0]["data"]["hosts"][0]["quantity"] = json!(3);
    let o = run_python(&bytes(&v));
    let out = text(&o);
    assert!(!o.status.success());
    assert_eq!(
        out.matches("ECDSA signature does not verify").count(),
        4,
        "{out}"
    );
    // A deadline off by a day (re-signed by the reviewer): the signature
    // holds, the recount does not.
    let [_, two, _] = approved_chain();
    let review = raw_review(
        ReviewLevel::City,
        "approve",
        "2026-09-29",
        "2026-09-30",
        "2026-10-09",
    );
    let v = value(&with_raw(two, review, ReviewLevel::City));
    let o = run_python(&bytes(&v));
    let out = text(&o);
    assert!(!o.status.success());
    assert!(
        out.contains("review 3: ok") && out.contains("review 3 deadline: 2026-10-09 != 2026-10-12"),
        "{out}"
    );
}
