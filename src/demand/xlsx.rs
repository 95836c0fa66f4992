//! The summary as an Excel workbook (rust_xlsxwriter): one sheet per table
//! of [`super::table`], numbers written as numbers, and on 按地区 a native
//! bar chart of the areas for each of 主机, CPU, 内存 and 存储.

use chrono::Datelike;
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use super::table::{tables, Cell, Table, BY_AREA, SUM_COLUMNS};
use super::Summary;
use crate::rules::parse_date;

/// Why the workbook could not be made (in practice: never for our tables).
#[derive(Debug, thiserror::Error)]
#[error("无法生成 Excel 工作簿：{0}（cannot write the workbook）")]
pub struct WorkbookError(#[from] XlsxError);

/// Column of 按地区 where the sums begin (after 地区, 预估表, 需求).
const AREA_SUMS_FROM: u16 = 3;

/// The workbook's bytes.
pub fn to_xlsx(summary: &Summary) -> Result<Vec<u8>, WorkbookError> {
    let mut workbook = Workbook::new();
    let title = match summary.year {
        Some(year) => format!("{year}年度资源需求预估汇总"),
        None => "资源需求预估汇总".to_string(),
    };
    let mut properties = DocProperties::new().set_title(title);
    // The date comes from the estimates, never the clock: the same inputs
    // give the same bytes.
    if let Some(day) = summary.last_submitted.as_deref().and_then(parse_date) {
        let date = ExcelDateTime::from_ymd(
            u16::try_from(day.year()).unwrap_or(2000),
            u8::try_from(day.month()).unwrap_or(1),
            u8::try_from(day.day()).unwrap_or(1),
        )?;
        properties = properties.set_creation_datetime(&date);
    }
    workbook.set_properties(&properties);
    let head = Format::new().set_bold();
    for table in tables(summary) {
        let sheet = workbook.add_worksheet();
        write_table(sheet, &table, &head)?;
        if table.name == BY_AREA {
            add_area_charts(sheet, summary, &table)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_table(sheet: &mut Worksheet, table: &Table, head: &Format) -> Result<(), XlsxError> {
    sheet.set_name(table.name)?;
    for (col, name) in (0u16..).zip(&table.columns) {
        sheet.write_string_with_format(0, col, *name, head)?;
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                // Exact: the sums are far below 2^53.
                Cell::Number(n) => sheet.write_number(row, col, *n as f64)?,
                Cell::Text(t) => sheet.write_string(row, col, t)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    Ok(())
}

/// One bar chart per sum over the area rows (the 合计 row left out), to the
/// right of the table.
fn add_area_charts(
    sheet: &mut Worksheet,
    summary: &Summary,
    table: &Table,
) -> Result<(), XlsxError> {
    let last_area = u32::try_from(summary.by_area.len()).unwrap_or(1).max(1);
    let right_of_table = u16::try_from(table.columns.len()).unwrap_or(7) + 1;
    let year = summary.year.map(|y| format!("{y}年度")).unwrap_or_default();
    for (i, name) in SUM_COLUMNS.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(0);
        let col = AREA_SUMS_FROM + i;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name(*name)
            .set_categories((BY_AREA, 1, 0, last_area, 0))
            .set_values((BY_AREA, 1, col, last_area, col));
        chart
            .title()
            .set_name(&format!("{year}各地区资源需求：{name}"));
        chart.legend().set_hidden();
        // Areas top to bottom in the table's order.
        chart.y_axis().set_reverse();
        chart.set_width(480).set_height(360);
        let row = u32::from(i) * 19;
        sheet.insert_chart(row, right_of_table, &chart)?;
    }
    Ok(())
}
