//! 附件1 资源申请表, after the table of the source: the unit and maintainer
//! blocks, 资源申请信息 with one row per host and its backup line under it,
//! 总计, 备注, the three review boxes and the 注 line.

use crate::document::{Application, Backup, BackupCopy, BackupDataType, FormKind, Host};
use crate::policy::Policy;
use crate::rules::Sums;

use super::super::fonts::Face;
use super::super::layout::{height, Band, Borders, Cell, Flow, CONTENT_W};
use super::super::line_break::{Align, Ink, Para};
use super::{field, section, TABLE_PT};
use crate::render::ReviewBox;

const FORM: FormKind = FormKind::Application;

/// Column edges of 资源申请信息.
const COLS: [f32; 9] = [0.0, 30.0, 50.0, 70.0, 90.0, 114.0, 135.0, 147.0, CONTENT_W];

/// Lays out the whole form.
pub(crate) fn build(
    flow: &mut Flow,
    ink: &Ink,
    doc: &Application,
    policy: &Policy,
    reviews: &[ReviewBox; 3],
) {
    super::title(flow, ink, FORM, &[FORM.title()]);
    super::applicant(flow, ink, FORM, policy, doc.applicant.as_ref());
    super::maintainer(flow, ink, FORM, doc.maintainer.as_ref());

    let hosts = doc.hosts();
    let first = hosts
        .first()
        .map(|h| host_bands(ink, policy, 0, h))
        .unwrap_or_default();
    let first_h = first
        .iter()
        .map(height)
        .sum::<f32>()
        .min(super::KEEP_WITH_HEADS);
    let title = section(ink, "资源申请信息");
    let heads = column_heads(ink, policy);
    // The section row, the column heads and the first host stay together.
    flow.ensure(height(&title) + height(&heads) + first_h);
    flow.place(&title);
    flow.start_header(&[heads], first_h);
    if !first.is_empty() {
        flow.place_group(&first);
    }
    for (i, host) in hosts.iter().enumerate().skip(1) {
        flow.place_group(&host_bands(ink, policy, i, host));
    }
    flow.end_header();

    let sums = Sums::of(hosts);
    let totals = super::totals_para(ink, super::BODY_PT, "", &sums);
    flow.place(&super::wide_row(
        super::label(ink, "总计"),
        COLS[1],
        vec![totals],
        9.0,
    ));
    super::remarks(flow, ink, FORM, doc.remarks.as_deref());
    super::reviews(flow, ink, reviews);
    super::note(flow, ink, policy, FORM, "本表");
}

fn column_heads(ink: &Ink, policy: &Policy) -> Band {
    let disk = format!("数据盘(GB)\n{}GB起", policy.min_data_disk_gb);
    let heads = [
        "系统(主机)名称",
        "服务器类型",
        "网络区域",
        "操作系统",
        "配置需求",
        disk.as_str(),
        "数量",
        "备注",
    ];
    let cells = heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let p = ink
                .para(TABLE_PT)
                .face(Face::Heading)
                .align(Align::Center)
                .leading(1.3)
                .text(h)
                .build();
            Cell::new(COLS[i], COLS[i + 1], p)
        })
        .collect();
    Band::new(cells).min_h(9.0)
}

/// A host's row and its backup line: two bands, the name cell open between
/// them so it reads as one merged cell.
fn host_bands(ink: &Ink, policy: &Policy, i: usize, h: &Host) -> Vec<Band> {
    let f = |name: &str| {
        field(
            FORM,
            &format!("hosts[].{name}"),
            format!("hosts[{i}].{name}"),
        )
    };
    let center = |name: &str, s: Option<&str>| {
        ink.para(TABLE_PT)
            .align(Align::Center)
            .leading(1.3)
            .opt_value(&f(name), s)
            .build()
    };
    let left = |name: &str, s: Option<&str>| {
        ink.para(TABLE_PT)
            .leading(1.3)
            .opt_value(&f(name), s)
            .build()
    };
    let os = match h.os.as_deref() {
        Some(crate::policy::OS_OTHER) => center(
            "os_other",
            Some(
                h.os_other
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or(crate::policy::OS_OTHER_LABEL),
            ),
        ),
        key => center(
            "os",
            super::catalog(key.and_then(|k| policy.os_label(k)), key),
        ),
    };
    let config = {
        let mut b = ink.para(TABLE_PT).align(Align::Center).leading(1.3);
        if let Some(n) = h.vcpu {
            b = b.kept(&format!("{n}核"));
        }
        if h.vcpu.is_some() && h.memory_gb.is_some() {
            b = b.text(" / ");
        }
        if let Some(n) = h.memory_gb {
            b = b.kept(&format!("{n}GB"));
        }
        b.build()
    };
    let num = |n: Option<i64>| n.map(|n| n.to_string());
    let row = vec![
        Cell::new(COLS[0], COLS[1], left("name", h.name.as_deref())).borders(Borders {
            bottom: false,
            ..Borders::ALL
        }),
        Cell::new(
            COLS[1],
            COLS[2],
            center(
                "server_type",
                super::catalog(
                    h.server_type
                        .as_deref()
                        .and_then(|k| policy.server_type_label(k)),
                    h.server_type.as_deref(),
                ),
            ),
        ),
        Cell::new(
            COLS[2],
            COLS[3],
            center(
                "network_zone",
                super::catalog(
                    h.network_zone
                        .as_deref()
                        .and_then(|k| policy.network_zone_label(k)),
                    h.network_zone.as_deref(),
                ),
            ),
        ),
        Cell::new(COLS[3], COLS[4], os),
        Cell::new(COLS[4], COLS[5], config),
        Cell::new(
            COLS[5],
            COLS[6],
            center("data_disk_gb", num(h.data_disk_gb).as_deref()),
        ),
        Cell::new(
            COLS[6],
            COLS[7],
            center("quantity", num(h.quantity).as_deref()),
        ),
        Cell::new(COLS[7], COLS[8], left("remarks", h.remarks.as_deref())),
    ];
    let backup = h.backup.clone().unwrap_or_default();
    let line = vec![
        Cell::new(COLS[0], COLS[1], Para::empty()).borders(Borders {
            top: false,
            ..Borders::ALL
        }),
        Cell::new(COLS[1], COLS[3], required_boxes(ink, &backup)),
        Cell::stack(COLS[3], COLS[8], backup_options(ink, policy, &backup)),
    ];
    vec![Band::new(row).min_h(8.0), Band::new(line)]
}

/// ☐需要备份 ☐不需要备份.
pub(super) fn required_boxes(ink: &Ink, b: &Backup) -> Para {
    ink.para(TABLE_PT)
        .align(Align::Center)
        .leading(1.5)
        .check(b.required == Some(true), "需要备份")
        .gap(1.0)
        .check(b.required == Some(false), "不需要备份")
        .build()
}

/// 备份数据类型, 数据副本 and 数据保存周期, one line each.
pub(super) fn backup_options(ink: &Ink, policy: &Policy, b: &Backup) -> Vec<Para> {
    let line = || ink.para(TABLE_PT).leading(1.45);
    let mut types = line().text("备份数据类型：");
    for (i, t) in BackupDataType::ALL.into_iter().enumerate() {
        types = if i > 0 { types.gap(0.8) } else { types };
        types = types.check(b.data_types.contains(&t), t.label());
    }
    let mut copies = line().text("数据副本：");
    for (i, c) in BackupCopy::ALL.into_iter().enumerate() {
        copies = if i > 0 { copies.gap(0.8) } else { copies };
        copies = copies.check(b.copies.contains(&c), c.label());
    }
    let default = policy.backup.default_retention_months;
    let (is_default, other) = match b.retention_months {
        Some(n) if n == default => (true, None),
        Some(n) => (false, Some(n.to_string())),
        // Absent means the policy's default, which only applies with a backup.
        None => (b.required == Some(true), None),
    };
    let retention = line()
        .text("数据保存周期：")
        .check(is_default, &format!("默认 {default} 个月"))
        .gap(0.8)
        .group(|g| {
            g.check(other.is_some(), "其他保存期限")
                .blank_text(other.as_deref().unwrap_or(""), 3.0)
                .text("月")
        })
        .build();
    vec![types.build(), copies.build(), retention]
}
