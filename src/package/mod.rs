//! The signed submission package `*.gcpkg.json` (SPEC §5): its types (and
//! JSON Schema), building it ([`pack()`]) and checking it ([`verify`]).
//!
//! A package is one UTF-8 JSON object. Each document travels twice: as data
//! (`documents[].data`, the document of SPEC §2 exactly as validated) and as
//! the signed PDF of that data (`documents[].pdf`). The PDF embeds the data
//! it was made from (`gcforms-document.json`, in JCS form) inside its signed
//! revision, which is how `verify` ties the two together. The applicant's
//! `signature` covers the RFC 8785 canonical form of everything but
//! `signature` and `reviews`.

pub mod pack;
pub mod paper;
pub mod verify;

pub use pack::{check_submission, pack, PackError, PackOptions, RenderPdf};
pub use paper::PaperRenderer;
pub use verify::{
    verify_file_bytes, verify_package, verify_signed_pdf, Check, CheckCode, Verification,
    VerificationKind, VerifyError,
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
    /// Appended by reviewers; empty when packed. Not covered by `signature`.
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

/// # 审核记录
/// A reviewer's decision (第十七、二十、二十三条), signed by the reviewer over
/// the package as it stood plus this review. Reviews are appended by a later
/// version of the app; `verify` lists them without checking them yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// # 审核层级
    pub level: ReviewLevel,
    /// # 审核单位
    pub unit: String,
    /// # 审核人
    pub reviewer: String,
    /// # 审核结论
    pub decision: ReviewDecision,
    /// # 审核意见
    pub opinion: String,
    /// # 审核日期
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// # 办理期限
    /// The last working day allowed.
    #[schemars(extend("format" = "date"))]
    pub deadline: String,
    /// # 审核人签名
    pub signature: PackageSignature,
}

/// # 审核层级
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewLevel {
    /// 主管部门
    Supervisor,
    /// 县(市、区)政务服务数据管理部门
    County,
    /// 韶关市政务服务数据管理部门
    City,
}

/// # 审核结论
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 同意
    Approve,
    /// 不同意
    Reject,
    /// 退回修改
    Return,
}

/// The bytes the applicant's signature covers: JCS of the package object
/// without `signature` and `reviews`.
pub fn signed_bytes(package: &Value) -> Result<Vec<u8>, crate::sign::jcs::JcsError> {
    let mut v = package.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("signature");
        obj.remove("reviews");
    }
    crate::sign::jcs::canonicalize(&v)
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
