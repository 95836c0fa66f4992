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
mod error;
mod face;
pub(crate) mod fonts;
mod forms;
mod layout;
mod line_break;
pub(crate) mod pdf;
mod tables;

use crate::document::Document;
use crate::policy::Policy;
use crate::rules::Report;

pub use error::{MissingGlyph, RenderError};
pub use fonts::{
    common_chars, fallback_dirs, Face, Fonts, BUNDLED_BODY, BUNDLED_HEADING, COMMON_CHARS,
    FALLBACK_FILES, FONT_DIR_ENV,
};
pub use tables::{render_tables, render_tables_with, PrintedCell, PrintedTable, TablesPage};

use canvas::{Canvas, PAGE_H};
use fonts::Source;
use layout::{Flow, CONTENT_W, MARGIN_X};
use line_break::{Align, Field, Ink, Para};
use printpdf::Op;

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
    /// What the three review boxes of 附件1/3/4 hold, from a package's
    /// `reviews[]` (主管部门, 县级, 市级, in that order). Default: all three
    /// blank for hand-writing.
    pub reviews: [ReviewBox; 3],
}

/// One review box of 附件1/3/4 as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ReviewBox {
    /// Not reached yet: left blank for hand-writing (审核人签名, 日期).
    #[default]
    Blank,
    /// A level the package's route does not pass: 「—」.
    NotOnRoute,
    /// A signed review.
    Decided {
        /// 结论 in words: 同意, 初审通过，转报上级, 不同意, 退回修改.
        decision: String,
        /// 意见, wrapped inside the box (the box grows with it).
        opinion: String,
        /// 审核单位.
        unit: String,
        /// 审核人.
        reviewer: String,
        /// The first 8 hex pairs of the reviewer certificate's fingerprint.
        fingerprint: String,
        /// 日期 of the decision, `YYYY-MM-DD`.
        date: String,
    },
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

/// Renders a document with the bundled faces ([`Fonts::shared`]), the
/// system's faces only for a character they lack.
pub fn render(
    doc: &Document,
    policy: &Policy,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    render_with(Fonts::shared(), doc, policy, options)
}

/// Renders several documents into one PDF, one after the other, each with
/// its own options (copies, review boxes) and its own page numbers — a
/// package's documents printed together. Fonts as [`render`].
pub fn render_all(
    docs: &[(&Document, RenderOptions)],
    policy: &Policy,
) -> Result<Vec<u8>, RenderError> {
    render_all_with(Fonts::shared(), docs, policy)
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
    let ink = Ink::new(fonts)?;
    let sheets = sheets(&ink, doc, policy, options)?;
    finish(&ink, sheets, options.draft, &info_of(doc, options))
}

/// Renders several documents into one PDF with the given fonts (see
/// [`render_all`]). The file's title and dates are the first document's.
pub fn render_all_with(
    fonts: &Fonts,
    docs: &[(&Document, RenderOptions)],
    policy: &Policy,
) -> Result<Vec<u8>, RenderError> {
    let Some((first, first_options)) = docs.first() else {
        return Err(RenderError::InvalidOptions("没有要打印的文档".into()));
    };
    let ink = Ink::new(fonts)?;
    let mut all = Vec::new();
    let mut identity = Vec::new();
    for (doc, options) in docs {
        all.extend(sheets(&ink, doc, policy, options)?);
        identity.extend(fingerprint_of(doc, options));
    }
    let draft = docs.iter().any(|(_, o)| o.draft);
    let mut info = info_of(first, first_options);
    info.file_id = fnv128(&identity);
    finish(&ink, all, draft, &info)
}

/// The PDF of `sheets`, unless a character was missing from the fonts.
fn finish(
    ink: &Ink,
    sheets: Vec<Vec<Op>>,
    draft: bool,
    info: &pdf::Info,
) -> Result<Vec<u8>, RenderError> {
    let missing = ink.take_missing();
    if !missing.is_empty() {
        return Err(RenderError::MissingGlyphs(missing));
    }
    pdf::write(ink, sheets, draft, info)
}

/// The document information of one document's PDF.
fn info_of(doc: &Document, options: &RenderOptions) -> pdf::Info<'static> {
    let form = doc.form();
    let (created, modified) = dates(doc);
    pdf::Info {
        title: form.title(),
        subject: form.short_name(),
        created,
        modified,
        file_id: fingerprint_of(doc, options),
    }
}

/// The A4 sheets of one document: its pages, watermark and footers, every
/// copy.
fn sheets(
    ink: &Ink,
    doc: &Document,
    policy: &Policy,
    options: &RenderOptions,
) -> Result<Vec<Vec<Op>>, RenderError> {
    if let Some(n) = options.copies {
        if n == 0 || n > MAX_COPIES {
            return Err(RenderError::InvalidOptions(format!(
                "份数应在 1 到 {MAX_COPIES} 之间，收到 {n}"
            )));
        }
    }
    let mut flow = Flow::new();
    match doc {
        Document::Application(d) => {
            forms::application::build(&mut flow, ink, d, policy, &options.reviews)
        }
        Document::SecurityPledge(d) => {
            forms::pledge::build(&mut flow, ink, d, options.fingerprint.as_deref())
        }
        Document::Change(d) => forms::change::build(&mut flow, ink, d, policy, &options.reviews),
        Document::Cancellation(d) => {
            forms::cancellation::build(&mut flow, ink, d, policy, &options.reviews)
        }
        Document::DemandEstimate(d) => {
            forms::demand::build(&mut flow, ink, d, policy, &options.reviews)
        }
    }
    if options.signature_area {
        flow.ensure(SIGNATURE_AREA_MM);
    }
    let pages = flow.finish();
    let form = doc.form();
    let id = doc.envelope().id.clone().unwrap_or_default();
    let copies = options.copies.unwrap_or(1);
    let watermark = options.draft.then(|| {
        let mark: String = DRAFT_MARK
            .chars()
            .filter(|&c| matches!(ink.advance(Face::Heading, c), Some((Source::Primary, _))))
            .collect();
        let mut c = Canvas::default();
        c.watermark(&mark);
        c.into_ops()
    });
    let mut bodies: Vec<Vec<Op>> = pages
        .into_iter()
        .map(|page| {
            let mut body = page.into_ops();
            body.extend(watermark.iter().flatten().cloned());
            body
        })
        .collect();
    // Each copy repeats the pages with its own footer (copy holder, page
    // number).
    let page_count = bodies.len();
    let mut sheets: Vec<Vec<Op>> = Vec::with_capacity(page_count * copies as usize);
    for copy in 0..copies {
        let holder = options.copies.map(|n| {
            let who = policy.copy_holder(form, copy as usize).unwrap_or("");
            format!("第 {} 份（共 {n} 份）{who}", copy + 1)
        });
        for (page, body) in bodies.iter_mut().enumerate() {
            let footer = footer(
                ink,
                &id,
                holder.as_deref(),
                page + 1,
                page_count,
                options.draft,
            );
            // The last copy takes the pages; the others copy them.
            let mut sheet = if copy + 1 == copies {
                std::mem::take(body)
            } else {
                body.clone()
            };
            sheet.extend(footer.into_ops());
            sheets.push(sheet);
        }
    }
    Ok(sheets)
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
    for (i, line) in line_break::wrap(p, CONTENT_W).iter().enumerate() {
        let x = match align {
            Align::Left => MARGIN_X,
            Align::Center => MARGIN_X + (CONTENT_W - line.width) / 2.0,
            Align::Right => MARGIN_X + CONTENT_W - line.width,
        };
        let lh = p.line_height();
        c.text_line(line, x, top + i as f32 * lh, p.size, lh);
    }
}

/// The PDF dates as seconds since 1970, from the document: created_at and
/// updated_at when present, else the form's own date (midnight, Beijing
/// time); never the clock.
fn dates(doc: &Document) -> (Option<i64>, Option<i64>) {
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
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp())
    };
    let day = form_date.as_deref().and_then(|s| {
        let midnight = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?;
        Some(midnight.and_utc().timestamp() - 8 * 3600)
    });
    let created = env.created_at.as_deref().and_then(instant).or(day);
    let modified = env.updated_at.as_deref().and_then(instant).or(created);
    (created, modified)
}

/// 16 bytes that identify the rendered content (FNV-1a over the document and
/// the options), for the PDF's `/ID`.
fn fingerprint_of(doc: &Document, options: &RenderOptions) -> [u8; 16] {
    let mut bytes = serde_json::to_vec(doc).unwrap_or_default();
    bytes.extend(format!("{options:?}").as_bytes());
    fnv128(&bytes)
}

/// Two 64-bit FNV-1a hashes of `bytes` with different seeds.
fn fnv128(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (half, seed) in [0xcbf2_9ce4_8422_2325_u64, 0x6c62_272e_07bb_0142]
        .into_iter()
        .enumerate()
    {
        let mut h = seed;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out[half * 8..half * 8 + 8].copy_from_slice(&h.to_be_bytes());
    }
    out
}
