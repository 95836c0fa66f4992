//! Measured text and Chinese line breaking.
//!
//! A paragraph ([`Para`]) is a row of atoms — glyphs, spaces, check boxes,
//! gaps — each measured with the real advance of its face, and each carrying
//! whether a line may break before it. [`wrap`] breaks greedily and follows
//! the Chinese rules (禁则): no line starts with closing punctuation such as
//! ，。、；：？！）」》”, no line ends with opening punctuation such as （「《“,
//! Latin words and glued groups (a check box and its label, a label and its
//! blank) stay whole unless they alone are wider than the line; then, and only
//! then, they break between characters, so nothing ever runs out of its cell.

use std::cell::RefCell;
use std::collections::HashMap;

use super::error::{MissingGlyph, RenderError};
use super::face::{glyph_of, Glyph};
use super::fonts::{Face, Fonts, Source};

/// Millimetres per point.
pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

/// Where the glyph box sits within an em: Noto CJK's ascender is 0.88 em,
/// its descender 0.12 em.
pub(crate) const ASCENT_EM: f32 = 0.88;

/// Characters no line may start with.
const NO_LINE_START: &str = "，。、；：？！）」》”’』】〕〉…·％‰,.;:?!)]}%";
/// Characters no line may end with.
const NO_LINE_END: &str = "（「《“‘『【〔〈([{";

/// May a line break before this atom?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Brk {
    /// A normal break opportunity.
    Allow,
    /// Inside a word or glued group: only when the group alone is too wide.
    Keep,
    /// Forbidden by the line-breaking rules: only as the very last resort.
    Never,
}

/// What an atom draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// A character of the atom's face.
    Glyph(char),
    /// A space (trimmed at line ends).
    Space(char),
    /// A check box, ticked or not.
    Box(bool),
    /// Empty room, e.g. an indent or the padding of a blank.
    Gap,
    /// A forced line break.
    Newline,
}

/// One measured unit of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Atom {
    pub kind: Kind,
    pub face: Face,
    /// The face the glyph is taken from: the bundled one or a fallback.
    pub source: Source,
    /// Advance in mm.
    pub w: f32,
    pub brk: Brk,
    /// Underlined (a filled-in blank such as 主机__台).
    pub underline: bool,
}

/// Horizontal alignment of a paragraph's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// A measured paragraph in one size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Para {
    pub atoms: Vec<Atom>,
    /// Font size in pt.
    pub size: f32,
    pub align: Align,
    /// Line height as a multiple of the size.
    pub leading: f32,
    /// Extra room above the paragraph, mm.
    pub space_before: f32,
}

impl Para {
    /// A paragraph with nothing in it.
    pub fn empty() -> Para {
        Para {
            atoms: Vec::new(),
            size: 10.0,
            align: Align::Left,
            leading: 1.4,
            space_before: 0.0,
        }
    }

    /// One em in mm.
    pub fn em(&self) -> f32 {
        self.size * MM_PER_PT
    }

    /// Height of one line in mm.
    pub fn line_height(&self) -> f32 {
        self.em() * self.leading
    }
}

/// A field of the document a value comes from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The paper label, e.g. 系统(主机)名称.
    pub label: String,
    /// The JSON path, e.g. `hosts[2].name`.
    pub path: String,
}

/// A glyph and the face it is taken from.
type SourcedGlyph = (Source, Glyph);

/// What paragraphs are measured with, and where missing glyphs are collected.
pub(crate) struct Ink<'a> {
    pub fonts: &'a Fonts,
    body: ttf_parser::Face<'a>,
    heading: ttf_parser::Face<'a>,
    missing: RefCell<Vec<MissingGlyph>>,
    /// The glyph of every character met, per face, and where it is from.
    glyphs: RefCell<HashMap<(Face, char), Option<SourcedGlyph>>>,
}

impl<'a> Ink<'a> {
    pub fn new(fonts: &'a Fonts) -> Result<Ink<'a>, RenderError> {
        let parse = |face| {
            fonts
                .face_data(face)
                .parsed()
                .ok_or_else(|| RenderError::FontUnavailable("字体无法解析".to_string()))
        };
        Ok(Ink {
            fonts,
            body: parse(Face::Body)?,
            heading: parse(Face::Heading)?,
            missing: RefCell::new(Vec::new()),
            glyphs: RefCell::new(HashMap::new()),
        })
    }

    /// Where the glyph of `c` in `face` comes from and its advance in em,
    /// cached: the primary face, else the first fallback face that has it;
    /// `None` when no face has it.
    pub fn advance(&self, face: Face, c: char) -> Option<(Source, f32)> {
        let glyph = *self
            .glyphs
            .borrow_mut()
            .entry((face, c))
            .or_insert_with(|| {
                let parsed = match face {
                    Face::Body => &self.body,
                    Face::Heading => &self.heading,
                };
                glyph_of(parsed, c)
                    .map(|g| (Source::Primary, g))
                    .or_else(|| self.fonts.fallback_glyph(face, c))
            });
        glyph.map(|(source, g)| (source, g.advance))
    }

    /// Every face glyphs were taken from, with the glyph ids of the
    /// characters met so far, ascending: what the PDF's subset of each face
    /// must hold. The primary faces come first.
    pub fn used(&self) -> Vec<((Face, Source), Vec<u16>)> {
        let mut by_face: std::collections::BTreeMap<(Face, Source), Vec<u16>> =
            std::collections::BTreeMap::new();
        for (&(face, _), glyph) in self.glyphs.borrow().iter() {
            if let Some((source, g)) = glyph {
                by_face.entry((face, *source)).or_default().push(g.gid);
            }
        }
        by_face
            .into_iter()
            .map(|(key, mut gids)| {
                gids.sort_unstable();
                gids.dedup();
                (key, gids)
            })
            .collect()
    }

    /// Starts a paragraph of `size` pt in the body face.
    pub fn para(&self, size: f32) -> ParaBuilder<'_, 'a> {
        ParaBuilder {
            ink: self,
            para: Para {
                atoms: Vec::new(),
                size,
                align: Align::Left,
                leading: 1.4,
                space_before: 0.0,
            },
            face: Face::Body,
            keep_depth: 0,
            group_start: false,
            glue_next: false,
        }
    }

    /// Every character that could not be printed, once per field and character.
    pub fn take_missing(&self) -> Vec<MissingGlyph> {
        let mut v = std::mem::take(&mut *self.missing.borrow_mut());
        let mut seen = std::collections::HashSet::new();
        v.retain(|m| seen.insert((m.path.clone(), m.ch)));
        v
    }

    fn record_missing(&self, field: Option<&Field>, ch: char) {
        let (label, path) = match field {
            Some(f) => (f.label.clone(), f.path.clone()),
            None => ("表格固定文字".to_string(), String::new()),
        };
        self.missing
            .borrow_mut()
            .push(MissingGlyph { label, path, ch });
    }
}

/// Builds a [`Para`] atom by atom.
pub(crate) struct ParaBuilder<'i, 'a> {
    ink: &'i Ink<'a>,
    para: Para,
    face: Face,
    keep_depth: u32,
    group_start: bool,
    glue_next: bool,
}

impl ParaBuilder<'_, '_> {
    /// Sets the face of the text that follows.
    pub fn face(mut self, face: Face) -> Self {
        self.face = face;
        self
    }

    /// Sets the alignment.
    pub fn align(mut self, align: Align) -> Self {
        self.para.align = align;
        self
    }

    /// Sets the line height factor.
    pub fn leading(mut self, leading: f32) -> Self {
        self.para.leading = leading;
        self
    }

    /// Adds room above the paragraph.
    pub fn space_before(mut self, mm: f32) -> Self {
        self.para.space_before = mm;
        self
    }

    /// Fixed text of the form.
    pub fn text(mut self, s: &str) -> Self {
        self.push_str(s, None);
        self
    }

    /// Fixed text kept on one line (unless it alone is wider than the line).
    pub fn kept(self, s: &str) -> Self {
        self.group(|b| b.text(s))
    }

    /// Text the clerk typed, from `field`.
    pub fn value(mut self, field: &Field, s: &str) -> Self {
        self.push_str(s, Some(field));
        self
    }

    /// An optional value: nothing when absent.
    pub fn opt_value(self, field: &Field, s: Option<&str>) -> Self {
        match s {
            Some(s) => self.value(field, s),
            None => self,
        }
    }

    /// A check box followed by its label, kept together.
    pub fn check(self, checked: bool, label: &str) -> Self {
        self.group(|mut b| {
            let em = b.para.em();
            b.push_atom(Kind::Box(checked), em * 1.0, None);
            b.glue_next = true;
            b.text(label)
        })
    }

    /// An underlined blank at least `min_em` wide, with `value` centred on it.
    pub fn blank(self, value: Option<(&Field, &str)>, min_em: f32) -> Self {
        self.group(|mut b| {
            let em = b.para.em();
            let text_w: f32 = value
                .map(|(_, s)| s.chars().map(|c| b.advance(c)).sum())
                .unwrap_or(0.0);
            let pad = ((min_em * em - text_w) / 2.0).max(em * 0.3);
            b.push_underlined(Kind::Gap, pad);
            if let Some((field, s)) = value {
                let start = b.para.atoms.len();
                b.push_str(s, Some(field));
                for a in &mut b.para.atoms[start..] {
                    a.underline = true;
                }
            }
            b.glue_next = true;
            b.push_underlined(Kind::Gap, pad);
            b
        })
    }

    /// A blank filled with fixed text, e.g. a number from the policy.
    pub fn blank_text(self, s: &str, min_em: f32) -> Self {
        let field = Field {
            label: "表格固定文字".into(),
            path: String::new(),
        };
        self.blank(Some((&field, s)), min_em)
    }

    /// Empty room of `em` ems where a line may break.
    pub fn gap(mut self, em: f32) -> Self {
        let w = em * self.para.em();
        self.push_atom(Kind::Gap, w, None);
        self
    }

    /// Empty room glued to what follows (an indent).
    pub fn indent(mut self, em: f32) -> Self {
        let w = em * self.para.em();
        self.push_atom(Kind::Gap, w, None);
        self.glue_next = true;
        self
    }

    /// A forced line break.
    pub fn newline(mut self) -> Self {
        self.push_atom(Kind::Newline, 0.0, None);
        self
    }

    /// Everything added inside `f` stays on one line if it can.
    pub fn group(mut self, f: impl FnOnce(Self) -> Self) -> Self {
        let outer_start = self.group_start;
        if self.keep_depth == 0 {
            self.group_start = true;
        }
        self.keep_depth += 1;
        let mut b = f(self);
        b.keep_depth -= 1;
        if b.keep_depth == 0 {
            b.group_start = outer_start;
        }
        b
    }

    /// The finished paragraph.
    pub fn build(self) -> Para {
        self.para
    }

    fn advance(&self, c: char) -> f32 {
        self.ink.advance(self.face, c).map_or(0.0, |(_, a)| a) * self.para.em()
    }

    fn push_str(&mut self, s: &str, field: Option<&Field>) {
        for c in s.chars() {
            match c {
                '\n' => self.push_atom(Kind::Newline, 0.0, None),
                '\r' => {}
                '\t' | ' ' | '\u{3000}' => {
                    let c = if c == '\t' { ' ' } else { c };
                    self.push_char(Kind::Space(c), c, field);
                }
                c => self.push_char(Kind::Glyph(c), c, field),
            }
        }
    }

    /// A character measured and later drawn with the same face: the
    /// primary one or the fallback that has it; recorded when none has.
    fn push_char(&mut self, kind: Kind, c: char, field: Option<&Field>) {
        match self.ink.advance(self.face, c) {
            Some((source, adv)) => {
                self.push_atom(kind, adv * self.para.em(), None);
                if let Some(atom) = self.para.atoms.last_mut() {
                    atom.source = source;
                }
            }
            None => self.ink.record_missing(field, c),
        }
    }

    fn push_underlined(&mut self, kind: Kind, w: f32) {
        self.push_atom(kind, w, None);
        if let Some(a) = self.para.atoms.last_mut() {
            a.underline = true;
        }
    }

    fn push_atom(&mut self, kind: Kind, w: f32, brk: Option<Brk>) {
        let prev = self.para.atoms.last().map(|a| a.kind);
        let brk = brk.unwrap_or_else(|| self.break_before(prev, kind));
        self.glue_next = false;
        self.group_start = false;
        self.para.atoms.push(Atom {
            kind,
            face: self.face,
            source: Source::Primary,
            w,
            brk,
            underline: false,
        });
    }

    fn break_before(&self, prev: Option<Kind>, kind: Kind) -> Brk {
        let Some(prev) = prev else {
            return Brk::Allow;
        };
        if let Kind::Glyph(c) = kind {
            if NO_LINE_START.contains(c) {
                return Brk::Never;
            }
        }
        if let Kind::Glyph(p) = prev {
            if NO_LINE_END.contains(p) {
                return Brk::Never;
            }
        }
        if self.glue_next || (self.keep_depth > 0 && !self.group_start) {
            return Brk::Keep;
        }
        match (prev, kind) {
            (_, Kind::Space(_) | Kind::Newline) => Brk::Allow,
            (Kind::Space(_) | Kind::Gap | Kind::Box(_) | Kind::Newline, _) => Brk::Allow,
            (_, Kind::Gap | Kind::Box(_)) => Brk::Allow,
            (Kind::Glyph(p), Kind::Glyph(c)) => {
                if is_wide(p)
                    || is_wide(c)
                    || (matches!(p, '-' | '/' | '_' | '@' | '.') && c.is_ascii_alphabetic())
                {
                    Brk::Allow
                } else {
                    Brk::Keep
                }
            }
        }
    }
}

/// Characters set one per em, between which lines may break freely.
fn is_wide(c: char) -> bool {
    c >= '\u{2E80}' || matches!(c, '\u{2018}'..='\u{201D}' | '\u{2026}')
}

/// One line of a wrapped paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub atoms: Vec<Atom>,
    /// Width of the atoms, trailing spaces excluded, mm.
    pub width: f32,
}

/// Breaks a paragraph into lines no wider than `width` mm.
pub(crate) fn wrap(para: &Para, width: f32) -> Vec<Line> {
    let atoms = &para.atoms;
    // (start, end, ends with a forced break or the paragraph's end)
    let mut ranges: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = 0;
    while start < atoms.len() {
        // Spaces at the start of a line (after a soft break) are dropped.
        if ranges.last().is_some_and(|r| !r.2) && matches!(atoms[start].kind, Kind::Space(_)) {
            start += 1;
            continue;
        }
        let mut x = 0.0;
        let mut end = start;
        let mut hard = false;
        while end < atoms.len() {
            let a = &atoms[end];
            if a.kind == Kind::Newline {
                hard = true;
                break;
            }
            let fits = x + a.w <= width + 1e-3 || matches!(a.kind, Kind::Space(_));
            if !fits && end > start {
                break;
            }
            x += a.w;
            end += 1;
        }
        if !hard && end < atoms.len() {
            end = break_point(atoms, start, end);
        }
        ranges.push((start, end, hard || end == atoms.len()));
        start = if hard { end + 1 } else { end };
        if hard && start == atoms.len() {
            ranges.push((start, start, true));
        }
    }
    avoid_orphans(atoms, &mut ranges, width);
    let mut lines: Vec<Line> = ranges
        .iter()
        .map(|&(s, e, _)| make_line(&atoms[s..e]))
        .collect();
    if lines.is_empty() {
        lines.push(make_line(&[]));
    }
    lines
}

/// A paragraph's last line of one lone character (「中心」 broken as 「中」 /
/// 「心」) takes one more character from the line above when it may.
fn avoid_orphans(atoms: &[Atom], ranges: &mut [(usize, usize, bool)], width: f32) {
    for i in 1..ranges.len() {
        let (ps, pe, prev_hard) = ranges[i - 1];
        let (s, e, hard) = ranges[i];
        if prev_hard || !hard || pe != s {
            continue;
        }
        let visible: Vec<&Atom> = atoms[s..e]
            .iter()
            .filter(|a| !matches!(a.kind, Kind::Space(_)))
            .collect();
        let lone = match visible.as_slice() {
            [a] => matches!(a.kind, Kind::Glyph(_)),
            [a, b] => {
                matches!(a.kind, Kind::Glyph(_))
                    && matches!(b.kind, Kind::Glyph(c) if NO_LINE_START.contains(c))
            }
            _ => false,
        };
        let j = pe - 1;
        let moved_w: f32 = atoms[j..e].iter().map(|a| a.w).sum();
        if lone && j > ps + 2 && atoms[j].brk == Brk::Allow && moved_w <= width {
            ranges[i - 1].1 = j;
            ranges[i].0 = j;
        }
    }
}

/// Where to break a line that overflows at `end` (atoms `start..end` fit):
/// the last allowed break, else between characters of a too-long word,
/// else (only punctuation left) anywhere.
fn break_point(atoms: &[Atom], start: usize, end: usize) -> usize {
    let candidates = (start + 1..=end).rev();
    if let Some(j) = candidates.clone().find(|&j| atoms[j].brk == Brk::Allow) {
        return j;
    }
    if let Some(j) = candidates.clone().find(|&j| atoms[j].brk == Brk::Keep) {
        return j;
    }
    end.max(start + 1)
}

fn make_line(atoms: &[Atom]) -> Line {
    let mut atoms = atoms.to_vec();
    while matches!(atoms.last().map(|a| a.kind), Some(Kind::Space(_))) {
        atoms.pop();
    }
    let width = atoms.iter().map(|a| a.w).sum();
    Line { atoms, width }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(c: char, brk: Brk) -> Atom {
        Atom {
            kind: Kind::Glyph(c),
            face: Face::Body,
            source: Source::Primary,
            w: 1.0,
            brk,
            underline: false,
        }
    }

    fn para(s: &str) -> Para {
        // Unit-width atoms with the builder's break rules, without fonts.
        let mut atoms: Vec<Atom> = Vec::new();
        for c in s.chars() {
            let brk = match atoms.last().map(|a| a.kind) {
                None => Brk::Allow,
                Some(Kind::Glyph(p)) if NO_LINE_END.contains(p) => Brk::Never,
                _ if NO_LINE_START.contains(c) => Brk::Never,
                Some(Kind::Glyph(p)) if !is_wide(p) && !is_wide(c) => Brk::Keep,
                _ => Brk::Allow,
            };
            atoms.push(atom(c, brk));
        }
        Para {
            atoms,
            size: 10.0,
            align: Align::Left,
            leading: 1.4,
            space_before: 0.0,
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.atoms
                    .iter()
                    .map(|a| match a.kind {
                        Kind::Glyph(c) => c,
                        _ => '_',
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let lines = wrap(&para("一二三四，五六"), 4.0);
        assert_eq!(texts(&lines), ["一二三", "四，五六"]);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        let lines = wrap(&para("一二三（四）"), 4.0);
        assert_eq!(texts(&lines), ["一二三", "（四）"]);
    }

    #[test]
    fn a_lone_last_character_takes_one_from_the_line_above() {
        let lines = wrap(&para("一二三四五六七八九"), 8.0);
        assert_eq!(texts(&lines), ["一二三四五六七", "八九"]);
    }

    #[test]
    fn long_words_break_only_when_alone_too_wide() {
        let lines = wrap(&para("中abc"), 3.0);
        assert_eq!(texts(&lines), ["中", "abc"]);
        let lines = wrap(&para("abcdefg"), 3.0);
        assert_eq!(texts(&lines), ["abc", "def", "g"]);
        assert!(lines.iter().all(|l| l.width <= 3.0));
    }
}
