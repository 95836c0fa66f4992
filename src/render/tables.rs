//! Plain A4 pages of tables: a title, a few lines under it, then each table
//! under its name with its column heads repeated on every page it runs to.
//! The yearly demand summary prints through it (年度需求汇总,
//! `crate::demand::print`); the tables come as text and numbers, so this
//! module knows nothing of what they mean.

use sha2::{Digest, Sha256};

use super::fonts::{Face, Fonts};
use super::forms::{self, TABLE_PT};
use super::layout::{Band, Cell, Flow, CONTENT_W};
use super::line_break::{Align, Field, Ink, MM_PER_PT};
use super::RenderError;

/// Size of the title, pt.
const TITLE_PT: f32 = 16.0;
/// Size of the lines under the title, pt.
const LINE_PT: f32 = 10.0;
/// Side padding of a cell, both sides, mm (as [`Cell::new`] pads).
const CELL_PAD_MM: f32 = 3.2;
/// No column is narrower than this, mm, nor wider than [`WIDEST_MM`] before
/// the columns are scaled to the page.
const NARROWEST_MM: f32 = 12.0;
const WIDEST_MM: f32 = 70.0;

/// One cell: text, or a whole number (printed right-aligned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintedCell {
    /// Text, wrapped in its column.
    Text(String),
    /// A whole number.
    Number(i64),
}

/// One table under its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedTable {
    /// Printed above the table, e.g. 按地区.
    pub name: String,
    /// Column heads.
    pub columns: Vec<String>,
    /// Rows; a row shorter than `columns` leaves the rest blank.
    pub rows: Vec<Vec<PrintedCell>>,
}

/// The pages to print.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TablesPage {
    /// The title, centred on the first page and, with 「（续）」, on the next.
    pub title: String,
    /// Lines under the title (totals, dates, what was left out).
    pub lines: Vec<String>,
    /// The tables, one after another.
    pub tables: Vec<PrintedTable>,
    /// The PDF's creation date, `YYYY-MM-DD` (never the clock, so the same
    /// tables give the same bytes).
    pub date: Option<String>,
}

/// Prints `page` with the bundled faces (system fallbacks as
/// [`super::render`]).
pub fn render_tables(page: &TablesPage) -> Result<Vec<u8>, RenderError> {
    render_tables_with(Fonts::shared(), page)
}

/// Prints `page` with the given fonts.
pub fn render_tables_with(fonts: &Fonts, page: &TablesPage) -> Result<Vec<u8>, RenderError> {
    let ink = Ink::new(fonts)?;
    let mut flow = Flow::new();
    flow.place(&Band::free(
        ink.para(TITLE_PT)
            .face(Face::Heading)
            .align(Align::Center)
            .leading(1.45)
            .text(&page.title)
            .build(),
    ));
    flow.set_continuation(&Band::free(
        ink.para(9.0)
            .align(Align::Center)
            .text(&format!("{}（续）", page.title))
            .build(),
    ));
    for (i, line) in page.lines.iter().enumerate() {
        let field = Field {
            label: page.title.clone(),
            path: format!("lines[{i}]"),
        };
        flow.place(&Band::free(
            ink.para(LINE_PT)
                .leading(1.5)
                .space_before(if i == 0 { 2.0 } else { 0.0 })
                .value(&field, line)
                .build(),
        ));
    }
    for (t, table) in page.tables.iter().enumerate() {
        flow.space(4.0);
        place_table(&mut flow, &ink, t, table);
    }
    let pages = flow.finish();
    let count = pages.len();
    let sheets = pages
        .into_iter()
        .enumerate()
        .map(|(i, canvas)| {
            let mut ops = canvas.into_ops();
            ops.extend(super::footer(&ink, "", None, i + 1, count, false).into_ops());
            ops
        })
        .collect();
    let missing = ink.take_missing();
    if !missing.is_empty() {
        return Err(RenderError::MissingGlyphs(missing));
    }
    let date = page.date.as_deref().and_then(|s| {
        let midnight = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?;
        // Midnight in Beijing.
        Some(midnight.and_utc().timestamp() - 8 * 3600)
    });
    let info = super::pdf::Info {
        title: &page.title,
        subject: &page.title,
        created: date,
        modified: date,
        file_id: content_id(page),
    };
    super::pdf::write(&ink, sheets, false, &info)
}

/// One table: its name in a grey row, the heads (repeated on later pages)
/// and the rows.
fn place_table(flow: &mut Flow, ink: &Ink, t: usize, table: &PrintedTable) {
    let edges = column_edges(ink, table);
    let name = forms::section(ink, &table.name);
    let columns: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let heads = forms::heads_band(ink, &columns, &edges);
    let bands: Vec<Band> = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| row_band(ink, t, r, table, row, &edges))
        .collect();
    let first = bands
        .first()
        .map_or(0.0, super::layout::height)
        .min(forms::KEEP_WITH_HEADS);
    flow.ensure(super::layout::height(&name) + super::layout::height(&heads) + first);
    flow.place(&name);
    flow.start_header(&[heads], first);
    for band in &bands {
        flow.place(band);
    }
    flow.end_header();
}

fn row_band(
    ink: &Ink,
    t: usize,
    r: usize,
    table: &PrintedTable,
    row: &[PrintedCell],
    edges: &[f32],
) -> Band {
    let cells = edges
        .windows(2)
        .enumerate()
        .map(|(c, e)| {
            let field = Field {
                label: format!(
                    "{}·{}",
                    table.name,
                    table.columns.get(c).map_or("", String::as_str)
                ),
                path: format!("tables[{t}].rows[{r}][{c}]"),
            };
            let p = match row.get(c) {
                Some(PrintedCell::Text(s)) => {
                    ink.para(TABLE_PT).leading(1.3).value(&field, s).build()
                }
                Some(PrintedCell::Number(n)) => ink
                    .para(TABLE_PT)
                    .align(Align::Right)
                    .text(&n.to_string())
                    .build(),
                None => ink.para(TABLE_PT).build(),
            };
            Cell::new(e[0], e[1], p)
        })
        .collect();
    Band::new(cells).min_h(7.0)
}

/// Column edges across the content width: each column as wide as its
/// widest head or cell on one line (within bounds), then all scaled to the
/// page.
fn column_edges(ink: &Ink, table: &PrintedTable) -> Vec<f32> {
    let measure = |face: Face, s: &str| -> f32 {
        let em: f32 = s
            .chars()
            .map(|c| ink.advance(face, c).map_or(1.0, |(_, a)| a))
            .sum();
        em * TABLE_PT * MM_PER_PT + CELL_PAD_MM
    };
    let widths: Vec<f32> = (0..table.columns.len())
        .map(|c| {
            let head = measure(Face::Heading, &table.columns[c]);
            let cells = table
                .rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| match cell {
                    PrintedCell::Text(s) => measure(Face::Body, s),
                    PrintedCell::Number(n) => measure(Face::Body, &n.to_string()),
                });
            cells.fold(head, f32::max).clamp(NARROWEST_MM, WIDEST_MM)
        })
        .collect();
    let total: f32 = widths.iter().sum();
    let scale = if total > 0.0 { CONTENT_W / total } else { 1.0 };
    let mut edges = Vec::with_capacity(widths.len() + 1);
    let mut x = 0.0;
    edges.push(x);
    for w in &widths {
        x += w * scale;
        edges.push(x);
    }
    if let Some(last) = edges.last_mut() {
        *last = CONTENT_W;
    }
    edges
}

/// 16 bytes identifying the content, for the PDF's `/ID`.
fn content_id(page: &TablesPage) -> [u8; 16] {
    let digest = Sha256::digest(format!("{page:?}").as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}
