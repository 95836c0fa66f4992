//! The paper forms as PDF (SPEC §4 `gcforms render`): A4, the layout of the
//! measures' 附件1 table and its siblings, Chinese text in embedded font
//! subsets, check boxes as vector squares.
//!
//! ```no_run
//! use gcforms::render::{render, RenderOptions};
//! let report = gcforms::validate_bytes(&std::fs::read("examples/application.json")?, gcforms::policy::Policy::default_shaoguan())?;
//! let doc = report.document.expect("a typed document");
//! let pdf = render(&doc, gcforms::policy::Policy::default_shaoguan(), &RenderOptions::default())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The output is **reproducible**: the same document and options give the
//! same bytes, on every run and machine with the same fonts — no clock, no
//! random ids; the PDF's dates come from the document.
//!
//! Every character printed must exist in the font. A character the font
//! lacks is an error naming the character and its field
//! ([`RenderError::MissingGlyphs`]), never an empty box printed in silence.
//!
//! This function renders any document, complete or not; refusing documents
//! with errors unless a draft is asked for is [`render_report`]'s job (and
//! the CLI's).

mod canvas;
mod font_cache;
pub(crate) mod fonts;
mod forms;
mod layout;
pub(crate) mod pdf;
mod text;

use std::fmt;

use crate::document::Document;
use crate::policy::Policy;
use crate::rules::{Finding, Report, Severity};

pub use font_cache::{common_chars, default_dir as font_cache_dir, CACHE_DIR_ENV, COMMON_CHARS};
pub use fonts::{Coverage, Face, Fonts, FONT_DIR_ENV, SYSTEM_FONT_DIRS};

use canvas::{Canvas, PAGE_H};
use layout::{Flow, CONTENT_W, MARGIN_X};
use text::{Align, Field, Ink, Para};

/// The most copies one file may hold.
pub const MAX_COPIES: u32 = 20;

/// The watermark of drafts.
pub const DRAFT_MARK: &str = "草稿";

/// How to render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `Some(n)`: n copies in one file, each marked in its footer with its
    /// holder (the policy's `copy_holders`). `None`: one unmarked copy.
    pub copies: Option<u32>,
    /// Stamp 草稿 across every page.
    pub draft: bool,
    /// The unit certificate's SHA-256 fingerprint, printed on 附件2
    /// (「单位证书指纹（SHA-256）：…」) when given.
    pub fingerprint: Option<String>,
    /// Keep [`signature_rect`] free on the last page for the visible
    /// signature block (on a page of its own when the content reaches it).
    pub signature_area: bool,
}

/// Height of the area kept for the visible signature block, mm.
const SIGNATURE_AREA_MM: f32 = 18.0;

/// Where the visible signature block goes on the last page when
/// [`RenderOptions::signature_area`] is set: the bottom-right corner of the
/// content area, above the footer. `[x0, y0, x1, y1]` in PDF points from the
/// bottom-left corner.
pub fn signature_rect() -> [f32; 4] {
    use layout::{CONTENT_BOTTOM, MARGIN_X};
    const PT_PER_MM: f32 = 72.0 / 25.4;
    let x1 = (canvas::PAGE_W - MARGIN_X) * PT_PER_MM;
    let y0 = (canvas::PAGE_H - CONTENT_BOTTOM) * PT_PER_MM;
    let (w, h) = (95.0 * PT_PER_MM, (SIGNATURE_AREA_MM - 2.0) * PT_PER_MM);
    [x1 - w, y0, x1, y0 + h]
}

/// A character the font cannot print, and where it is.
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
        let code = format!("U+{:04X}", self.ch as u32);
        let place = if self.path.is_empty() {
            self.label.clone()
        } else {
            format!("{}（{}）", self.label, self.path)
        };
        if self.ch.is_control() || self.ch.is_whitespace() {
            write!(
                f,
                "{place}中有不可打印的控制字符 {code}，请删除后再打印（unprintable character）"
            )
        } else {
            write!(
                f,
                "{place}中的字符“{}”（{code}）不在打印字体中，无法打印；请改用字体支持的写法后再打印（character not in the font）",
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
    /// A form whose paper page is not written yet (exit 2).
    NotPrintable(crate::document::FormKind),
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
            RenderError::NotPrintable(form) => write!(
                f,
                "{}的打印尚未提供（printing this form is not available yet）",
                form.short_name()
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders a document with the system fonts: the common subsets
/// ([`Fonts::shared`]), or the full faces ([`Fonts::shared_full`]) when the
/// document has a character beyond them — which the subsets then learn for
/// the next time. Both give the same bytes.
pub fn render(
    doc: &Document,
    policy: &Policy,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    let fonts = Fonts::shared()?;
    match render_with(fonts, doc, policy, options) {
        Err(RenderError::MissingGlyphs(missing)) if fonts.coverage() == Coverage::Common => {
            let full = Fonts::shared_full()?;
            let rendered = render_with(full, doc, policy, options);
            let chars: Vec<char> = missing.iter().map(|m| m.ch).collect();
            fonts.learn(full, &chars);
            rendered
        }
        done => done,
    }
}

/// Renders a validated document: refuses one with errors unless
/// `options.draft` ([`RenderError::NotValid`]).
pub fn render_report(
    report: &Report,
    policy: &Policy,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    if !options.draft && !report.is_valid() {
        return Err(RenderError::NotValid(report.findings.clone()));
    }
    let doc = report
        .document
        .as_ref()
        .ok_or_else(|| RenderError::NotValid(report.findings.clone()))?;
    render(doc, policy, options)
}

/// Renders a document with the given fonts.
pub fn render_with(
    fonts: &Fonts,
    doc: &Document,
    policy: &Policy,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    if let Some(n) = options.copies {
        if n == 0 || n > MAX_COPIES {
            return Err(RenderError::InvalidOptions(format!(
                "份数应在 1 到 {MAX_COPIES} 之间，收到 {n}"
            )));
        }
    }
    let ink = Ink::new(fonts)?;
    let mut flow = Flow::new();
    match doc {
        Document::Application(d) => forms::application::build(&mut flow, &ink, d, policy),
        Document::SecurityPledge(d) => {
            forms::pledge::build(&mut flow, &ink, d, options.fingerprint.as_deref())
        }
        Document::Change(d) => forms::change::build(&mut flow, &ink, d, policy),
        Document::Cancellation(d) => forms::cancellation::build(&mut flow, &ink, d, policy),
        Document::DemandEstimate(_) => return Err(RenderError::NotPrintable(doc.form())),
    }
    if options.signature_area {
        flow.ensure(SIGNATURE_AREA_MM);
    }
    let pages = flow.finish();
    let form = doc.form();
    let id = doc.envelope().id.clone().unwrap_or_default();
    let copies = options.copies.unwrap_or(1);
    let watermark = options.draft.then(|| {
        let codes: Vec<u16> = DRAFT_MARK
            .chars()
            .filter_map(|c| ink.glyph(Face::Heading, c).map(|g| g.0))
            .collect();
        let mut c = Canvas::default();
        c.watermark(&codes);
        c.into_content()
    });
    // Each page's content is written once and shared by every copy; only
    // the footer (copy holder, page number) is the copy's own.
    let bodies: Vec<String> = pages
        .into_iter()
        .map(|page| {
            let mut body = page.into_content();
            body.push_str(watermark.as_deref().unwrap_or(""));
            body
        })
        .collect();
    let mut sheets: Vec<Sheet> = Vec::with_capacity(bodies.len() * copies as usize);
    for copy in 0..copies {
        let holder = options.copies.map(|n| {
            let who = policy.copy_holder(form, copy as usize).unwrap_or("");
            format!("第 {} 份（共 {n} 份）{who}", copy + 1)
        });
        for body in 0..bodies.len() {
            let footer = footer(
                &ink,
                &id,
                holder.as_deref(),
                body + 1,
                bodies.len(),
                options.draft,
            );
            sheets.push(Sheet {
                body,
                footer: footer.into_content(),
            });
        }
    }
    let missing = ink.take_missing();
    if !missing.is_empty() {
        return Err(RenderError::MissingGlyphs(missing));
    }
    save(&ink, doc, options, &bodies, &sheets)
}

/// One sheet of the PDF: the page content it shows (an index into the
/// shared bodies) and its own footer.
struct Sheet {
    body: usize,
    footer: String,
}

/// The footer: document number and copy holder above, 「第 N 页 共 M 页」 below.
fn footer(
    ink: &Ink,
    id: &str,
    holder: Option<&str>,
    page: usize,
    pages: usize,
    draft: bool,
) -> Canvas {
    let mut c = Canvas::default();
    let size = 8.0;
    let id_field = Field {
        label: "文档编号".into(),
        path: "id".into(),
    };
    let mut left = ink.para(size);
    if draft {
        left = left.text("草稿　");
    }
    if !id.is_empty() {
        left = left.text("文档编号：").value(&id_field, id);
    }
    let upper = PAGE_H - 21.5;
    draw_single(&mut c, &left.build(), upper, Align::Left);
    if let Some(h) = holder {
        draw_single(&mut c, &ink.para(size).text(h).build(), upper, Align::Right);
    }
    let number = ink
        .para(9.0)
        .text(&format!("第 {page} 页 共 {pages} 页"))
        .build();
    draw_single(&mut c, &number, PAGE_H - 17.5, Align::Center);
    c
}

/// One paragraph on one line at `top`, wrapped if it must be (it never is).
fn draw_single(c: &mut Canvas, p: &Para, top: f32, align: Align) {
    for (i, line) in text::wrap(p, CONTENT_W).iter().enumerate() {
        let x = match align {
            Align::Left => MARGIN_X,
            Align::Center => MARGIN_X + (CONTENT_W - line.width) / 2.0,
            Align::Right => MARGIN_X + CONTENT_W - line.width,
        };
        let lh = p.line_height();
        c.text_line(line, x, top + i as f32 * lh, p.size, lh);
    }
}

/// Builds the PDF: fonts subset and embedded, metadata from the document,
/// a document ID derived from the content instead of a random one.
fn save(
    ink: &Ink,
    doc: &Document,
    options: &RenderOptions,
    bodies: &[String],
    sheets: &[Sheet],
) -> Result<Vec<u8>, RenderError> {
    let mut w = pdf::PdfWriter::new();
    let (catalog, tree, info, resources) = (w.reserve(), w.reserve(), w.reserve(), w.reserve());
    let mut fonts = String::new();
    for face in [Face::Body, Face::Heading] {
        let used = ink.used(face);
        if used.is_empty() {
            continue;
        }
        let tag = canvas::font_id(face);
        let id = pdf::write_font(&mut w, ink.fonts.face_data(face), tag, &used)?;
        fonts.push_str(&format!("/{tag} {id} 0 R"));
    }
    let mut extra = String::new();
    if options.draft {
        let state = w.reserve();
        w.object(state, canvas::DRAFT_STATE);
        extra = format!("/ExtGState<</{} {state} 0 R>>", canvas::DRAFT_GS);
    }
    w.object(resources, &format!("<</Font<<{fonts}>>{extra}>>"));

    // A4 in points.
    let media = format!(
        "[0 0 {} {}]",
        pdf::num(210.0 / 25.4 * 72.0),
        pdf::num(297.0 / 25.4 * 72.0)
    );
    let body_streams: Vec<u32> = bodies
        .iter()
        .map(|body| {
            let stream = w.reserve();
            w.stream(stream, "", body.as_bytes());
            stream
        })
        .collect();
    let mut kids = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        let (page, footer) = (w.reserve(), w.reserve());
        w.stream(footer, "", sheet.footer.as_bytes());
        w.object(
            page,
            &format!(
                "<</Type/Page/Parent {tree} 0 R/MediaBox{media}/Resources {resources} 0 R/Contents[{} 0 R {footer} 0 R]>>",
                body_streams[sheet.body]
            ),
        );
        kids.push(format!("{page} 0 R"));
    }
    w.object(
        tree,
        &format!(
            "<</Type/Pages/Count {}/Kids[{}]>>",
            kids.len(),
            kids.join(" ")
        ),
    );
    w.object(
        catalog,
        &format!("<</Type/Catalog/Pages {tree} 0 R/Lang(zh-CN)>>"),
    );

    let form = doc.form();
    let mut info_dict = format!(
        "<</Title{}/Subject{}/Creator(gcforms)/Producer(gcforms {})",
        pdf::text_string(form.title()),
        pdf::text_string(form.short_name()),
        env!("CARGO_PKG_VERSION")
    );
    let (created, modified) = dates(doc);
    for (key, value) in [("CreationDate", created), ("ModDate", modified)] {
        if let Some(v) = value {
            info_dict.push_str(&format!("/{key}({v})"));
        }
    }
    info_dict.push_str(">>");
    w.object(info, &info_dict);
    Ok(w.finish(catalog, info, &fingerprint_of(doc, options)))
}

/// The PDF dates, from the document: created_at and updated_at when present,
/// else the form's own date; never the clock.
fn dates(doc: &Document) -> (Option<String>, Option<String>) {
    let env = doc.envelope();
    let form_date = match doc {
        Document::Application(d) => d
            .applicant
            .as_ref()
            .and_then(|a| a.application_date.clone()),
        Document::Change(d) => d
            .applicant
            .as_ref()
            .and_then(|a| a.application_date.clone()),
        Document::Cancellation(d) => d
            .applicant
            .as_ref()
            .and_then(|a| a.application_date.clone()),
        Document::SecurityPledge(d) => d.sign_date.clone(),
        Document::DemandEstimate(d) => d.submit_date.clone(),
    };
    let day = form_date.as_deref().and_then(pdf_date_from_day);
    let created = env.created_at.as_deref().and_then(pdf_date).or(day.clone());
    let modified = env
        .updated_at
        .as_deref()
        .and_then(pdf_date)
        .or(created.clone());
    (created, modified)
}

/// RFC 3339 to a PDF date string, `D:YYYYMMDDHHmmSS+HH'mm'`.
fn pdf_date(s: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    let off = t.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    Some(format!(
        "D:{}{sign}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        off / 3600,
        off % 3600 / 60
    ))
}

/// `YYYY-MM-DD` to a PDF date at midnight, Beijing time.
fn pdf_date_from_day(s: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(format!("D:{}000000+08'00'", d.format("%Y%m%d")))
}

/// 16 bytes that identify the rendered content (FNV-1a over the document and
/// the options), for the PDF's `/ID`.
fn fingerprint_of(doc: &Document, options: &RenderOptions) -> [u8; 16] {
    let mut bytes = serde_json::to_vec(doc).unwrap_or_default();
    bytes.extend(format!("{options:?}").as_bytes());
    let mut out = [0u8; 16];
    for (half, seed) in [0xcbf2_9ce4_8422_2325_u64, 0x6c62_272e_07bb_0142]
        .into_iter()
        .enumerate()
    {
        let mut h = seed;
        for b in &bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out[half * 8..half * 8 + 8].copy_from_slice(&h.to_be_bytes());
    }
    out
}
