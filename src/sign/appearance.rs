//! The visible signature block: a framed box on the document's last page
//! naming the unit, the signer, the time and the certificate's fingerprint.
//!
//! Chinese text is drawn as **glyph outlines** (vector paths taken from a CJK
//! font with ttf-parser), not as text in an embedded font: no font subsetting
//! or embedding is needed and the block looks the same in every reader. The
//! font is the forms' body face (Noto Serif CJK SC, bundled), with the
//! renderer's system fallback for a character it lacks. The same words are
//! kept as text in the widget's `/Contents` (its accessible description)
//! and in the signature dictionary (`/Name`, `/M`, `/Reason`), where
//! readers show them. A character no face has leaves a gap.

use chrono::{DateTime, FixedOffset};

use super::Fingerprint;
use crate::render::pdf::num;
use crate::render::{Face, Fonts};

/// What the visible signature block says, and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureAppearance {
    /// 签名单位: the unit, normally the certificate's.
    pub unit: String,
    /// 签名人: the person who signs (the clerk).
    pub signer: String,
    /// 签名时间: also the signature's `/M`. Tests pass a fixed time so the
    /// output is reproducible.
    pub time: DateTime<FixedOffset>,
    /// `/Reason` of the signature dictionary.
    pub reason: String,
    /// `/Location` of the signature dictionary.
    pub location: String,
    /// The block's rectangle `[x0, y0, x1, y1]` on the last page, in points
    /// from the bottom-left; `None` puts it in the bottom-right corner.
    pub rect: Option<[f32; 4]>,
}

impl SignatureAppearance {
    /// An appearance with the default reason and location.
    pub fn new(unit: &str, signer: &str, time: DateTime<FixedOffset>) -> SignatureAppearance {
        SignatureAppearance {
            unit: unit.to_string(),
            signer: signer.to_string(),
            time,
            reason: "政务云资源申请材料电子签名".to_string(),
            location: "韶关".to_string(),
            rect: None,
        }
    }

    /// The lines printed in the block.
    pub(crate) fn lines(&self, fingerprint: &Fingerprint) -> Vec<String> {
        let fp = fingerprint.to_string();
        vec![
            format!("签名单位：{}　签名人：{}", self.unit, self.signer),
            format!("签名时间：{}", self.time.format("%Y-%m-%d %H:%M:%S %:z")),
            format!("证书指纹：{}…", &fp[..35]),
        ]
    }
}

/// Width and height of the default block, in points.
pub(crate) const BLOCK_SIZE: (f32, f32) = (260.0, 66.0);

/// The face that draws `c` in the block: the forms' body face (宋体),
/// shared with the renderer, so signing reads no font file of its own; the
/// fallback face behind it for a character the bundle lacks.
fn face_of(c: char) -> Option<ttf_parser::Face<'static>> {
    let fonts = Fonts::shared();
    let (source, _) = fonts.glyph(Face::Body, c)?;
    fonts.source_face(Face::Body, source)?.parsed()
}

/// Writes PDF path operators for glyph outlines, scaled and placed.
struct PathSink<'a> {
    out: &'a mut String,
    x: f32,
    y: f32,
    scale: f32,
    last: (f32, f32),
}

impl PathSink<'_> {
    fn pt(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y + y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for PathSink<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (a, b) = self.pt(x, y);
        self.out.push_str(&format!("{} {} m\n", num(a), num(b)));
        self.last = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (a, b) = self.pt(x, y);
        self.out.push_str(&format!("{} {} l\n", num(a), num(b)));
        self.last = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // A quadratic Bézier as the equivalent cubic.
        let (x0, y0) = self.last;
        let c1 = (x0 + 2.0 / 3.0 * (x1 - x0), y0 + 2.0 / 3.0 * (y1 - y0));
        let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
        self.curve_to(c1.0, c1.1, c2.0, c2.1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b) = self.pt(x1, y1);
        let (c, d) = self.pt(x2, y2);
        let (e, f) = self.pt(x, y);
        self.out.push_str(&format!(
            "{} {} {} {} {} {} c\n",
            num(a),
            num(b),
            num(c),
            num(d),
            num(e),
            num(f)
        ));
        self.last = (x, y);
    }
    fn close(&mut self) {
        self.out.push_str("h\n");
    }
}

/// The advance of `c` at `size` points in `face`; half an em without one.
fn advance(face: Option<&ttf_parser::Face>, c: char, size: f32) -> f32 {
    face.and_then(|f| {
        let advance = f.glyph_hor_advance(f.glyph_index(c)?)?;
        Some(f32::from(advance) * size / f32::from(f.units_per_em()))
    })
    .unwrap_or(size * 0.5)
}

/// Width of `text` at `size` points.
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| advance(face_of(c).as_ref(), c, size))
        .sum()
}

/// Draws `text` as filled outlines with its baseline at (`x`, `y`).
fn draw_outlined(out: &mut String, text: &str, x: f32, y: f32, size: f32) {
    let mut pen = x;
    for c in text.chars() {
        let face = face_of(c);
        if let Some((face, glyph)) = face.as_ref().and_then(|f| Some((f, f.glyph_index(c)?))) {
            let mut sink = PathSink {
                out,
                x: pen,
                y,
                scale: size / f32::from(face.units_per_em()),
                last: (0.0, 0.0),
            };
            if face.outline_glyph(glyph, &mut sink).is_some() {
                out.push_str("f\n");
            }
        }
        pen += advance(face.as_ref(), c, size);
    }
}

/// The content stream of the block's appearance (a Form XObject of
/// `width` × `height`): paths only, no font resource.
pub(crate) fn appearance_stream(lines: &[String], width: f32, height: f32) -> Vec<u8> {
    let mut out = String::new();
    // A thin dark-red frame, like the border of a seal.
    out.push_str(&format!(
        "q 0.7 0.05 0.05 RG 1 w 0.5 0.5 {} {} re S Q\n",
        num(width - 1.0),
        num(height - 1.0)
    ));
    let pad = 6.0;
    let n = lines.len().max(1) as f32;
    let leading = (height - 2.0 * pad) / n;
    let base_size = (leading * 0.72).min(10.0);
    out.push_str("q 0 0 0 rg\n");
    for (i, line) in lines.iter().enumerate() {
        let y = height - pad - leading * (i as f32 + 1.0) + (leading - base_size) / 2.0 + 1.0;
        let w = text_width(line, base_size);
        let size = if w > width - 2.0 * pad {
            (base_size * (width - 2.0 * pad) / w).max(4.0)
        } else {
            base_size
        };
        draw_outlined(&mut out, line, pad, y, size);
    }
    out.push_str("Q\n");
    out.into_bytes()
}
