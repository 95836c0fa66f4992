//! `gcforms key new|import|show`: the unit's key file (PKCS#12), and reading
//! its passphrase (`GCFORMS_PASSPHRASE`, else the terminal, never echoed).
//! A new file's passphrase must pass the policy's `key_file` rules (length,
//! not a common password): refused with the reason, exit 2.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use gcforms::input::read_file_limited;
use gcforms::policy::KeyFilePolicy;
use gcforms::sign::{check_new_passphrase, SignError, UnitKey, WeakPassphrase};

use super::{report_error, Outcome};

/// The environment variable that supplies the passphrase (SPEC §4).
const PASSPHRASE_ENV: &str = "GCFORMS_PASSPHRASE";

/// `gcforms key …`.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// 生成单位密钥对和证书，存为口令保护的 PKCS#12 文件，并显示证书指纹
    New {
        /// 单位名称（写入证书的 CN 和 O）
        #[arg(long, value_name = "NAME")]
        unit: String,
        /// 输出的密钥文件（.p12），不覆盖已有文件
        #[arg(short = 'o', long = "output", value_name = "KEY.p12")]
        output: PathBuf,
    },
    /// 导入 CA 签发的 .p12/.pfx（含旧式 3DES/RC2 加密），重新以 AES-256 加密保存
    Import {
        /// CA 签发的 .p12 或 .pfx 文件
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 输出的密钥文件（.p12），不覆盖已有文件
        #[arg(short = 'o', long = "output", value_name = "KEY.p12")]
        output: PathBuf,
    },
    /// 显示密钥文件中证书的单位、有效期和指纹
    Show {
        /// 密钥文件（.p12）
        #[arg(value_name = "KEY.p12")]
        file: PathBuf,
    },
}

/// Runs a `key` subcommand; new files are written as `policy` says.
pub fn run(command: KeyCommand, policy: &KeyFilePolicy) -> Outcome {
    match command {
        KeyCommand::New { unit, output } => new(&unit, &output, policy),
        KeyCommand::Import { file, output } => import(&file, &output, policy),
        KeyCommand::Show { file } => match open_key(&file) {
            Ok(key) => {
                print_key(&key);
                Outcome::Ok
            }
            Err(()) => Outcome::Unreadable,
        },
    }
}

fn new(unit: &str, output: &Path, policy: &KeyFilePolicy) -> Outcome {
    let passphrase = match new_passphrase("请设置密钥文件口令：", policy) {
        Ok(p) => p,
        Err(e) => return fail("", &e),
    };
    let key = match UnitKey::generate(unit, chrono::Utc::now()) {
        Ok(k) => k,
        Err(e) => return fail("", &e),
    };
    save(&key, &passphrase, output, policy)
}

fn import(file: &Path, output: &Path, policy: &KeyFilePolicy) -> Outcome {
    let bytes = match read_file_limited(file) {
        Ok(b) => b,
        Err(e) => return fail(&file.display().to_string(), &e),
    };
    let source = match passphrase("请输入所导入文件的口令：") {
        Ok(p) => p,
        Err(e) => return fail("", &e),
    };
    let key = match UnitKey::from_pkcs12(&bytes, &source) {
        Ok(k) => k,
        Err(e) => return fail(&file.display().to_string(), &e),
    };
    // With the variable set, the same passphrase protects the new file
    // (and must pass the policy as any new one).
    let passphrase = if std::env::var_os(PASSPHRASE_ENV).is_some() {
        source
    } else {
        match new_passphrase("请设置新密钥文件口令：", policy) {
            Ok(p) => p,
            Err(e) => return fail("", &e),
        }
    };
    save(&key, &passphrase, output, policy)
}

fn save(key: &UnitKey, passphrase: &str, output: &Path, policy: &KeyFilePolicy) -> Outcome {
    let bytes = match key.to_pkcs12(passphrase, policy) {
        Ok(b) => b,
        Err(e) => return fail("", &e),
    };
    if let Err(e) = write_new_private(output, &bytes) {
        return fail(&output.display().to_string(), &e);
    }
    println!("已保存单位密钥：{}", output.display());
    print_key(key);
    Outcome::Ok
}

fn print_key(key: &UnitKey) {
    let c = key.certificate();
    println!("单位：{}", gcforms::escape::printable(c.unit()));
    println!("签发者：{}", gcforms::escape::printable(&c.issuer));
    println!(
        "有效期：{} 至 {}",
        c.not_before.format("%Y-%m-%d"),
        c.not_after.format("%Y-%m-%d")
    );
    println!("证书指纹（SHA-256）：{}", c.fingerprint);
}

/// Why a new key file was not written.
#[derive(Debug, thiserror::Error)]
enum WriteKeyError {
    /// The file exists: a key is never overwritten.
    #[error("文件已存在，为免覆盖已有密钥，请换一个文件名（file exists）")]
    Exists,
    /// The file could not be created.
    #[error("无法创建文件：{0}")]
    Create(#[source] std::io::Error),
    /// The file could not be written or synced.
    #[error("无法写入文件：{0}")]
    Write(#[source] std::io::Error),
}

/// Writes a new file readable by its owner only; never overwrites.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), WriteKeyError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            WriteKeyError::Exists
        } else {
            WriteKeyError::Create(e)
        }
    })?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(WriteKeyError::Write)
}

/// Why no passphrase was had.
#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    /// `GCFORMS_PASSPHRASE` is set but not UTF-8.
    #[error("环境变量 {env} 不是有效的 UTF-8", env = PASSPHRASE_ENV)]
    NotUnicode,
    /// The terminal could not be read.
    #[error("无法从终端读取口令（{0}）；可设置环境变量 {env}", env = PASSPHRASE_ENV)]
    Terminal(#[source] std::io::Error),
    /// The confirmation could not be read.
    #[error("无法从终端读取口令（{0}）")]
    TerminalAgain(#[source] std::io::Error),
    /// The confirmation differs.
    #[error("两次输入的口令不一致")]
    Mismatch,
    /// An empty passphrase.
    #[error("{}", SignError::EmptyPassphrase)]
    Empty,
    /// A new file's passphrase the policy refuses.
    #[error("{0}")]
    Weak(#[from] WeakPassphrase),
}

/// A passphrase for a new key file: as [`passphrase`], asked twice on the
/// terminal, and refused before the second asking when the policy finds it
/// weak.
fn new_passphrase(prompt: &str, policy: &KeyFilePolicy) -> Result<String, PassphraseError> {
    let check = |p: &str| check_new_passphrase(p, policy).map_err(PassphraseError::from);
    passphrase_checked(prompt, Some(&check))
}

/// The passphrase of an existing file: `GCFORMS_PASSPHRASE` when set, else
/// asked on the terminal. Empty is refused.
pub fn passphrase(prompt: &str) -> Result<String, PassphraseError> {
    passphrase_checked(prompt, None)
}

/// A new passphrase is checked by `new_rule` and, asked on the terminal,
/// confirmed by a second entry.
type NewRule<'a> = &'a dyn Fn(&str) -> Result<(), PassphraseError>;

fn passphrase_checked(
    prompt: &str,
    new_rule: Option<NewRule<'_>>,
) -> Result<String, PassphraseError> {
    let value = match std::env::var(PASSPHRASE_ENV) {
        Ok(v) => v,
        Err(std::env::VarError::NotUnicode(_)) => return Err(PassphraseError::NotUnicode),
        Err(std::env::VarError::NotPresent) => {
            let first = rpassword::prompt_password(prompt).map_err(PassphraseError::Terminal)?;
            if let (Some(rule), false) = (new_rule, first.is_empty()) {
                rule(&first)?;
                let again = rpassword::prompt_password("请再次输入口令：")
                    .map_err(PassphraseError::TerminalAgain)?;
                if again != first {
                    return Err(PassphraseError::Mismatch);
                }
            }
            first
        }
    };
    if value.is_empty() {
        return Err(PassphraseError::Empty);
    }
    if let Some(rule) = new_rule {
        rule(&value)?;
    }
    Ok(value)
}

/// Opens a key file with the passphrase, reporting errors.
pub fn open_key(path: &Path) -> Result<UnitKey, ()> {
    let name = path.display().to_string();
    let bytes = read_file_limited(path).map_err(|e| report_error(&name, &e))?;
    let pass = passphrase("请输入密钥文件口令：").map_err(|e| report_error("", &e))?;
    UnitKey::from_pkcs12(&bytes, &pass).map_err(|e| report_error(&name, &e))
}

fn fail(context: &str, e: &dyn std::fmt::Display) -> Outcome {
    report_error(context, e);
    Outcome::Unreadable
}
