//! Checking a package or a signed PDF, and saying in Chinese what was checked.
//!
//! For a **package**, in order:
//! 1. it is a package this build reads (`format`, `format_version` 1, the
//!    shape of SPEC §5) — otherwise it is unreadable (`Err`, exit 2);
//! 2. `package_signature`: the ES256 signature verifies with the enclosed
//!    certificate over the RFC 8785 form of everything but `signature` and
//!    `reviews`; `fingerprint`: the stated fingerprint is the certificate's;
//!    `certificate_validity`: the certificate was valid at `created_at`;
//! 3. per document: `pdf_hash` (the base64 decodes, within
//!    [`MAX_PDF_BYTES`], to bytes whose SHA-256 is `pdf.sha256`);
//!    `pdf_signature` (every PDF signature's digest and CMS signature
//!    verify); `pdf_covers_whole_file` (the last signature's `/ByteRange`
//!    spans the whole file but its `/Contents`); `pdf_signer` (the PDF was
//!    signed with the package's certificate); `data_matches_pdf`;
//! 4. `rules`: the documents pass the rules of the given policy, as a set
//!    (an application with its 附件2 for the same unit); a package made
//!    under another policy id/version only gets warnings here;
//! 5. `unit_matches` (warning): the certificate names the documents' unit;
//! 6. `trust`, with `--trust` only: the certificate is one of the trusted
//!    certificates or was issued by one (directly or through the CA
//!    certificates in the PDF signature);
//! 7. the reviews (SPEC §5.1, [`super::review::chain`]): each review's
//!    signature, order, dates, deadline and text, each check naming the
//!    review; then the route, `status` and, once the city approved,
//!    `provisioning_deadline`. Every signature's bytes come from
//!    [`super::signed`], canonicalized once.
//!
//! **"The data matches the PDF"** means: the signed revision of the PDF
//! embeds `gcforms-document.json`, and its bytes are exactly the RFC 8785
//! canonical form of `documents[i].data`. The PDF was made from that data
//! at packing time, so the printed form and the data cannot drift apart
//! unnoticed. (Rendering again and comparing would tie verification to one
//! renderer version.)
//!
//! For a **signed PDF**: `pdf_signature`, `pdf_covers_whole_file`,
//! `certificate_validity` at the signing time `/M`, the embedded document's
//! form and id when present, and `trust`.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

pub use super::check::{Check, CheckCode, Signer, VerificationKind};

use super::review::chain::{check_chain, ChainContext};
use super::review::{ReviewLevel, ReviewStatus, ReviewSummary};
use super::signed::SignedForms;
use super::{Package, ALG_ES256, EMBEDDED_DATA_NAME, FORMAT, FORMAT_VERSION, MAX_PDF_BYTES};
use crate::calendar::{Calendar, Deadline};
use crate::document::FormKind;
use crate::escape::printable;
use crate::input::{parse_json, InputError};
use crate::policy::Policy;
use crate::rules::{validate_set, PledgeRule, Severity};
use crate::sign::pdf::{embedded_file, NotAPdf};
use crate::sign::{jcs, verify_pdf, CertInfo, PdfSignature, TrustStore};

/// Why a file is not readable as a package or a signed PDF (exit 2). Each
/// renders as one line of Chinese followed by English.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Too large, not UTF-8, not JSON.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Starts like a PDF but is not one.
    #[error(transparent)]
    NotAPdf(#[from] NotAPdf),
    /// JSON, but not an object.
    #[error("不是 gcforms 提交包：内容不是 JSON 对象（not a package）")]
    NotAnObject,
    /// An object without `format: gcforms-package`.
    #[error("不是 gcforms 提交包：format 不是 gcforms-package（not a package）")]
    NotAPackage,
    /// A `format_version` this build does not read (as written).
    #[error(
        "不支持的提交包版本 format_version {}，本程序只读取版本 {FORMAT_VERSION}（unsupported format_version）",
        printable(.0)
    )]
    UnsupportedVersion(String),
    /// No `format_version`.
    #[error("提交包缺少 format_version（missing format_version）")]
    MissingVersion,
    /// Not the shape of SPEC §5.
    #[error("提交包结构不正确：{}（malformed package）", printable(&.0.to_string()))]
    Malformed(#[source] serde_json::Error),
}

/// A document found in a package or embedded in a signed PDF.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    /// Its `form`, when readable.
    pub form: Option<String>,
    /// Its `id`, when readable.
    pub id: Option<String>,
}

/// The result of verifying one file.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// `package` or `pdf`.
    pub kind: VerificationKind,
    /// No error-level check failed.
    pub valid: bool,
    /// Whether the signer (the applicant, for a package) is trusted; `None`
    /// when no trust was given. Each review says it for its reviewer.
    pub trusted: Option<bool>,
    /// The signer, when the certificate could be read.
    pub signer: Option<Signer>,
    /// The package's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_id: Option<String>,
    /// The documents.
    pub documents: Vec<DocumentSummary>,
    /// Everything checked, in order.
    pub checks: Vec<Check>,
    /// A package's route: the levels that review it, in order (SPEC §5.1);
    /// absent when it cannot be told (no routed document, or documents that
    /// disagree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Vec<ReviewLevel>>,
    /// A package's reviews that have the shape of SPEC §5.1, as checked.
    pub reviews: Vec<ReviewSummary>,
    /// Where a package stands in its review (SPEC §5.1), when it has a route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ReviewStatus>,
    /// Once approved: the city's `date` plus the policy's
    /// `provisioning_working_days` (SPEC §5.1), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_deadline: Option<chrono::NaiveDate>,
    /// How `provisioning_deadline` was counted: from, working days, and
    /// whether it is provisional (「暂定」) with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning: Option<Deadline>,
}

impl Verification {
    fn new(kind: VerificationKind) -> Verification {
        Verification {
            kind,
            valid: false,
            trusted: None,
            signer: None,
            package_id: None,
            documents: Vec::new(),
            checks: Vec::new(),
            route: None,
            reviews: Vec::new(),
            status: None,
            provisioning_deadline: None,
            provisioning: None,
        }
    }

    fn check(&mut self, code: CheckCode, ok: bool, message: impl Into<String>) {
        self.checks.push(Check::error(code, ok, message));
    }

    fn push(&mut self, code: CheckCode, ok: bool, severity: Severity, message: impl Into<String>) {
        self.checks.push(Check::new(code, ok, severity, message));
    }

    fn finish(mut self) -> Verification {
        self.valid = !self.checks.iter().any(Check::fails);
        self
    }

    fn trust(&mut self, trust: Option<&TrustStore>, cert: &CertInfo, chain: &[CertInfo]) {
        if let Some(store) = trust {
            let trusted = store.trusts(cert, chain);
            self.trusted = Some(trusted);
            self.check(
                CheckCode::Trust,
                trusted,
                if trusted {
                    "签名证书可信：属于或签发自指定的信任证书".to_string()
                } else {
                    "签名证书不可信：既不是指定的信任证书，也不由其签发".to_string()
                },
            );
        }
    }
}

/// Verifies a file's bytes: a signed PDF when they start with `%PDF-`, else a
/// package. `Err` when the file is not readable as either: exit 2.
/// `calendar` counts the review deadlines.
pub fn verify_file_bytes(
    bytes: &[u8],
    policy: &Policy,
    calendar: &Calendar,
    trust: Option<&TrustStore>,
) -> Result<Verification, VerifyError> {
    if bytes.starts_with(b"%PDF-") {
        verify_signed_pdf(bytes, trust)
    } else {
        verify_package(bytes, policy, calendar, trust)
    }
}

/// Verifies a package (see the module docs).
pub fn verify_package(
    bytes: &[u8],
    policy: &Policy,
    calendar: &Calendar,
    trust: Option<&TrustStore>,
) -> Result<Verification, VerifyError> {
    verify_package_value(&parse_json(bytes)?, policy, calendar, trust)
}

/// [`verify_package`] of a package already parsed.
pub fn verify_package_value(
    value: &Value,
    policy: &Policy,
    calendar: &Calendar,
    trust: Option<&TrustStore>,
) -> Result<Verification, VerifyError> {
    let obj = value.as_object().ok_or(VerifyError::NotAnObject)?;
    match obj.get("format") {
        Some(Value::String(s)) if s == FORMAT => {}
        _ => return Err(VerifyError::NotAPackage),
    }
    match obj.get("format_version") {
        Some(v) if v.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(v) => return Err(VerifyError::UnsupportedVersion(v.to_string())),
        None => return Err(VerifyError::MissingVersion),
    }
    let package: Package = serde_json::from_value(value.clone()).map_err(VerifyError::Malformed)?;

    let mut v = Verification::new(VerificationKind::Package);
    v.package_id = Some(package.package_id.clone());
    let b64 = base64::engine::general_purpose::STANDARD;
    // The signed forms of the applicant and of every review, made once.
    let forms = SignedForms::new(value);

    // The package signature.
    let cert = CertInfo::from_base64(&package.signature.certificate);
    match &cert {
        Ok(cert) => {
            v.signer = Some(Signer::from(cert));
            let sig = b64.decode(&package.signature.value).ok();
            let signed = forms
                .as_ref()
                .map(SignedForms::applicant)
                .map_err(Clone::clone);
            let ok = package.signature.alg == ALG_ES256
                && matches!((&sig, &signed), (Some(s), Ok(m)) if cert.verify(m, s, true));
            v.check(
                CheckCode::PackageSignature,
                ok,
                if ok {
                    "提交包签名（ES256）有效：覆盖除 signature、reviews 以外的全部内容（RFC 8785 规范形式）"
                        .to_string()
                } else if package.signature.alg != ALG_ES256 {
                    format!("提交包签名算法“{}”不受支持，应为 ES256", printable(&package.signature.alg))
                } else if let Err(e) = &signed {
                    format!("提交包签名无效：{e}")
                } else {
                    "提交包签名无效：内容在签名后被改动，或签名值、证书被替换".to_string()
                },
            );
            let fp_ok = package.signature.fingerprint == cert.fingerprint.to_string();
            v.check(
                CheckCode::Fingerprint,
                fp_ok,
                if fp_ok {
                    format!("证书指纹与所附证书一致：{}", cert.fingerprint)
                } else {
                    format!(
                        "提交包所写的证书指纹与所附证书不一致（所附证书的指纹为 {}）",
                        cert.fingerprint
                    )
                },
            );
            match DateTime::parse_from_rfc3339(&package.created_at) {
                Ok(t) => {
                    let ok = cert.valid_at(t.with_timezone(&Utc));
                    v.check(
                        CheckCode::CertificateValidity,
                        ok,
                        if ok {
                            format!("打包时间 {} 在证书有效期内", package.created_at)
                        } else {
                            format!(
                                "打包时间 {} 不在证书有效期（{} 至 {}）内",
                                printable(&package.created_at),
                                cert.not_before.format("%Y-%m-%d"),
                                cert.not_after.format("%Y-%m-%d")
                            )
                        },
                    );
                }
                Err(_) => v.check(
                    CheckCode::CertificateValidity,
                    false,
                    format!(
                        "打包时间“{}”不是 RFC 3339 时间",
                        printable(&package.created_at)
                    ),
                ),
            }
        }
        Err(e) => v.check(
            CheckCode::PackageSignature,
            false,
            format!("签名证书无法读取：{e}"),
        ),
    }

    // Each document's PDF.
    let mut chain: Vec<CertInfo> = Vec::new();
    for (i, doc) in package.documents.iter().enumerate() {
        let summary = summarize(&doc.data);
        let label = document_label(i, &summary);
        v.documents.push(summary);
        let estimated = doc.pdf.base64.len() / 4 * 3;
        if estimated > MAX_PDF_BYTES {
            v.check(
                CheckCode::PdfHash,
                false,
                format!("{label}：PDF 过大（约 {estimated} 字节，上限 {MAX_PDF_BYTES} 字节）"),
            );
            continue;
        }
        let Ok(pdf) = b64.decode(&doc.pdf.base64) else {
            v.check(
                CheckCode::PdfHash,
                false,
                format!("{label}：PDF 的 base64 编码无效"),
            );
            continue;
        };
        let hash = crate::sign::hex(&crate::sign::sha256(&pdf));
        let hash_ok = hash == doc.pdf.sha256;
        v.check(
            CheckCode::PdfHash,
            hash_ok,
            if hash_ok {
                format!("{label}：PDF 的 SHA-256 与记录一致")
            } else {
                format!("{label}：PDF 的 SHA-256 与记录不一致，PDF 或记录被改动")
            },
        );
        let signatures = match verify_pdf(&pdf) {
            Ok(s) => s,
            Err(e) => {
                v.check(CheckCode::PdfSignature, false, format!("{label}：{e}"));
                continue;
            }
        };
        let Some(last) = check_pdf_signatures(&mut v, &label, &signatures) else {
            continue;
        };
        if let (Some(pdf_cert), Ok(cert)) = (&last.signer, &cert) {
            let same = pdf_cert.der == cert.der;
            v.check(
                CheckCode::PdfSigner,
                same,
                if same {
                    format!("{label}：PDF 由提交包的签名证书签名")
                } else {
                    format!(
                        "{label}：PDF 的签名证书（{}，指纹 {}）与提交包的签名证书不同",
                        printable(pdf_cert.unit()),
                        pdf_cert.fingerprint
                    )
                },
            );
            chain.extend(last.chain.iter().cloned());
        }
        let expected = jcs::canonicalize(&doc.data).ok();
        let embedded = embedded_file(&pdf, EMBEDDED_DATA_NAME);
        let matches = embedded.is_some() && embedded == expected;
        v.check(
            CheckCode::DataMatchesPdf,
            matches,
            match (&embedded, matches) {
                (_, true) => format!("{label}：数据与 PDF 一致（PDF 签名部分嵌入的数据与提交包中的数据逐字节相同）"),
                (None, _) => format!("{label}：PDF 中没有嵌入文档数据（{EMBEDDED_DATA_NAME}），无法确认数据与 PDF 一致"),
                (Some(_), false) => format!("{label}：PDF 中嵌入的数据与提交包中的数据不一致"),
            },
        );
    }
    if package.documents.is_empty() {
        v.check(CheckCode::PdfHash, false, "提交包中没有文档");
    }

    check_rules(&mut v, &package, policy);
    if let Ok(cert) = &cert {
        check_unit(&mut v, &package, cert);
        v.trust(trust, cert, &chain);
    }
    let chain = check_chain(
        value,
        &forms,
        ChainContext {
            policy,
            calendar,
            trust,
        },
    );
    v.checks.extend(chain.checks);
    v.route = chain.route.ok().map(|r| r.levels().to_vec());
    v.reviews = chain.reviews;
    v.status = chain.status;
    v.provisioning_deadline = chain.provisioning.as_ref().map(|d| d.deadline);
    v.provisioning = chain.provisioning;
    Ok(v.finish())
}

/// Checks every signature of a PDF, the last one covering the whole file;
/// returns the last one when there is any.
fn check_pdf_signatures<'a>(
    v: &mut Verification,
    label: &str,
    signatures: &'a [PdfSignature],
) -> Option<&'a PdfSignature> {
    let Some(last) = signatures.last() else {
        v.check(
            CheckCode::PdfSignature,
            false,
            format!("{label}：PDF 中没有签名"),
        );
        return None;
    };
    for (n, s) in signatures.iter().enumerate() {
        let which = if signatures.len() > 1 {
            format!("{label}：第 {} 个签名", n + 1)
        } else {
            label.to_string()
        };
        let ok = s.is_intact();
        v.check(
            CheckCode::PdfSignature,
            ok,
            if ok {
                format!("{which}：PDF 签名（CMS/PAdES）有效，签名范围内的内容未被改动")
            } else if let Some(p) = &s.problem {
                format!("{which}：PDF 签名无效：{p}")
            } else if !s.digest_ok {
                format!("{which}：PDF 签名无效：签名范围内的内容在签名后被改动（摘要不符）")
            } else {
                format!("{which}：PDF 签名无效：签名值与证书不符")
            },
        );
    }
    v.check(
        CheckCode::PdfCoversWholeFile,
        last.covers_whole_file,
        if last.covers_whole_file {
            format!("{label}：签名覆盖整个文件（除签名值本身）")
        } else {
            format!("{label}：签名未覆盖整个文件：签名之后还有未签名的内容")
        },
    );
    Some(last)
}

/// `form` and `id` of a document's data, when present.
fn summarize(data: &Value) -> DocumentSummary {
    let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_string);
    DocumentSummary {
        form: text("form"),
        id: text("id"),
    }
}

fn document_label(i: usize, s: &DocumentSummary) -> String {
    let form = s
        .form
        .as_deref()
        .and_then(FormKind::from_key)
        .map_or("未知表单", FormKind::short_name);
    format!(
        "文档{}（{}，编号 {}）",
        i + 1,
        form,
        printable(s.id.as_deref().unwrap_or("无"))
    )
}

fn check_rules(v: &mut Verification, package: &Package, policy: &Policy) {
    let same_policy = package.policy.id == policy.id && package.policy.version == policy.version;
    let severity = if same_policy {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut problems = Vec::new();
    let set = validate_set(
        package.documents.iter().map(|d| Ok(d.data.clone())),
        policy,
        PledgeRule::Required,
    );
    for (i, result) in set.documents.iter().enumerate() {
        match result {
            Ok(report) => {
                for f in report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                {
                    problems.push(format!(
                        "文档{} {} [{}] {}",
                        i + 1,
                        f.path,
                        f.code,
                        f.message
                    ));
                }
            }
            Err(e) => problems.push(format!("文档{}：{e}", i + 1)),
        }
    }
    // The set is judged only when every document could be read.
    let all_read = set
        .documents
        .iter()
        .all(|r| r.as_ref().is_ok_and(|r| r.document.is_some()));
    if all_read {
        for f in &set.set_findings {
            problems.push(format!(
                "文档{} [{}] {}",
                f.index + 1,
                f.finding.code,
                f.finding.message
            ));
        }
    }
    let policy_note = if same_policy {
        format!("政策 {} {}", policy.id, policy.version)
    } else {
        format!(
            "提交包按政策 {} {} 打包，此处按政策 {} {} 校验",
            printable(&package.policy.id),
            printable(&package.policy.version),
            policy.id,
            policy.version
        )
    };
    let ok = problems.is_empty();
    let message = if ok {
        format!("文档符合规则（{policy_note}），申请表附有同一单位的安全责任书")
    } else {
        const SHOWN: usize = 5;
        let more = problems.len().saturating_sub(SHOWN);
        let mut m = format!(
            "文档不符合规则（{policy_note}）：{}",
            problems[..problems.len().min(SHOWN)].join("；")
        );
        if more > 0 {
            m.push_str(&format!("；另有 {more} 项"));
        }
        m
    };
    v.push(CheckCode::Rules, ok, severity, message);
}

/// The unit the documents name: the application's, else the pledge's, …
fn documents_unit(package: &Package) -> Option<String> {
    package.documents.iter().find_map(|d| {
        d.data
            .get("applicant")
            .and_then(|a| a.get("unit_name"))
            .or_else(|| d.data.get("unit_name"))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
    })
}

fn check_unit(v: &mut Verification, package: &Package, cert: &CertInfo) {
    let Some(unit) = documents_unit(package) else {
        return;
    };
    let names = [cert.organization.as_deref(), cert.common_name.as_deref()];
    let ok = names.iter().flatten().any(|n| n.trim() == unit);
    v.push(
        CheckCode::UnitMatches,
        ok,
        Severity::Warning,
        if ok {
            format!("签名证书载明的单位与文档的单位一致：{}", printable(&unit))
        } else {
            format!(
                "签名证书载明的单位“{}”与文档的单位“{}”不同，请确认签名单位",
                printable(cert.unit()),
                printable(&unit)
            )
        },
    );
}

/// Verifies a signed PDF on its own (see the module docs).
pub fn verify_signed_pdf(
    bytes: &[u8],
    trust: Option<&TrustStore>,
) -> Result<Verification, VerifyError> {
    if bytes.len() as u64 > crate::input::MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            bytes: bytes.len() as u64,
        }
        .into());
    }
    let signatures = verify_pdf(bytes)?;
    let mut v = Verification::new(VerificationKind::Pdf);
    let Some(last) = check_pdf_signatures(&mut v, "PDF", &signatures) else {
        return Ok(v.finish());
    };
    if let Some(cert) = &last.signer {
        v.signer = Some(Signer::from(cert));
        match last.time() {
            Some(t) => {
                let ok = cert.valid_at(t.with_timezone(&Utc));
                v.check(
                    CheckCode::CertificateValidity,
                    ok,
                    if ok {
                        format!(
                            "签名时间 {} 在证书有效期内",
                            t.format("%Y-%m-%d %H:%M:%S %:z")
                        )
                    } else {
                        format!(
                            "签名时间 {} 不在证书有效期内",
                            t.format("%Y-%m-%d %H:%M:%S %:z")
                        )
                    },
                );
            }
            None => v.push(
                CheckCode::CertificateValidity,
                false,
                Severity::Warning,
                "PDF 签名未载明签名时间（/M），未检查证书有效期",
            ),
        }
        if last.is_intact() {
            if let Some(data) = embedded_file(bytes, EMBEDDED_DATA_NAME)
                .and_then(|d| serde_json::from_slice::<Value>(&d).ok())
            {
                let summary = summarize(&data);
                let label = document_label(0, &summary);
                v.documents.push(summary);
                v.push(
                    CheckCode::EmbeddedData,
                    true,
                    Severity::Warning,
                    format!("PDF 签名部分嵌入了文档数据：{label}"),
                );
            }
        }
        v.trust(trust, cert, &last.chain);
    }
    Ok(v.finish())
}
