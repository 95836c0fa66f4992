//! The summary as tables — 按地区, 按使用单位, 逾期填报, 重复计列 and, when
//! something was left out, 未计入 — for every way it is shown: the CSV
//! ([`to_csv`]), the workbook ([`super::xlsx`]) and the command line's text.

use super::{Duplicate, ItemRef, Summary};
use crate::rules::Sums;

/// Sheet and section names.
pub const BY_AREA: &str = "按地区";
/// 按使用单位.
pub const BY_UNIT: &str = "按使用单位";
/// 逾期填报.
pub const LATE: &str = "逾期填报";
/// 重复计列.
pub const DUPLICATES: &str = "重复计列";
/// 未计入 (only when something was left out).
pub const NOT_COUNTED: &str = "未计入";

/// The label of the last row of 按地区 and 按使用单位.
pub const TOTAL_ROW: &str = "合计";

/// The columns of [`Sums`], as the tables head them.
pub const SUM_COLUMNS: [&str; 4] = ["主机(台)", "CPU(核)", "内存(GB)", "存储(GB)"];

/// One cell: text, or a whole number (written as a number, never as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Number(i64),
}

impl Cell {
    /// The cell as text, as CSV and the command line show it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// One table: its name (the sheet's), column heads and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// 按地区, 按使用单位, …
    pub name: &'static str,
    /// Column heads.
    pub columns: Vec<&'static str>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

fn with_sums(mut cells: Vec<Cell>, sums: &Sums) -> Vec<Cell> {
    cells.extend(sums.parts().map(|(_, _, n)| Cell::Number(n)));
    cells
}

fn heads(first: &[&'static str]) -> Vec<&'static str> {
    first.iter().copied().chain(SUM_COLUMNS).collect()
}

/// Every table of the summary, in sheet order; 未计入 only when something
/// was left out.
pub fn tables(summary: &Summary) -> Vec<Table> {
    let mut by_area: Vec<Vec<Cell>> = summary
        .by_area
        .iter()
        .map(|a| {
            with_sums(
                vec![a.area.as_str().into(), a.estimates.into(), a.items.into()],
                &a.sums,
            )
        })
        .collect();
    by_area.push(with_sums(
        vec![
            TOTAL_ROW.into(),
            summary.estimates.into(),
            summary.items.into(),
        ],
        &summary.total,
    ));

    let mut by_unit: Vec<Vec<Cell>> = summary
        .by_unit
        .iter()
        .map(|u| {
            with_sums(
                vec![
                    u.unit_name.as_str().into(),
                    u.area.as_str().into(),
                    u.items.into(),
                ],
                &u.sums,
            )
        })
        .collect();
    by_unit.push(with_sums(
        vec![TOTAL_ROW.into(), "".into(), summary.items.into()],
        &summary.total,
    ));

    let late = summary
        .late
        .iter()
        .map(|l| {
            vec![
                l.unit_name.as_str().into(),
                l.area.as_str().into(),
                l.file.as_str().into(),
                l.place.as_str().into(),
                l.submit_date.as_str().into(),
                l.due_date.as_str().into(),
                l.days_late.into(),
            ]
        })
        .collect();

    let duplicates = summary.duplicates.iter().map(duplicate_row).collect();

    let mut all = vec![
        Table {
            name: BY_AREA,
            columns: heads(&["地区", "预估表(份)", "需求(项)"]),
            rows: by_area,
        },
        Table {
            name: BY_UNIT,
            columns: heads(&["使用单位", "所属地区", "需求(项)"]),
            rows: by_unit,
        },
        Table {
            name: LATE,
            columns: vec![
                "填报单位",
                "所属地区",
                "文件",
                "位置",
                "填报日期",
                "截止日期",
                "逾期(天)",
            ],
            rows: late,
        },
        Table {
            name: DUPLICATES,
            columns: vec![
                "使用单位",
                "系统名称",
                "计入：文件",
                "计入：位置",
                "计入：填报单位",
                "另见（未计入）",
                "各处数字",
            ],
            rows: duplicates,
        },
    ];
    if !summary.not_counted.is_empty() {
        all.push(Table {
            name: NOT_COUNTED,
            columns: vec!["文件", "位置", "原因"],
            rows: summary
                .not_counted
                .iter()
                .map(|n| {
                    vec![
                        n.file.as_str().into(),
                        n.place.as_str().into(),
                        n.message.as_str().into(),
                    ]
                })
                .collect(),
        });
    }
    all
}

/// 「b.gcpkg.json 第2份文档第3行（韶关市自然资源局）」.
fn where_found(r: &ItemRef) -> String {
    format!("{} {}（{}）", r.file, r.place, r.filing_unit)
}

fn duplicate_row(d: &Duplicate) -> Vec<Cell> {
    let also: Vec<String> = d.also.iter().map(where_found).collect();
    vec![
        d.unit_name.as_str().into(),
        d.system_name.as_str().into(),
        d.counted.file.as_str().into(),
        d.counted.place.as_str().into(),
        d.counted.filing_unit.as_str().into(),
        also.join("；").into(),
        if d.numbers_differ {
            "不一致，按计入处".into()
        } else {
            "一致".into()
        },
    ]
}

/// The tables as CSV: UTF-8 with a byte-order mark (so that Excel opens the
/// Chinese text as UTF-8), each table its name on a line, its heads and
/// rows, a blank line between tables; CRLF line ends.
pub fn to_csv(summary: &Summary) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    for (i, table) in tables(summary).iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::CRLF)
            .from_writer(std::mem::take(&mut out));
        // Writing to memory cannot fail, and every field is valid UTF-8.
        let rows = std::iter::once(vec![table.name.to_string()])
            .chain(std::iter::once(
                table.columns.iter().map(|c| c.to_string()).collect(),
            ))
            .chain(
                table
                    .rows
                    .iter()
                    .map(|r| r.iter().map(Cell::text).collect()),
            );
        for row in rows {
            let _ = w.write_record(&row);
        }
        out = w.into_inner().unwrap_or_default();
    }
    out
}
