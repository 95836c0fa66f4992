//! The visible signature block: a framed box on the document's last page
//! naming the unit, the signer, the time and the certificate's fingerprint.
//!
//! Chinese text is drawn as **glyph outlines** (vector paths taken from a CJK
//! font with ttf-parser), not as text in an embedded font: no font subsetting
//! or embedding is needed and the block looks the same in every reader. The
//! font is the forms' body face (Noto Serif CJK SC), already loaded by the
//! renderer. The same words are kept as text in the widget's `/Contents`
//! (its accessible description) and in the signature dictionary (`/Name`,
//! `/M`, `/Reason`), where readers show them. Without any CJK font the block
//! still shows the time and fingerprint in Helvetica and `?` for other text.

use chrono::{DateTime, FixedOffset};

use super::Fingerprint;
use crate::render::fonts::LoadedFace;
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

/// The face the block's Chinese text is drawn in: the forms' body face
/// (宋体), shared with the renderer, so signing reads no font file of its
/// own; the full face only when the text has a character beyond the common
/// subset. `None` when no CJK font is installed.
fn face_for(text: &str) -> Option<&'static LoadedFace> {
    Fonts::shared_for(Face::Body, text)
        .ok()
        .map(|fonts| fonts.face_data(Face::Body))
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

/// Width of `text` at `size` points in `face`.
fn text_width(face: &ttf_parser::Face, text: &str, size: f32) -> f32 {
    let scale = size / f32::from(face.units_per_em());
    text.chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(size * 0.5, |a| f32::from(a) * scale)
        })
        .sum()
}

/// Draws `text` as filled outlines with its baseline at (`x`, `y`).
fn draw_outlined(out: &mut String, face: &ttf_parser::Face, text: &str, x: f32, y: f32, size: f32) {
    let scale = size / f32::from(face.units_per_em());
    let mut pen = x;
    for c in text.chars() {
        let Some(glyph) = face.glyph_index(c) else {
            pen += size * 0.5;
            continue;
        };
        let mut sink = PathSink {
            out,
            x: pen,
            y,
            scale,
            last: (0.0, 0.0),
        };
        if face.outline_glyph(glyph, &mut sink).is_some() {
            out.push_str("f\n");
        }
        pen += face
            .glyph_hor_advance(glyph)
            .map_or(size * 0.5, |a| f32::from(a) * scale);
    }
}

/// The content stream of the block's appearance (a Form XObject of
/// `width` × `height`), and whether the `/Helv` font resource is used.
pub(crate) fn appearance_stream(lines: &[String], width: f32, height: f32) -> (Vec<u8>, bool) {
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
    let face =
        face_for(&lines.concat()).and_then(|f| ttf_parser::Face::parse(f.bytes(), f.index()).ok());
    out.push_str("q 0 0 0 rg\n");
    let mut helv = false;
    for (i, line) in lines.iter().enumerate() {
        let y = height - pad - leading * (i as f32 + 1.0) + (leading - base_size) / 2.0 + 1.0;
        match &face {
            Some(face) => {
                let w = text_width(face, line, base_size);
                let size = if w > width - 2.0 * pad {
                    (base_size * (width - 2.0 * pad) / w).max(4.0)
                } else {
                    base_size
                };
                draw_outlined(&mut out, face, line, pad, y, size);
            }
            None => {
                helv = true;
                let ascii: String = line
                    .chars()
                    .map(|c| {
                        if c.is_ascii_graphic() || c == ' ' {
                            c
                        } else {
                            '?'
                        }
                    })
                    .filter(|c| *c != '\\' && *c != '(' && *c != ')')
                    .collect();
                out.push_str(&format!(
                    "BT /Helv {} Tf {} {} Td ({}) Tj ET\n",
                    num(base_size * 0.8),
                    num(pad),
                    num(y),
                    ascii
                ));
            }
        }
    }
    out.push_str("Q\n");
    (out.into_bytes(), helv)
}

/// True when a CJK font was found for drawing Chinese text.
pub fn cjk_font_available() -> bool {
    Fonts::shared().is_ok()
}
