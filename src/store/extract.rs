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
    let (unit_name, system_name) = match form {
        FormKind::SecurityPledge => (text(doc.get("unit_name")), String::new()),
        _ => (field("unit_name"), field("system_name")),
    };
    let rows = match form {
        FormKind::Change => doc.get("items"),
        _ => doc.get("hosts"),
    };
    let name_key = if form == FormKind::Change {
        "host_name"
    } else {
        "name"
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
    Columns {
        title: format!("{}：{subject}", form.short_name()),
        unit_name,
        system_name,
        host_names,
    }
}
