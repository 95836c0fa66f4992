//! JSON Schemas generated from the document types (schemars): printed by
//! `gcforms schema` (with the package's, [`crate::package::combined_schema`]),
//! and read by [`crate::rules::structure`] and [`super::labels`], so the types
//! are the one source of a document's shape and labels.

use std::sync::OnceLock;

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Value};

use super::{
    Application, Cancellation, Change, DemandEstimate, Document, FormKind, SecurityPledge,
};

/// The root schema (with its `$defs`) of one form's document object.
pub fn form_schema(form: FormKind) -> &'static Value {
    static SCHEMAS: OnceLock<[Value; 5]> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        [
            root_for::<Application>(),
            root_for::<SecurityPledge>(),
            root_for::<Change>(),
            root_for::<Cancellation>(),
            root_for::<DemandEstimate>(),
        ]
    });
    &all[FormKind::ALL.iter().position(|f| *f == form).unwrap_or(0)]
}

fn root_for<T: JsonSchema>() -> Value {
    SchemaGenerator::default()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The schema of any of the five documents, told apart by `form`: the root of
/// the schema `gcforms schema` prints.
pub fn documents_schema() -> Value {
    let mut root = SchemaGenerator::default()
        .into_root_schema_for::<Document>()
        .to_value();
    if let Some(obj) = root.as_object_mut() {
        obj.insert("$id".into(), json!("https://gcforms.invalid/schema/v1"));
        obj.insert(
            "title".into(),
            json!("gcforms 文档（附件1–4、资源需求预估表）"),
        );
        obj.insert(
            "description".into(),
            json!(
                "韶关市“数字政府”政务云资源申请、安全责任书、变更、注销四类文档及资源需求预估表，schema_version 1"
            ),
        );
    }
    root
}

/// Follows a local `$ref` (`#/$defs/Name`) within `root`; other schemas are
/// returned as they are.
pub fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    // A chain of refs is at most as long as the number of definitions.
    for _ in 0..64 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/$defs/")
                .and_then(|name| root.get("$defs")?.get(name))
            {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

/// The title of a schema node, looking through a `$ref` when the node has none.
pub fn title_of<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a str> {
    schema
        .get("title")
        .and_then(Value::as_str)
        .or_else(|| resolve(root, schema).get("title").and_then(Value::as_str))
}
