//! 附件2 资源使用安全责任书: the fixed text of [`crate::pledge_text`] with the
//! unit's name, its business contact (clause 五), the two signature blocks
//! and, once the document is signed, the certificate fingerprint.

use crate::document::{FormKind, SecurityPledge};
use crate::pledge_text as fixed;

use super::super::layout::{Band, Borders, Cell, Flow, CONTENT_W};
use super::super::line_break::{Field, Ink, Para};
use super::top_field;

const FORM: FormKind = FormKind::SecurityPledge;
/// 小四.
const TEXT_PT: f32 = 12.0;
const LEADING: f32 = 1.5;

/// Lays out the pledge.
pub(crate) fn build(flow: &mut Flow, ink: &Ink, doc: &SecurityPledge, fingerprint: Option<&str>) {
    super::title(flow, ink, FORM, &fixed::TITLE_LINES);
    let unit = top_field(FORM, "unit_name");
    flow.place(&Band::free(
        ink.para(TEXT_PT)
            .leading(LEADING)
            .text("资源使用（责任）单位：")
            .value(&unit, doc.unit_name.as_deref().unwrap_or(""))
            .build(),
    ));
    let para = |text: &str| {
        ink.para(TEXT_PT)
            .leading(LEADING)
            .indent(2.0)
            .text(text)
            .build()
    };
    flow.place(&Band::free(para(fixed::PREAMBLE)));
    for clause in &fixed::CLAUSES {
        flow.place(&Band::free(para(clause.text)));
        for item in clause.items {
            flow.place(&Band::free(para(item)));
        }
        if let Some(after) = clause.after {
            flow.place(&Band::free(para(after)));
        }
    }

    flow.space(3.0);
    let contact = ink
        .para(10.5)
        .leading(1.5)
        .group(|b| {
            b.text("业务联系人（第五条）：").value(
                &top_field(FORM, "contact_name"),
                doc.contact_name.as_deref().unwrap_or(""),
            )
        })
        .gap(2.0)
        .group(|b| {
            b.text("联系电话：").value(
                &top_field(FORM, "contact_phone"),
                doc.contact_phone.as_deref().unwrap_or(""),
            )
        })
        .newline()
        .text("对应资源申请表编号：")
        .value(
            &top_field(FORM, "application_id"),
            doc.application_id.as_deref().unwrap_or(""),
        );
    flow.place(&Band::free(contact.build()));

    flow.space(4.0);
    signatures(flow, ink, doc);

    if let Some(fp) = fingerprint {
        let field = Field {
            label: "单位证书指纹".into(),
            path: "fingerprint".into(),
        };
        flow.place(&Band::free(
            ink.para(9.0)
                .leading(1.4)
                .space_before(2.0)
                .text(fixed::FINGERPRINT_LABEL)
                .value(&field, fp)
                .build(),
        ));
    }
    flow.place(&Band::free(
        ink.para(10.5)
            .leading(1.5)
            .space_before(3.0)
            .text(fixed::NOTE)
            .build(),
    ));
}

/// The two blocks side by side: 主管单位 on the left, the using unit on the
/// right with its name printed where its stamp goes.
fn signatures(flow: &mut Flow, ink: &Ink, doc: &SecurityPledge) {
    let line = |gap: f32| ink.para(TEXT_PT).leading(LEADING).space_before(gap);
    let field = top_field(FORM, "sign_date");
    let date = |raw: Option<&str>| {
        let raw = raw.filter(|s| !s.trim().is_empty());
        let (y, m, day) = match parse_date(raw) {
            Some((y, m, d)) => (y.to_string(), m.to_string(), d.to_string()),
            // A draft's unreadable date is printed as typed, never dropped.
            None if raw.is_some() => {
                return line(2.0)
                    .text(fixed::SIGN_DATE)
                    .value(&field, raw.unwrap_or_default())
                    .build()
            }
            None => (String::new(), String::new(), String::new()),
        };
        line(2.0)
            .text(fixed::SIGN_DATE)
            .blank(Some((&field, &y)), 3.0)
            .text("年")
            .blank(Some((&field, &m)), 2.0)
            .text("月")
            .blank(Some((&field, &day)), 2.0)
            .text("日")
            .build()
    };
    let stamp_room = 20.0;
    let left: Vec<Para> = vec![
        line(0.0).text(fixed::SUPERVISOR_BLOCK[0]).build(),
        line(0.0).text(fixed::SUPERVISOR_BLOCK[1]).build(),
        line(stamp_room)
            .text(fixed::LEADER_SIGNATURE)
            .blank(None, 7.0)
            .build(),
        date(None),
    ];
    let leader = top_field(FORM, "unit_leader");
    let mut sign = line(stamp_room)
        .text(fixed::LEADER_SIGNATURE)
        .blank(None, 5.0);
    if let Some(name) = doc.unit_leader.as_deref().filter(|s| !s.trim().is_empty()) {
        sign = sign.group(|b| b.text("（").value(&leader, name).text("）"));
    }
    let right: Vec<Para> = vec![
        line(0.0).text(fixed::USER_BLOCK[0]).build(),
        line(0.0)
            .text(fixed::USER_BLOCK[1])
            .value(
                &top_field(FORM, "unit_name"),
                doc.unit_name.as_deref().unwrap_or(""),
            )
            .build(),
        sign.build(),
        date(doc.sign_date.as_deref()),
    ];
    let half = CONTENT_W / 2.0;
    flow.place(&Band::new(vec![
        Cell::stack(0.0, half - 6.0, left)
            .borders(Borders::NONE)
            .pad(0.0, 0.0),
        Cell::stack(half + 2.0, CONTENT_W, right)
            .borders(Borders::NONE)
            .pad(0.0, 0.0),
    ]));
}

/// `YYYY-MM-DD` as numbers; anything else (a draft) is left blank.
fn parse_date(s: Option<&str>) -> Option<(i32, u32, u32)> {
    let d = chrono::NaiveDate::parse_from_str(s?, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    Some((d.year(), d.month(), d.day()))
}
