//! Drawing on an A4 page in millimetres from the top-left corner, as
//! printpdf operations (points from the bottom-left corner).
//!
//! Only what the forms need: text runs in the two faces, hairlines, grey
//! fills, check boxes as vector squares with a vector tick (no CJK font has
//! ☐/☑, and a missing glyph would print as an empty box in silence), and the
//! diagonal 草稿 watermark in a translucent graphics state.

use std::collections::{BTreeMap, HashSet};

use printpdf::{
    Color, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, Greyscale, Line, LinePoint, Op,
    PaintMode, PdfFontHandle, Point, Pt, Rect, TextItem, TextMatrix,
};

use super::fonts::{Face, Source};
use super::line_break::{Kind, Line as TextLine, ASCENT_EM, MM_PER_PT};

/// A4 width in mm.
pub(crate) const PAGE_W: f32 = 210.0;
/// A4 height in mm.
pub(crate) const PAGE_H: f32 = 297.0;

/// The resource name of each face; also the subset tag, so it is six
/// capitals: `GCFSON`, `GCFHEI` for the primary faces, `GCFS` or `GCFH` and
/// two letters for the n-th fallback face.
pub(crate) fn font_id(face: Face, source: Source) -> FontId {
    let (primary, prefix) = match face {
        Face::Body => ("GCFSON", "GCFS"),
        Face::Heading => ("GCFHEI", "GCFH"),
    };
    FontId(match source {
        Source::Primary => primary.to_string(),
        Source::Fallback(n) => {
            let letter = |k: usize| char::from(b'A' + (k % 26) as u8);
            format!("{prefix}{}{}", letter(n / 26), letter(n))
        }
    })
}

/// Millimetres to hundredths of a point (finer than any printer; keeps the
/// numbers in the file short).
fn hundredths(mm: f32) -> i32 {
    (mm / MM_PER_PT * 100.0).round() as i32
}

/// Hundredths of a point as a length.
fn pt_of(hundredths: i32) -> Pt {
    Pt(hundredths as f32 / 100.0)
}

/// Millimetres to points, rounded to 0.01 pt.
fn pt(mm: f32) -> Pt {
    pt_of(hundredths(mm))
}

/// A point from the top-left in mm, in points from the bottom-left.
fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: pt(x),
            y: pt(PAGE_H - y),
        },
        bezier: false,
    }
}

fn path(points: &[(f32, f32)]) -> Vec<LinePoint> {
    points.iter().map(|&(x, y)| point(x, y)).collect()
}

/// A rectangle from its top-left corner and size in mm.
fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    let (left, bottom) = (hundredths(x), hundredths(PAGE_H - y - h));
    Rect {
        x: pt_of(left),
        y: pt_of(bottom),
        width: pt_of(hundredths(x + w) - left),
        height: pt_of(hundredths(PAGE_H - y) - bottom),
        mode: Some(mode),
        winding_order: None,
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// The operations of one page: graphics first, then all text in one text
/// object (one `BT … ET`, the font set only when it changes, each run placed
/// relative to the one before), which keeps files small and writing fast.
/// Text is drawn over rules and fills.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canvas {
    ops: Vec<Op>,
    text: Vec<Op>,
    font: Option<(Face, Source, f32)>,
    /// Where the last text run started, in hundredths of a point from the
    /// bottom-left (the text object starts at the origin).
    text_at: (i32, i32),
    /// Current line width, set only when it changes.
    width: Option<f32>,
    /// Rules already drawn (adjacent cells share edges), in 0.01 mm.
    drawn: HashSet<[i32; 4]>,
    /// Vertical rules by x and width (0.01 mm, 0.01 pt): the spans of y in
    /// 0.01 mm, drawn as few strokes as the rows they cross allow.
    columns: BTreeMap<(i32, i32), Vec<(i32, i32)>>,
}

impl Canvas {
    /// The page's operations.
    pub fn into_ops(mut self) -> Vec<Op> {
        self.draw_columns();
        if !self.text.is_empty() {
            self.ops.push(Op::StartTextSection);
            self.ops.append(&mut self.text);
            self.ops.push(Op::EndTextSection);
        }
        self.ops
    }

    /// A straight line, `width` in pt; drawn once however often it is asked
    /// for. Vertical lines (table columns) are joined with the ones above
    /// and below them and drawn when the page is done.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let key = [x1, y1, x2, y2].map(|v| (v * 100.0).round() as i32);
        if key[0] == key[2] {
            let (top, bottom) = (key[1].min(key[3]), key[1].max(key[3]));
            let column = (key[0], (width * 100.0).round() as i32);
            self.columns.entry(column).or_default().push((top, bottom));
            return;
        }
        if !self.drawn.insert(key) {
            return;
        }
        self.set_width(width);
        self.stroke(&[(x1, y1), (x2, y2)]);
    }

    /// Strokes the vertical rules, each run of touching or overlapping
    /// spans as one line.
    fn draw_columns(&mut self) {
        for ((x, width), mut spans) in std::mem::take(&mut self.columns) {
            spans.sort_unstable();
            let mut joined: Vec<(i32, i32)> = Vec::with_capacity(spans.len());
            for (top, bottom) in spans {
                match joined.last_mut() {
                    Some(last) if top <= last.1 => last.1 = last.1.max(bottom),
                    _ => joined.push((top, bottom)),
                }
            }
            self.set_width(width as f32 / 100.0);
            let x = x as f32 / 100.0;
            for (top, bottom) in joined {
                self.stroke(&[(x, top as f32 / 100.0), (x, bottom as f32 / 100.0)]);
            }
        }
    }

    fn stroke(&mut self, points: &[(f32, f32)]) {
        self.ops.push(Op::DrawLine {
            line: Line {
                points: path(points),
                is_closed: false,
            },
        });
    }

    fn set_width(&mut self, width: f32) {
        if self.width != Some(width) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.width = Some(width);
        }
    }

    /// A filled rectangle in grey `level` (0 black, 1 white).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.ops.push(Op::SetFillColor { col: grey(level) });
        self.ops.push(Op::DrawRectangle {
            rectangle: rect(x, y, w, h, PaintMode::Fill),
        });
        self.ops.push(Op::SetFillColor { col: grey(0.0) });
    }

    /// A run of text of one face (from one source) with its baseline at
    /// `y`. printpdf shows each character by the code of its glyph in the
    /// face's embedded subset.
    pub fn glyphs(&mut self, x: f32, baseline: f32, font: (Face, Source), size: f32, run: &str) {
        if run.is_empty() {
            return;
        }
        let (face, source) = font;
        if self.font != Some((face, source, size)) {
            self.text.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(face, source)),
                size: Pt(size),
            });
            self.font = Some((face, source, size));
        }
        let at = (hundredths(x), hundredths(PAGE_H - baseline));
        self.text.push(Op::SetTextCursor {
            pos: Point {
                x: pt_of(at.0 - self.text_at.0),
                y: pt_of(at.1 - self.text_at.1),
            },
        });
        self.text_at = at;
        self.text.push(Op::ShowText {
            items: vec![TextItem::Text(run.to_string())],
        });
    }

    /// A check box of side `side` mm with its bottom-left at (`x`, `bottom`).
    pub fn check_box(&mut self, x: f32, bottom: f32, side: f32, checked: bool) {
        let top = bottom - side;
        self.set_width(0.6);
        self.ops.push(Op::DrawRectangle {
            rectangle: rect(x, top, side, side, PaintMode::Stroke),
        });
        if checked {
            // A tick drawn as two strokes, slightly larger than the box like a
            // hand-made mark, so it reads at a glance.
            let tick = [
                (x + side * 0.12, top + side * 0.50),
                (x + side * 0.42, top + side * 0.85),
                (x + side * 1.05, top - side * 0.15),
            ];
            self.set_width(1.3);
            self.stroke(&tick);
        }
    }

    /// Draws a wrapped line of text with its top at `top`, starting at `x`.
    pub fn text_line(&mut self, line: &TextLine, x: f32, top: f32, size: f32, line_h: f32) {
        let em = size * MM_PER_PT;
        let baseline = top + (line_h - em) / 2.0 + ASCENT_EM * em;
        let mut run = String::new();
        let mut run_x = x;
        let mut run_font = (Face::Body, Source::Primary);
        let mut cx = x;
        let mut underline_from: Option<f32> = None;
        for a in &line.atoms {
            match a.kind {
                Kind::Glyph(c) | Kind::Space(c) => {
                    if run.is_empty() || run_font != (a.face, a.source) {
                        self.glyphs(run_x, baseline, run_font, size, &run);
                        run.clear();
                        run_x = cx;
                        run_font = (a.face, a.source);
                    }
                    run.push(c);
                }
                Kind::Box(checked) => {
                    self.glyphs(run_x, baseline, run_font, size, &run);
                    run.clear();
                    let side = em * 0.78;
                    let bottom = baseline + em * 0.06;
                    self.check_box(cx + em * 0.08, bottom, side, checked);
                }
                Kind::Gap | Kind::Newline => {
                    self.glyphs(run_x, baseline, run_font, size, &run);
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
        self.glyphs(run_x, baseline, run_font, size, &run);
        if let Some(from) = underline_from {
            self.underline(from, cx, baseline + em * 0.16);
        }
    }

    fn underline(&mut self, x1: f32, x2: f32, y: f32) {
        self.line(x1, y, x2, y, 0.5);
    }

    /// The diagonal watermark `mark` (full-width characters of the heading
    /// face) across the page: drawn over the content, translucent
    /// ([`draft_state`]), so no table hides it and it hides no text.
    pub fn watermark(&mut self, mark: &str) {
        let size: f32 = 150.0;
        let angle = 55.0_f32.to_radians();
        let (sin, cos) = angle.sin_cos();
        let len = mark.chars().count() as f32 * size * MM_PER_PT;
        // Centre the run on the page centre along the diagonal.
        let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
        let half_h = 0.38 * size * MM_PER_PT;
        let x = cx - cos * len / 2.0 + sin * half_h;
        let y_up = (PAGE_H - cy) - sin * len / 2.0 - cos * half_h;
        // Four decimals of the rotation are exact enough at this size.
        let (sin, cos) = ((sin * 1e4).round() / 1e4, (cos * 1e4).round() / 1e4);
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::LoadGraphicsState {
                gs: ExtendedGraphicsStateId(DRAFT_GS.to_string()),
            },
            Op::SetFillColor { col: grey(0.45) },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font_id(Face::Heading, Source::Primary)),
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, pt(x).0, pt(y_up).0]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(mark.to_string())],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }
}

/// Name of the translucent graphics state of the watermark.
const DRAFT_GS: &str = "GSDRAFT";

/// The watermark's graphics state and its resource name: fill at a quarter
/// opacity.
pub(crate) fn draft_state() -> (ExtendedGraphicsStateId, ExtendedGraphicsState) {
    (
        ExtendedGraphicsStateId(DRAFT_GS.to_string()),
        ExtendedGraphicsState::default().with_current_fill_alpha(0.25),
    )
}
