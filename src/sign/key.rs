//! A unit's signing key: a P-256 key pair with its X.509 certificate, issued
//! here (`gcforms key new`) or imported from a CA's `.p12`/`.pfx`.
//!
//! On disk the key lives only in a PKCS#12 file encrypted with the user's
//! passphrase: written with PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256) and an
//! HMAC-SHA256 MAC, both with the policy's `key_file.pbkdf2_iterations`
//! (600,000), under a passphrase [`check_new_passphrase`] accepts; read also
//! with fewer iterations (files written before, 10,000) and in the legacy
//! forms (3DES, RC2-40 with SHA-1, as `openssl pkcs12 -legacy` writes).
//!
//! The MAC's key derivation gets the same iteration count as the
//! encryption's: a cheap MAC would let a stolen file's passphrase be
//! guessed against the MAC instead.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use der::asn1::{Any, ObjectIdentifier, SetOfVec};
use der::{Encode, Tag};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

use super::cert::{CertInfo, Fingerprint, KeyKind};
use super::passphrase::check_new_passphrase;
use super::SignError;
use crate::policy::KeyFilePolicy;

/// How long a certificate issued by `key new` is valid.
pub const CERT_VALIDITY_YEARS: i64 = 10;

/// The friendly name of the key entry in files we write.
const KEY_ALIAS: &str = "gcforms-unit-key";

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// A unit's private key with its certificate (and the CA chain when imported).
pub struct UnitKey {
    signing: SigningKey,
    cert: CertInfo,
    chain: Vec<CertInfo>,
}

impl fmt::Debug for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnitKey")
            .field("unit", &self.cert.unit())
            .field("fingerprint", &self.cert.fingerprint.to_string())
            .finish_non_exhaustive()
    }
}

impl UnitKey {
    /// Issues a new P-256 key pair and a self-signed certificate whose CN and
    /// O are `unit` (UTF8String), valid from `now` for
    /// [`CERT_VALIDITY_YEARS`], with key usage digitalSignature and
    /// nonRepudiation (and keyCertSign). It is marked a CA (path length 0),
    /// as self-signed certificates usually are: NSS, and so poppler's
    /// `pdfsig`, trusts a self-signed certificate only as a CA.
    pub fn generate(unit: &str, now: DateTime<Utc>) -> Result<UnitKey, SignError> {
        let unit = unit.trim();
        if unit.is_empty() {
            return Err(SignError::EmptyUnit);
        }
        let signing = SigningKey::random(&mut rand_core::OsRng);
        let cert_err = |e: &dyn fmt::Display| SignError::Certificate(e.to_string());
        let name = unit_name(unit).map_err(|e| cert_err(&e))?;
        let spki = SubjectPublicKeyInfoOwned::from_key(*signing.verifying_key())
            .map_err(|e| cert_err(&e))?;
        let mut serial = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
        serial[0] &= 0x7f; // positive
        serial[0] |= 0x40; // and of full length
        let serial = SerialNumber::new(&serial).map_err(|e| cert_err(&e))?;
        let validity = Validity {
            not_before: x509_time(now)?,
            not_after: x509_time(now + Duration::days(365 * CERT_VALIDITY_YEARS + 2))?,
        };
        let mut builder = CertificateBuilder::new(
            Profile::Manual { issuer: None },
            serial,
            validity,
            name,
            spki.clone(),
            &signing,
        )
        .map_err(|e| cert_err(&e))?;
        let ski = SubjectKeyIdentifier(
            der::asn1::OctetString::new(
                super::sha256(spki.subject_public_key.raw_bytes())[..20].to_vec(),
            )
            .map_err(|e| cert_err(&e))?,
        );
        builder
            .add_extension(&BasicConstraints {
                ca: true,
                path_len_constraint: Some(0),
            })
            .and_then(|_| {
                builder.add_extension(&KeyUsage(
                    KeyUsages::DigitalSignature
                        | KeyUsages::NonRepudiation
                        | KeyUsages::KeyCertSign,
                ))
            })
            .and_then(|_| builder.add_extension(&ski))
            .map_err(|e| cert_err(&e))?;
        let cert = builder
            .build::<p256::ecdsa::DerSignature>()
            .map_err(|e| cert_err(&e))?;
        let der = cert.to_der().map_err(|e| cert_err(&e))?;
        let cert = CertInfo::from_der(&der).map_err(|e| SignError::Certificate(e.to_string()))?;
        Ok(UnitKey {
            signing,
            cert,
            chain: Vec::new(),
        })
    }

    /// Opens a PKCS#12 file (ours or a CA's, modern or legacy encryption).
    /// The first P-256 private key with a certificate for it is taken; the
    /// file's other certificates become the chain.
    pub fn from_pkcs12(bytes: &[u8], passphrase: &str) -> Result<UnitKey, SignError> {
        // The file is input: a malformed one must not take the process down.
        let archive = std::panic::catch_unwind(|| {
            p12_keystore::Pkcs12Archive::from_pkcs12(bytes, passphrase)
        })
        .map_err(|_| SignError::KeyFile("文件结构异常".into()))?
        .map_err(|e| SignError::KeyFile(e.to_string()))?;
        let certs: Vec<CertInfo> = archive
            .certs
            .iter()
            .filter_map(|c| CertInfo::from_der(c.cert.as_der()).ok())
            .collect();
        let mut unsupported = None;
        for bag in &archive.keys {
            let key = bag.key.as_der();
            let oid = bag.key.oid().to_string();
            if oid == OID_RSA.to_string() {
                unsupported = Some("RSA".to_string());
                continue;
            }
            if oid != OID_EC_PUBLIC_KEY.to_string() {
                unsupported = Some(format!("算法 {oid}"));
                continue;
            }
            let Ok(signing) = SigningKey::from_pkcs8_der(key) else {
                unsupported = Some("非 P-256 的椭圆曲线".to_string());
                continue;
            };
            let public = public_key_bytes(&signing);
            let Some(cert) = certs.iter().find(|c| {
                c.key_kind == KeyKind::P256 && cert_public_key(c) == Some(public.clone())
            }) else {
                continue;
            };
            let chain = certs
                .iter()
                .filter(|c| c.der != cert.der)
                .cloned()
                .collect();
            return Ok(UnitKey {
                signing,
                cert: cert.clone(),
                chain,
            });
        }
        Err(match unsupported {
            Some(kind) => SignError::UnsupportedKey(kind),
            None => SignError::NoKey,
        })
    }

    /// The PKCS#12 file: key and certificate (and chain) encrypted with
    /// PBES2/AES-256-CBC + PBKDF2-HMAC-SHA256, MAC HMAC-SHA256, each key
    /// derived with the policy's iterations. A passphrase the policy finds
    /// weak is refused ([`SignError::WeakPassphrase`]).
    pub fn to_pkcs12(
        &self,
        passphrase: &str,
        policy: &KeyFilePolicy,
    ) -> Result<Vec<u8>, SignError> {
        if passphrase.is_empty() {
            return Err(SignError::EmptyPassphrase);
        }
        check_new_passphrase(passphrase, policy).map_err(SignError::WeakPassphrase)?;
        let err = |e: &dyn fmt::Display| SignError::Crypto(e.to_string());
        let pkcs8 = self.signing.to_pkcs8_der().map_err(|e| err(&e))?;
        let key = p12_keystore::PrivateKey::from_der(pkcs8.as_bytes()).map_err(|e| err(&e))?;
        let mut certs =
            vec![p12_keystore::Certificate::from_der(&self.cert.der).map_err(|e| err(&e))?];
        for c in &self.chain {
            certs.push(p12_keystore::Certificate::from_der(&c.der).map_err(|e| err(&e))?);
        }
        let local_id = self.cert.fingerprint.0[..20].to_vec();
        let chain = p12_keystore::PrivateKeyChain::new(local_id, key, certs);
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            KEY_ALIAS,
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
        );
        store
            .writer(passphrase)
            .encryption_algorithm(p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
            .encryption_iterations(policy.pbkdf2_iterations)
            .mac_algorithm(p12_keystore::MacAlgorithm::HmacSha256)
            .mac_iterations(policy.pbkdf2_iterations)
            .write()
            .map_err(|e| err(&e))
    }

    /// The unit's certificate.
    pub fn certificate(&self) -> &CertInfo {
        &self.cert
    }

    /// The certificate's SHA-256 fingerprint (printed on 附件2).
    pub fn fingerprint(&self) -> Fingerprint {
        self.cert.fingerprint
    }

    /// CA certificates that came with an imported key (empty for our own).
    pub fn chain(&self) -> &[CertInfo] {
        &self.chain
    }

    /// The key, for the CMS builder.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// An ES256 signature (raw r‖s, 64 bytes, as JWS writes it) over `message`.
    pub fn sign_es256(&self, message: &[u8]) -> [u8; 64] {
        use p256::ecdsa::signature::Signer;
        // RFC 6979 nonces: the same message gives the same signature, so
        // output is reproducible.
        let sig: p256::ecdsa::Signature = self.signing.sign(message);
        sig.to_bytes().into()
    }
}

/// The uncompressed SEC1 point of a key.
fn public_key_bytes(key: &SigningKey) -> Vec<u8> {
    key.verifying_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec()
}

/// The raw public key bits of a certificate.
fn cert_public_key(cert: &CertInfo) -> Option<Vec<u8>> {
    use der::Decode;
    let parsed = x509_cert::Certificate::from_der(&cert.der).ok()?;
    parsed
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .map(<[u8]>::to_vec)
}

/// `CN=unit, O=unit`, both UTF8String, built directly so no character of a
/// unit's name needs escaping.
fn unit_name(unit: &str) -> der::Result<Name> {
    let mut rdns = Vec::new();
    for oid in [OID_O, OID_CN] {
        let value = Any::new(Tag::Utf8String, unit.as_bytes())?;
        let mut set = SetOfVec::new();
        set.insert(AttributeTypeAndValue { oid, value })?;
        rdns.push(RelativeDistinguishedName(set));
    }
    Ok(RdnSequence(rdns))
}

fn x509_time(t: DateTime<Utc>) -> Result<Time, SignError> {
    let secs = u64::try_from(t.timestamp())
        .map_err(|_| SignError::Certificate("时间早于 1970 年".into()))?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map_err(|e| SignError::Certificate(e.to_string()))?;
    // RFC 5280: UTCTime up to 2049 (the builder adjusts the rest).
    Ok(Time::GeneralTime(
        der::asn1::GeneralizedTime::from_date_time(dt),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_and_roundtrip_pkcs12() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let key = UnitKey::generate("韶关市不动产登记中心", now).unwrap();
        assert_eq!(
            key.certificate().common_name.as_deref(),
            Some("韶关市不动产登记中心")
        );
        assert_eq!(key.certificate().unit(), "韶关市不动产登记中心");
        assert!(key.certificate().valid_at(now));
        let policy = &crate::policy::Policy::default_shaoguan().key_file;
        let p12 = key.to_pkcs12("口令 secret", policy).unwrap();
        let back = UnitKey::from_pkcs12(&p12, "口令 secret").unwrap();
        assert_eq!(back.fingerprint(), key.fingerprint());
        assert!(matches!(
            UnitKey::from_pkcs12(&p12, "wrong"),
            Err(SignError::KeyFile(_))
        ));
        assert_eq!(
            key.to_pkcs12("", policy).unwrap_err(),
            SignError::EmptyPassphrase
        );
        assert!(matches!(
            key.to_pkcs12("woaini1314", policy),
            Err(SignError::WeakPassphrase(_))
        ));
        let sig = key.sign_es256(b"abc");
        assert!(key.certificate().verify(b"abc", &sig, true));
        assert!(!key.certificate().verify(b"abd", &sig, true));
    }
}
