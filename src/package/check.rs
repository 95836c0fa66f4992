//! What verification reports: the stable code of each check ([`CheckCode`]),
//! one check's result ([`Check`]), who signed ([`Signer`]) and what was
//! verified ([`VerificationKind`]). Shared by [`super::verify`] and the review
//! chain's checks ([`super::review`]), which both produce them.

use serde::Serialize;

use crate::rules::Severity;
use crate::sign::CertInfo;

/// The code of one check (see [`super::verify`]'s module docs); its
/// `snake_case` form is the contract, in `verify --format json` and in
/// [`CheckCode::as_str`]. The `review_*` codes of SPEC §5.1 are
/// `review_signature`, `review_order` and `review_late`; the other
/// `review_*` codes are this program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    /// The package's ES256 signature verifies with its certificate.
    PackageSignature,
    /// The stated fingerprint is the certificate's.
    Fingerprint,
    /// The certificate was valid when the package or PDF was signed (for a
    /// reviewer: had not expired before the review's date).
    CertificateValidity,
    /// A document's PDF decodes, within the size limit, to bytes with its recorded SHA-256.
    PdfHash,
    /// Every signature of a PDF verifies.
    PdfSignature,
    /// A PDF's last signature covers the whole file but its `/Contents`.
    PdfCoversWholeFile,
    /// A PDF was signed with the package's certificate.
    PdfSigner,
    /// The data embedded in a PDF is the document's data, byte for byte.
    DataMatchesPdf,
    /// The documents pass the rules as a set.
    Rules,
    /// The certificate names the documents' unit, or the review's unit (warning).
    UnitMatches,
    /// The certificate is trusted (with `--trust` only); also per review.
    Trust,
    /// A review has the shape of SPEC §5.1: no unknown member, none
    /// missing, each of its type.
    ReviewFormat,
    /// A review's ES256 signature verifies with its certificate over the
    /// package as it stood (SPEC §5.1), and its fingerprint is the certificate's.
    ReviewSignature,
    /// A review's level is the next on the route, and no review follows a
    /// closing decision.
    ReviewOrder,
    /// A review's dates are dates and do not go backwards (decision on or
    /// after `received`, `received` on or after the package's date and the
    /// previous review's date).
    ReviewDates,
    /// A review was decided after its deadline (warning).
    ReviewLate,
    /// A review's signed deadline differs from the one this calendar gives
    /// (warning; only when neither count was provisional).
    ReviewDeadline,
    /// A `reject` or `return` without an opinion.
    ReviewOpinionRequired,
    /// A review's opinion, unit or reviewer is longer than its limit.
    ReviewTooLong,
    /// A review's unit or reviewer is blank; or (a warning only) its text
    /// holds control or bidi characters, which are shown escaped.
    ReviewText,
    /// A signed PDF embeds a document (information).
    EmbeddedData,
}

impl CheckCode {
    /// Every code, in the order of the module docs.
    pub const ALL: [CheckCode; 21] = [
        CheckCode::PackageSignature,
        CheckCode::Fingerprint,
        CheckCode::CertificateValidity,
        CheckCode::PdfHash,
        CheckCode::PdfSignature,
        CheckCode::PdfCoversWholeFile,
        CheckCode::PdfSigner,
        CheckCode::DataMatchesPdf,
        CheckCode::Rules,
        CheckCode::UnitMatches,
        CheckCode::Trust,
        CheckCode::ReviewFormat,
        CheckCode::ReviewSignature,
        CheckCode::ReviewOrder,
        CheckCode::ReviewDates,
        CheckCode::ReviewLate,
        CheckCode::ReviewDeadline,
        CheckCode::ReviewOpinionRequired,
        CheckCode::ReviewTooLong,
        CheckCode::ReviewText,
        CheckCode::EmbeddedData,
    ];

    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckCode::PackageSignature => "package_signature",
            CheckCode::Fingerprint => "fingerprint",
            CheckCode::CertificateValidity => "certificate_validity",
            CheckCode::PdfHash => "pdf_hash",
            CheckCode::PdfSignature => "pdf_signature",
            CheckCode::PdfCoversWholeFile => "pdf_covers_whole_file",
            CheckCode::PdfSigner => "pdf_signer",
            CheckCode::DataMatchesPdf => "data_matches_pdf",
            CheckCode::Rules => "rules",
            CheckCode::UnitMatches => "unit_matches",
            CheckCode::Trust => "trust",
            CheckCode::ReviewFormat => "review_format",
            CheckCode::ReviewSignature => "review_signature",
            CheckCode::ReviewOrder => "review_order",
            CheckCode::ReviewDates => "review_dates",
            CheckCode::ReviewLate => "review_late",
            CheckCode::ReviewDeadline => "review_deadline",
            CheckCode::ReviewOpinionRequired => "review_opinion_required",
            CheckCode::ReviewTooLong => "review_too_long",
            CheckCode::ReviewText => "review_text",
            CheckCode::EmbeddedData => "embedded_data",
        }
    }
}

/// What was verified: a package or a signed PDF on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationKind {
    /// A submission package `*.gcpkg.json`.
    Package,
    /// A signed PDF.
    Pdf,
}

impl VerificationKind {
    /// The kind as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationKind::Package => "package",
            VerificationKind::Pdf => "pdf",
        }
    }
}

/// Compares with the contract's spelling (`c.code == "pdf_hash"`).
macro_rules! eq_contract_str {
    ($t:ty) => {
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
eq_contract_str!(CheckCode);
eq_contract_str!(VerificationKind);

/// One thing that was checked.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable code of the check.
    pub code: CheckCode,
    /// Whether it passed.
    pub ok: bool,
    /// `error`: a failure makes the file invalid; `warning`: it does not.
    pub severity: Severity,
    /// What was checked and found, in Chinese.
    pub message: String,
    /// The review it is about: its index in `reviews[]`, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<usize>,
}

impl Check {
    /// A check of the package or PDF as a whole.
    pub fn new(code: CheckCode, ok: bool, severity: Severity, message: impl Into<String>) -> Check {
        Check {
            code,
            ok,
            severity,
            message: message.into(),
            review: None,
        }
    }

    /// A failure that makes the file invalid, or its passing.
    pub fn error(code: CheckCode, ok: bool, message: impl Into<String>) -> Check {
        Check::new(code, ok, Severity::Error, message)
    }

    /// A check that warns when it fails.
    pub fn warning(code: CheckCode, ok: bool, message: impl Into<String>) -> Check {
        Check::new(code, ok, Severity::Warning, message)
    }

    /// The same check, about review `index`.
    pub fn of_review(mut self, index: usize) -> Check {
        self.review = Some(index);
        self
    }

    /// A failed error-level check.
    pub fn fails(&self) -> bool {
        !self.ok && self.severity == Severity::Error
    }
}

/// Who signed.
#[derive(Debug, Clone, Serialize)]
pub struct Signer {
    /// The unit the certificate names (O, else CN).
    pub unit: String,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// Issuer CN.
    pub issuer: String,
    /// SHA-256 fingerprint, colon-separated upper-case hex.
    pub fingerprint: String,
    /// Validity start (RFC 3339).
    pub not_before: String,
    /// Validity end (RFC 3339).
    pub not_after: String,
}

impl From<&CertInfo> for Signer {
    fn from(c: &CertInfo) -> Signer {
        Signer {
            unit: c.unit().to_string(),
            common_name: c.common_name.clone(),
            organization: c.organization.clone(),
            issuer: c.issuer.clone(),
            fingerprint: c.fingerprint.to_string(),
            not_before: c.not_before.to_rfc3339(),
            not_after: c.not_after.to_rfc3339(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in CheckCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        for kind in [VerificationKind::Package, VerificationKind::Pdf] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
