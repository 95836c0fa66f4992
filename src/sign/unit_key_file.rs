//! The unit's key as the desktop app keeps it: `unit-key.p12` (the private key,
//! encrypted with the clerk's passphrase, which is never stored) and
//! `unit-cert.der` (the certificate alone, so subject, validity and
//! fingerprint show without asking for the passphrase), both in the app's
//! data folder beside the draft store.

use std::path::{Path, PathBuf};

use chrono::Utc;

use super::{CertInfo, SignError, UnitKey, WeakPassphrase};
use crate::policy::KeyFilePolicy;

/// The private key's file name in the data folder.
pub const KEY_FILE_NAME: &str = "unit-key.p12";

/// The certificate's file name in the data folder.
pub const CERT_FILE_NAME: &str = "unit-cert.der";

/// The unit key files in one folder.
#[derive(Debug, Clone)]
pub struct UnitKeyFile {
    dir: PathBuf,
    policy: KeyFilePolicy,
}

/// Why the unit key files could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFileError {
    /// No unit key has been issued or imported yet.
    Missing,
    /// Reading or writing the files failed.
    Io(String),
    /// The key itself (wrong passphrase, damaged file, unsupported key).
    Key(String),
    /// The new passphrase is too short or too common.
    WeakPassphrase(WeakPassphrase),
}

impl std::fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyFileError::Missing => write!(f, "尚未设置单位证书：请先生成或导入单位证书"),
            KeyFileError::Io(e) => write!(f, "单位证书文件读写失败：{e}"),
            KeyFileError::Key(e) => write!(f, "{e}"),
            KeyFileError::WeakPassphrase(w) => write!(f, "{w}"),
        }
    }
}

impl From<SignError> for KeyFileError {
    fn from(e: SignError) -> KeyFileError {
        match e {
            SignError::WeakPassphrase(w) => KeyFileError::WeakPassphrase(w),
            e => KeyFileError::Key(e.to_string()),
        }
    }
}

impl UnitKeyFile {
    /// The key files in `dir` (created when a key is saved), written as
    /// `policy` says.
    pub fn in_dir(dir: &Path, policy: &KeyFilePolicy) -> UnitKeyFile {
        UnitKeyFile {
            dir: dir.to_path_buf(),
            policy: policy.clone(),
        }
    }

    fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE_NAME)
    }

    fn cert_path(&self) -> PathBuf {
        self.dir.join(CERT_FILE_NAME)
    }

    /// The certificate, when a key has been set; no passphrase needed.
    pub fn certificate(&self) -> Result<Option<CertInfo>, KeyFileError> {
        match std::fs::read(self.cert_path()) {
            Ok(der) => CertInfo::from_der(&der)
                .map(Some)
                .map_err(|e| KeyFileError::Key(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(KeyFileError::Io(e.to_string())),
        }
    }

    /// Issues a new P-256 key and certificate naming `unit`, saved under
    /// `passphrase`; the key is returned unlocked.
    pub fn issue(&self, unit: &str, passphrase: &str) -> Result<UnitKey, KeyFileError> {
        let key = UnitKey::generate(unit, Utc::now())?;
        self.save(&key, passphrase)?;
        Ok(key)
    }

    /// Imports a `.p12`/`.pfx` (modern or legacy encryption) opened with
    /// `passphrase`, re-encrypted with modern encryption under
    /// `new_passphrase` (the same one when `None`); the key is returned
    /// unlocked.
    pub fn import(
        &self,
        p12: &[u8],
        passphrase: &str,
        new_passphrase: Option<&str>,
    ) -> Result<UnitKey, KeyFileError> {
        let key = UnitKey::from_pkcs12(p12, passphrase)?;
        self.save(&key, new_passphrase.unwrap_or(passphrase))?;
        Ok(key)
    }

    /// The key, for signing.
    pub fn unlock(&self, passphrase: &str) -> Result<UnitKey, KeyFileError> {
        let bytes = match std::fs::read(self.key_path()) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyFileError::Missing)
            }
            Err(e) => return Err(KeyFileError::Io(e.to_string())),
        };
        Ok(UnitKey::from_pkcs12(&bytes, passphrase)?)
    }

    /// Writes both files, each through a temporary file and a rename, so a
    /// crash never leaves half a key.
    fn save(&self, key: &UnitKey, passphrase: &str) -> Result<(), KeyFileError> {
        let p12 = key.to_pkcs12(passphrase, &self.policy)?;
        let io = |e: std::io::Error| KeyFileError::Io(e.to_string());
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        for (path, bytes) in [
            (self.key_path(), &p12),
            (self.cert_path(), &key.certificate().der),
        ] {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, bytes).map_err(io)?;
            std::fs::rename(&tmp, &path).map_err(io)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_show_unlock_and_refuse_a_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let policy = &crate::policy::Policy::default_shaoguan().key_file;
        let file = UnitKeyFile::in_dir(dir.path(), policy);
        assert_eq!(file.certificate().unwrap(), None);
        assert_eq!(file.unlock("x").unwrap_err(), KeyFileError::Missing);
        assert_eq!(
            file.issue("韶关市不动产登记中心", "pass-1").unwrap_err(),
            KeyFileError::WeakPassphrase(WeakPassphrase::TooShort { min: 8 })
        );
        assert_eq!(file.certificate().unwrap(), None, "nothing written");
        let cert = file
            .issue("韶关市不动产登记中心", "pass-1 单位口令")
            .unwrap()
            .certificate()
            .clone();
        let shown = file.certificate().unwrap().unwrap();
        assert_eq!(shown.fingerprint, cert.fingerprint);
        assert_eq!(shown.unit(), "韶关市不动产登记中心");
        assert_eq!(
            file.unlock("pass-1 单位口令").unwrap().fingerprint(),
            cert.fingerprint
        );
        assert!(matches!(file.unlock("wrong"), Err(KeyFileError::Key(_))));
        let p12 = std::fs::read(dir.path().join("unit-key.p12")).unwrap();
        assert!(
            !p12.windows(6).any(|w| w == b"pass-1"),
            "the passphrase is not stored"
        );
        let other = tempfile::tempdir().unwrap();
        let imported = UnitKeyFile::in_dir(other.path(), policy);
        assert_eq!(
            imported
                .import(&p12, "pass-1 单位口令", Some("12345678"))
                .unwrap_err(),
            KeyFileError::WeakPassphrase(WeakPassphrase::Common)
        );
        let key = imported
            .import(&p12, "pass-1 单位口令", Some("另一个足够长的口令"))
            .unwrap();
        assert_eq!(key.fingerprint(), cert.fingerprint);
        assert!(imported.unlock("另一个足够长的口令").is_ok());
    }
}
