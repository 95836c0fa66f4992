//! Certificates: what they say (unit, validity, key), their SHA-256
//! [`Fingerprint`], signature checks with their public key, and trust.
//!
//! Certificates arrive from untrusted files (packages, PDFs, `--trust`), so
//! everything here returns errors, never panics.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::{DateTime, Utc};
use der::{Decode, Encode, Tagged};
use x509_cert::Certificate;

use super::sha256;
use crate::input::InputError;

/// Why a certificate, or the certificates to trust, could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// Not a DER-encoded X.509 certificate.
    #[error("无法解析证书：{0}")]
    Der(#[source] der::Error),
    /// Not base64.
    #[error("证书不是有效的 base64")]
    Base64(#[source] base64::DecodeError),
    /// A PEM block without its end line.
    #[error("PEM 证书不完整")]
    IncompletePem,
    /// The trust folder cannot be listed.
    #[error("无法读取信任证书目录：{0}")]
    TrustFolder(#[source] std::io::Error),
    /// The trust folder holds no certificate file.
    #[error("信任证书目录中没有证书文件（.pem/.crt/.cer/.der）")]
    EmptyTrustFolder,
    /// A certificate file cannot be read.
    #[error("{}：{source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: InputError,
    },
    /// A certificate file holds something else than certificates.
    #[error("{}：{source}", .path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        source: Box<CertError>,
    },
}

/// The SHA-256 fingerprint of a certificate's DER encoding.
///
/// Printed form ([`Display`](fmt::Display)): 32 bytes as upper-case hex pairs
/// joined by colons, `3A:5F:…:C2` (95 characters), the form
/// `openssl x509 -noout -fingerprint -sha256` and most certificate viewers
/// show, so a reviewer can compare the paper 附件2 with any tool. For paper,
/// [`Fingerprint::lines`] splits it into two lines of 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_der(cert_der: &[u8]) -> Fingerprint {
        Fingerprint(sha256(cert_der))
    }

    /// Lower-case hex without separators.
    pub fn to_hex(&self) -> String {
        super::hex(&self.0)
    }

    /// The printed form in two lines of 16 bytes each, for narrow boxes on paper.
    pub fn lines(&self) -> [String; 2] {
        let s = self.to_string();
        // 16 pairs and 15 colons are 47 characters; the 48th is a colon.
        [s[..47].to_string(), s[48..].to_string()]
    }

    /// Parses a fingerprint written with or without separators (`:`, spaces,
    /// `-`), in either case.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b':' | b' ' | b'-' | b'\t'))
            .collect();
        if digits.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            let s = std::str::from_utf8(pair).ok()?;
            out[i] = u8::from_str_radix(s, 16).ok()?;
        }
        Some(Fingerprint(out))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// The kind of public key a certificate carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA on P-256: signs and verifies.
    P256,
    /// RSA: verifies only.
    Rsa,
    /// Anything else: neither.
    Other,
}

/// A parsed certificate with the facts shown to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Subject common name (CN), if any.
    pub common_name: Option<String>,
    /// Subject organization (O), if any.
    pub organization: Option<String>,
    /// Issuer common name (CN), or the issuer's whole name when it has none.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// SHA-256 of `der`.
    pub fingerprint: Fingerprint,
    /// The public key's kind.
    pub key_kind: KeyKind,
    parsed: Certificate,
}

const OID_CN: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

impl CertInfo {
    /// Parses a DER certificate.
    pub fn from_der(der_bytes: &[u8]) -> Result<CertInfo, CertError> {
        let parsed = Certificate::from_der(der_bytes).map_err(CertError::Der)?;
        let tbs = &parsed.tbs_certificate;
        let spki = &tbs.subject_public_key_info;
        let key_kind = if spki.algorithm.oid == OID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
            if curve == Some(OID_P256) {
                KeyKind::P256
            } else {
                KeyKind::Other
            }
        } else if spki.algorithm.oid == OID_RSA {
            KeyKind::Rsa
        } else {
            KeyKind::Other
        };
        Ok(CertInfo {
            der: der_bytes.to_vec(),
            common_name: name_attr(&tbs.subject, OID_CN),
            organization: name_attr(&tbs.subject, OID_O),
            issuer: name_attr(&tbs.issuer, OID_CN).unwrap_or_else(|| tbs.issuer.to_string()),
            not_before: to_chrono(&tbs.validity.not_before),
            not_after: to_chrono(&tbs.validity.not_after),
            fingerprint: Fingerprint::of_der(der_bytes),
            key_kind,
            parsed,
        })
    }

    /// Parses a certificate given as base64 of its DER.
    pub fn from_base64(text: &str) -> Result<CertInfo, CertError> {
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(CertError::Base64)?;
        CertInfo::from_der(&der)
    }

    /// The unit the certificate names: its O, else its CN.
    pub fn unit(&self) -> &str {
        self.organization
            .as_deref()
            .or(self.common_name.as_deref())
            .unwrap_or("（证书未载明单位）")
    }

    /// True when `time` lies within the validity period.
    pub fn valid_at(&self, time: DateTime<Utc>) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    /// True when this certificate's subject is `other`'s issuer.
    fn names_issuer_of(&self, other: &CertInfo) -> bool {
        self.parsed.tbs_certificate.subject == other.parsed.tbs_certificate.issuer
    }

    /// Checks a signature made by this certificate's key over `message`.
    /// `signature` is DER (as in CMS and X.509) for ECDSA, or raw r‖s when
    /// `raw_ecdsa` (as in ES256); RSA is PKCS#1 v1.5. The digest is SHA-256.
    pub fn verify(&self, message: &[u8], signature: &[u8], raw_ecdsa: bool) -> bool {
        let spki = match self.parsed.tbs_certificate.subject_public_key_info.to_der() {
            Ok(d) => d,
            Err(_) => return false,
        };
        // A process verifies the same chains over and over (an inbox of
        // hundreds of packages from a few units): a check that passed is
        // remembered by the SHA-256 of everything it depended on.
        let key = verified_key(&spki, message, signature, raw_ecdsa);
        if remembered(&key) {
            return true;
        }
        let valid = self.check(&spki, message, signature, raw_ecdsa);
        if valid {
            remember(key);
        }
        valid
    }

    /// The signature check itself, with the key in `spki`.
    fn check(&self, spki: &[u8], message: &[u8], signature: &[u8], raw_ecdsa: bool) -> bool {
        match self.key_kind {
            KeyKind::P256 => {
                use p256::ecdsa::signature::Verifier;
                use p256::pkcs8::DecodePublicKey;
                let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(spki) else {
                    return false;
                };
                let sig = if raw_ecdsa {
                    p256::ecdsa::Signature::from_slice(signature)
                } else {
                    p256::ecdsa::Signature::from_der(signature)
                };
                sig.is_ok_and(|s| key.verify(message, &s).is_ok())
            }
            KeyKind::Rsa => {
                use rsa::pkcs8::DecodePublicKey;
                use rsa::signature::Verifier;
                let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki) else {
                    return false;
                };
                let key = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
                rsa::pkcs1v15::Signature::try_from(signature)
                    .is_ok_and(|s| key.verify(message, &s).is_ok())
            }
            KeyKind::Other => false,
        }
    }

    /// True when `issuer`'s key signed this certificate.
    fn signed_by(&self, issuer: &CertInfo) -> bool {
        let Ok(tbs) = self.parsed.tbs_certificate.to_der() else {
            return false;
        };
        let Some(sig) = self.parsed.signature.as_bytes() else {
            return false;
        };
        // Only SHA-256 based signatures are accepted (ecdsa-with-SHA256,
        // sha256WithRSAEncryption).
        let alg = self.parsed.signature_algorithm.oid.to_string();
        if alg != "1.2.840.10045.4.3.2" && alg != "1.2.840.113549.1.1.11" {
            return false;
        }
        issuer.verify(&tbs, sig, false)
    }
}

/// Reads an attribute of a name as text (UTF8String, PrintableString,
/// IA5String, BMPString or TeletexString as Latin-1).
fn name_attr(name: &x509_cert::name::Name, oid: der::asn1::ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .and_then(|atv| {
            let bytes = atv.value.value();
            match atv.value.tag() {
                der::Tag::Utf8String | der::Tag::PrintableString | der::Tag::Ia5String => {
                    std::str::from_utf8(bytes).ok().map(str::to_string)
                }
                der::Tag::BmpString => {
                    if bytes.len() % 2 != 0 {
                        return None;
                    }
                    let units: Vec<u16> = bytes
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16(&units).ok()
                }
                der::Tag::TeletexString => Some(bytes.iter().map(|&b| b as char).collect()),
                _ => None,
            }
        })
}

fn to_chrono(time: &x509_cert::time::Time) -> DateTime<Utc> {
    let secs = time.to_unix_duration().as_secs();
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

/// Certificates the user trusts (`--trust CERT_OR_DIR`).
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    certs: Vec<CertInfo>,
}

/// The files of a trust folder that are read: certificates by extension.
const CERT_EXTENSIONS: [&str; 4] = ["pem", "crt", "cer", "der"];

impl TrustStore {
    /// Loads a certificate file (PEM, possibly several, or DER) or every
    /// certificate file (`.pem`, `.crt`, `.cer`, `.der`) of a folder.
    pub fn load(path: &Path) -> Result<TrustStore, CertError> {
        let mut store = TrustStore::default();
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(CertError::TrustFolder)?;
            let mut files: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| CERT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                })
                .collect();
            files.sort();
            for file in files {
                store.add_file(&file)?;
            }
            if store.certs.is_empty() {
                return Err(CertError::EmptyTrustFolder);
            }
        } else {
            store.add_file(path)?;
        }
        Ok(store)
    }

    fn add_file(&mut self, path: &Path) -> Result<(), CertError> {
        let bytes = crate::input::read_file_limited(path).map_err(|source| CertError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let certs = parse_certificates(&bytes).map_err(|e| CertError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        self.certs.extend(certs);
        Ok(())
    }

    /// A store of the given certificates.
    pub fn from_certs(certs: Vec<CertInfo>) -> TrustStore {
        TrustStore { certs }
    }

    /// True when `cert` is one of the trusted certificates, or was issued by
    /// one, directly or through one of `intermediates` (e.g. the certificates
    /// a CMS signature carries). Validity periods are checked by the caller
    /// at the signing time.
    pub fn trusts(&self, cert: &CertInfo, intermediates: &[CertInfo]) -> bool {
        let mut current = cert.clone();
        // A chain longer than the intermediates given cannot be built.
        for _ in 0..=intermediates.len() {
            if self.certs.iter().any(|t| t.der == current.der) {
                return true;
            }
            if self
                .certs
                .iter()
                .any(|t| t.names_issuer_of(&current) && current.signed_by(t))
            {
                return true;
            }
            match intermediates.iter().find(|i| {
                i.der != current.der && i.names_issuer_of(&current) && current.signed_by(i)
            }) {
                Some(next) => current = next.clone(),
                None => return false,
            }
        }
        false
    }
}

/// Reads one or more certificates from PEM text or one DER certificate.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<CertInfo>, CertError> {
    let text = std::str::from_utf8(bytes).ok();
    match text {
        Some(t) if t.contains("-----BEGIN CERTIFICATE-----") => {
            let mut out = Vec::new();
            let mut rest = t;
            while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
                let block = &rest[start..];
                let end = block
                    .find("-----END CERTIFICATE-----")
                    .ok_or(CertError::IncompletePem)?;
                let body: String = block["-----BEGIN CERTIFICATE-----".len()..end]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                out.push(CertInfo::from_base64(&body)?);
                rest = &block[end + "-----END CERTIFICATE-----".len()..];
            }
            Ok(out)
        }
        _ => Ok(vec![CertInfo::from_der(bytes)?]),
    }
}

/// The checks that passed, by [`verified_key`]; cleared when full.
static VERIFIED: std::sync::Mutex<Option<std::collections::HashSet<[u8; 32]>>> =
    std::sync::Mutex::new(None);

/// How many passed checks are remembered.
const VERIFIED_CAP: usize = 4096;

/// The SHA-256 of a check's key, message, signature and form, each
/// length-prefixed so no two checks share an input.
fn verified_key(spki: &[u8], message: &[u8], signature: &[u8], raw_ecdsa: bool) -> [u8; 32] {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for part in [spki, message, signature] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update([u8::from(raw_ecdsa)]);
    hash.finalize().into()
}

fn remembered(key: &[u8; 32]) -> bool {
    VERIFIED
        .lock()
        .map(|set| set.as_ref().is_some_and(|s| s.contains(key)))
        .unwrap_or(false)
}

fn remember(key: [u8; 32]) {
    if let Ok(mut set) = VERIFIED.lock() {
        let set = set.get_or_insert_with(Default::default);
        if set.len() >= VERIFIED_CAP {
            set.clear();
        }
        set.insert(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_forms() {
        let f = Fingerprint([0xab; 32]);
        let s = f.to_string();
        assert_eq!(s.len(), 95);
        assert!(s.starts_with("AB:AB:"));
        assert_eq!(Fingerprint::parse(&s), Some(f));
        assert_eq!(Fingerprint::parse(&f.to_hex()), Some(f));
        let [a, b] = f.lines();
        assert_eq!(format!("{a}:{b}"), s);
        assert_eq!(Fingerprint::parse("AB:CD"), None);
    }
}
