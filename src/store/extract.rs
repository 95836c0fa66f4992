//! The columns a draft is listed and searched by, read from its JSON.
//!
//! Read from the raw JSON rather than the typed document so that a draft with
//! a wrong-typed field is still listed by whatever can be read.

use serde_json::{Map, Value};

use crate::document::FormKind;

/// Listing columns of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Columns {
    pub title: String,
    pub unit_name: String,
    pub system_name: String,
    pub host_names: Vec<String>,
}

/// The longest text kept in a listing column; the document itself is never cut.
const MAX_COLUMN_CHARS: usize = 200;

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().chars().take(MAX_COLUMN_CHARS).collect(),
        _ => String::new(),
    }
}

pub(crate) fn columns(form: FormKind, doc: &Map<String, Value>) -> Columns {
    let applicant = doc.get("applicant").and_then(Value::as_object);
    let field = |name: &str| text(applicant.and_then(|a| a.get(name)));
    let rows = match form {
        FormKind::Change | FormKind::DemandEstimate => doc.get("items"),
        _ => doc.get("hosts"),
    };
    let (unit_name, system_name) = match form {
        FormKind::SecurityPledge => (text(doc.get("unit_name")), String::new()),
        // An estimate has a system per row: the list shows the first one,
        // and a search looks at every row's.
        FormKind::DemandEstimate => (text(doc.get("unit_name")), estimate_systems(rows)),
        _ => (field("unit_name"), field("system_name")),
    };
    let name_key = match form {
        FormKind::Change => "host_name",
        FormKind::DemandEstimate => "system_name",
        _ => "name",
    };
    let host_names = rows
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| text(r.get(name_key)))
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let subject = [&system_name, &unit_name]
        .into_iter()
        .find(|s| !s.is_empty())
        .map_or("（未填写）", |s| s.as_str());
    let title = match (form, doc.get("year").and_then(Value::as_i64)) {
        // 「资源需求预估表：2027年度 韶关市自然资源局」: the year and the
        // filing unit tell one unit's estimates apart.
        (FormKind::DemandEstimate, Some(year)) => format!(
            "{}：{year}年度 {}",
            form.short_name(),
            if unit_name.is_empty() {
                "（未填写）"
            } else {
                &unit_name
            }
        ),
        _ => format!("{}：{subject}", form.short_name()),
    };
    Columns {
        title,
        unit_name,
        system_name,
        host_names,
    }
}

/// 「不动产登记平台等3项」: the first row's system and how many rows.
fn estimate_systems(rows: Option<&Value>) -> String {
    let rows = rows
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let Some(first) = rows
        .iter()
        .map(|r| text(r.get("system_name")))
        .find(|n| !n.is_empty())
    else {
        return String::new();
    };
    if rows.len() > 1 {
        format!("{first}等{}项", rows.len())
    } else {
        first
    }
}
