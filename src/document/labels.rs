//! Paper labels of fields, read from the schema titles that the types' doc
//! comments carry (`/// # 单位名称（盖章）`).
//!
//! A label is asked for by form and path pattern: `hosts[].data_disk_gb`,
//! `applicant.unit_name`, `items[].after.vcpu`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::schema::{form_schema, resolve, title_of};
use super::FormKind;

type LabelMap = HashMap<(FormKind, String), String>;

fn all() -> &'static LabelMap {
    static LABELS: OnceLock<LabelMap> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut map = HashMap::new();
        for form in FormKind::ALL {
            let root = form_schema(form);
            collect(form, root, root, String::new(), &mut map, 0);
        }
        map
    })
}

fn collect(
    form: FormKind,
    root: &Value,
    schema: &Value,
    prefix: String,
    map: &mut LabelMap,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let schema = resolve(root, schema);
    let mut branches = vec![schema];
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            branches.extend(list.iter().map(|b| resolve(root, b)));
        }
    }
    for branch in branches {
        if let Some(items) = branch.get("items") {
            collect(form, root, items, format!("{prefix}[]"), map, depth + 1);
        }
        let Some(props) = branch.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (key, prop) in props {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if let Some(title) = title_of(root, prop) {
                map.entry((form, path.clone()))
                    .or_insert_with(|| title.to_string());
            }
            collect(form, root, prop, path, map, depth + 1);
        }
    }
}

/// The paper label of the field at `pattern` in `form`. A pattern the schema
/// does not know is a bug in the caller: debug builds stop, release builds
/// show the pattern itself.
pub fn label(form: FormKind, pattern: &str) -> &'static str {
    match all().get(&(form, pattern.to_string())) {
        Some(l) => l.as_str(),
        None => {
            debug_assert!(false, "no label for {form:?} {pattern}");
            "（未知字段）"
        }
    }
}

/// Every known label, for tests and the UI.
pub fn known(form: FormKind) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = all()
        .iter()
        .filter(|((f, _), _)| *f == form)
        .map(|((_, p), l)| (p.clone(), l.clone()))
        .collect();
    v.sort();
    v
}
