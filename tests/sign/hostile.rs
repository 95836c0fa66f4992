//! Hostile packages and PDFs: never a panic, always a clear answer —
//! unreadable (`Err`, exit 2) or invalid (exit 1).

use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

use gcforms::package::{verify_file_bytes, verify_package, verify_signed_pdf};

use super::{calendar, packed, policy};

fn package() -> Value {
    serde_json::from_slice(packed()).unwrap()
}

fn unreadable(bytes: &[u8]) -> String {
    verify_package(bytes, policy(), calendar(), None)
        .expect_err("unreadable")
        .to_string()
}

fn invalid(v: &Value) -> Vec<&'static str> {
    let out = verify_package(&serde_json::to_vec(v).unwrap(), policy(), calendar(), None).unwrap();
    assert!(!out.valid);
    out.checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.code.as_str())
        .collect()
}

#[test]
fn truncated_packages_are_unreadable() {
    let p = packed();
    for cut in [0, 1, 10, p.len() / 3, p.len() / 2, p.len() - 2] {
        let msg = unreadable(&p[..cut]);
        assert!(msg.contains("JSON") || msg.contains("空"), "{cut}: {msg}");
    }
    assert!(unreadable(&p[..p.len() / 2]).contains("不完整"));
}

#[test]
fn unknown_format_version_and_other_formats_are_unreadable() {
    let mut v = package();
    v["format_version"] = json!(2);
    let msg = unreadable(&serde_json::to_vec(&v).unwrap());
    assert!(msg.contains("format_version 2"), "{msg}");
    v["format_version"] = json!("1");
    assert!(unreadable(&serde_json::to_vec(&v).unwrap()).contains("format_version"));
    let mut v = package();
    v["format"] = json!("something-else");
    assert!(unreadable(&serde_json::to_vec(&v).unwrap()).contains("不是 gcforms 提交包"));
    let mut v = package();
    v.as_object_mut().unwrap().remove("signature");
    assert!(unreadable(&serde_json::to_vec(&v).unwrap()).contains("结构不正确"));
    let mut v = package();
    v["extra"] = json!(1);
    assert!(unreadable(&serde_json::to_vec(&v).unwrap()).contains("结构不正确"));
    assert!(unreadable(b"[1,2,3]").contains("不是 JSON 对象"));
    assert!(unreadable(&[0xff, 0xfe, 0x00]).contains("UTF-8"));
    let deep = "[".repeat(100_000);
    assert!(unreadable(deep.as_bytes()).contains("嵌套"));
}

#[test]
fn wrong_base64_and_wrong_hashes_are_invalid() {
    let mut v = package();
    v["documents"][0]["pdf"]["base64"] = json!("!!!not base64!!!");
    assert!(invalid(&v).contains(&"pdf_hash"));
    let mut v = package();
    v["documents"][1]["pdf"]["sha256"] = json!("0".repeat(64));
    assert!(invalid(&v).contains(&"pdf_hash"));
    // A valid PDF that is not signed, with its right hash.
    let mut v = package();
    let plain = b"%PDF-1.7\n%%EOF\n";
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(plain)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    v["documents"][0]["pdf"] = json!({
        "sha256": hash,
        "base64": base64::engine::general_purpose::STANDARD.encode(plain),
    });
    let failed = invalid(&v);
    assert!(
        failed.contains(&"pdf_signature") && !failed.contains(&"pdf_hash"),
        "{failed:?}"
    );
    // No documents at all.
    let mut v = package();
    v["documents"] = json!([]);
    assert!(invalid(&v).contains(&"pdf_hash"));
    // A certificate that is no certificate.
    let mut v = package();
    v["signature"]["certificate"] = json!("AAAA");
    assert!(invalid(&v).contains(&"package_signature"));
    // Data that is not a document, and numbers JCS cannot hold.
    let mut v = package();
    v["documents"][0]["data"] = json!({"form": "application", "n": 18446744073709551615u64});
    let failed = invalid(&v);
    assert!(
        failed.contains(&"package_signature") && failed.contains(&"rules"),
        "{failed:?}"
    );
}

#[test]
fn huge_embedded_pdf_is_refused() {
    let mut v = package();
    let huge = "A".repeat(gcforms::package::MAX_PDF_BYTES / 3 * 4 + 8);
    v["documents"][0]["pdf"]["base64"] = json!(huge);
    let out = verify_package(&serde_json::to_vec(&v).unwrap(), policy(), calendar(), None).unwrap();
    assert!(!out.valid);
    assert!(out
        .checks
        .iter()
        .any(|c| c.code == "pdf_hash" && c.message.contains("过大")));
    // Larger than any input: unreadable before parsing.
    let too_big = vec![b' '; gcforms::input::MAX_INPUT_BYTES as usize + 1];
    assert!(verify_package(&too_big, policy(), calendar(), None)
        .unwrap_err()
        .to_string()
        .contains("过大"));
}

#[test]
fn hostile_pdfs_do_not_panic() {
    for bytes in [
        &b"%PDF-1.7\n/ByteRange [0 99999999999 5 5] /Contents <00>"[..],
        b"%PDF-1.7\n/ByteRange [0 3 5 1]<>",
        b"%PDF-1.7\n/ByteRange [0 10 12 0] /Contents <3082>",
        b"%PDF-1.7\n/ByteRange",
        b"%PDF-1.7\n/ByteRange [",
        b"%PDF-1.7\n/ByteRange [0 1 2 3 4 5]",
        b"%PDF-",
    ] {
        let v = verify_signed_pdf(bytes, None).unwrap();
        assert!(!v.valid);
    }
    assert!(verify_file_bytes(b"%PD", policy(), calendar(), None).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_pdf_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..400), n in 0usize..64) {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend_from_slice(&tail);
        bytes.extend_from_slice(format!("/ByteRange [0 {n} {} 3] <30820101>", n + 10).as_bytes());
        bytes.extend_from_slice(&tail);
        let _ = verify_signed_pdf(&bytes, None);
    }

    #[test]
    fn arbitrary_edits_of_a_package_never_panic(at in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = packed().to_vec();
        let i = at % bytes.len();
        bytes[i] = byte;
        let _ = verify_package(&bytes, policy(), calendar(), None);
    }
}
