//! The structural pass: checks a document's JSON against the schema generated
//! from the types, before it is turned into those types.
//!
//! It reports what the typed model cannot hold — an unknown member
//! (`unknown_field`), a value outside a fixed set (`enum_value`), a value of the
//! wrong JSON type (`type_mismatch`) — and removes the offending value, so that
//! deserializing the cleaned value into the types always succeeds and every
//! other rule still runs. A removed subtree's path is returned too, so that
//! later rules do not report the same field again as missing.

use serde_json::{Map, Value};

use crate::document::FormKind;
use crate::rules::{Code, Finding};
use crate::schema::{form_schema, resolve, title_of};
use crate::text::printable;

/// What the structural pass found and cleaned.
#[derive(Debug, Default)]
pub struct Structure {
    /// Findings, in document order.
    pub findings: Vec<Finding>,
    /// Paths whose values were removed or replaced: later findings at or under
    /// them are redundant.
    pub removed: Vec<String>,
}

/// Checks and cleans `doc` (a document object of `form`) in place.
pub fn check(form: FormKind, doc: &mut Map<String, Value>) -> Structure {
    let root = form_schema(form);
    let mut walker = Walker {
        root,
        out: Structure::default(),
    };
    let mut path = String::new();
    // `form` is the envelope's tag, checked before this pass.
    let form_value = doc.remove("form");
    walker.object(doc, root, &mut path, "");
    if let Some(v) = form_value {
        doc.insert("form".into(), v);
    }
    walker.out
}

struct Walker<'s> {
    root: &'s Value,
    out: Structure,
}

/// What to do with a value after checking it.
enum Verdict {
    Keep,
    /// Remove it (or, inside an array of objects, replace it with `{}`).
    Drop,
}

impl<'s> Walker<'s> {
    fn finding(&mut self, code: Code, path: &str, message: String) {
        self.out.findings.push(Finding::error(code, path, message));
    }

    /// Checks one value against `schema`; `label` names it in messages.
    fn value(
        &mut self,
        v: &mut Value,
        schema: &'s Value,
        path: &mut String,
        label: &str,
    ) -> Verdict {
        let schema = resolve(self.root, schema);
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            return self.choice(v, branches, path, label);
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            let choices: Vec<(Value, Option<&str>)> =
                allowed.iter().map(|a| (a.clone(), None)).collect();
            return self.enumerated(v, &choices, path, label);
        }
        if let Some(expected) = schema.get("const") {
            return self.enumerated(v, &[(expected.clone(), None)], path, label);
        }
        let types = json_types(schema);
        if types.is_empty() {
            return Verdict::Keep; // an unconstrained schema
        }
        let ok = match v {
            Value::Null => types.contains(&"null"),
            Value::Bool(_) => types.contains(&"boolean"),
            Value::Number(n) => {
                types.contains(&"number") || (types.contains(&"integer") && n.as_i64().is_some())
            }
            Value::String(_) => types.contains(&"string"),
            Value::Array(_) => types.contains(&"array"),
            Value::Object(_) => types.contains(&"object"),
        };
        if !ok {
            let message = format!(
                "{label}应为{}，实际为{}，请改正",
                type_words(&types),
                describe(v)
            );
            self.finding(Code::TypeMismatch, path, message);
            return Verdict::Drop;
        }
        match v {
            Value::Object(map) => self.object(map, schema, path, label),
            Value::Array(items) => self.array(items, schema, path, label),
            _ => {}
        }
        Verdict::Keep
    }

    fn object(
        &mut self,
        map: &mut Map<String, Value>,
        schema: &'s Value,
        path: &mut String,
        label: &str,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            match properties.and_then(|p| p.get(&key)) {
                Some(prop) => {
                    let title = title_of(self.root, prop).unwrap_or(&key);
                    let child_label = if label.is_empty() {
                        title.to_string()
                    } else {
                        format!("{label}的{title}")
                    };
                    let drop = match map.get_mut(&key) {
                        // Null is "not filled in": the rules decide whether that matters.
                        Some(Value::Null) => true,
                        Some(child) => {
                            matches!(self.value(child, prop, path, &child_label), Verdict::Drop)
                        }
                        None => false,
                    };
                    if drop {
                        map.remove(&key);
                        self.out.removed.push(path.clone());
                    }
                }
                None if closed => {
                    let place = if label.is_empty() { "本表" } else { label };
                    let message = format!(
                        "{place}中有未知字段“{}”，表中没有此项，请删除或改为正确的字段名",
                        printable(&key)
                    );
                    self.finding(Code::UnknownField, path, message);
                    map.remove(&key);
                }
                None => {}
            }
            path.truncate(len);
        }
    }

    fn array(&mut self, items: &mut Vec<Value>, schema: &'s Value, path: &mut String, label: &str) {
        let Some(item_schema) = schema.get("items") else {
            return;
        };
        let item_is_object = json_types(resolve(self.root, item_schema)).contains(&"object");
        let mut keep = Vec::with_capacity(items.len());
        for (i, item) in items.iter_mut().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let item_label = format!("{label}第{}行", i + 1);
            let verdict = if item.is_null() {
                Verdict::Drop
            } else {
                self.value(item, item_schema, path, &item_label)
            };
            match verdict {
                Verdict::Keep => keep.push(true),
                // Rows keep their place so later paths still count from the
                // clerk's numbering: a bad row becomes an empty one.
                Verdict::Drop if item_is_object => {
                    *item = Value::Object(Map::new());
                    self.out.removed.push(path.clone());
                    keep.push(true);
                }
                Verdict::Drop => keep.push(false),
            }
            path.truncate(len);
        }
        let mut flags = keep.into_iter();
        items.retain(|_| flags.next().unwrap_or(true));
    }

    /// A value that must be one of `allowed` (each with its printed label, if any).
    fn enumerated(
        &mut self,
        v: &Value,
        allowed: &[(Value, Option<&str>)],
        path: &str,
        label: &str,
    ) -> Verdict {
        if allowed.iter().any(|(a, _)| a == v) {
            return Verdict::Keep;
        }
        let choices: Vec<String> = allowed
            .iter()
            .filter_map(|(a, l)| {
                let key = a.as_str()?;
                Some(l.map_or_else(|| key.to_string(), |l| format!("{key}（{l}）")))
            })
            .collect();
        let message = format!(
            "{label}为{}，不在可选范围内，应为：{}",
            describe(v),
            choices.join("、")
        );
        self.finding(Code::EnumValue, path, message);
        Verdict::Drop
    }

    /// `oneOf`/`anyOf`: an optional value (`[X, null]`), a set of constants
    /// (enum variants with docs), or objects told apart by a constant tag.
    fn choice(
        &mut self,
        v: &mut Value,
        branches: &'s [Value],
        path: &mut String,
        label: &str,
    ) -> Verdict {
        let non_null: Vec<&'s Value> = branches
            .iter()
            .filter(|b| json_types(resolve(self.root, b)) != ["null"])
            .collect();
        if non_null.len() == 1 {
            return self.value(v, non_null[0], path, label);
        }
        let constants: Option<Vec<(Value, Option<&str>)>> = non_null
            .iter()
            .map(|b| {
                let b = resolve(self.root, b);
                let label = b
                    .get("title")
                    .or_else(|| b.get("description"))
                    .and_then(Value::as_str);
                b.get("const").map(|c| (c.clone(), label))
            })
            .collect();
        if let Some(constants) = constants {
            return self.enumerated(v, &constants, path, label);
        }
        let Some(tag) = tag_key(self.root, &non_null) else {
            return Verdict::Keep;
        };
        let Value::Object(map) = v else {
            let message = format!("{label}应为对象，实际为{}，请改正", describe(v));
            self.finding(Code::TypeMismatch, path, message);
            return Verdict::Drop;
        };
        let tag_value = map.get(tag).cloned();
        let branch = non_null.iter().find(|b| {
            resolve(self.root, b).pointer(&format!("/properties/{tag}/const")) == tag_value.as_ref()
        });
        match (branch, tag_value) {
            (Some(b), _) => {
                let schema = resolve(self.root, b);
                self.object(map, schema, path, label);
                Verdict::Keep
            }
            // No choice made yet: the rules report the field as not filled in.
            (None, None | Some(Value::Null)) => Verdict::Drop,
            (None, Some(other)) => {
                let allowed: Vec<(Value, Option<&str>)> = non_null
                    .iter()
                    .filter_map(|b| {
                        let b = resolve(self.root, b);
                        let label = b.get("title").and_then(Value::as_str);
                        b.pointer(&format!("/properties/{tag}/const"))
                            .map(|c| (c.clone(), label))
                    })
                    .collect();
                let len = path.len();
                path.push('.');
                path.push_str(tag);
                self.enumerated(&other, &allowed, path, label);
                path.truncate(len);
                Verdict::Drop
            }
        }
    }
}

/// The property every branch fixes with a `const`: the tag of a tagged enum.
fn tag_key<'a>(root: &'a Value, branches: &[&'a Value]) -> Option<&'a str> {
    let first = resolve(root, branches.first()?)
        .get("properties")?
        .as_object()?;
    first
        .iter()
        .find(|(key, prop)| {
            prop.get("const").is_some()
                && branches.iter().all(|b| {
                    resolve(root, b)
                        .pointer(&format!("/properties/{key}/const"))
                        .is_some()
                })
        })
        .map(|(key, _)| key.as_str())
}

fn json_types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_words(types: &[&str]) -> String {
    let words: Vec<&str> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "string" => "文本",
            "integer" => "整数",
            "number" => "数字",
            "boolean" => "是/否（true/false）",
            "array" => "列表",
            "object" => "对象",
            other => other,
        })
        .collect();
    words.join("或")
}

/// A short Chinese description of a JSON value for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "空值".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) if n.is_f64() => format!("小数 {n}"),
        Value::Number(n) if n.as_i64().is_none() => format!("超出范围的数字 {n}"),
        Value::Number(n) => format!("数字 {n}"),
        Value::String(s) => format!("文本“{}”", printable(s)),
        Value::Array(_) => "列表".into(),
        Value::Object(_) => "对象".into(),
    }
}
