//! 附件3 资源变更申请表, in the visual language of 附件1: the unit and
//! maintainer blocks, 变更申请信息, then 变更内容 with one block per host —
//! every attribute in a row with its 变更前 and 变更后 values, changed values
//! shaded — 总计 before and after, 备注, review boxes and the 注 line.

use crate::document::{BackupCopy, BackupDataType, Change, ChangeItem, FormKind, Host};
use crate::policy::Policy;
use crate::rules::Sums;

use super::super::layout::{height, Band, Borders, Cell, Flow, CONTENT_W};
use super::super::line_break::{Align, Field, Ink, Para};
use super::{field, section, TABLE_PT};
use crate::render::ReviewBox;

const FORM: FormKind = FormKind::Change;

/// Column edges of 变更内容: host, type, attribute, before, after.
const COLS: [f32; 6] = [0.0, 28.0, 44.0, 72.0, 123.0, CONTENT_W];

/// Shade of a 变更后 cell whose value differs from 变更前.
const CHANGED_FILL: f32 = 0.9;

/// Lays out the whole form.
pub(crate) fn build(
    flow: &mut Flow,
    ink: &Ink,
    doc: &Change,
    policy: &Policy,
    reviews: &[ReviewBox; 3],
) {
    let head = super::RequestHead {
        applicant: doc.applicant.as_ref(),
        maintainer: doc.maintainer.as_ref(),
        section: "变更申请信息",
        original_id: doc.original_application_id.as_deref(),
        date_label: "期望完成日期",
        date_key: "expected_date",
        date: doc.expected_date.as_deref(),
        reason_label: "变更原因",
        reason: doc.reason.as_deref(),
    };
    super::request_head(flow, ink, FORM, policy, head);

    let items = doc.items();
    let first = items
        .first()
        .map(|it| item_bands(ink, policy, 0, it))
        .unwrap_or_default();
    let first_h = first
        .iter()
        .take(2)
        .map(height)
        .sum::<f32>()
        .min(super::KEEP_WITH_HEADS);
    let title = section(ink, "变更内容");
    let heads = column_heads(ink);
    flow.ensure(height(&title) + height(&heads) + first_h);
    flow.place(&title);
    flow.start_header(&[heads], first_h);
    for (i, item) in items.iter().enumerate() {
        let bands = if i == 0 {
            first.clone()
        } else {
            item_bands(ink, policy, i, item)
        };
        flow.place_group(&bands);
    }
    flow.end_header();

    let before = Sums::of(items.iter().filter_map(|it| it.before.as_ref()));
    let after = Sums::of(items.iter().filter_map(|it| it.after.as_ref()));
    flow.place(&super::wide_row(
        super::label(ink, "总计"),
        COLS[1],
        vec![
            super::totals_para(ink, super::BODY_PT, "变更前：", &before),
            super::totals_para(ink, super::BODY_PT, "变更后：", &after),
        ],
        9.0,
    ));
    super::remarks(flow, ink, FORM, doc.remarks.as_deref());
    super::reviews(flow, ink, reviews);
    super::note(flow, ink, policy, FORM, "本表");
}

fn column_heads(ink: &Ink) -> Band {
    let heads = ["主机名称", "变更类型", "项目", "变更前", "变更后"];
    super::heads_band(ink, &heads, &COLS)
}

/// One row per attribute; the host and type cells stay open downwards so
/// they read as merged over the item's rows.
fn item_bands(ink: &Ink, policy: &Policy, i: usize, item: &ChangeItem) -> Vec<Band> {
    let before = item.before.clone().unwrap_or_default();
    let after = item.after.clone().unwrap_or_default();
    let side = |which: &'static str| {
        move |name: &str| {
            field(
                FORM,
                &format!("items[].{which}.{name}"),
                format!("items[{i}].{which}.{name}"),
            )
        }
    };
    let rows = attribute_rows(ink, policy, &before, side("before"), &after, side("after"));
    let n = rows.len();
    let host = ink
        .para(TABLE_PT)
        .leading(1.3)
        .opt_value(
            &field(FORM, "items[].host_name", format!("items[{i}].host_name")),
            item.host_name.as_deref(),
        )
        .build();
    let kind = ink
        .para(TABLE_PT)
        .align(Align::Center)
        .text(item.change_type.map(|t| t.label()).unwrap_or(""))
        .build();
    rows.into_iter()
        .enumerate()
        .map(|(r, (name, b, a, changed))| {
            let open = Borders {
                top: r == 0,
                bottom: r + 1 == n,
                ..Borders::ALL
            };
            let (h, k) = if r == 0 {
                (host.clone(), kind.clone())
            } else {
                (Para::empty(), Para::empty())
            };
            let mut after_cell = Cell::stack(COLS[4], COLS[5], a);
            if changed {
                after_cell = after_cell.fill(CHANGED_FILL);
            }
            Band::new(vec![
                Cell::new(COLS[0], COLS[1], h).borders(open),
                Cell::new(COLS[1], COLS[2], k).borders(open),
                Cell::new(COLS[2], COLS[3], super::label(ink, name)),
                Cell::stack(COLS[3], COLS[4], b),
                after_cell,
            ])
            .min_h(6.5)
        })
        .collect()
}

type Row = (&'static str, Vec<Para>, Vec<Para>, bool);

/// The attributes of a host row, before and after, and whether each changed.
fn attribute_rows(
    ink: &Ink,
    policy: &Policy,
    b: &Host,
    bf: impl Fn(&str) -> Field,
    a: &Host,
    af: impl Fn(&str) -> Field,
) -> Vec<Row> {
    let cell = |f: Field, s: Option<String>| {
        vec![ink
            .para(TABLE_PT)
            .leading(1.3)
            .opt_value(&f, s.as_deref())
            .build()]
    };
    let server = |h: &Host| {
        super::catalog(
            h.server_type
                .as_deref()
                .and_then(|k| policy.server_type_label(k)),
            h.server_type.as_deref(),
        )
        .map(str::to_string)
    };
    let zone = |h: &Host| {
        super::catalog(
            h.network_zone
                .as_deref()
                .and_then(|k| policy.network_zone_label(k)),
            h.network_zone.as_deref(),
        )
        .map(str::to_string)
    };
    let os = |h: &Host| match h.os.as_deref() {
        Some(crate::policy::OS_OTHER) => Some(
            h.os_other
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| crate::policy::OS_OTHER_LABEL.into()),
        ),
        key => super::catalog(key.and_then(|k| policy.os_label(k)), key).map(str::to_string),
    };
    let os_field = |h: &Host| {
        if h.os.as_deref() == Some(crate::policy::OS_OTHER) {
            "os_other"
        } else {
            "os"
        }
    };
    let num = |n: Option<i64>, unit: &str| n.map(|n| format!("{n}{unit}"));
    let mut rows: Vec<Row> = vec![
        (
            "系统(主机)名称",
            cell(bf("name"), b.name.clone()),
            cell(af("name"), a.name.clone()),
            b.name != a.name,
        ),
        (
            "服务器类型",
            cell(bf("server_type"), server(b)),
            cell(af("server_type"), server(a)),
            b.server_type != a.server_type,
        ),
        (
            "网络区域",
            cell(bf("network_zone"), zone(b)),
            cell(af("network_zone"), zone(a)),
            b.network_zone != a.network_zone,
        ),
        (
            "操作系统",
            cell(bf(os_field(b)), os(b)),
            cell(af(os_field(a)), os(a)),
            (&b.os, &b.os_other) != (&a.os, &a.os_other),
        ),
        (
            "CPU(核)",
            cell(bf("vcpu"), num(b.vcpu, "")),
            cell(af("vcpu"), num(a.vcpu, "")),
            b.vcpu != a.vcpu,
        ),
        (
            "内存(GB)",
            cell(bf("memory_gb"), num(b.memory_gb, "")),
            cell(af("memory_gb"), num(a.memory_gb, "")),
            b.memory_gb != a.memory_gb,
        ),
        (
            "数据盘(GB)",
            cell(bf("data_disk_gb"), num(b.data_disk_gb, "")),
            cell(af("data_disk_gb"), num(a.data_disk_gb, "")),
            b.data_disk_gb != a.data_disk_gb,
        ),
        (
            "数量",
            cell(bf("quantity"), num(b.quantity, "")),
            cell(af("quantity"), num(a.quantity, "")),
            b.quantity != a.quantity,
        ),
        (
            "备份",
            backup(ink, policy, b),
            backup(ink, policy, a),
            b.backup != a.backup,
        ),
    ];
    if b.remarks.is_some() || a.remarks.is_some() {
        rows.push((
            "备注",
            cell(bf("remarks"), b.remarks.clone()),
            cell(af("remarks"), a.remarks.clone()),
            b.remarks != a.remarks,
        ));
    }
    rows
}

/// A host's backup line in words: 需要备份, the chosen types and copies, the period.
fn backup(ink: &Ink, policy: &Policy, h: &Host) -> Vec<Para> {
    let line = |s: &str| ink.para(TABLE_PT).leading(1.3).text(s).build();
    let Some(b) = h.backup.as_ref() else {
        return vec![Para::empty()];
    };
    let mut out = Vec::new();
    match b.required {
        Some(true) => out.push(line("需要备份")),
        Some(false) => out.push(line("不需要备份")),
        None => {}
    }
    let types: Vec<&str> = BackupDataType::ALL
        .into_iter()
        .filter(|t| b.data_types.contains(t))
        .map(BackupDataType::label)
        .collect();
    if !types.is_empty() {
        out.push(line(&format!("备份数据类型：{}", types.join("、"))));
    }
    let copies: Vec<&str> = BackupCopy::ALL
        .into_iter()
        .filter(|c| b.copies.contains(c))
        .map(BackupCopy::label)
        .collect();
    if !copies.is_empty() {
        out.push(line(&format!("数据副本：{}", copies.join("、"))));
    }
    let default = policy.backup.default_retention_months;
    match b.retention_months {
        Some(n) if n != default => out.push(line(&format!("数据保存周期：{n} 个月"))),
        Some(_) => out.push(line(&format!("数据保存周期：默认 {default} 个月"))),
        None if b.required == Some(true) => {
            out.push(line(&format!("数据保存周期：默认 {default} 个月")))
        }
        None => {}
    }
    if out.is_empty() {
        out.push(Para::empty());
    }
    out
}
