//! What a new key file's passphrase must be: at least the policy's
//! `key_file.min_passphrase_chars` characters, and none of the most common
//! passwords (`assets/passwords/common-passwords.txt`: the 10,000 most
//! common of a ten-million-password list plus Chinese users' common ones —
//! sources and licence in the folder's README).
//!
//! Only passphrases that protect a file we write are held to this; a file
//! made elsewhere opens with whatever passphrase it has.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use crate::policy::KeyFilePolicy;

/// The list, one lower-case password a line.
const COMMON_PASSWORDS: &str = include_str!("../../assets/passwords/common-passwords.txt");

/// Why a passphrase may not protect a new key file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeakPassphrase {
    /// Fewer characters than the policy asks.
    TooShort {
        /// The policy's minimum.
        min: usize,
    },
    /// One of the most common passwords.
    Common,
}

impl fmt::Display for WeakPassphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeakPassphrase::TooShort { min } => write!(
                f,
                "口令太短：至少需要 {min} 个字符（passphrase shorter than {min} characters）"
            ),
            WeakPassphrase::Common => write!(
                f,
                "口令过于常见，容易被猜中（如 123456、5201314、woaini1314）：请换一个只有您知道的口令（one of the most common passwords）"
            ),
        }
    }
}

impl std::error::Error for WeakPassphrase {}

/// Whether `passphrase` may protect a new key file. Characters are counted
/// as Unicode scalar values (一个汉字 is one character); the common-password
/// list is compared case-insensitively.
pub fn check_new_passphrase(
    passphrase: &str,
    policy: &KeyFilePolicy,
) -> Result<(), WeakPassphrase> {
    if passphrase.chars().count() < policy.min_passphrase_chars {
        return Err(WeakPassphrase::TooShort {
            min: policy.min_passphrase_chars,
        });
    }
    if is_common(passphrase) {
        return Err(WeakPassphrase::Common);
    }
    Ok(())
}

/// Whether the passphrase is on the list of common passwords.
fn is_common(passphrase: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    });
    list.contains(passphrase.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> KeyFilePolicy {
        crate::policy::Policy::default_shaoguan().key_file.clone()
    }

    #[test]
    fn short_and_common_passphrases_are_refused_with_a_reason() {
        let p = policy();
        assert_eq!(
            check_new_passphrase("abc1234", &p),
            Err(WeakPassphrase::TooShort { min: 8 })
        );
        // Eight Chinese characters are eight characters, not 24 bytes.
        assert_eq!(
            check_new_passphrase("韶关政务云申请", &p)
                .unwrap_err()
                .to_string(),
            WeakPassphrase::TooShort { min: 8 }.to_string()
        );
        assert_eq!(check_new_passphrase("韶关政务云申请助手", &p), Ok(()));
        for common in [
            "88888888",
            "woaini1314",
            "Password1",
            "QWERTYUIOP",
            "1qaz2wsx",
        ] {
            assert_eq!(
                check_new_passphrase(common, &p),
                Err(WeakPassphrase::Common),
                "{common}"
            );
        }
        assert!(WeakPassphrase::Common.to_string().contains("常见"));
        assert_eq!(check_new_passphrase("e2e-passphrase", &p), Ok(()));
    }

    #[test]
    fn the_list_holds_the_ten_thousand_and_chinese_users_common_ones() {
        let lines: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert!(lines.len() >= 10_000, "{}", lines.len());
        for line in &lines {
            assert_eq!(*line, line.trim(), "no blanks around {line:?}");
            assert_eq!(line.to_lowercase(), *line, "lower case: {line:?}");
        }
        for must in [
            "123456",
            "5201314",
            "woaini1314",
            "qwerty",
            "88888888",
            "password",
        ] {
            assert!(is_common(must), "{must}");
        }
    }
}
