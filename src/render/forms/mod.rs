//! The four forms' layouts, and the pieces they share: the title, section
//! header rows, the 资源使用单位信息 and 维护单位/部门信息 blocks, 备注, the three
//! review boxes and the 注 line. 附件3 and 附件4 are not printed in the source;
//! they reuse 附件1's blocks so a reviewer reads them the same way.

pub(super) mod application;
pub(super) mod cancellation;
pub(super) mod change;
pub(super) mod demand;
pub(super) mod pledge;

use crate::document::{Applicant, FormKind, Maintainer, MaintainerNature};
use crate::policy::Policy;
use crate::rules::Sums;

use super::fonts::Face;
use super::layout::{Band, Cell, Flow, VAlign, CONTENT_W};
use super::line_break::{Align, Field, Ink, Para};
use super::ReviewBox;

/// Size of the title, pt (二号 is 22 pt; 18 pt keeps long titles on one line).
const TITLE_PT: f32 = 18.0;
/// Size of labels and values in the blocks, pt.
pub(super) const BODY_PT: f32 = 10.0;
/// Size of the host tables, pt.
pub(super) const TABLE_PT: f32 = 9.0;
/// Grey of section header rows.
const SECTION_FILL: f32 = 0.9;

/// Column edges of the label/value blocks: three label–value pairs.
pub(super) const GRID: [f32; 7] = [0.0, 22.0, 66.0, 91.0, 118.0, 138.0, CONTENT_W];

/// How much of a table's first row must fit under its column heads for the
/// heads to stay on the page (a row taller than a page is split anyway).
pub(super) const KEEP_WITH_HEADS: f32 = 30.0;

/// Width of the label column of the review boxes.
const REVIEW_LABEL_W: f32 = 32.0;

/// A field of `form` at the JSON `path`, named by its paper label (`pattern`
/// is the path with indices removed, as [`crate::document::labels`] knows it).
pub(super) fn field(form: FormKind, pattern: &str, path: impl Into<String>) -> Field {
    Field {
        label: crate::document::labels::label(form, pattern).to_string(),
        path: path.into(),
    }
}

/// A field whose path is its pattern (no array index).
pub(super) fn top_field(form: FormKind, path: &str) -> Field {
    field(form, path, path)
}

/// The attachment number (none for the demand estimate, which is no
/// attachment of the measures), the title, and the continuation title of
/// later pages.
pub(super) fn title(flow: &mut Flow, ink: &Ink, form: FormKind, lines: &[&str]) {
    if let Some((number, _)) = form.short_name().split_once(' ') {
        flow.place(&Band::free(
            ink.para(14.0).face(Face::Heading).text(number).build(),
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        let p = ink
            .para(TITLE_PT)
            .face(Face::Heading)
            .align(Align::Center)
            .leading(1.45)
            .space_before(if i == 0 { 2.0 } else { 0.0 })
            .text(line)
            .build();
        flow.place(&Band::free(p));
    }
    flow.space(4.0);
    let cont = ink
        .para(9.0)
        .align(Align::Center)
        .text(&format!("{}（续）", form.title()))
        .build();
    flow.set_continuation(&Band::free(cont));
}

/// A label in a block: centred.
pub(super) fn label(ink: &Ink, text: &str) -> Para {
    ink.para(BODY_PT)
        .align(Align::Center)
        .leading(1.3)
        .text(text)
        .build()
}

/// A value in a block, from `field`; blank when absent.
pub(super) fn value(ink: &Ink, field: &Field, text: Option<&str>) -> Para {
    ink.para(BODY_PT)
        .leading(1.3)
        .opt_value(field, text)
        .build()
}

/// A full-width section header row, e.g. 资源使用单位信息.
pub(super) fn section(ink: &Ink, text: &str) -> Band {
    let p = ink
        .para(10.5)
        .face(Face::Heading)
        .align(Align::Center)
        .text(text)
        .build();
    Band::new(vec![Cell::new(0.0, CONTENT_W, p).fill(SECTION_FILL)]).min_h(7.5)
}

/// A row of label–value pairs on [`GRID`]: `(label, value, last column edge index)`.
pub(super) fn pairs(cells: Vec<(Para, Para, usize)>) -> Band {
    let mut out = Vec::new();
    let mut at = 0;
    for (l, v, end) in cells {
        out.push(Cell::new(GRID[at], GRID[at + 1], l));
        out.push(Cell::new(GRID[at + 1], GRID[end], v));
        at = end;
    }
    Band::new(out).min_h(7.5)
}

/// A row of label–value cells at free edges: `(x0, x1, paragraph)`.
pub(super) fn row(cells: Vec<(f32, f32, Para)>) -> Band {
    Band::new(
        cells
            .into_iter()
            .map(|(x0, x1, p)| Cell::new(x0, x1, p))
            .collect(),
    )
    .min_h(7.5)
}

/// 原申请编号 (an id up to a UUID long) and a dated field beside it, as in
/// 附件3 and 附件4.
pub(super) fn reference_row(
    ink: &Ink,
    form: FormKind,
    id: Option<&str>,
    date_label: &str,
    date_key: &str,
    date: Option<&str>,
) -> Band {
    row(vec![
        (GRID[0], GRID[1], label(ink, "原申请编号")),
        (
            GRID[1],
            100.0,
            value(ink, &top_field(form, "original_application_id"), id),
        ),
        (100.0, 126.0, label(ink, date_label)),
        (
            126.0,
            CONTENT_W,
            value(ink, &top_field(form, date_key), date),
        ),
    ])
}

/// A row of column heads in the heading face, one per pair of neighbouring
/// `cols` edges (附件3, 附件4).
pub(super) fn heads_band(ink: &Ink, heads: &[&str], cols: &[f32]) -> Band {
    let cells = heads
        .iter()
        .zip(cols.windows(2))
        .map(|(h, edge)| {
            let p = ink
                .para(TABLE_PT)
                .face(Face::Heading)
                .align(Align::Center)
                .text(h)
                .build();
            Cell::new(edge[0], edge[1], p)
        })
        .collect();
    Band::new(cells).min_h(8.0)
}

/// What heads 附件3 and 附件4 below their title and unit blocks: the request
/// section with 原申请编号, a dated field beside it, and the reason.
pub(super) struct RequestHead<'a> {
    pub applicant: Option<&'a Applicant>,
    pub maintainer: Option<&'a Maintainer>,
    /// The section header, e.g. 变更申请信息.
    pub section: &'a str,
    pub original_id: Option<&'a str>,
    pub date_label: &'a str,
    pub date_key: &'a str,
    pub date: Option<&'a str>,
    /// 变更原因 or 注销原因; the value is the document's `reason`.
    pub reason_label: &'a str,
    pub reason: Option<&'a str>,
}

/// Title, unit and maintainer blocks, and the request section of 附件3/附件4.
pub(super) fn request_head(
    flow: &mut Flow,
    ink: &Ink,
    form: FormKind,
    policy: &Policy,
    h: RequestHead,
) {
    title(flow, ink, form, &[form.title()]);
    applicant(flow, ink, form, policy, h.applicant);
    maintainer(flow, ink, form, h.maintainer);
    flow.place(&section(ink, h.section));
    flow.place(&reference_row(
        ink,
        form,
        h.original_id,
        h.date_label,
        h.date_key,
        h.date,
    ));
    let reason = value(ink, &top_field(form, "reason"), h.reason);
    flow.place(&wide_row(
        label(ink, h.reason_label),
        GRID[1],
        vec![reason],
        12.0,
    ));
}

/// The 资源使用单位信息 block. `term_required` is false for 附件3/附件4, whose
/// term is optional; the row is printed either way.
pub(super) fn applicant(
    flow: &mut Flow,
    ink: &Ink,
    form: FormKind,
    policy: &Policy,
    a: Option<&Applicant>,
) {
    let empty = Applicant::default();
    let a = a.unwrap_or(&empty);
    let f = |name: &str| top_field(form, &format!("applicant.{name}"));
    let l = |t: &str| label(ink, t);
    let v = |name: &str, s: &Option<String>| value(ink, &f(name), s.as_deref());
    flow.place(&section(ink, "资源使用单位信息"));
    flow.place(
        &pairs(vec![
            (l("单位名称（盖章）"), v("unit_name", &a.unit_name), 2),
            (l("单位联系人"), v("contact_name", &a.contact_name), 4),
            (l("联系电话"), v("contact_phone", &a.contact_phone), 6),
        ])
        // Room for the unit's stamp over its name.
        .min_h(12.0),
    );
    let term = {
        let mut b = ink.para(BODY_PT).leading(1.3);
        b = b.opt_value(&f("term_start"), a.term_start.as_deref());
        if a.term_start.is_some() || a.term_end.is_some() {
            b = b.text(" 至 ");
        }
        b.opt_value(&f("term_end"), a.term_end.as_deref()).build()
    };
    flow.place(&pairs(vec![
        (l("E-mail"), v("email", &a.email), 2),
        (l("申请日期"), v("application_date", &a.application_date), 4),
        (l("申请期限"), term, 6),
    ]));
    flow.place(&pairs(vec![
        (l("系统名称"), v("system_name", &a.system_name), 2),
        (l("项目名称"), v("project_name", &a.project_name), 6),
    ]));
    let jurisdiction = a
        .jurisdiction
        .as_deref()
        .map(|k| policy.jurisdiction_label(k).unwrap_or(k));
    flow.place(&pairs(vec![
        (l("主管部门"), v("supervisor_unit", &a.supervisor_unit), 2),
        (
            l("所属地区"),
            value(ink, &f("jurisdiction"), jurisdiction),
            6,
        ),
    ]));
}

/// The 维护单位/部门信息 block, with the three 维护单位性质 boxes.
pub(super) fn maintainer(flow: &mut Flow, ink: &Ink, form: FormKind, m: Option<&Maintainer>) {
    let empty = Maintainer::default();
    let m = m.unwrap_or(&empty);
    let f = |name: &str| top_field(form, &format!("maintainer.{name}"));
    let l = |t: &str| label(ink, t);
    let v = |name: &str, s: &Option<String>| value(ink, &f(name), s.as_deref());
    flow.place(&section(ink, "维护单位/部门信息"));
    let mut boxes = ink.para(BODY_PT).leading(1.3);
    for (i, nature) in MaintainerNature::ALL.into_iter().enumerate() {
        if i > 0 {
            boxes = boxes.gap(0.8);
        }
        boxes = boxes.check(m.nature == Some(nature), nature.label());
    }
    // The three boxes need more room than a value column: the name gives some.
    flow.place(
        &Band::new(vec![
            Cell::new(GRID[0], GRID[1], l("维护单位")),
            Cell::new(GRID[1], GRID[2] - 6.0, v("unit_name", &m.unit_name)),
            Cell::new(GRID[2] - 6.0, GRID[3] - 6.0, l("维护单位性质")),
            Cell::new(GRID[3] - 6.0, GRID[6], boxes.build()),
        ])
        .min_h(7.5),
    );
    flow.place(&pairs(vec![
        (l("维护负责人"), v("lead_name", &m.lead_name), 2),
        (l("联系电话"), v("phone", &m.phone), 4),
        (l("E-mail"), v("email", &m.email), 6),
    ]));
}

/// 「主机__台，CPU__核，内存__G，存储__G。」 with the derived numbers.
pub(super) fn totals_para(ink: &Ink, size: f32, prefix: &str, sums: &Sums) -> Para {
    let parts = [
        ("主机", sums.hosts, "台，"),
        ("CPU", sums.vcpu, "核，"),
        ("内存", sums.memory_gb, "G，"),
        ("存储", sums.storage_gb, "G。"),
    ];
    let mut b = ink.para(size).leading(1.5).text(prefix);
    for (name, n, unit) in parts {
        b = b.group(|b| b.text(name).blank_text(&n.to_string(), 4.0).text(unit));
    }
    b.build()
}

/// A row with a label cell from 0 to `split` and one wide cell after it.
pub(super) fn wide_row(label_para: Para, split: f32, content: Vec<Para>, min_h: f32) -> Band {
    Band::new(vec![
        Cell::new(0.0, split, label_para),
        Cell::stack(split, CONTENT_W, content),
    ])
    .min_h(min_h)
}

/// The 备注 row of the form.
pub(super) fn remarks(flow: &mut Flow, ink: &Ink, form: FormKind, text: Option<&str>) {
    let v = value(ink, &top_field(form, "remarks"), text);
    flow.place(&wide_row(label(ink, "备注"), GRID[1], vec![v], 12.0));
}

/// The three review boxes: blank (审核人签名 and 日期 for hand-writing), 「—」
/// for a level the route does not pass, or a signed review's decision,
/// opinion, reviewer with the certificate's fingerprint, and date.
pub(super) fn reviews(flow: &mut Flow, ink: &Ink, boxes: &[ReviewBox; 3]) {
    let labels: [&[&str]; 3] = [
        &["主管部门", "审核意见"],
        &["县(市、区)", "政务服务数据", "管理部门", "审核意见"],
        &["韶关市政务服务", "数据管理部门", "审批意见"],
    ];
    let mut bands = Vec::new();
    for (i, (lines, content)) in labels.iter().zip(boxes).enumerate() {
        let mut l = ink.para(BODY_PT).align(Align::Center).leading(1.35);
        for (n, line) in lines.iter().enumerate() {
            if n > 0 {
                l = l.newline();
            }
            l = l.text(line);
        }
        let label_cell = Cell::new(0.0, REVIEW_LABEL_W, l.build());
        let band = match content {
            ReviewBox::Blank => {
                let sign = ink
                    .para(BODY_PT)
                    .align(Align::Right)
                    .group(|b| b.text("审核人签名：").blank(None, 9.0))
                    .gap(2.0)
                    .group(|b| b.text("日期：").blank(None, 8.0))
                    .gap(1.0)
                    .build();
                Band::new(vec![
                    label_cell,
                    Cell::new(REVIEW_LABEL_W, CONTENT_W, sign)
                        .valign(VAlign::Bottom)
                        .pad(1.6, 2.2),
                ])
            }
            ReviewBox::NotOnRoute => Band::new(vec![
                label_cell,
                Cell::new(
                    REVIEW_LABEL_W,
                    CONTENT_W,
                    ink.para(BODY_PT).align(Align::Center).text("—").build(),
                )
                .valign(VAlign::Middle),
            ]),
            ReviewBox::Decided {
                decision,
                opinion,
                unit,
                reviewer,
                fingerprint,
                date,
            } => {
                let at = |name: &str, label: &str| Field {
                    label: label.to_string(),
                    path: format!("reviews[{i}].{name}"),
                };
                let mut paras = vec![ink
                    .para(BODY_PT)
                    .text("结论：")
                    .value(&at("decision", "结论"), decision)
                    .build()];
                if !opinion.trim().is_empty() {
                    paras.push(
                        ink.para(BODY_PT)
                            .leading(1.35)
                            .space_before(1.0)
                            .text("意见：")
                            .value(&at("opinion", "审核意见"), opinion)
                            .build(),
                    );
                }
                paras.push(
                    ink.para(BODY_PT)
                        .align(Align::Right)
                        .space_before(2.0)
                        .group(|b| b.value(&at("unit", "审核单位"), unit))
                        .gap(1.5)
                        .group(|b| {
                            b.text("审核人签名：")
                                .value(&at("reviewer", "审核人"), reviewer)
                        })
                        .gap(1.5)
                        .group(|b| b.text("日期：").value(&at("date", "日期"), date))
                        .newline()
                        .group(|b| {
                            b.text("（数字签名，证书指纹 ")
                                .text(fingerprint)
                                .text("…）")
                        })
                        .build(),
                );
                Band::new(vec![
                    label_cell,
                    Cell::stack(REVIEW_LABEL_W, CONTENT_W, paras).pad(1.6, 2.2),
                ])
            }
        };
        bands.push(band.min_h(25.0));
    }
    // The three boxes are read together: they move to the next page together.
    flow.place_group(&bands);
}

/// The 注 line under the table: copies and holders from the policy.
pub(super) fn note(flow: &mut Flow, ink: &Ink, policy: &Policy, form: FormKind, what: &str) {
    let n = policy.copies_of(form);
    let holders: Vec<&str> = (0..n as usize)
        .filter_map(|i| policy.copy_holder(form, i))
        .collect();
    let text = format!(
        "注：{what}一式{}份，{}各存一份。",
        chinese_count(n),
        holders.join("、")
    );
    flow.place(&Band::free(
        ink.para(9.5).space_before(1.5).text(&text).build(),
    ));
}

/// 一, 两, 三 … as in 一式两份; larger numbers in digits.
pub(super) fn chinese_count(n: u32) -> String {
    const NAMES: [&str; 11] = [
        "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    NAMES
        .get(n as usize)
        .map_or_else(|| n.to_string(), |s| s.to_string())
}

/// A catalog value printed by its policy label; an unknown key (a draft) as is.
pub(super) fn catalog<'a>(label: Option<&'a str>, key: Option<&'a str>) -> Option<&'a str> {
    key.map(|k| label.unwrap_or(k))
}
