//! The signed submission package `*.gcpkg.json` (SPEC §5): its types (and
//! JSON Schema), building it ([`pack()`]) and checking it ([`verify`]).
//!
//! A package is one UTF-8 JSON object. Each document travels twice: as data
//! (`documents[].data`, the document of SPEC §2 exactly as validated) and as
//! the signed PDF of that data (`documents[].pdf`). The PDF embeds the data
//! it was made from (`gcforms-document.json`, in JCS form) inside its signed
//! revision, which is how `verify` ties the two together. The applicant's
//! `signature` covers the RFC 8785 canonical form of everything but
//! `signature` and `reviews`. Reviewers append signed reviews
//! ([`review`], [`append`]), each covering the package as it stood.

pub mod append;
pub mod check;
pub mod pack;
pub mod paper;
pub mod print;
pub mod review;
pub mod signed;
pub mod verify;

pub use append::{
    append_review, prepare_review, AppendError, AppendedReview, PreparedReview, Refusal,
    RefusalCode, ReviewRequest,
};
pub use check::{Check, CheckCode, Signer, VerificationKind};
pub use pack::{check_submission, pack, PackError, PackOptions, RenderPdf};
pub use paper::PaperRenderer;
pub use print::{is_package, render_package, render_package_value, Copies, PrintError};
pub use review::{
    Review, ReviewDecision, ReviewLevel, ReviewStatus, ReviewSummary, Route, MAX_NAME_CHARS,
    MAX_OPINION_CHARS,
};
pub use verify::{
    verify_file_bytes, verify_package, verify_package_value, verify_signed_pdf, Verification,
    VerifyError,
};

use schemars::{JsonSchema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::document::schema::documents_schema;
use crate::document::Document;

/// The `format` of every package.
pub const FORMAT: &str = "gcforms-package";

/// The only `format_version` this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The package signature's algorithm: ECDSA P-256 with SHA-256, the
/// signature written as raw r‖s (64 bytes) like JWS.
pub const ALG_ES256: &str = "ES256";

/// The name of the data file embedded in each signed PDF.
pub const EMBEDDED_DATA_NAME: &str = "gcforms-document.json";

/// The largest embedded PDF accepted (decoded).
pub const MAX_PDF_BYTES: usize = 16 * 1024 * 1024;

/// # gcforms 提交包
/// The signed submission package (SPEC §5), `*.gcpkg.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// # 格式
    /// Always `gcforms-package`.
    #[schemars(extend("const" = "gcforms-package"))]
    pub format: String,
    /// # 格式版本
    /// This build reads and writes version 1.
    #[schemars(range(min = 1, max = 1))]
    pub format_version: u32,
    /// # 提交包编号
    /// A UUID.
    #[schemars(extend("format" = "uuid"))]
    pub package_id: String,
    /// # 打包时间
    /// RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
    /// # 生成程序
    pub generator: Generator,
    /// # 适用政策
    /// The policy the documents were checked against.
    pub policy: PolicyRef,
    /// # 文档
    /// Each document with its signed PDF.
    pub documents: Vec<PackagedDocument>,
    /// # 审核记录
    /// Appended by reviewers (SPEC §5.1); empty when packed. Not covered by
    /// `signature`; each review is signed by its reviewer. Kept as JSON so
    /// that `verify` can judge each review on its own and sign over them
    /// exactly as they are.
    #[serde(default)]
    #[schemars(with = "Vec<Review>")]
    pub reviews: Vec<Value>,
    /// # 申请单位签名
    /// Over the RFC 8785 canonical JSON of the package without `signature`
    /// and `reviews`.
    pub signature: PackageSignature,
}

/// # 生成程序
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// # 名称
    pub name: String,
    /// # 版本
    pub version: String,
}

impl Generator {
    /// This build.
    pub fn this() -> Generator {
        Generator {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// # 政策
/// Identifies the policy file (SPEC §2.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRef {
    /// # 政策编号
    pub id: String,
    /// # 政策版本
    pub version: String,
}

/// # 文档及其签名 PDF
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackagedDocument {
    /// # 文档数据
    /// One of the four documents of SPEC §2, as validated.
    #[schemars(with = "Document")]
    pub data: Value,
    /// # 签名 PDF
    pub pdf: PdfBlob,
}

/// # 签名 PDF
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PdfBlob {
    /// # SHA-256
    /// Lower-case hex of the SHA-256 of the PDF's bytes.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// # PDF 内容
    /// The signed PDF, standard base64 with padding.
    #[schemars(extend("contentEncoding" = "base64", "contentMediaType" = "application/pdf"))]
    pub base64: String,
}

/// # 签名
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageSignature {
    /// # 算法
    /// `ES256`: ECDSA P-256 with SHA-256.
    #[schemars(extend("const" = "ES256"))]
    pub alg: String,
    /// # 签名证书
    /// The signer's X.509 certificate, base64 of its DER.
    #[schemars(extend("contentEncoding" = "base64"))]
    pub certificate: String,
    /// # 签名值
    /// Base64 of the raw 64-byte r‖s signature.
    #[schemars(extend("contentEncoding" = "base64"))]
    pub value: String,
    /// # 证书指纹（SHA-256）
    /// The certificate's SHA-256 as colon-separated upper-case hex pairs.
    #[schemars(regex(pattern = r"^[0-9A-F]{2}(:[0-9A-F]{2}){31}$"))]
    pub fingerprint: String,
}

/// The bytes the applicant's signature covers: JCS of the package object
/// without `signature` and `reviews`.
pub fn signed_bytes(package: &Value) -> Result<Vec<u8>, crate::sign::jcs::JcsError> {
    signed::SignedForms::new(package).map(|forms| forms.applicant())
}

/// The schema printed by `gcforms schema`: [`documents_schema`] unchanged at
/// the root (a document validates against it as before), with the package of
/// SPEC §5 added as `$defs/Package` and pointed to by `x-gcforms-package`.
pub fn combined_schema() -> Value {
    let mut root = documents_schema();
    let mut generator = SchemaGenerator::default();
    let package = generator.subschema_for::<Package>();
    let defs = generator.take_definitions(true);
    if let Some(obj) = root.as_object_mut() {
        let all = obj
            .entry("$defs")
            .or_insert_with(|| json!({}))
            .as_object_mut();
        if let Some(all) = all {
            for (name, def) in defs {
                all.entry(name).or_insert(def);
            }
        }
        obj.insert("x-gcforms-package".into(), package.to_value());
        obj.insert(
            "$comment".into(),
            json!(
                "根 schema 校验文档（附件1–4）；提交包 *.gcpkg.json 的 schema 为 #/$defs/Package"
            ),
        );
    }
    root
}
