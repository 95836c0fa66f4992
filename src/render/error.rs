//! Why a document could not be rendered, with its Chinese messages: the
//! one error type of the renderer, below every other module of it.

use std::fmt;

use crate::rules::{Finding, Severity};

/// A character no face can print (neither the bundled ones nor any
/// system fallback), and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph {
    /// The paper label of the field, e.g. 系统(主机)名称.
    pub label: String,
    /// The JSON path of the field, e.g. `hosts[2].name`; empty for fixed text.
    pub path: String,
    /// The character.
    pub ch: char,
}

impl fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = crate::escape::code_point(self.ch);
        let place = if self.path.is_empty() {
            self.label.clone()
        } else {
            format!("{}（{}）", self.label, self.path)
        };
        if self.ch.is_whitespace() || crate::escape::unprintable(&self.ch.to_string()).is_some() {
            write!(
                f,
                "{place}中有不可打印的控制字符 {code}，请删除后再打印（unprintable character）"
            )
        } else {
            write!(
                f,
                "{place}中的字符“{}”（{code}）不在程序自带的打印字体中，本机字体中也没有，无法打印；请改用常用写法，或在本机安装含此字的字体（如 Windows 的 SimSun-ExtB）后再打印（character in no font）",
                self.ch
            )
        }
    }
}

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// The fonts are not installed or cannot be read (exit 2).
    FontUnavailable(String),
    /// Characters the font lacks (exit 1): each one, with its field.
    MissingGlyphs(Vec<MissingGlyph>),
    /// The document has errors and no draft was asked for (exit 1).
    NotValid(Vec<Finding>),
    /// Options out of range, e.g. zero copies (exit 2).
    InvalidOptions(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::FontUnavailable(m) => write!(f, "字体不可用：{m}（font unavailable）"),
            RenderError::MissingGlyphs(list) => {
                let all: Vec<String> = list.iter().map(ToString::to_string).collect();
                write!(f, "{}", all.join("；"))
            }
            RenderError::NotValid(findings) => write!(
                f,
                "文档有 {} 个错误，不能打印正式文本；修改后再打印，或加 --draft 打印草稿（document has errors）",
                findings.iter().filter(|x| x.severity == Severity::Error).count()
            ),
            RenderError::InvalidOptions(m) => write!(f, "{m}（invalid options）"),
        }
    }
}

impl std::error::Error for RenderError {}
