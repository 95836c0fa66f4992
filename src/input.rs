//! Reading untrusted input: a file's bytes become a JSON document envelope, or
//! one clear [`InputError`].
//!
//! Everything that makes a file "not a document" is decided here, before any
//! rule runs: size, encoding, JSON syntax, nesting depth, the `form` and the
//! `schema_version`. Callers map an `InputError` to exit code 2; everything
//! after this point is a finding (exit 1), never a failure.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::document::FormKind;

/// The largest input accepted. A 10,000-host application is about 3 MB; a file
/// ten times larger is not something a clerk typed.
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

/// The most JSON values (array elements, object members and containers) an
/// input may hold. A 10,000-host application holds about 200,000; without
/// this bound 32 MiB of `[0,0,0,…]` became 16 million values and 1.2 GB of
/// memory before the input could be refused as not a document.
pub const MAX_JSON_VALUES: usize = 1_000_000;

/// The only `schema_version` this build reads.
pub const SCHEMA_VERSION: u64 = 1;

/// Why an input is not a readable document. Each variant renders as one line of
/// Chinese followed by English in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The file could not be opened or read.
    Io(String),
    /// The file is empty or only white space.
    Empty,
    /// The file is larger than [`MAX_INPUT_BYTES`].
    TooLarge {
        /// The size seen, in bytes (at least the limit plus one).
        bytes: u64,
    },
    /// The bytes are not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// JSON nested deeper than the parser allows.
    TooDeep,
    /// More JSON values than [`MAX_JSON_VALUES`].
    TooManyValues,
    /// JSON syntax error, or the input ends early.
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The input ended before the JSON value was complete.
        truncated: bool,
    },
    /// The JSON is valid but not an object.
    NotAnObject,
    /// No `form` member, or not a string.
    MissingForm,
    /// A `form` this build does not know.
    UnknownForm(String),
    /// No `schema_version`, or not a number.
    MissingSchemaVersion,
    /// A `schema_version` this build does not read.
    UnsupportedSchemaVersion(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io(e) => write!(f, "无法读取文件：{e}（cannot read the file）"),
            InputError::Empty => write!(f, "文件为空（the file is empty）"),
            InputError::TooLarge { bytes } => write!(
                f,
                "文件过大（{} 字节），上限为 {} 字节（the file is too large）",
                bytes, MAX_INPUT_BYTES
            ),
            InputError::NotUtf8 { offset } => write!(
                f,
                "文件不是 UTF-8 编码，第 {offset} 字节起无法解码，请以 UTF-8 保存（not valid UTF-8）"
            ),
            InputError::TooDeep => {
                write!(f, "JSON 嵌套层数过深，不是申请表文件（JSON nested too deeply）")
            }
            InputError::TooManyValues => write!(
                f,
                "JSON 元素过多（超过 {MAX_JSON_VALUES} 个），不是 gcforms 文件（too many JSON values）"
            ),
            InputError::Syntax { line, column, truncated: true } => write!(
                f,
                "JSON 在第 {line} 行第 {column} 列意外结束，文件可能不完整（truncated JSON）"
            ),
            InputError::Syntax { line, column, truncated: false } => {
                write!(f, "JSON 格式错误，位于第 {line} 行第 {column} 列（invalid JSON）")
            }
            InputError::NotAnObject => {
                write!(f, "文件内容不是 JSON 对象，不是申请表文件（not a JSON object）")
            }
            InputError::MissingForm => write!(
                f,
                "缺少表单类型 form，不是 gcforms 文档（missing \"form\"; not a gcforms document）"
            ),
            InputError::UnknownForm(form) => write!(
                f,
                "未知的表单类型“{}”，应为 application、security_pledge、change、cancellation 或 demand_estimate（unknown form）",
                crate::escape::printable(form)
            ),
            InputError::MissingSchemaVersion => {
                write!(f, "缺少 schema_version，不是 gcforms 文档（missing \"schema_version\"）")
            }
            InputError::UnsupportedSchemaVersion(v) => write!(
                f,
                "不支持的 schema_version {}，本程序只读取版本 {SCHEMA_VERSION}（unsupported schema_version）",
                crate::escape::printable(v)
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// A JSON object that has passed the envelope checks: it is an object with a
/// known `form` and the supported `schema_version`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDocument {
    /// Which of the four documents it claims to be.
    pub form: FormKind,
    /// The whole object, as read.
    pub value: Map<String, Value>,
}

/// Reads a file with the size limit applied before the whole file is in memory.
pub fn read_file_limited(path: &Path) -> Result<Vec<u8>, InputError> {
    read_file_within(path, MAX_INPUT_BYTES)
}

/// Reads a file of at most `max` bytes: a larger one is refused from its
/// size alone, and at most `max + 1` bytes are ever read (a file that grows
/// or a device without a size). `TooLarge` holds the size seen.
pub fn read_file_within(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::Io(e.to_string()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max {
        return Err(InputError::TooLarge { bytes: size });
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Io(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge {
            bytes: size.max(max + 1),
        });
    }
    Ok(bytes)
}

/// At least the number of values in `text` (every `[`, `{` and `,` outside
/// strings, plus one), counted without allocating: whether the text may be
/// parsed into a [`Value`] at all.
fn too_many_values(text: &str) -> bool {
    let (mut count, mut in_string, mut escaped) = (1usize, false, false);
    for &b in text.as_bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' | b',' => {
                    count += 1;
                    if count > MAX_JSON_VALUES {
                        return true;
                    }
                }
                _ => {}
            }
        }
    }
    false
}

/// Parses bytes into a JSON value with every hostile-input check of this module.
pub fn parse_json(bytes: &[u8]) -> Result<Value, InputError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    if too_many_values(text) {
        return Err(InputError::TooManyValues);
    }
    // serde_json refuses nesting deeper than 128 levels, so a 200,000-deep
    // array is an error here, not a stack overflow.
    serde_json::from_str(text).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            InputError::TooDeep
        } else {
            InputError::Syntax {
                line: e.line(),
                column: e.column(),
                truncated: e.is_eof(),
            }
        }
    })
}

/// Checks the envelope of a parsed value: an object, a known `form`, schema version 1.
pub fn into_document(value: Value) -> Result<RawDocument, InputError> {
    let Value::Object(map) = value else {
        return Err(InputError::NotAnObject);
    };
    let form = match map.get("form") {
        Some(Value::String(s)) => {
            FormKind::from_key(s).ok_or_else(|| InputError::UnknownForm(s.clone()))?
        }
        _ => return Err(InputError::MissingForm),
    };
    match map.get("schema_version") {
        Some(Value::Number(n)) if n.as_u64() == Some(SCHEMA_VERSION) => {}
        Some(Value::Number(n)) => return Err(InputError::UnsupportedSchemaVersion(n.to_string())),
        Some(Value::String(s)) => return Err(InputError::UnsupportedSchemaVersion(s.clone())),
        _ => return Err(InputError::MissingSchemaVersion),
    }
    Ok(RawDocument { form, value: map })
}

/// Bytes to a checked document envelope.
pub fn read_document(bytes: &[u8]) -> Result<RawDocument, InputError> {
    into_document(parse_json(bytes)?)
}

/// A file to a checked document envelope.
pub fn read_document_file(path: &Path) -> Result<RawDocument, InputError> {
    read_document(&read_file_limited(path)?)
}
