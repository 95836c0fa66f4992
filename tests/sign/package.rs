//! The signed package: its shape (SPEC §5), `verify`'s checks, refusals at
//! `pack`, another unit's certificate, trust, and canonicalization.

use base64::Engine;
use serde_json::{json, Value};

use gcforms::package::{pack, verify_package, PackError, PaperRenderer, Verification};
use gcforms::sign::{CertInfo, TrustStore, UnitKey};

use super::{calendar, example, key, options, other_key, packed, policy};

fn verify(bytes: &[u8]) -> Verification {
    verify_package(bytes, policy(), calendar(), None).unwrap()
}

fn failed(v: &Verification) -> Vec<&'static str> {
    v.checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.code.as_str())
        .collect()
}

/// Signs a package value again with `key`, as a forger holding that key would.
fn resign(mut v: Value, key: &UnitKey) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD;
    v["signature"]["certificate"] = json!(b64.encode(&key.certificate().der));
    v["signature"]["fingerprint"] = json!(key.fingerprint().to_string());
    let bytes = gcforms::package::signed_bytes(&v).unwrap();
    v["signature"]["value"] = json!(b64.encode(key.sign_es256(&bytes)));
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn package_has_the_shape_of_spec_5() {
    let v: Value = serde_json::from_slice(packed()).unwrap();
    assert_eq!(v["format"], "gcforms-package");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["package_id"], "8d3c0a51-2f4e-4b6a-9c7d-0e1f2a3b4c5d");
    assert_eq!(v["created_at"], "2026-03-05T16:40:00+08:00");
    assert_eq!(v["generator"]["name"], "gcforms");
    assert_eq!(v["policy"]["id"], policy().id.as_str());
    assert_eq!(v["policy"]["version"], policy().version.as_str());
    assert_eq!(v["reviews"], json!([]));
    assert_eq!(v["signature"]["alg"], "ES256");
    assert_eq!(
        v["signature"]["fingerprint"],
        key().fingerprint().to_string()
    );
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["data"], example("application"), "data kept exactly");
    assert_eq!(docs[1]["data"], example("security_pledge"));
    for (i, d) in docs.iter().enumerate() {
        let pdf = super::pdf_of(packed(), i);
        assert!(pdf.starts_with(b"%PDF-"));
        let hash = d["pdf"]["sha256"].as_str().unwrap();
        assert_eq!(hash.len(), 64);
        use sha2::Digest;
        let expected: String = sha2::Sha256::digest(&pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, expected);
    }
    // Reproducible for fixed options.
    let again = pack(
        vec![example("application"), example("security_pledge")],
        policy(),
        key(),
        &PaperRenderer,
        &options(),
    )
    .unwrap();
    assert_eq!(serde_json::to_vec_pretty(&again).unwrap(), packed());
}

#[test]
fn a_fresh_package_verifies_with_every_check() {
    let v = verify(packed());
    assert!(v.valid, "{:#?}", v.checks);
    assert_eq!(v.kind, "package");
    assert_eq!(v.trusted, None);
    let codes: Vec<&str> = v.checks.iter().map(|c| c.code.as_str()).collect();
    for code in [
        "package_signature",
        "fingerprint",
        "certificate_validity",
        "pdf_hash",
        "pdf_signature",
        "pdf_covers_whole_file",
        "pdf_signer",
        "data_matches_pdf",
        "rules",
        "unit_matches",
    ] {
        assert!(codes.contains(&code), "{code} checked");
    }
    assert_eq!(
        v.checks
            .iter()
            .filter(|c| c.code == "pdf_signature")
            .count(),
        2
    );
    assert!(v.checks.iter().all(|c| c.ok));
    assert!(v.checks.iter().all(|c| c
        .message
        .chars()
        .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))));
    let signer = v.signer.as_ref().unwrap();
    assert_eq!(signer.unit, super::UNIT);
    assert_eq!(v.documents.len(), 2);
    assert_eq!(v.documents[1].form.as_deref(), Some("security_pledge"));
}

#[test]
fn canonical_form_makes_layout_irrelevant() {
    // Re-serialized compactly with members in another order: still valid.
    let v: Value = serde_json::from_slice(packed()).unwrap();
    let mut reordered = serde_json::Map::new();
    let obj = v.as_object().unwrap();
    for k in obj.keys().rev() {
        reordered.insert(k.clone(), obj[k].clone());
    }
    let bytes = serde_json::to_vec(&Value::Object(reordered)).unwrap();
    assert!(verify(&bytes).valid);
}

#[test]
fn reviews_are_outside_the_applicant_signature_but_checked() {
    // A review appended by hand: the applicant's signature still holds, but
    // the review itself is judged (SPEC §5.1) and fails.
    let mut v: Value = serde_json::from_slice(packed()).unwrap();
    v["reviews"] = json!([{ "level": "city", "decision": "approve" }]);
    let out = verify(&serde_json::to_vec(&v).unwrap());
    assert!(!out.valid);
    assert_eq!(failed(&out), vec!["review_format"], "{:#?}", out.checks);
    let review = out.checks.iter().find(|c| !c.ok).unwrap();
    assert_eq!(review.review, Some(0));
    assert!(review.message.contains("审核记录1"), "{}", review.message);
}

#[test]
fn another_units_certificate_is_detected() {
    let v: Value = serde_json::from_slice(packed()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    // Certificate swapped, signature left: the signature fails.
    let mut swapped = v.clone();
    swapped["signature"]["certificate"] = json!(b64.encode(&other_key().certificate().der));
    swapped["signature"]["fingerprint"] = json!(other_key().fingerprint().to_string());
    let out = verify(&serde_json::to_vec(&swapped).unwrap());
    assert!(!out.valid);
    assert!(failed(&out).contains(&"package_signature"));
    // Re-signed whole by the other unit: its signature holds, but the PDFs
    // were signed by the first unit.
    let out = verify(&resign(v, other_key()));
    assert!(!out.valid);
    assert_eq!(
        failed(&out).iter().filter(|c| **c == "pdf_signer").count(),
        2,
        "{:#?}",
        out.checks
    );
}

#[test]
fn data_that_differs_from_its_pdf_is_detected() {
    // Even re-signed with the right key, changed data no longer matches the
    // data embedded in the signed PDF.
    let mut v: Value = serde_json::from_slice(packed()).unwrap();
    v["documents"][0]["data"]["hosts"][0]["quantity"] = json!(3);
    v["documents"][0]["data"]["totals"]["hosts"] = json!(6);
    v["documents"][0]["data"]["totals"]["vcpu"] = json!(56);
    v["documents"][0]["data"]["totals"]["memory_gb"] = json!(176);
    v["documents"][0]["data"]["totals"]["storage_gb"] = json!(1800);
    let out = verify(&resign(v, key()));
    assert!(!out.valid);
    assert_eq!(failed(&out), vec!["data_matches_pdf"], "{:#?}", out.checks);
    // Swapping the two PDFs is caught too.
    let mut v: Value = serde_json::from_slice(packed()).unwrap();
    let pdf0 = v["documents"][0]["pdf"].clone();
    v["documents"][0]["pdf"] = v["documents"][1]["pdf"].clone();
    v["documents"][1]["pdf"] = pdf0;
    let out = verify(&resign(v, key()));
    assert_eq!(failed(&out), vec!["data_matches_pdf", "data_matches_pdf"]);
}

#[test]
fn rules_are_checked_again() {
    // A package whose application lost its pledge (re-signed): invalid.
    let mut v: Value = serde_json::from_slice(packed()).unwrap();
    v["documents"].as_array_mut().unwrap().pop();
    let out = verify(&resign(v, key()));
    assert_eq!(failed(&out), vec!["rules"]);
    assert!(out
        .checks
        .iter()
        .any(|c| c.message.contains("pledge_missing")));
}

#[test]
fn trust() {
    let own = TrustStore::from_certs(vec![CertInfo::from_der(&key().certificate().der).unwrap()]);
    let v = verify_package(packed(), policy(), calendar(), Some(&own)).unwrap();
    assert!(v.valid);
    assert_eq!(v.trusted, Some(true));
    let other = TrustStore::from_certs(vec![
        CertInfo::from_der(&other_key().certificate().der).unwrap()
    ]);
    let v = verify_package(packed(), policy(), calendar(), Some(&other)).unwrap();
    assert!(!v.valid);
    assert_eq!(v.trusted, Some(false));
}

fn refused(docs: Vec<Value>) -> Vec<gcforms::rules::Report> {
    match pack(docs, policy(), key(), &PaperRenderer, &options()) {
        Err(PackError::Findings(reports)) => reports,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn codes(reports: &[gcforms::rules::Report]) -> Vec<String> {
    reports
        .iter()
        .flat_map(|r| r.findings.iter().map(|f| f.code.to_string()))
        .collect()
}

#[test]
fn pack_refuses_errors_a_missing_pledge_and_another_units_pledge() {
    assert!(codes(&refused(vec![example("application")])).contains(&"pledge_missing".to_string()));
    let mut pledge = example("security_pledge");
    pledge["unit_name"] = json!("韶关市另一个单位");
    let found = codes(&refused(vec![example("application"), pledge]));
    assert!(
        found.contains(&"pledge_unit_mismatch".to_string()),
        "{found:?}"
    );
    let mut app = example("application");
    app["hosts"][0]["data_disk_gb"] = json!(50);
    let found = codes(&refused(vec![app, example("security_pledge")]));
    assert!(found.contains(&"data_disk_min".to_string()), "{found:?}");
    assert!(matches!(
        pack(
            vec![json!({"form": "nope"})],
            policy(),
            key(),
            &PaperRenderer,
            &options()
        ),
        Err(PackError::Unreadable(0, _))
    ));
    assert!(matches!(
        pack(vec![], policy(), key(), &PaperRenderer, &options()),
        Err(PackError::Findings(_))
    ));
    // Other forms pack on their own.
    assert!(pack(
        vec![example("change")],
        policy(),
        key(),
        &PaperRenderer,
        &options()
    )
    .is_ok());
}

#[test]
fn the_schema_describes_packages() {
    let schema = gcforms::package::combined_schema();
    assert_eq!(schema["x-gcforms-package"]["$ref"], "#/$defs/Package");
    let package = &schema["$defs"]["Package"];
    for field in [
        "format",
        "format_version",
        "package_id",
        "created_at",
        "generator",
        "policy",
        "documents",
        "reviews",
        "signature",
    ] {
        assert!(package["properties"].get(field).is_some(), "{field}");
    }
    // The documents part is as before.
    let documents = gcforms::document::schema::documents_schema();
    assert_eq!(schema["oneOf"], documents["oneOf"]);
}

/// A package made by hand (`pack` refuses it) whose unit name holds a
/// right-to-left override: `verify` names the character by its code point
/// in text and JSON, and never prints it raw.
#[test]
fn verify_names_a_hidden_character_in_the_unit_name_by_code_point() {
    let mut v: Value = serde_json::from_slice(packed()).unwrap();
    let hostile = "韶关市\u{202e}心中记登产动不";
    v["documents"][0]["data"]["applicant"]["unit_name"] = json!(hostile);
    v["documents"][1]["data"]["unit_name"] = json!(hostile);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rtl.gcpkg.json"), resign(v, key())).unwrap();
    for format in [&[][..], &["--format", "json"][..]] {
        let mut args = vec!["verify", "rtl.gcpkg.json"];
        args.extend(format);
        let out = crate::support::gcforms_in(dir.path(), &args, None);
        let text = format!(
            "{}{}",
            crate::support::stdout(&out),
            crate::support::stderr(&out)
        );
        assert_eq!(crate::support::code(&out), 1, "{text}");
        assert!(text.contains("U+202E"), "{text}");
        assert!(!text.contains('\u{202e}'), "raw U+202E in {text:?}");
    }
}
