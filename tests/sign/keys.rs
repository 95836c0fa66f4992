//! Unit keys: issuing, the PKCS#12 file (read by OpenSSL), importing CA
//! files in modern and legacy encryption, RSA refused for signing but
//! verified in a CA chain.

use std::path::Path;
use std::process::Command;

use gcforms::sign::{
    sign_pdf, verify_pdf, CertInfo, Fingerprint, SignError, SignatureAppearance, TrustStore,
    UnitKey,
};

use super::{have, issued, key};

/// OpenSSL 3.0 cannot backdate a certificate: sign now, within its validity.
fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn openssl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `openssl x509 -fingerprint -sha256` prints `sha256 Fingerprint=AB:CD:…`.
fn openssl_fingerprint(dir: &Path, cert: &str) -> Fingerprint {
    let out = openssl(
        dir,
        &["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
    );
    let fp = out.trim().rsplit('=').next().unwrap();
    Fingerprint::parse(fp).unwrap()
}

#[test]
fn issued_certificate_names_the_unit() {
    let k = UnitKey::generate("  韶关市浈江区政务服务数据管理局 ", issued()).unwrap();
    let c = k.certificate();
    assert_eq!(
        c.common_name.as_deref(),
        Some("韶关市浈江区政务服务数据管理局")
    );
    assert_eq!(
        c.organization.as_deref(),
        Some("韶关市浈江区政务服务数据管理局")
    );
    assert!(c.valid_at(issued()));
    assert!(!c.valid_at(issued() - chrono::Duration::days(1)));
    assert_eq!(
        UnitKey::generate(" ", issued()).unwrap_err(),
        SignError::EmptyUnit
    );
    // Names that would need escaping in a DN string stay as they are.
    let k = UnitKey::generate("A, B = C+D", issued()).unwrap();
    assert_eq!(k.certificate().common_name.as_deref(), Some("A, B = C+D"));
}

#[test]
fn fingerprint_format_is_openssls() {
    if !have("openssl", &["version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.pem"), super::pem(key())).unwrap();
    assert_eq!(
        openssl_fingerprint(dir.path(), "c.pem"),
        key().fingerprint()
    );
    let printed = key().fingerprint().to_string();
    assert_eq!(printed.len(), 95);
    assert!(printed
        .bytes()
        .all(|b| b == b':' || b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
}

/// How the shipped policy protects key files.
fn key_file_policy() -> &'static gcforms::policy::KeyFilePolicy {
    &super::policy().key_file
}

#[test]
fn key_file_is_modern_pkcs12_that_openssl_reads() {
    let p12 = key()
        .to_pkcs12("口令-passphrase", key_file_policy())
        .unwrap();
    let back = UnitKey::from_pkcs12(&p12, "口令-passphrase").unwrap();
    assert_eq!(back.fingerprint(), key().fingerprint());
    assert!(matches!(
        UnitKey::from_pkcs12(&p12, "wrong"),
        Err(SignError::KeyFile(_))
    ));
    assert_eq!(
        key().to_pkcs12("", key_file_policy()).unwrap_err(),
        SignError::EmptyPassphrase
    );
    if !have("openssl", &["version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.p12"), &p12).unwrap();
    let info = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            "k.p12",
            "-info",
            "-noout",
            "-passin",
            "pass:口令-passphrase",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&info.stderr).into_owned() + &String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{text}");
    assert!(text.contains("PBES2, PBKDF2, AES-256-CBC"), "{text}");
    assert!(text.contains("PRF hmacWithSHA256"), "{text}");
    assert!(text.contains("MAC: sha256"), "{text}");
    // The MAC's key derivation and each encrypted part's PBKDF2 (the key
    // bag and the certificates) run the policy's iterations: a cheaper MAC
    // would let the passphrase be guessed against it.
    let iterations = format!("Iteration {}", key_file_policy().pbkdf2_iterations);
    assert_eq!(key_file_policy().pbkdf2_iterations, 600_000);
    assert!(
        text.contains(&format!("MAC: sha256, {iterations}")),
        "{text}"
    );
    assert_eq!(text.matches(&iterations).count(), 3, "{text}");
    let wrong = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            "k.p12",
            "-info",
            "-noout",
            "-passin",
            "pass:nope",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!wrong.status.success());
}

/// A P-256 key and a self-signed certificate made by OpenSSL.
fn openssl_ec_cert(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-keyout",
            "ec.key",
            "-out",
            "ec.pem",
            "-nodes",
            "-days",
            "3650",
            "-utf8",
            "-subj",
            "/CN=韶关市测试单位/O=韶关市测试单位",
        ],
    );
}

#[test]
fn imports_openssl_pkcs12_modern_and_legacy() {
    if !have("openssl", &["version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl_ec_cert(d);
    let expected = openssl_fingerprint(d, "ec.pem");
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "ec.key",
            "-in",
            "ec.pem",
            "-out",
            "modern.p12",
            "-passout",
            "pass:s3cret",
        ],
    );
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-inkey",
            "ec.key",
            "-in",
            "ec.pem",
            "-out",
            "legacy.pfx",
            "-passout",
            "pass:s3cret",
        ],
    );
    let legacy_info = Command::new("openssl")
        .args([
            "pkcs12",
            "-in",
            "legacy.pfx",
            "-info",
            "-noout",
            "-legacy",
            "-passin",
            "pass:s3cret",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&legacy_info.stderr);
    assert!(
        info.contains("3DES") || info.contains("RC2"),
        "really legacy: {info}"
    );
    for file in ["modern.p12", "legacy.pfx"] {
        let bytes = std::fs::read(d.join(file)).unwrap();
        let k = UnitKey::from_pkcs12(&bytes, "s3cret").unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(k.fingerprint(), expected, "{file}");
        assert_eq!(k.certificate().unit(), "韶关市测试单位");
        assert!(
            matches!(
                UnitKey::from_pkcs12(&bytes, "wrong"),
                Err(SignError::KeyFile(_))
            ),
            "{file}"
        );
        // It signs.
        let pdf = gcforms::package::RenderPdf::render_pdf(
            &gcforms::package::PaperRenderer,
            &gcforms::document::Document::SecurityPledge(Default::default()),
            super::policy(),
            &k.fingerprint(),
        )
        .unwrap();
        let signed = sign_pdf(
            &pdf,
            &k,
            &SignatureAppearance::new("韶关市测试单位", "张三", now()),
        )
        .unwrap();
        let sigs = verify_pdf(&signed).unwrap();
        assert!(sigs[0].is_intact() && sigs[0].covers_whole_file, "{file}");
        // Re-saved in our format, it opens again.
        let new = "新的单位口令 new";
        let again =
            UnitKey::from_pkcs12(&k.to_pkcs12(new, key_file_policy()).unwrap(), new).unwrap();
        assert_eq!(again.fingerprint(), expected);
    }
}

#[test]
fn rsa_keys_are_refused_for_signing_but_verified_in_a_chain() {
    if !have("openssl", &["version"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An RSA CA, and a P-256 unit certificate it issues.
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/CN=Test Root CA",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-nodes",
            "-utf8",
            "-subj",
            "/CN=韶关市测试单位/O=韶关市测试单位",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "7",
            "-out",
            "leaf.pem",
            "-sha256",
            "-days",
            "365",
        ],
    );
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "leaf.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "chain.p12",
            "-passout",
            "pass:x",
        ],
    );
    openssl(
        d,
        &[
            "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.pem", "-out", "rsa.p12",
            "-passout", "pass:x",
        ],
    );

    let rsa = std::fs::read(d.join("rsa.p12")).unwrap();
    assert_eq!(
        UnitKey::from_pkcs12(&rsa, "x").unwrap_err(),
        SignError::UnsupportedKey("RSA".into())
    );

    // An RSA signature verifies with the RSA certificate.
    std::fs::write(d.join("msg"), b"hello").unwrap();
    openssl(
        d,
        &[
            "dgst", "-sha256", "-sign", "ca.key", "-out", "msg.sig", "msg",
        ],
    );
    let ca = TrustStore::load(&d.join("ca.pem")).unwrap();
    let ca_cert =
        gcforms::sign::cert::parse_certificates(&std::fs::read(d.join("ca.pem")).unwrap()).unwrap();
    let sig = std::fs::read(d.join("msg.sig")).unwrap();
    assert!(ca_cert[0].verify(b"hello", &sig, false));
    assert!(!ca_cert[0].verify(b"hellp", &sig, false));

    // The chain key signs; the CA (RSA) makes it trusted.
    let k = UnitKey::from_pkcs12(&std::fs::read(d.join("chain.p12")).unwrap(), "x").unwrap();
    assert_eq!(k.chain().len(), 1);
    let pdf = gcforms::package::RenderPdf::render_pdf(
        &gcforms::package::PaperRenderer,
        &gcforms::document::Document::SecurityPledge(Default::default()),
        super::policy(),
        &k.fingerprint(),
    )
    .unwrap();
    let signed = sign_pdf(
        &pdf,
        &k,
        &SignatureAppearance::new("韶关市测试单位", "张三", now()),
    )
    .unwrap();
    let v = gcforms::package::verify_signed_pdf(&signed, Some(&ca)).unwrap();
    assert!(v.valid, "{:#?}", v.checks);
    assert_eq!(v.trusted, Some(true));
    // The leaf alone as trust also works; an unrelated certificate does not.
    let leaf = TrustStore::load(&d.join("leaf.pem")).unwrap();
    assert_eq!(
        gcforms::package::verify_signed_pdf(&signed, Some(&leaf))
            .unwrap()
            .trusted,
        Some(true)
    );
    let other = TrustStore::from_certs(vec![CertInfo::from_der(&key().certificate().der).unwrap()]);
    let v = gcforms::package::verify_signed_pdf(&signed, Some(&other)).unwrap();
    assert_eq!(v.trusted, Some(false));
    assert!(!v.valid);
    // A folder of certificates.
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(d.join("ca.pem"), folder.path().join("ca.crt")).unwrap();
    std::fs::write(folder.path().join("notes.txt"), "not a certificate").unwrap();
    let store = TrustStore::load(folder.path()).unwrap();
    assert_eq!(
        gcforms::package::verify_signed_pdf(&signed, Some(&store))
            .unwrap()
            .trusted,
        Some(true)
    );
}

#[test]
fn damaged_key_files_are_errors() {
    // Damage, not the iteration count, is under test: a cheap file keeps
    // the few dozen openings quick.
    let cheap = gcforms::policy::KeyFilePolicy {
        pbkdf2_iterations: 2048,
        ..key_file_policy().clone()
    };
    let pw = "damaged-file passphrase";
    let p12 = key().to_pkcs12(pw, &cheap).unwrap();
    for cut in [0, 1, 16, p12.len() / 2, p12.len() - 1] {
        assert!(UnitKey::from_pkcs12(&p12[..cut], pw).is_err(), "{cut}");
    }
    for i in (0..p12.len()).step_by(37) {
        let mut bad = p12.clone();
        bad[i] ^= 0x10;
        // Either refused, or (a flip in an unprotected length byte that
        // still decodes) the very same key.
        if let Ok(k) = UnitKey::from_pkcs12(&bad, pw) {
            assert_eq!(k.fingerprint(), key().fingerprint());
        }
    }
}
