//! Bands, cells and page flow.
//!
//! Every form is a column of **bands**: a band is one row of cells side by
//! side (a table row, or a borderless block of text such as the title or a
//! clause of 附件2). A band is as tall as its tallest cell's wrapped text, so
//! text never leaves its cell. The [`Flow`] stacks bands down the page; a band
//! that does not fit goes to the next page, where the table's column heads are
//! repeated when a header is set; a band taller than a whole page is split
//! between lines of its cells.

use super::canvas::{Canvas, PAGE_H, PAGE_W};
use super::line_break::{wrap, Align, Line, Para};

/// Left and right margin, mm.
pub(crate) const MARGIN_X: f32 = 18.0;
/// Top margin, mm.
pub(crate) const MARGIN_TOP: f32 = 16.0;
/// Where content stops; the footer lives below, ≥ 15 mm from the edge.
pub(crate) const CONTENT_BOTTOM: f32 = PAGE_H - 25.0;
/// The width of the content area, mm.
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Line width of table rules, pt.
const RULE_PT: f32 = 0.7;

/// Vertical alignment of a cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VAlign {
    Top,
    Middle,
    Bottom,
}

/// Which edges of a cell are ruled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Borders {
    pub top: bool,
    pub bottom: bool,
    pub left: bool,
    pub right: bool,
}

impl Borders {
    /// All four edges.
    pub const ALL: Borders = Borders {
        top: true,
        bottom: true,
        left: true,
        right: true,
    };
    /// None: free text.
    pub const NONE: Borders = Borders {
        top: false,
        bottom: false,
        left: false,
        right: false,
    };
}

/// A cell: a horizontal span of the content area with paragraphs in it.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Left edge, mm from the content area's left edge.
    pub x0: f32,
    /// Right edge, mm from the content area's left edge.
    pub x1: f32,
    pub paras: Vec<Para>,
    pub valign: VAlign,
    /// Grey level of a background fill.
    pub fill: Option<f32>,
    pub borders: Borders,
    pub pad_x: f32,
    pub pad_y: f32,
}

impl Cell {
    /// A ruled cell from `x0` to `x1` with one paragraph, centred vertically.
    pub fn new(x0: f32, x1: f32, para: Para) -> Cell {
        Cell {
            x0,
            x1,
            paras: vec![para],
            valign: VAlign::Middle,
            fill: None,
            borders: Borders::ALL,
            pad_x: 1.6,
            pad_y: 1.3,
        }
    }

    /// A ruled cell with several paragraphs stacked.
    pub fn stack(x0: f32, x1: f32, paras: Vec<Para>) -> Cell {
        Cell {
            paras,
            ..Cell::new(x0, x1, Para::empty())
        }
    }

    /// Same cell, vertically aligned.
    pub fn valign(mut self, v: VAlign) -> Cell {
        self.valign = v;
        self
    }

    /// Same cell on a grey background.
    pub fn fill(mut self, level: f32) -> Cell {
        self.fill = Some(level);
        self
    }

    /// Same cell with other rules.
    pub fn borders(mut self, b: Borders) -> Cell {
        self.borders = b;
        self
    }

    /// Same cell without side padding (free text aligned with the table).
    pub fn pad(mut self, x: f32, y: f32) -> Cell {
        self.pad_x = x;
        self.pad_y = y;
        self
    }
}

/// One row of cells.
#[derive(Debug, Clone)]
pub(crate) struct Band {
    pub cells: Vec<Cell>,
    /// Smallest height, mm.
    pub min_h: f32,
}

impl Band {
    /// A band of cells.
    pub fn new(cells: Vec<Cell>) -> Band {
        Band { cells, min_h: 0.0 }
    }

    /// Same band, at least `h` mm tall.
    pub fn min_h(mut self, h: f32) -> Band {
        self.min_h = h;
        self
    }

    /// A borderless band of one paragraph across the content width.
    pub fn free(para: Para) -> Band {
        Band::new(vec![Cell::new(0.0, CONTENT_W, para)
            .borders(Borders::NONE)
            .pad(0.0, 0.0)])
    }
}

/// A wrapped line with its paragraph's size and alignment.
#[derive(Debug, Clone)]
struct LaidLine {
    line: Line,
    size: f32,
    align: Align,
    line_h: f32,
    gap_before: f32,
}

impl LaidLine {
    fn height(&self) -> f32 {
        self.gap_before + self.line_h
    }
}

#[derive(Debug, Clone)]
struct LaidCell {
    x0: f32,
    x1: f32,
    lines: Vec<LaidLine>,
    valign: VAlign,
    fill: Option<f32>,
    borders: Borders,
    pad_x: f32,
    pad_y: f32,
}

impl LaidCell {
    fn content_h(&self) -> f32 {
        self.lines.iter().map(LaidLine::height).sum::<f32>() + 2.0 * self.pad_y
    }
}

/// A band with its text wrapped and its height known.
#[derive(Debug, Clone)]
pub(crate) struct LaidBand {
    cells: Vec<LaidCell>,
    height: f32,
}

impl LaidBand {
    /// Height in mm.
    pub fn height(&self) -> f32 {
        self.height
    }
}

/// Wraps every cell of a band.
pub(crate) fn lay_out(band: &Band) -> LaidBand {
    let cells: Vec<LaidCell> = band
        .cells
        .iter()
        .map(|c| {
            let width = (c.x1 - c.x0 - 2.0 * c.pad_x).max(1.0);
            let lines = c
                .paras
                .iter()
                .flat_map(|p| {
                    wrap(p, width)
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| LaidLine {
                            line,
                            size: p.size,
                            align: p.align,
                            line_h: p.line_height(),
                            gap_before: if i == 0 { p.space_before } else { 0.0 },
                        })
                })
                .collect();
            LaidCell {
                x0: c.x0,
                x1: c.x1,
                lines,
                valign: c.valign,
                fill: c.fill,
                borders: c.borders,
                pad_x: c.pad_x,
                pad_y: c.pad_y,
            }
        })
        .collect();
    let height = cells
        .iter()
        .map(LaidCell::content_h)
        .fold(band.min_h, f32::max);
    LaidBand { cells, height }
}

/// The height a band will take, mm.
pub(crate) fn height(band: &Band) -> f32 {
    lay_out(band).height
}

/// Splits a band between lines so that the first part is at most `avail` mm
/// tall; `None` when not even one line of any cell fits.
fn split(band: &LaidBand, avail: f32) -> Option<(LaidBand, LaidBand)> {
    let mut first = Vec::new();
    let mut rest = Vec::new();
    let mut any = false;
    for c in &band.cells {
        let mut used = 2.0 * c.pad_y;
        let mut n = 0;
        while n < c.lines.len() && used + c.lines[n].height() <= avail {
            used += c.lines[n].height();
            n += 1;
        }
        any |= n > 0;
        let mut head = c.clone();
        head.lines.truncate(n);
        head.valign = VAlign::Top;
        let mut tail = c.clone();
        tail.lines.drain(..n);
        tail.valign = VAlign::Top;
        if let Some(l) = tail.lines.first_mut() {
            l.gap_before = 0.0;
        }
        first.push(head);
        rest.push(tail);
    }
    if !any {
        return None;
    }
    let rest_h = rest.iter().map(LaidCell::content_h).fold(0.0, f32::max);
    Some((
        LaidBand {
            cells: first,
            height: avail,
        },
        LaidBand {
            cells: rest,
            height: rest_h,
        },
    ))
}

/// Draws a laid band with its top at `y`.
fn draw(canvas: &mut Canvas, band: &LaidBand, y: f32) {
    let h = band.height;
    for c in &band.cells {
        if let Some(level) = c.fill {
            canvas.fill(MARGIN_X + c.x0, y, c.x1 - c.x0, h, level);
        }
    }
    for c in &band.cells {
        let content = c.content_h();
        let mut top = match c.valign {
            VAlign::Top => y + c.pad_y,
            VAlign::Middle => y + (h - content) / 2.0 + c.pad_y,
            VAlign::Bottom => y + h - content + c.pad_y,
        };
        let (left, right) = (MARGIN_X + c.x0 + c.pad_x, MARGIN_X + c.x1 - c.pad_x);
        for l in &c.lines {
            top += l.gap_before;
            let x = match l.align {
                Align::Left => left,
                Align::Center => (left + right - l.line.width) / 2.0,
                Align::Right => right - l.line.width,
            };
            canvas.text_line(&l.line, x, top, l.size, l.line_h);
            top += l.line_h;
        }
    }
    // Horizontal rules of neighbouring cells are joined into one stroke.
    let mut rules: Vec<(f32, f32, f32)> = Vec::new();
    for c in &band.cells {
        let (x0, x1) = (MARGIN_X + c.x0, MARGIN_X + c.x1);
        let b = c.borders;
        if b.top {
            rules.push((y, x0, x1));
        }
        if b.bottom {
            rules.push((y + h, x0, x1));
        }
        if b.left {
            canvas.line(x0, y, x0, y + h, RULE_PT);
        }
        if b.right {
            canvas.line(x1, y, x1, y + h, RULE_PT);
        }
    }
    rules.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut joined: Vec<(f32, f32, f32)> = Vec::new();
    for r in rules {
        match joined.last_mut() {
            Some(last) if last.0 == r.0 && (r.1 - last.2).abs() < 1e-3 => last.2 = last.2.max(r.2),
            _ => joined.push(r),
        }
    }
    for (y, x0, x1) in joined {
        canvas.line(x0, y, x1, y, RULE_PT);
    }
}

/// Whether a band is part of a ruled table (any cell with a side rule).
fn ruled(band: &LaidBand) -> bool {
    band.cells.iter().any(|c| c.borders.left || c.borders.right)
}

/// Stacks bands down pages.
pub(crate) struct Flow {
    pages: Vec<Canvas>,
    page: Canvas,
    y: f32,
    /// Bands repeated at the top of every new page (the table's column heads).
    header: Vec<LaidBand>,
    /// Drawn at the top of every page after the first (「……（续）」).
    continuation: Option<LaidBand>,
    /// The last band drawn on this page, to close an open table at a break.
    last: Option<(LaidBand, f32)>,
    /// Nothing drawn yet on this page below the continuation title.
    fresh: bool,
}

impl Flow {
    /// An empty first page.
    pub fn new() -> Flow {
        Flow {
            pages: Vec::new(),
            page: Canvas::default(),
            y: MARGIN_TOP,
            header: Vec::new(),
            continuation: None,
            last: None,
            fresh: true,
        }
    }

    /// Sets the band drawn at the top of every following page.
    pub fn set_continuation(&mut self, band: &Band) {
        self.continuation = Some(lay_out(band));
    }

    /// Vertical room, mm.
    pub fn space(&mut self, mm: f32) {
        if !self.fresh {
            self.y = (self.y + mm).min(CONTENT_BOTTOM);
        }
    }

    /// Starts a new page unless `h` mm still fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > CONTENT_BOTTOM + 1e-3 && !self.fresh {
            self.new_page();
        }
    }

    /// Places one band, on the next page if it does not fit here, split
    /// between lines if it does not fit on any page.
    pub fn place(&mut self, band: &Band) {
        let laid = lay_out(band);
        self.place_laid(laid);
    }

    /// Places bands that belong together (a host row and its backup line) on
    /// one page when they fit on one.
    pub fn place_group(&mut self, bands: &[Band]) {
        let laid: Vec<LaidBand> = bands.iter().map(lay_out).collect();
        let total: f32 = laid.iter().map(LaidBand::height).sum();
        if self.y + total > CONTENT_BOTTOM + 1e-3 && total <= self.capacity() {
            self.new_page();
        }
        for band in laid {
            self.place_laid(band);
        }
    }

    /// Places the column heads and repeats them on every following page until
    /// [`Flow::end_header`]. `follow` is the height of what must come with
    /// them (the first row), so heads never end a page alone.
    pub fn start_header(&mut self, bands: &[Band], follow: f32) {
        let laid: Vec<LaidBand> = bands.iter().map(lay_out).collect();
        let h: f32 = laid.iter().map(LaidBand::height).sum();
        self.ensure(h + follow.min(self.capacity() - h).max(0.0));
        for band in &laid {
            self.place_laid(band.clone());
        }
        self.header = laid;
    }

    /// Stops repeating the column heads.
    pub fn end_header(&mut self) {
        self.header.clear();
    }

    /// The pages, the last one included.
    pub fn finish(mut self) -> Vec<Canvas> {
        self.pages.push(std::mem::take(&mut self.page));
        self.pages
    }

    /// Height a band may have on a fresh page.
    fn capacity(&self) -> f32 {
        let cont = self.continuation.as_ref().map_or(0.0, |c| c.height + 2.0);
        let head: f32 = self.header.iter().map(LaidBand::height).sum();
        CONTENT_BOTTOM - MARGIN_TOP - cont - head
    }

    fn place_laid(&mut self, mut band: LaidBand) {
        loop {
            let room = CONTENT_BOTTOM - self.y;
            if band.height <= room + 1e-3 {
                self.draw_band(band);
                return;
            }
            if band.height <= self.capacity() + 1e-3 && !self.fresh {
                self.new_page();
                continue;
            }
            // Too tall for any page: split between lines.
            match split(&band, room) {
                Some((head, tail)) => {
                    self.draw_band(head);
                    band = tail;
                    self.new_page();
                }
                None if !self.fresh => self.new_page(),
                None => {
                    // Not even one line fits on an empty page: cannot happen
                    // with the forms' sizes; draw rather than loop.
                    self.draw_band(band);
                    return;
                }
            }
        }
    }

    fn draw_band(&mut self, band: LaidBand) {
        if self.fresh && ruled(&band) {
            // A table continued from the previous page: close its top edge
            // even where the row itself has no top rule (merged cells).
            for c in band.cells.iter().filter(|c| !c.borders.top) {
                self.page
                    .line(MARGIN_X + c.x0, self.y, MARGIN_X + c.x1, self.y, RULE_PT);
            }
        }
        draw(&mut self.page, &band, self.y);
        self.y += band.height;
        self.fresh = false;
        self.last = Some((band, self.y));
    }

    fn new_page(&mut self) {
        if let Some((band, bottom)) = self.last.take() {
            if ruled(&band) {
                for c in band.cells.iter().filter(|c| !c.borders.bottom) {
                    self.page
                        .line(MARGIN_X + c.x0, bottom, MARGIN_X + c.x1, bottom, RULE_PT);
                }
            }
        }
        self.pages.push(std::mem::take(&mut self.page));
        self.y = MARGIN_TOP;
        if let Some(cont) = self.continuation.clone() {
            draw(&mut self.page, &cont, self.y);
            self.y += cont.height + 2.0;
        }
        self.fresh = true;
        for band in self.header.clone() {
            self.draw_band(band);
        }
        self.fresh = self.header.is_empty();
    }
}
