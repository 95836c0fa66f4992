//! Detached CMS SignedData (RFC 5652) as PAdES B-B wants it: signed
//! attributes content-type, message-digest and signing-certificate-v2
//! (RFC 5035), no signing-time (the time is the PDF's `/M`), the signer's
//! certificate (and chain) included.

use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use super::cert::CertInfo;
use super::{sha256, SignError, UnitKey};

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// A DER TLV with a one-byte tag.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }`, one
/// ESSCertIDv2 with the default hash (SHA-256) and no issuerSerial.
fn signing_certificate_v2(cert_der: &[u8]) -> Vec<u8> {
    let hash = tlv(0x04, &sha256(cert_der));
    tlv(0x30, &tlv(0x30, &tlv(0x30, &hash)))
}

/// Signs a content digest (SHA-256) and returns the DER ContentInfo.
pub(crate) fn sign_detached(key: &UnitKey, digest: &[u8; 32]) -> Result<Vec<u8>, SignError> {
    let err = |e: &dyn std::fmt::Display| SignError::Crypto(e.to_string());
    let cert = x509_cert::Certificate::from_der(&key.certificate().der).map_err(|e| err(&e))?;
    let sid = cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(
        cms::cert::IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        },
    );
    let digest_alg = AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    };
    let eci = cms::signed_data::EncapsulatedContentInfo {
        econtent_type: OID_DATA,
        econtent: None,
    };
    let mut signer = cms::builder::SignerInfoBuilder::new(
        key.signing_key(),
        sid,
        digest_alg.clone(),
        &eci,
        Some(digest),
    )
    .map_err(|e| err(&e))?;
    let mut values = SetOfVec::new();
    values
        .insert(
            Any::from_der(&signing_certificate_v2(&key.certificate().der)).map_err(|e| err(&e))?,
        )
        .map_err(|e| err(&e))?;
    signer
        .add_signed_attribute(Attribute {
            oid: OID_SIGNING_CERT_V2,
            values,
        })
        .map_err(|e| err(&e))?;
    let mut builder = cms::builder::SignedDataBuilder::new(&eci);
    builder
        .add_digest_algorithm(digest_alg)
        .map_err(|e| err(&e))?
        .add_certificate(cms::cert::CertificateChoices::Certificate(cert))
        .map_err(|e| err(&e))?;
    for c in key.chain() {
        let c = x509_cert::Certificate::from_der(&c.der).map_err(|e| err(&e))?;
        builder
            .add_certificate(cms::cert::CertificateChoices::Certificate(c))
            .map_err(|e| err(&e))?;
    }
    builder
        .add_signer_info::<_, p256::ecdsa::DerSignature>(signer)
        .map_err(|e| err(&e))?;
    let ci = builder.build().map_err(|e| err(&e))?;
    ci.to_der().map_err(|e| err(&e))
}

/// What the check of a detached CMS signature found.
#[derive(Debug, Clone)]
pub(crate) struct CmsCheck {
    /// The signer's certificate, when it could be found.
    pub signer: Option<CertInfo>,
    /// The other certificates the CMS carries.
    pub others: Vec<CertInfo>,
    /// The message-digest attribute equals the content's digest.
    pub digest_ok: bool,
    /// The signature over the signed attributes verifies with the signer's key.
    pub signature_ok: bool,
    /// Why the CMS could not be checked at all, or what else is wrong.
    pub problem: Option<String>,
}

impl CmsCheck {
    fn broken(problem: impl Into<String>) -> CmsCheck {
        CmsCheck {
            signer: None,
            others: Vec::new(),
            digest_ok: false,
            signature_ok: false,
            problem: Some(problem.into()),
        }
    }
}

/// Checks a detached CMS signature (DER ContentInfo) against the SHA-256
/// digest of the content it signs.
pub(crate) fn verify_detached(cms_der: &[u8], digest: &[u8; 32]) -> CmsCheck {
    let Ok(ci) = cms::content_info::ContentInfo::from_der(cms_der) else {
        return CmsCheck::broken("签名数据（CMS）无法解析");
    };
    if ci.content_type != OID_SIGNED_DATA {
        return CmsCheck::broken("签名数据不是 CMS SignedData");
    }
    let Ok(sd) = ci.content.decode_as::<cms::signed_data::SignedData>() else {
        return CmsCheck::broken("签名数据（SignedData）无法解析");
    };
    let mut certs: Vec<CertInfo> = Vec::new();
    for choice in sd.certificates.iter().flat_map(|s| s.0.iter()) {
        if let cms::cert::CertificateChoices::Certificate(c) = choice {
            if let Some(info) = c.to_der().ok().and_then(|d| CertInfo::from_der(&d).ok()) {
                certs.push(info);
            }
        }
    }
    let infos: Vec<_> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return CmsCheck::broken("签名数据应恰有一个签名者");
    };
    let signer_pos = certs.iter().position(|c| {
        let Ok(parsed) = x509_cert::Certificate::from_der(&c.der) else {
            return false;
        };
        match &si.sid {
            cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(ias) => {
                ias.issuer == parsed.tbs_certificate.issuer
                    && ias.serial_number == parsed.tbs_certificate.serial_number
            }
            cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(ski) => parsed
                .tbs_certificate
                .get::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, k)| k == *ski),
        }
    });
    let Some(signer_pos) = signer_pos else {
        return CmsCheck::broken("签名数据中没有签名者的证书");
    };
    let signer = certs.remove(signer_pos);
    let mut check = CmsCheck {
        signer: Some(signer.clone()),
        others: certs,
        digest_ok: false,
        signature_ok: false,
        problem: None,
    };
    if let Some(problem) = strict_form(&sd, si, &signer) {
        check.problem = Some(problem);
        return check;
    }
    let Some(attrs) = &si.signed_attrs else {
        check.problem = Some("签名数据缺少签名属性".into());
        return check;
    };
    let single = |oid: ObjectIdentifier| -> Option<&Any> {
        let found: Vec<_> = attrs.iter().filter(|a| a.oid == oid).collect();
        match found.as_slice() {
            [a] if a.values.len() == 1 => a.values.get(0),
            _ => None,
        }
    };
    check.digest_ok = single(OID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .is_some_and(|d| d.as_bytes() == digest);
    let content_type_ok = single(OID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .is_some_and(|oid| oid == OID_DATA);
    if !content_type_ok {
        check.problem = Some("签名属性中的内容类型缺失或不是 id-data".into());
    }
    if let Some(v) = single(OID_SIGNING_CERT_V2) {
        let expected = signing_certificate_v2(&signer.der);
        let ok = v.to_der().is_ok_and(|d| {
            // Accept a longer ESSCertIDv2 (e.g. with issuerSerial) by its hash.
            d == expected || contains(&d, &tlv(0x04, &sha256(&signer.der)))
        });
        if !ok {
            check.problem =
                Some("签名属性中的签名证书（ESS signing-certificate-v2）与签名者证书不符".into());
        }
    }
    check.signature_ok = attrs
        .to_der()
        .is_ok_and(|signed| signer.verify(&signed, si.signature.as_bytes(), false));
    check
}

/// The parts of a SignedData that no signature covers must have the one form
/// a PAdES signature of ours (or a usual signer's) has, so that a changed
/// byte there is caught too.
fn strict_form(
    sd: &cms::signed_data::SignedData,
    si: &cms::signed_data::SignerInfo,
    signer: &CertInfo,
) -> Option<String> {
    let null_or_absent = |a: &AlgorithmIdentifierOwned| {
        a.parameters
            .as_ref()
            .is_none_or(|p| p.tag() == der::Tag::Null && p.value().is_empty())
    };
    if si.digest_alg.oid != OID_SHA256 || !null_or_absent(&si.digest_alg) {
        return Some(format!(
            "不支持的摘要算法 {}，只接受 SHA-256",
            si.digest_alg.oid
        ));
    }
    let digests_ok = sd
        .digest_algorithms
        .iter()
        .all(|a| a.oid == OID_SHA256 && null_or_absent(a));
    let version_ok = match (&si.sid, sd.version, si.version) {
        (
            cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(_),
            v,
            cms::content_info::CmsVersion::V1,
        ) => v == cms::content_info::CmsVersion::V1,
        (
            cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(_),
            v,
            cms::content_info::CmsVersion::V3,
        ) => v == cms::content_info::CmsVersion::V3,
        _ => false,
    };
    let content_ok =
        sd.encap_content_info.econtent_type == OID_DATA && sd.encap_content_info.econtent.is_none();
    let alg = si.signature_algorithm.oid.to_string();
    let alg_ok = match signer.key_kind {
        super::cert::KeyKind::P256 => {
            alg == "1.2.840.10045.4.3.2" && si.signature_algorithm.parameters.is_none()
        }
        super::cert::KeyKind::Rsa => {
            (alg == "1.2.840.113549.1.1.11" || alg == "1.2.840.113549.1.1.1")
                && null_or_absent(&si.signature_algorithm)
        }
        super::cert::KeyKind::Other => false,
    };
    if !(digests_ok && version_ok && content_ok && alg_ok) {
        return Some("签名数据（CMS）的结构与所用算法不符，疑被改动".into());
    }
    if sd.crls.is_some() || si.unsigned_attrs.is_some() {
        return Some(
            "签名数据（CMS）含有未签名的附加内容（CRL 或未签名属性），本程序不接受".into(),
        );
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The length of the DER element at the start of `bytes` (tag and length
/// included), when its header is well-formed and it fits.
pub(crate) fn der_element_len(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    let (header, len) = if first < 0x80 {
        (2, first as usize)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(2 + i)? as usize;
        }
        (2 + n, len)
    };
    let total = header.checked_add(len)?;
    (total <= bytes.len()).then_some(total)
}
