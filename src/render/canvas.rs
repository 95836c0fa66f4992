//! Drawing on an A4 page in millimetres from the top-left corner, written as
//! PDF content-stream operators (points from the bottom-left corner).
//!
//! Only what the forms need: text runs in the two faces, hairlines, grey
//! fills, check boxes as vector squares with a vector tick (no CJK font has
//! ☐/☑, and a missing glyph would print as an empty box in silence), and the
//! diagonal 草稿 watermark.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::fonts::Face;
use super::pdf::num;
use super::text::{Kind, Line as TextLine, ASCENT_EM, MM_PER_PT};

/// A4 width in mm.
pub(crate) const PAGE_W: f32 = 210.0;
/// A4 height in mm.
pub(crate) const PAGE_H: f32 = 297.0;

/// The resource name of each face; also the subset tag, so it is six capitals.
pub(crate) fn font_id(face: Face) -> &'static str {
    match face {
        Face::Body => "GCFSON",
        Face::Heading => "GCFHEI",
    }
}

/// Millimetres to points, rounded to 0.01 pt (finer than any printer; keeps
/// the numbers in the file short).
fn pt(mm: f32) -> f32 {
    (mm / MM_PER_PT * 100.0).round() / 100.0
}

/// A point from the top-left in mm, as `x y` in points from the bottom-left.
fn point(x: f32, y: f32) -> String {
    format!("{} {}", num(pt(x)), num(pt(PAGE_H - y)))
}

/// Appends a path through `points`: `m`, then `l` for each further point.
fn path(out: &mut String, points: &[(f32, f32)]) {
    for (i, &(x, y)) in points.iter().enumerate() {
        let op = if i == 0 { 'm' } else { 'l' };
        let _ = writeln!(out, "{} {op}", point(x, y));
    }
}

/// Glyph codes as a PDF hex string, two bytes each (`Identity-H`).
fn hex_codes(codes: &[u16]) -> String {
    let mut out = String::with_capacity(codes.len() * 4 + 2);
    out.push('<');
    for code in codes {
        let _ = write!(out, "{code:04X}");
    }
    out.push('>');
    out
}

/// The operators of one page: graphics first, then all text in one text
/// object (one `BT … ET`, the font set only when it changes), which keeps
/// files small and writing fast. Text is drawn over rules and fills.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canvas {
    ops: String,
    text: String,
    font: Option<(Face, f32)>,
    /// Current line width, set only when it changes.
    width: Option<f32>,
    /// Rules already drawn (adjacent cells share edges), in 0.01 mm.
    drawn: HashSet<[i32; 4]>,
}

impl Canvas {
    /// The page's content stream.
    pub fn into_content(mut self) -> String {
        if !self.text.is_empty() {
            self.ops.push_str("BT\n");
            self.ops.push_str(&self.text);
            self.ops.push_str("ET\n");
        }
        self.ops
    }

    /// A straight line, `width` in pt; drawn once however often it is asked for.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let key = [x1, y1, x2, y2].map(|v| (v * 100.0).round() as i32);
        if !self.drawn.insert(key) {
            return;
        }
        self.set_width(width);
        path(&mut self.ops, &[(x1, y1), (x2, y2)]);
        self.ops.push_str("S\n");
    }

    fn set_width(&mut self, width: f32) {
        if self.width != Some(width) {
            let _ = writeln!(self.ops, "{} w", num(width));
            self.width = Some(width);
        }
    }

    /// A filled rectangle in grey `level` (0 black, 1 white).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        let _ = writeln!(self.ops, "{} g", num(level));
        path(
            &mut self.ops,
            &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        );
        self.ops.push_str("h\nf\n0 g\n");
    }

    /// A run of glyphs of one face with its baseline at `y`, given by their
    /// PDF codes (looked up once, when the text was measured).
    pub fn glyphs(&mut self, x: f32, baseline: f32, face: Face, size: f32, codes: &[u16]) {
        if codes.is_empty() {
            return;
        }
        if self.font != Some((face, size)) {
            let _ = writeln!(self.text, "/{} {} Tf", font_id(face), num(size));
            self.font = Some((face, size));
        }
        let _ = writeln!(
            self.text,
            "1 0 0 1 {} Tm\n{} Tj",
            point(x, baseline),
            hex_codes(codes)
        );
    }

    /// A check box of side `side` mm with its bottom-left at (`x`, `bottom`).
    pub fn check_box(&mut self, x: f32, bottom: f32, side: f32, checked: bool) {
        let top = bottom - side;
        self.set_width(0.6);
        path(
            &mut self.ops,
            &[(x, top), (x + side, top), (x + side, bottom), (x, bottom)],
        );
        self.ops.push_str("h\nS\n");
        if checked {
            // A tick drawn as two strokes, slightly larger than the box like a
            // hand-made mark, so it reads at a glance.
            let pts = [
                (x + side * 0.12, top + side * 0.50),
                (x + side * 0.42, top + side * 0.85),
                (x + side * 1.05, top - side * 0.15),
            ];
            self.set_width(1.3);
            path(&mut self.ops, &pts);
            self.ops.push_str("S\n");
        }
    }

    /// Draws a wrapped line of text with its top at `top`, starting at `x`.
    pub fn text_line(&mut self, line: &TextLine, x: f32, top: f32, size: f32, line_h: f32) {
        let em = size * MM_PER_PT;
        let baseline = top + (line_h - em) / 2.0 + ASCENT_EM * em;
        let mut run: Vec<u16> = Vec::new();
        let mut run_x = x;
        let mut run_face = Face::Body;
        let mut cx = x;
        let mut underline_from: Option<f32> = None;
        for a in &line.atoms {
            match a.kind {
                Kind::Glyph(_) | Kind::Space(_) => {
                    if run.is_empty() || run_face != a.face {
                        self.glyphs(run_x, baseline, run_face, size, &run);
                        run.clear();
                        run_x = cx;
                        run_face = a.face;
                    }
                    run.push(a.code);
                }
                Kind::Box(checked) => {
                    self.glyphs(run_x, baseline, run_face, size, &run);
                    run.clear();
                    let side = em * 0.78;
                    let bottom = baseline + em * 0.06;
                    self.check_box(cx + em * 0.08, bottom, side, checked);
                }
                Kind::Gap | Kind::Newline => {
                    self.glyphs(run_x, baseline, run_face, size, &run);
                    run.clear();
                }
            }
            match (a.underline, underline_from) {
                (true, None) => underline_from = Some(cx),
                (false, Some(from)) => {
                    self.underline(from, cx, baseline + em * 0.16);
                    underline_from = None;
                }
                _ => {}
            }
            cx += a.w;
        }
        self.glyphs(run_x, baseline, run_face, size, &run);
        if let Some(from) = underline_from {
            self.underline(from, cx, baseline + em * 0.16);
        }
    }

    fn underline(&mut self, x1: f32, x2: f32, y: f32) {
        self.line(x1, y, x2, y, 0.5);
    }

    /// The diagonal 草稿 watermark across the page, given by the heading
    /// face's codes of its full-width characters: drawn over the content,
    /// translucent (graphics state [`DRAFT_GS`]), so no table hides it and
    /// it hides no text.
    pub fn watermark(&mut self, codes: &[u16]) {
        let size: f32 = 150.0;
        let angle = 55.0_f32.to_radians();
        let (sin, cos) = angle.sin_cos();
        let len = codes.len() as f32 * size * MM_PER_PT;
        // Centre the run on the page centre along the diagonal.
        let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
        let half_h = 0.38 * size * MM_PER_PT;
        let x = cx - cos * len / 2.0 + sin * half_h;
        let y_up = (PAGE_H - cy) - sin * len / 2.0 - cos * half_h;
        let _ = writeln!(
            self.ops,
            "q\n/{DRAFT_GS} gs\n0.45 g\nBT\n/{} {} Tf\n{cos:.4} {sin:.4} {:.4} {cos:.4} {} {} Tm\n{} Tj\nET\nQ",
            font_id(Face::Heading),
            num(size),
            -sin,
            num(pt(x)),
            num(pt(y_up)),
            hex_codes(codes)
        );
    }
}

/// Name of the translucent graphics state of the watermark.
pub(crate) const DRAFT_GS: &str = "GSDRAFT";

/// The watermark's graphics state: fill at a quarter opacity.
pub(crate) const DRAFT_STATE: &str = "<</Type/ExtGState/ca 0.25>>";
