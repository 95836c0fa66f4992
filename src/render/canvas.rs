//! Drawing on an A4 page in millimetres from the top-left corner, turned into
//! printpdf operations (points from the bottom-left corner).
//!
//! Only what the forms need: text runs in the two faces, hairlines, grey
//! fills, check boxes as vector squares with a vector tick (no CJK font has
//! ☐/☑, and a missing glyph would print as an empty box in silence), and the
//! diagonal 草稿 watermark.

use std::collections::HashSet;

use printpdf::{
    Codepoint, Color, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, Greyscale, Line,
    LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, TextItem, TextMatrix,
    WindingOrder,
};

use super::fonts::Face;
use super::text::{Kind, Line as TextLine, ASCENT_EM, MM_PER_PT};

/// A4 width in mm.
pub(crate) const PAGE_W: f32 = 210.0;
/// A4 height in mm.
pub(crate) const PAGE_H: f32 = 297.0;

/// The resource name of each face; also the subset tag, so it is six capitals.
pub(crate) fn font_id(face: Face) -> FontId {
    FontId(
        match face {
            Face::Body => "GCFSON",
            Face::Heading => "GCFHEI",
        }
        .to_string(),
    )
}

/// Millimetres to points, rounded to 0.01 pt (finer than any printer; keeps
/// the numbers in the file short).
fn pt(mm: f32) -> Pt {
    Pt((mm / MM_PER_PT * 100.0).round() / 100.0)
}

fn point(x: f32, y: f32) -> Point {
    Point {
        x: pt(x),
        y: pt(PAGE_H - y),
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// The operations of one page: graphics first, then all text in one text
/// object (one `BT … ET`, the font set only when it changes), which keeps
/// files small and serializing fast. Text is drawn over rules and fills.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canvas {
    ops: Vec<Op>,
    text: Vec<Op>,
    font: Option<(Face, f32)>,
    /// Current line width, set only when it changes.
    width: Option<f32>,
    /// Rules already drawn (adjacent cells share edges), in 0.01 mm.
    drawn: HashSet<[i32; 4]>,
}

impl Canvas {
    /// The page's operations.
    pub fn into_ops(mut self) -> Vec<Op> {
        if !self.text.is_empty() {
            self.ops.push(Op::StartTextSection);
            self.ops.append(&mut self.text);
            self.ops.push(Op::EndTextSection);
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
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(x1, y1),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(x2, y2),
                        bezier: false,
                    },
                ],
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
        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        self.ops.push(Op::SetFillColor { col: grey(level) });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: corners
                        .iter()
                        .map(|&(x, y)| LinePoint {
                            p: point(x, y),
                            bezier: false,
                        })
                        .collect(),
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::SetFillColor { col: grey(0.0) });
    }

    /// A run of glyphs of one face with its baseline at `y`. Glyph ids are
    /// given, not text, so serializing does not look characters up again;
    /// each glyph carries its character for the ToUnicode map (copy and
    /// search in PDF readers).
    pub fn glyphs(&mut self, x: f32, baseline: f32, face: Face, size: f32, run: &[(u16, char)]) {
        if run.is_empty() {
            return;
        }
        let glyphs = run
            .iter()
            .map(|&(gid, c)| Codepoint::with_cid(gid, 0.0, c.to_string()))
            .collect();
        if self.font != Some((face, size)) {
            self.text.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(face)),
                size: Pt(size),
            });
            self.font = Some((face, size));
        }
        self.text.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(pt(x), pt(PAGE_H - baseline)),
        });
        self.text.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
        });
    }

    /// A check box of side `side` mm with its bottom-left at (`x`, `bottom`).
    pub fn check_box(&mut self, x: f32, bottom: f32, side: f32, checked: bool) {
        let top = bottom - side;
        self.set_width(0.6);
        self.ops.push(Op::DrawLine {
            line: Line {
                points: [(x, top), (x + side, top), (x + side, bottom), (x, bottom)]
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: point(x, y),
                        bezier: false,
                    })
                    .collect(),
                is_closed: true,
            },
        });
        if checked {
            // A tick drawn as two strokes, slightly larger than the box like a
            // hand-made mark, so it reads at a glance.
            let pts = [
                (x + side * 0.12, top + side * 0.50),
                (x + side * 0.42, top + side * 0.85),
                (x + side * 1.05, top - side * 0.15),
            ];
            self.set_width(1.3);
            self.ops.push(Op::DrawLine {
                line: Line {
                    points: pts
                        .iter()
                        .map(|&(x, y)| LinePoint {
                            p: point(x, y),
                            bezier: false,
                        })
                        .collect(),
                    is_closed: false,
                },
            });
        }
    }

    /// Draws a wrapped line of text with its top at `top`, starting at `x`.
    pub fn text_line(&mut self, line: &TextLine, x: f32, top: f32, size: f32, line_h: f32) {
        let em = size * MM_PER_PT;
        let baseline = top + (line_h - em) / 2.0 + ASCENT_EM * em;
        let mut run: Vec<(u16, char)> = Vec::new();
        let mut run_x = x;
        let mut run_face = Face::Body;
        let mut cx = x;
        let mut underline_from: Option<f32> = None;
        for a in &line.atoms {
            match a.kind {
                Kind::Glyph(c) | Kind::Space(c) => {
                    if run.is_empty() || run_face != a.face {
                        self.glyphs(run_x, baseline, run_face, size, &run);
                        run.clear();
                        run_x = cx;
                        run_face = a.face;
                    }
                    run.push((a.gid, c));
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

    /// The diagonal 草稿 watermark across the page: drawn over the content,
    /// translucent (graphics state [`DRAFT_GS`]), so no table hides it and it
    /// hides no text.
    pub fn watermark(&mut self, text: &str) {
        let size: f32 = 150.0;
        let angle = 55.0_f32.to_radians();
        let (sin, cos) = angle.sin_cos();
        let chars = text.chars().count() as f32;
        let len = chars * size * MM_PER_PT;
        // Centre the run on the page centre along the diagonal.
        let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
        let half_h = 0.38 * size * MM_PER_PT;
        let x = cx - cos * len / 2.0 + sin * half_h;
        let y_up = (PAGE_H - cy) - sin * len / 2.0 - cos * half_h;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::LoadGraphicsState {
            gs: ExtendedGraphicsStateId(DRAFT_GS.to_string()),
        });
        self.ops.push(Op::SetFillColor { col: grey(0.45) });
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(font_id(Face::Heading)),
            size: Pt(size),
        });
        self.ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Raw([cos, sin, -sin, cos, pt(x).0, pt(y_up).0]),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        });
        self.ops.push(Op::EndTextSection);
        self.ops.push(Op::RestoreGraphicsState);
    }
}

/// Name of the translucent graphics state of the watermark.
pub(crate) const DRAFT_GS: &str = "GSDRAFT";

/// The watermark's graphics state: fill at a quarter opacity.
pub(crate) fn draft_state() -> (ExtendedGraphicsStateId, ExtendedGraphicsState) {
    (
        ExtendedGraphicsStateId(DRAFT_GS.to_string()),
        ExtendedGraphicsState::default().with_current_fill_alpha(0.25),
    )
}
