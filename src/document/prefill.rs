//! 附件3 and 附件4 start from the application they change or cancel: the
//! applicant and maintainer blocks, the original number, and the hosts (as
//! the before-values of 附件3, as the list of 附件4). The desktop app's
//! 引用原申请 and `gcforms new change --from APPLICATION.json` both come here.

use serde_json::{json, Map, Value};

use super::FormKind;

/// Why a document cannot be filled from an application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefillError {
    /// The source is not a 附件1 document.
    #[error("所选文档不是附件1 资源申请表，不能作为原申请")]
    NotAnApplication,
    /// Only 附件3 and 附件4 refer to an original application.
    #[error("只有附件3 资源变更申请表和附件4 资源注销申请表可以引用原申请")]
    NotChangeOrCancellation,
}

/// Applicant fields that belong to the old application, not to the new form.
const APPLICATION_ONLY: [&str; 3] = ["application_date", "term_start", "term_end"];

/// Host fields a 附件4 row keeps.
const CANCELLED_HOST_FIELDS: [&str; 5] = ["name", "vcpu", "memory_gb", "data_disk_gb", "quantity"];

/// Fills `target` (a 附件3 or 附件4 document) from `application` (a 附件1
/// document as stored). Fields of `target` the application does not decide
/// (原因, dates, confirmations) are kept.
pub fn from_application(target: &Value, application: &Value) -> Result<Value, PrefillError> {
    if application.get("form").and_then(Value::as_str) != Some(FormKind::Application.key()) {
        return Err(PrefillError::NotAnApplication);
    }
    let form = target
        .get("form")
        .and_then(Value::as_str)
        .and_then(FormKind::from_key);
    let (Some(form @ (FormKind::Change | FormKind::Cancellation)), Value::Object(target)) =
        (form, target)
    else {
        return Err(PrefillError::NotChangeOrCancellation);
    };
    let mut out: Map<String, Value> = target.clone();
    if let Some(Value::Object(applicant)) = application.get("applicant") {
        let mut applicant = applicant.clone();
        for key in APPLICATION_ONLY {
            applicant.remove(key);
        }
        out.insert("applicant".into(), Value::Object(applicant));
    }
    if let Some(maintainer) = application.get("maintainer") {
        out.insert("maintainer".into(), maintainer.clone());
    }
    if let Some(id) = application.get("id") {
        out.insert("original_application_id".into(), id.clone());
    }
    let hosts = application
        .get("hosts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let rows: Vec<Value> = match form {
        FormKind::Change => hosts
            .iter()
            .map(|h| {
                json!({
                    "host_name": h.get("name").cloned().unwrap_or(Value::Null),
                    "before": h,
                    "after": h,
                })
            })
            .collect(),
        _ => hosts
            .iter()
            .map(|h| {
                let row: Map<String, Value> = CANCELLED_HOST_FIELDS
                    .iter()
                    .filter_map(|&key| h.get(key).map(|v| (key.to_string(), v.clone())))
                    .collect();
                Value::Object(row)
            })
            .collect(),
    };
    let list = if form == FormKind::Change {
        "items"
    } else {
        "hosts"
    };
    out.insert(list.into(), Value::Array(rows));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Value {
        let path = format!("{}/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn change_gets_the_application_blocks_and_before_values() {
        let app = example("application");
        let target = json!({"form":"change","schema_version":1,"id":"c1","reason":"扩容"});
        let out = from_application(&target, &app).unwrap();
        assert_eq!(out["original_application_id"], app["id"]);
        assert_eq!(out["reason"], "扩容");
        assert_eq!(out["items"][1]["before"], app["hosts"][1]);
        assert!(out["applicant"].get("term_start").is_none());
        // That the result validates with nothing unknown is checked through
        // the CLI (tests/cli.rs), above the document layer.
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
        assert_eq!(
            from_application(&pledge, &app),
            Err(PrefillError::NotChangeOrCancellation)
        );
        let change = json!({"form":"change","schema_version":1,"id":"c"});
        assert_eq!(
            from_application(&change, &pledge),
            Err(PrefillError::NotAnApplication)
        );
    }
}
