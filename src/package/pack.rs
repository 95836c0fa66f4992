//! Building a package: validate every document and the set (an application
//! needs its 附件2 for the same unit), render and sign each PDF, then sign
//! the package.

use base64::Engine;
use chrono::{DateTime, FixedOffset, Timelike};
use serde_json::Value;

use super::{
    signed_bytes, Generator, Package, PackageSignature, PackagedDocument, PdfBlob, PolicyRef,
    ALG_ES256, EMBEDDED_DATA_NAME, FORMAT, FORMAT_VERSION,
};
use crate::document::Document;
use crate::input::InputError;
use crate::policy::Policy;
use crate::render::RenderError;
use crate::rules::{validate_set, PledgeRule, Report};
use crate::sign::{
    jcs, sign_pdf_with_attachment, Attachment, Fingerprint, SignError, SignatureAppearance, UnitKey,
};

/// Makes the PDF of a document: the renderer, or a stand-in.
///
/// `fingerprint` is the unit certificate's, for 附件2's
/// 「单位证书指纹（SHA-256）」 (print it with its `Display` form or
/// [`Fingerprint::lines`]).
pub trait RenderPdf {
    /// The unsigned PDF of `document`.
    fn render_pdf(
        &self,
        document: &Document,
        policy: &Policy,
        fingerprint: &Fingerprint,
    ) -> Result<Vec<u8>, RenderError>;

    /// Where on the last page the visible signature block goes, kept free by
    /// the renderer; `None` for the signer's default corner.
    fn signature_rect(&self) -> Option<[f32; 4]> {
        None
    }
}

impl<F> RenderPdf for F
where
    F: Fn(&Document, &Policy, &Fingerprint) -> Result<Vec<u8>, RenderError>,
{
    fn render_pdf(
        &self,
        document: &Document,
        policy: &Policy,
        fingerprint: &Fingerprint,
    ) -> Result<Vec<u8>, RenderError> {
        self(document, policy, fingerprint)
    }
}

/// The choices of one `pack`.
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// `package_id`.
    pub package_id: uuid::Uuid,
    /// `created_at`, and the signing time of every PDF.
    pub time: DateTime<FixedOffset>,
    /// 签名人 in the PDFs' signature blocks; `None` takes each document's
    /// contact person (单位联系人 / 业务联系人).
    pub signer_name: Option<String>,
}

impl PackOptions {
    /// A new random package id, signed now.
    pub fn now() -> PackOptions {
        PackOptions {
            package_id: uuid::Uuid::new_v4(),
            // Whole seconds: `created_at` and the PDFs' `/M` then agree.
            time: chrono::Local::now()
                .fixed_offset()
                .with_nanosecond(0)
                .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
            signer_name: None,
        }
    }
}

/// Why no package was made.
#[derive(Debug)]
pub enum PackError {
    /// A document could not be read (exit 2). The index is the input's.
    Unreadable(usize, InputError),
    /// Documents have errors, or the set is incomplete (exit 1): every
    /// input's report, with the set findings added.
    Findings(Vec<Report>),
    /// Rendering failed.
    Render(usize, RenderError),
    /// Signing failed.
    Sign(SignError),
    /// A document cannot be put in canonical form (e.g. a huge integer).
    Canonical(usize, jcs::JcsError),
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackError::Unreadable(i, e) => write!(f, "第 {} 个文件：{e}", i + 1),
            PackError::Findings(reports) => {
                let n: usize = reports
                    .iter()
                    .map(|r| r.count(crate::rules::Severity::Error))
                    .sum();
                write!(f, "文档有 {n} 个错误，不能打包（documents have errors）")
            }
            PackError::Render(i, e) => {
                write!(f, "第 {} 个文件无法生成 PDF：{e}（render failed）", i + 1)
            }
            PackError::Sign(e) => write!(f, "{e}"),
            PackError::Canonical(i, e) => write!(f, "第 {} 个文件：{e}", i + 1),
        }
    }
}

impl std::error::Error for PackError {}

/// The person named in a document's signature block when none is given.
fn contact_of(document: &Document) -> Option<&str> {
    match document {
        Document::Application(d) => d.applicant.as_ref()?.contact_name.as_deref(),
        Document::Change(d) => d.applicant.as_ref()?.contact_name.as_deref(),
        Document::Cancellation(d) => d.applicant.as_ref()?.contact_name.as_deref(),
        Document::SecurityPledge(d) => d.contact_name.as_deref(),
        Document::DemandEstimate(d) => d.contact_name.as_deref(),
    }
}

/// Validates `documents` (parsed JSON values, as read from the files) as one
/// submission: each document's rules, and the set's (`pledge_missing`,
/// `pledge_unit_mismatch`). `Ok` holds every report (warnings only); any
/// error refuses the submission with every report.
pub fn check_submission(documents: &[Value], policy: &Policy) -> Result<Vec<Report>, PackError> {
    let reports = validate_set(
        documents.iter().cloned().map(Ok),
        policy,
        PledgeRule::Required,
    )
    .into_reports()
    .into_iter()
    .enumerate()
    .map(|(i, r)| r.map_err(|e| PackError::Unreadable(i, e)))
    .collect::<Result<Vec<_>, _>>()?;
    if reports.is_empty() || !reports.iter().all(|r| r.is_valid() && r.document.is_some()) {
        return Err(PackError::Findings(reports));
    }
    Ok(reports)
}

/// Checks `documents` as [`check_submission`] does and builds the signed
/// package: each PDF rendered, signed (with the data embedded) and put in,
/// then the package signed.
pub fn pack(
    documents: Vec<Value>,
    policy: &Policy,
    key: &UnitKey,
    renderer: &dyn RenderPdf,
    options: &PackOptions,
) -> Result<Package, PackError> {
    let reports = check_submission(&documents, policy)?;

    let fingerprint = key.fingerprint();
    let mut packaged = Vec::with_capacity(documents.len());
    for (i, (value, report)) in documents.into_iter().zip(&reports).enumerate() {
        let Some(document) = report.document.as_ref() else {
            return Err(PackError::Findings(reports));
        };
        let canonical = jcs::canonicalize(&value).map_err(|e| PackError::Canonical(i, e))?;
        let unsigned = renderer
            .render_pdf(document, policy, &fingerprint)
            .map_err(|e| PackError::Render(i, e))?;
        let signer = options
            .signer_name
            .as_deref()
            .or(contact_of(document))
            .unwrap_or("");
        let mut appearance =
            SignatureAppearance::new(key.certificate().unit(), signer, options.time);
        appearance.rect = renderer.signature_rect();
        let signed = sign_pdf_with_attachment(
            &unsigned,
            key,
            &appearance,
            Some(Attachment {
                name: EMBEDDED_DATA_NAME,
                mime: "application/json",
                description: "本文档的数据（gcforms JSON，RFC 8785 规范形式）",
                data: &canonical,
            }),
        )
        .map_err(PackError::Sign)?;
        packaged.push(PackagedDocument {
            data: value,
            pdf: PdfBlob {
                sha256: crate::sign::hex(&crate::sign::sha256(&signed)),
                base64: base64::engine::general_purpose::STANDARD.encode(&signed),
            },
        });
    }

    let b64 = base64::engine::general_purpose::STANDARD;
    let mut package = Package {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        package_id: options.package_id.to_string(),
        created_at: options
            .time
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        generator: Generator::this(),
        policy: PolicyRef {
            id: policy.id.clone(),
            version: policy.version.clone(),
        },
        documents: packaged,
        reviews: Vec::new(),
        signature: PackageSignature {
            alg: ALG_ES256.into(),
            certificate: b64.encode(&key.certificate().der),
            value: String::new(),
            fingerprint: fingerprint.to_string(),
        },
    };
    let value = serde_json::to_value(&package)
        .map_err(|e| PackError::Sign(SignError::Crypto(e.to_string())))?;
    let bytes = signed_bytes(&value).map_err(|e| PackError::Canonical(0, e))?;
    package.signature.value = b64.encode(key.sign_es256(&bytes));
    Ok(package)
}
