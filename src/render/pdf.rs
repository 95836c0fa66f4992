//! Writing the PDF file: numbered objects, Flate-compressed streams, the
//! cross-reference table, and the embedded font subsets (CID-keyed CFF as
//! `/FontFile3 /CIDFontType0C`, with `/W` widths and a ToUnicode map).
//!
//! The forms need a small, fixed part of PDF, so the file is written
//! directly: every byte is decided here, nothing is looked up twice, and
//! the same pages give the same file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use allsorts::binary::read::ReadScope;
use allsorts::binary::write::{WriteBinary, WriteBuffer};
use allsorts::cff::CFF;

use super::fonts::LoadedFace;
use super::text::UsedGlyph;
use super::RenderError;

/// A number as PDF writes it: at most two decimals, no trailing zeros.
/// (Integer arithmetic: pages and signature blocks write tens of thousands
/// of numbers, and float formatting was a tenth of the time.)
pub(crate) fn num(v: f32) -> String {
    let hundredths = (f64::from(v) * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, fraction) = (hundredths.abs() / 100, hundredths.abs() % 100);
    match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// A text string: literal when plain ASCII, else UTF-16BE with a byte-order mark.
pub(crate) fn text_string(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '(' | ')' | '\\') || c == ' ');
    if plain {
        return format!("({s})");
    }
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// A PDF file being written object by object.
pub(crate) struct PdfWriter {
    out: Vec<u8>,
    /// Byte offset of each object, by number − 1; `None` until written.
    offsets: Vec<Option<usize>>,
}

impl PdfWriter {
    pub fn new() -> PdfWriter {
        let mut out = Vec::with_capacity(128 * 1024);
        // The second line's high bytes mark the file as binary.
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        PdfWriter {
            out,
            offsets: Vec::new(),
        }
    }

    /// A number for an object written later.
    pub fn reserve(&mut self) -> u32 {
        self.offsets.push(None);
        self.offsets.len() as u32
    }

    /// Writes object `id` with `body` (a dictionary, array or other value).
    pub fn object(&mut self, id: u32, body: &str) {
        self.begin(id);
        self.out.extend_from_slice(body.as_bytes());
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// Writes object `id` as a stream: `dict` holds the entries other than
    /// `/Length` and `/Filter`; the data is deflated when that makes it smaller.
    pub fn stream(&mut self, id: u32, dict: &str, data: &[u8]) {
        let packed = deflate(data);
        let (filter, content) = match &packed {
            Some(p) if p.len() + 19 < data.len() => ("/Filter/FlateDecode", p.as_slice()),
            _ => ("", data),
        };
        self.begin(id);
        let head = format!("<<{dict}/Length {}{filter}>>\nstream\n", content.len());
        self.out.extend_from_slice(head.as_bytes());
        self.out.extend_from_slice(content);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn begin(&mut self, id: u32) {
        if let Some(slot) = self.offsets.get_mut(id as usize - 1) {
            *slot = Some(self.out.len());
        }
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
    }

    /// The cross-reference table and trailer; the finished file.
    pub fn finish(mut self, root: u32, info: u32, file_id: &[u8; 16]) -> Vec<u8> {
        let xref = self.out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for offset in &self.offsets {
            match offset {
                Some(at) => {
                    let _ = writeln!(table, "{at:010} 00000 n ");
                }
                None => table.push_str("0000000000 65535 f \n"),
            }
        }
        let id: String = file_id.iter().map(|b| format!("{b:02X}")).collect();
        let _ = write!(
            table,
            "trailer\n<</Size {}/Root {root} 0 R/Info {info} 0 R/ID[<{id}><{id}>]>>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

/// zlib at the default level: the best level costs a third more time for
/// 1–2 % of size.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::default(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

/// Embeds the glyphs `used` of `face` (keyed by CID) as a Type0 font named
/// `tag+PostScriptName` and returns the font dictionary's object number.
pub(crate) fn write_font(
    w: &mut PdfWriter,
    face: &LoadedFace,
    tag: &str,
    used: &BTreeMap<u16, UsedGlyph>,
) -> Result<u32, RenderError> {
    let failed =
        |e: &dyn std::fmt::Display| RenderError::FontUnavailable(format!("无法嵌入字体子集：{e}"));
    let parsed = face.parsed().ok_or_else(|| failed(&"字体无法解析"))?;
    let cff = parsed
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"CFF "))
        .ok_or_else(|| failed(&"没有 CFF 表"))?;
    let mut gids: Vec<u16> = used.values().map(|g| g.gid).collect();
    gids.push(0);
    gids.sort_unstable();
    gids.dedup();
    let program = {
        let table = ReadScope::new(cff)
            .read::<CFF<'_>>()
            .map_err(|e| failed(&e))?;
        let subset: CFF<'_> = table.subset(&gids, true).map_err(|e| failed(&e))?.into();
        let mut buffer = WriteBuffer::new();
        CFF::write(&mut buffer, &subset).map_err(|e| failed(&e))?;
        buffer.into_inner()
    };

    let (file, descriptor, type0, unicode) = (w.reserve(), w.reserve(), w.reserve(), w.reserve());
    w.stream(file, "/Subtype/CIDFontType0C", &program);

    let name = format!("{tag}+{}", face.postscript_name());
    let scale = 1000.0 / f32::from(parsed.units_per_em().max(1));
    let em = |v: i16| (f32::from(v) * scale).round() as i32;
    let bbox = parsed.global_bounding_box();
    let ascent = em(parsed.ascender());
    w.object(
        descriptor,
        &format!(
            "<</Type/FontDescriptor/FontName/{name}/Flags 4/FontBBox[{} {} {} {}]/ItalicAngle 0/Ascent {ascent}/Descent {}/CapHeight {}/StemV 80/FontFile3 {file} 0 R>>",
            em(bbox.x_min),
            em(bbox.y_min),
            em(bbox.x_max),
            em(bbox.y_max),
            em(parsed.descender()),
            parsed.capital_height().map_or(ascent, em),
        ),
    );
    w.stream(unicode, "", to_unicode(tag, used).as_bytes());
    w.object(
        type0,
        &format!(
            "<</Type/Font/Subtype/Type0/BaseFont/{name}/Encoding/Identity-H/ToUnicode {unicode} 0 R/DescendantFonts[<</Type/Font/Subtype/CIDFontType0/BaseFont/{name}/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor {descriptor} 0 R/DW 1000/W{}>>]>>",
            widths(used)
        ),
    );
    Ok(type0)
}

/// The `/W` array: runs of consecutive CIDs with their widths in 1/1000 em.
fn widths(used: &BTreeMap<u16, UsedGlyph>) -> String {
    let mut out = String::from("[");
    let mut next: Option<u16> = None;
    for (&cid, glyph) in used {
        if next != Some(cid) {
            if next.is_some() {
                out.push(']');
            }
            let _ = write!(out, "{cid}[");
        } else {
            out.push(' ');
        }
        let _ = write!(out, "{}", (glyph.advance * 1000.0).round() as i32);
        next = cid.checked_add(1);
    }
    if next.is_some() {
        out.push(']');
    }
    out.push(']');
    out
}

/// The ToUnicode CMap: each CID to its character, so text can be copied
/// and searched.
fn to_unicode(tag: &str, used: &BTreeMap<u16, UsedGlyph>) -> String {
    let mut out = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n/CMapName /{tag}-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    );
    let entries: Vec<(&u16, &UsedGlyph)> = used.iter().collect();
    for block in entries.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for (cid, glyph) in block {
            let mut units = [0u16; 2];
            let utf16: String = glyph
                .ch
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(out, "<{cid:04X}> <{utf16}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(ch: char) -> UsedGlyph {
        UsedGlyph {
            gid: 1,
            ch,
            advance: 0.5,
        }
    }

    #[test]
    fn widths_group_consecutive_cids() {
        let used: BTreeMap<u16, UsedGlyph> = [(3, glyph('a')), (4, glyph('b')), (9, glyph('c'))]
            .into_iter()
            .collect();
        assert_eq!(widths(&used), "[3[500 500]9[500]]");
        assert_eq!(widths(&BTreeMap::new()), "[]");
    }

    #[test]
    fn text_strings_are_literal_only_when_plain() {
        assert_eq!(text_string("gcforms 0.1"), "(gcforms 0.1)");
        assert_eq!(text_string("a(b)"), "<FEFF0061002800620029>");
        assert_eq!(text_string("附件"), "<FEFF96444EF6>");
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(51.016), "51.02");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-12.05), "-12.05");
        assert_eq!(num(595.2756), "595.28");
        assert_eq!(num(0.07), "0.07");
    }

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let mut w = PdfWriter::new();
        let (a, b) = (w.reserve(), w.reserve());
        w.object(b, "<</B 1>>");
        w.object(a, "<</Type/Catalog>>");
        let pdf = w.finish(a, b, &[0; 16]);
        let find = |needle: &str| {
            pdf.windows(needle.len())
                .position(|win| win == needle.as_bytes())
        };
        for id in [a, b] {
            let at = find(&format!("{id} 0 obj")).expect("object written");
            assert!(
                find(&format!("{at:010} 00000 n")).is_some(),
                "offset of {id}"
            );
        }
        assert!(pdf.ends_with(b"%%EOF\n"));
    }
}
