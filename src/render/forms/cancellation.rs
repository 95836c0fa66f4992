//! 附件4 资源注销申请表, in the visual language of 附件1: the unit and
//! maintainer blocks, 注销申请信息, 注销资源清单 with 总计, the data
//! disposition and the two confirmations of 第二十二条 as check boxes, 备注,
//! review boxes and the 注 line.

use crate::document::{Cancellation, CancelledHost, DataDisposition, FormKind};
use crate::policy::Policy;
use crate::rules::Sums;

use super::super::layout::{height, Band, Cell, Flow, CONTENT_W};
use super::super::line_break::{Align, Ink};
use super::{field, section, top_field, BODY_PT, GRID, TABLE_PT};
use crate::render::ReviewBox;

const FORM: FormKind = FormKind::Cancellation;

/// Column edges of 注销资源清单.
const COLS: [f32; 7] = [0.0, 48.0, 70.0, 92.0, 114.0, 130.0, CONTENT_W];

/// Lays out the whole form.
pub(crate) fn build(
    flow: &mut Flow,
    ink: &Ink,
    doc: &Cancellation,
    policy: &Policy,
    reviews: &[ReviewBox; 3],
) {
    let head = super::RequestHead {
        applicant: doc.applicant.as_ref(),
        maintainer: doc.maintainer.as_ref(),
        section: "注销申请信息",
        original_id: doc.original_application_id.as_deref(),
        date_label: "系统下线日期",
        date_key: "offline_date",
        date: doc.offline_date.as_deref(),
        reason_label: "注销原因",
        reason: doc.reason.as_deref(),
    };
    super::request_head(flow, ink, FORM, policy, head);
    let l = |t: &str| super::label(ink, t);

    let hosts = doc.hosts();
    let title = section(ink, "注销资源清单");
    let heads = column_heads(ink);
    let first_h = hosts
        .first()
        .map_or(0.0, |h| height(&host_band(ink, 0, h)))
        .min(super::KEEP_WITH_HEADS);
    flow.ensure(height(&title) + height(&heads) + first_h);
    flow.place(&title);
    flow.start_header(&[heads], first_h);
    for (i, h) in hosts.iter().enumerate() {
        flow.place(&host_band(ink, i, h));
    }
    flow.end_header();
    let sums = Sums::of(hosts);
    flow.place(&super::wide_row(
        super::label(ink, "总计"),
        COLS[1],
        vec![super::totals_para(ink, BODY_PT, "", &sums)],
        9.0,
    ));

    flow.place(&section(ink, "数据处置与确认"));
    flow.place(&super::wide_row(
        l("数据处置"),
        GRID[1],
        disposition(ink, doc.data_disposition.as_ref()),
        12.0,
    ));
    let confirm = |checked: bool, name: &str| {
        ink.para(BODY_PT)
            .leading(1.5)
            .check(checked, crate::document::labels::label(FORM, name))
            .build()
    };
    flow.place(&super::wide_row(
        l("确认事项"),
        GRID[1],
        vec![
            confirm(doc.confirm_offline, "confirm_offline"),
            confirm(doc.confirm_data_handled, "confirm_data_handled"),
        ],
        12.0,
    ));
    super::remarks(flow, ink, FORM, doc.remarks.as_deref());
    super::reviews(flow, ink, reviews);
    super::note(flow, ink, policy, FORM, "本表");
}

fn column_heads(ink: &Ink) -> Band {
    let heads = [
        "系统(主机)名称",
        "CPU(核)",
        "内存(GB)",
        "数据盘(GB)",
        "数量",
        "备注",
    ];
    super::heads_band(ink, &heads, &COLS)
}

fn host_band(ink: &Ink, i: usize, h: &CancelledHost) -> Band {
    let f = |name: &str| {
        field(
            FORM,
            &format!("hosts[].{name}"),
            format!("hosts[{i}].{name}"),
        )
    };
    let text = |name: &str, s: Option<&str>, align: Align| {
        ink.para(TABLE_PT)
            .align(align)
            .leading(1.3)
            .opt_value(&f(name), s)
            .build()
    };
    let num =
        |name: &str, n: Option<i64>| text(name, n.map(|n| n.to_string()).as_deref(), Align::Center);
    Band::new(vec![
        Cell::new(
            COLS[0],
            COLS[1],
            text("name", h.name.as_deref(), Align::Left),
        ),
        Cell::new(COLS[1], COLS[2], num("vcpu", h.vcpu)),
        Cell::new(COLS[2], COLS[3], num("memory_gb", h.memory_gb)),
        Cell::new(COLS[3], COLS[4], num("data_disk_gb", h.data_disk_gb)),
        Cell::new(COLS[4], COLS[5], num("quantity", h.quantity)),
        Cell::new(
            COLS[5],
            COLS[6],
            text("remarks", h.remarks.as_deref(), Align::Left),
        ),
    ])
    .min_h(7.0)
}

/// The three choices of 数据处置, the chosen one ticked with its details.
fn disposition(ink: &Ink, d: Option<&DataDisposition>) -> Vec<super::super::line_break::Para> {
    let line = || ink.para(BODY_PT).leading(1.5);
    let f = |name: &str| top_field(FORM, &format!("data_disposition.{name}"));
    let (target, location, keep_until) = match d {
        Some(DataDisposition::Migrated { target }) => (target.as_deref(), None, None),
        Some(DataDisposition::BackedUp {
            location,
            keep_until,
        }) => (None, location.as_deref(), keep_until.as_deref()),
        _ => (None, None, None),
    };
    fn blank(v: Option<&str>) -> &str {
        v.unwrap_or("")
    }
    let target_f = f("target");
    let location_f = f("location");
    let keep_f = f("keep_until");
    vec![
        line()
            .check(
                matches!(d, Some(DataDisposition::Migrated { .. })),
                "已迁移",
            )
            .gap(1.0)
            .text("迁移目标：")
            .blank(Some((&target_f, blank(target))), 16.0)
            .build(),
        line()
            .check(
                matches!(d, Some(DataDisposition::BackedUp { .. })),
                "已备份",
            )
            .gap(1.0)
            .text("备份位置：")
            .blank(Some((&location_f, blank(location))), 16.0)
            .gap(1.0)
            .group(|b| {
                b.text("保存至：")
                    .blank(Some((&keep_f, blank(keep_until))), 7.0)
            })
            .build(),
        line()
            .check(
                matches!(d, Some(DataDisposition::Destroy {})),
                "确认无需保留",
            )
            .build(),
    ]
}
