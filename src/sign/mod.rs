//! Signing (issue #6, SPEC §4–5): unit keys, PAdES-signed PDFs and the
//! signatures' verification.
//!
//! - [`key`]: a unit's P-256 key pair and X.509 certificate, kept in a
//!   passphrase-protected PKCS#12 file (issued here or imported from a CA);
//!   [`passphrase`]: what a new file's passphrase must be.
//! - [`cert`]: reading certificates, the SHA-256 [`Fingerprint`] printed on
//!   附件2, and trust (`--trust`).
//! - [`pdf`]: [`sign_pdf`] turns any PDF into a PAdES B-B signed PDF with a
//!   visible signature block; [`verify_pdf`] checks every signature of a PDF.
//! - [`jcs`]: RFC 8785 canonical JSON, the bytes the package signature covers.
//!
//! **Invariant:** the private key exists in clear only in memory, inside a
//! [`UnitKey`]; on disk it is always PKCS#12-encrypted, and no passphrase is
//! ever stored.
//!
//! Algorithms: signing is ECDSA P-256 with SHA-256 (ES256). Verification also
//! accepts RSA (PKCS#1 v1.5 with SHA-256) signatures from CA-issued keys, so
//! a PDF signed elsewhere can be checked; signing with an imported RSA key is
//! refused with a clear message.

pub(crate) mod appearance;
pub mod cert;
mod cms;
pub mod jcs;
pub mod key;
pub mod passphrase;
pub mod pdf;
pub mod unit_key_file;

pub use appearance::SignatureAppearance;
pub use cert::{CertError, CertInfo, Fingerprint, TrustStore};
pub use key::UnitKey;
pub use passphrase::{check_new_passphrase, WeakPassphrase};
pub use pdf::{sign_pdf, sign_pdf_with_attachment, verify_pdf, Attachment, PdfSignature};
pub use unit_key_file::{KeyFileError, UnitKeyFile};

use std::fmt;

/// Why a key could not be made or opened, or a signature not produced.
/// Each variant renders as one line of Chinese followed by English.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The passphrase is empty.
    EmptyPassphrase,
    /// A new key file's passphrase is too short or too common.
    WeakPassphrase(WeakPassphrase),
    /// The unit name is empty.
    EmptyUnit,
    /// The PKCS#12 file cannot be opened with this passphrase, or is damaged.
    KeyFile(String),
    /// The key file holds no private key with a matching certificate.
    NoKey,
    /// The key is of a kind this build cannot sign with.
    UnsupportedKey(String),
    /// A certificate could not be read or made.
    Certificate(String),
    /// The PDF could not be read or signed.
    Pdf(String),
    /// The signature could not be computed.
    Crypto(String),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptyPassphrase => write!(f, "口令不能为空（empty passphrase）"),
            SignError::WeakPassphrase(w) => write!(f, "{w}"),
            SignError::EmptyUnit => write!(f, "单位名称不能为空（empty unit name）"),
            SignError::KeyFile(e) => write!(
                f,
                "无法打开密钥文件：口令错误或文件已损坏（{e}）（wrong passphrase or damaged key file）"
            ),
            SignError::NoKey => write!(
                f,
                "密钥文件中没有私钥及其证书（no private key with its certificate in the key file）"
            ),
            SignError::UnsupportedKey(k) => write!(
                f,
                "不支持用此类密钥签名：{k}；目前只支持 P-256（ECDSA）密钥（unsupported key type for signing）"
            ),
            SignError::Certificate(e) => write!(f, "证书无效：{e}（invalid certificate）"),
            SignError::Pdf(e) => write!(f, "PDF 无法签名：{e}（cannot sign the PDF）"),
            SignError::Crypto(e) => write!(f, "签名计算失败：{e}（signing failed）"),
        }
    }
}

impl std::error::Error for SignError {}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of bytes.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
