//! 资源需求预估表 (SPEC §7) in the visual language of 附件1: the filing
//! unit's block, 需求明细 with one row per system and the column heads
//! repeated on every page, a 总计 row with the sums in their columns, 备注,
//! the three review boxes of the estimate's route and the 注 line.

use crate::document::{DemandEstimate, DemandItem, FormKind};
use crate::policy::Policy;
use crate::render::ReviewBox;
use crate::rules::Sums;

use super::super::fonts::Face;
use super::super::layout::{height, Band, Cell, Flow, CONTENT_W};
use super::super::line_break::{Align, Ink, Para};
use super::{field, label, pairs, section, top_field, value, TABLE_PT};

const FORM: FormKind = FormKind::DemandEstimate;

/// Column edges of 需求明细: 使用单位, 系统名称, 类型, 主机(台), CPU(核),
/// 内存(GB), 存储(GB), 备注.
const COLS: [f32; 9] = [0.0, 36.0, 74.0, 85.0, 97.0, 110.0, 126.0, 143.0, CONTENT_W];

/// The column heads, one per pair of neighbouring [`COLS`] edges.
const HEADS: [&str; 8] = [
    "使用单位",
    "系统名称",
    "类型",
    "主机(台)",
    "CPU(核)",
    "内存(GB)",
    "存储(GB)",
    "备注",
];

/// Lays out the whole form.
pub(crate) fn build(
    flow: &mut Flow,
    ink: &Ink,
    doc: &DemandEstimate,
    policy: &Policy,
    reviews: &[ReviewBox; 3],
) {
    super::title(flow, ink, FORM, &[FORM.title()]);
    unit_block(flow, ink, doc, policy);

    let items = doc.items();
    let title = section(ink, "需求明细");
    let heads = super::heads_band(ink, &HEADS, &COLS);
    let first_h = items
        .first()
        .map_or(0.0, |item| height(&item_band(ink, doc, 0, item)))
        .min(super::KEEP_WITH_HEADS);
    // The section row, the column heads and the first row stay together.
    flow.ensure(height(&title) + height(&heads) + first_h);
    flow.place(&title);
    flow.start_header(&[heads], first_h);
    for (i, item) in items.iter().enumerate() {
        flow.place(&item_band(ink, doc, i, item));
    }
    flow.end_header();
    let mut sums = Sums::default();
    for item in items {
        sums += Sums::of_demand_item(item);
    }
    flow.place(&totals_band(ink, items.len(), &sums));

    super::remarks(flow, ink, FORM, doc.remarks.as_deref());
    super::reviews(flow, ink, reviews);
    super::note(flow, ink, policy, FORM, "本表");
}

/// 填报单位 (with room for its stamp), 预估年度, 主管单位, 所属地区, 联系人,
/// 联系电话 and 填报日期.
fn unit_block(flow: &mut Flow, ink: &Ink, doc: &DemandEstimate, policy: &Policy) {
    let l = |t: &str| label(ink, t);
    let v = |name: &str, s: Option<&str>| value(ink, &top_field(FORM, name), s);
    let year = doc.year.map(|y| format!("{y} 年度"));
    let jurisdiction = super::catalog(
        doc.jurisdiction
            .as_deref()
            .and_then(|k| policy.jurisdiction_label(k)),
        doc.jurisdiction.as_deref(),
    );
    flow.place(&section(ink, "填报单位信息"));
    flow.place(
        &pairs(vec![
            (
                l("填报单位（盖章）"),
                v("unit_name", doc.unit_name.as_deref()),
                4,
            ),
            (l("预估年度"), v("year", year.as_deref()), 6),
        ])
        // Room for the unit's stamp over its name.
        .min_h(12.0),
    );
    flow.place(&pairs(vec![
        (
            l("主管单位"),
            v("supervisor_unit", doc.supervisor_unit.as_deref()),
            4,
        ),
        (l("所属地区"), v("jurisdiction", jurisdiction), 6),
    ]));
    flow.place(&pairs(vec![
        (
            l("联系人"),
            v("contact_name", doc.contact_name.as_deref()),
            2,
        ),
        (
            l("联系电话"),
            v("contact_phone", doc.contact_phone.as_deref()),
            4,
        ),
        (
            l("填报日期"),
            v("submit_date", doc.submit_date.as_deref()),
            6,
        ),
    ]));
}

/// One system's row. A blank 使用单位 prints the filing unit it stands for.
fn item_band(ink: &Ink, doc: &DemandEstimate, i: usize, item: &DemandItem) -> Band {
    let f = |name: &str| {
        field(
            FORM,
            &format!("items[].{name}"),
            format!("items[{i}].{name}"),
        )
    };
    let text = |field: &super::super::line_break::Field, s: Option<&str>, align: Align| {
        ink.para(TABLE_PT)
            .align(align)
            .leading(1.3)
            .opt_value(field, s)
            .build()
    };
    let own_unit = item.unit_name.as_deref().filter(|s| !s.trim().is_empty());
    let unit = match own_unit {
        Some(name) => text(&f("unit_name"), Some(name), Align::Left),
        None => text(
            &top_field(FORM, "unit_name"),
            doc.unit_name.as_deref(),
            Align::Left,
        ),
    };
    let num = |name: &str, n: Option<i64>| {
        text(&f(name), n.map(|n| n.to_string()).as_deref(), Align::Center)
    };
    Band::new(vec![
        Cell::new(COLS[0], COLS[1], unit),
        Cell::new(
            COLS[1],
            COLS[2],
            text(&f("system_name"), item.system_name.as_deref(), Align::Left),
        ),
        Cell::new(
            COLS[2],
            COLS[3],
            text(&f("kind"), item.kind.map(|k| k.label()), Align::Center),
        ),
        Cell::new(COLS[3], COLS[4], num("hosts", item.hosts)),
        Cell::new(COLS[4], COLS[5], num("vcpu", item.vcpu)),
        Cell::new(COLS[5], COLS[6], num("memory_gb", item.memory_gb)),
        Cell::new(COLS[6], COLS[7], num("storage_gb", item.storage_gb)),
        Cell::new(
            COLS[7],
            COLS[8],
            text(&f("remarks"), item.remarks.as_deref(), Align::Left),
        ),
    ])
    .min_h(7.5)
}

/// 总计 with the number of systems, each sum under its column.
fn totals_band(ink: &Ink, systems: usize, sums: &Sums) -> Band {
    let heading = |s: &str| {
        ink.para(TABLE_PT)
            .face(Face::Heading)
            .align(Align::Center)
            .text(s)
            .build()
    };
    let count = ink
        .para(TABLE_PT)
        .align(Align::Center)
        .text(&format!("共 {systems} 个系统"))
        .build();
    let mut cells = vec![
        Cell::new(COLS[0], COLS[1], heading("总计")),
        Cell::new(COLS[1], COLS[3], count),
    ];
    for (i, (_, _, n)) in sums.parts().into_iter().enumerate() {
        cells.push(Cell::new(COLS[3 + i], COLS[4 + i], heading(&n.to_string())));
    }
    cells.push(Cell::new(COLS[7], COLS[8], Para::empty()));
    Band::new(cells).min_h(8.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_fill_the_width_in_order() {
        assert_eq!(COLS.len(), HEADS.len() + 1);
        assert!(COLS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(COLS[COLS.len() - 1], CONTENT_W);
    }
}
