//! The summary as printed pages (年度需求汇总 · 打印): the same tables as the
//! CSV and the workbook, through the renderer's plain table pages
//! ([`crate::render::render_tables`]), with the year, the counts and the
//! 合计 under the title.

use super::table::{tables, Cell};
use super::Summary;
use crate::render::{render_tables, PrintedCell, PrintedTable, RenderError, TablesPage};

/// The pages [`to_pdf`] prints.
pub fn pages(summary: &Summary) -> TablesPage {
    let year = summary.year.map_or_else(
        || "资源需求预估汇总".to_string(),
        |y| format!("{y}年度资源需求预估汇总"),
    );
    let t = summary.total;
    let mut lines = vec![
        format!(
            "输入 {} 个文件，计入 {} 份预估表、{} 项需求{}",
            summary.files,
            summary.estimates,
            summary.items,
            summary
                .due_date
                .as_deref()
                .map(|d| format!("；报送截止日期 {d}"))
                .unwrap_or_default()
        ),
        format!(
            "合计：主机 {} 台，CPU {} 核，内存 {} GB，存储 {} GB",
            t.hosts, t.vcpu, t.memory_gb, t.storage_gb
        ),
    ];
    if !summary.not_counted.is_empty() {
        lines.push(format!(
            "另有 {} 处未计入，见“未计入”表",
            summary.not_counted.len()
        ));
    }
    TablesPage {
        title: format!("韶关市“数字政府”政务云{year}"),
        lines,
        tables: tables(summary)
            .into_iter()
            .map(|table| PrintedTable {
                name: table.name.to_string(),
                columns: table.columns.iter().map(|c| c.to_string()).collect(),
                rows: table
                    .rows
                    .into_iter()
                    .map(|row| {
                        row.into_iter()
                            .map(|cell| match cell {
                                Cell::Text(s) => PrintedCell::Text(s),
                                Cell::Number(n) => PrintedCell::Number(n),
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect(),
        date: summary.last_submitted.clone(),
    }
}

/// The summary as an A4 PDF.
pub fn to_pdf(summary: &Summary) -> Result<Vec<u8>, RenderError> {
    render_tables(&pages(summary))
}
