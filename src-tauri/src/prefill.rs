//! 附件3 and 附件4 start from the application they change or cancel: the
//! applicant and maintainer blocks, the original number, and the hosts (as
//! the before-values of 附件3, as the list of 附件4).

use gcforms::document::FormKind;
use serde_json::{json, Map, Value};

use crate::ipc::{ErrorCode, IpcError, IpcResult};

/// Fills `target` (a 附件3 or 附件4 document) from `application` (a 附件1
/// document as stored). Fields of `target` that the application does not
/// decide (原因, dates, confirmations) are kept.
pub fn from_application(target: &Value, application: &Value) -> IpcResult<Value> {
    let form = target
        .get("form")
        .and_then(Value::as_str)
        .and_then(FormKind::from_key);
    if application.get("form").and_then(Value::as_str) != Some("application") {
        return Err(IpcError::new(
            ErrorCode::InvalidDocument,
            "所选文档不是附件1 资源申请表，不能作为原申请",
        ));
    }
    let (Some(form @ (FormKind::Change | FormKind::Cancellation)), Value::Object(target)) =
        (form, target)
    else {
        return Err(IpcError::new(
            ErrorCode::InvalidDocument,
            "只有附件3 资源变更申请表和附件4 资源注销申请表可以引用原申请",
        ));
    };
    let mut out: Map<String, Value> = target.clone();
    if let Some(Value::Object(applicant)) = application.get("applicant") {
        let mut a = applicant.clone();
        // The dates belong to the old application, not to this one.
        for key in ["application_date", "term_start", "term_end"] {
            a.remove(key);
        }
        out.insert("applicant".into(), Value::Object(a));
    }
    if let Some(m) = application.get("maintainer") {
        out.insert("maintainer".into(), m.clone());
    }
    if let Some(id) = application.get("id") {
        out.insert("original_application_id".into(), id.clone());
    }
    let hosts = application
        .get("hosts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    match form {
        FormKind::Change => {
            let items: Vec<Value> = hosts
                .into_iter()
                .map(|h| {
                    json!({
                        "host_name": h.get("name").cloned().unwrap_or(Value::Null),
                        "before": h,
                        "after": h,
                    })
                })
                .collect();
            out.insert("items".into(), Value::Array(items));
        }
        _ => {
            let rows: Vec<Value> = hosts
                .into_iter()
                .map(|h| {
                    let mut row = Map::new();
                    for key in ["name", "vcpu", "memory_gb", "data_disk_gb", "quantity"] {
                        if let Some(v) = h.get(key) {
                            row.insert(key.into(), v.clone());
                        }
                    }
                    Value::Object(row)
                })
                .collect();
            out.insert("hosts".into(), Value::Array(rows));
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Value {
        let path = format!("{}/../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn change_gets_before_values_and_stays_valid_in_shape() {
        let app = example("application");
        let target = json!({"form":"change","schema_version":1,"id":"c1","reason":"扩容"});
        let out = from_application(&target, &app).unwrap();
        assert_eq!(out["original_application_id"], app["id"]);
        assert_eq!(out["reason"], "扩容");
        assert_eq!(out["items"][1]["before"], app["hosts"][1]);
        assert!(out["applicant"].get("term_start").is_none());
        let report = gcforms::validate_value(out, gcforms::policy::Policy::default_shaoguan());
        let report = report.unwrap();
        // Only what the clerk must still decide is missing; nothing unknown.
        assert!(report
            .findings
            .iter()
            .all(|f| f.code != gcforms::rules::Code::UnknownField));
    }

    #[test]
    fn cancellation_gets_the_host_list() {
        let app = example("application");
        let target = json!({"form":"cancellation","schema_version":1,"id":"c2"});
        let out = from_application(&target, &app).unwrap();
        assert_eq!(out["hosts"].as_array().unwrap().len(), 3);
        assert!(out["hosts"][0].get("backup").is_none());
        assert_eq!(out["hosts"][0]["data_disk_gb"], 200);
    }

    #[test]
    fn refuses_wrong_forms() {
        let app = example("application");
        let pledge = json!({"form":"security_pledge","schema_version":1,"id":"p"});
        assert!(from_application(&pledge, &app).is_err());
        let change = json!({"form":"change","schema_version":1,"id":"c"});
        assert!(from_application(&change, &pledge).is_err());
    }
}
