//! 附件3 and 附件4 start from the application they change or cancel: the
//! applicant and maintainer blocks, the original number, and the hosts (as
//! the before-values of 附件3, as the list of 附件4). The desktop app's
//! 引用原申请 and `gcforms new change --from APPLICATION.json` both come here.
//!
//! A 资源需求预估表 starts from last year's (以此为模板新建,
//! `gcforms new demand_estimate --from LAST.json`): everything kept but the
//! envelope, for the year after, dated today.

use chrono::{Datelike, NaiveDate};
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
    /// A template for an estimate must be an estimate, and only an estimate
    /// is made from one.
    #[error("以此为模板新建需要一份资源需求预估表，新文档也应是资源需求预估表")]
    NotAnEstimate,
}

/// Envelope members the new document keeps as its own: a template's number
/// and times belong to the template.
const ENVELOPE: [&str; 5] = ["form", "schema_version", "id", "created_at", "updated_at"];

/// Fills `target` (a new, blank 资源需求预估表 with its own id) from `last`
/// (an earlier estimate as stored): the filing unit's block, 需求明细 and 备注
/// are kept; 预估年度 becomes the year after `last`'s, and never a year that
/// is already past for a date of `today` (an estimate is always for the year
/// after it is filed, 第十七条); 填报日期 is `today`.
pub fn from_estimate(
    target: &Value,
    last: &Value,
    today: NaiveDate,
) -> Result<Value, PrefillError> {
    let estimate = Some(FormKind::DemandEstimate.key());
    let (Some(last_map), Value::Object(target)) = (last.as_object(), target) else {
        return Err(PrefillError::NotAnEstimate);
    };
    if last.get("form").and_then(Value::as_str) != estimate
        || target.get("form").and_then(Value::as_str) != estimate
    {
        return Err(PrefillError::NotAnEstimate);
    }
    let mut out = target.clone();
    for (key, value) in last_map {
        if !ENVELOPE.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        }
    }
    let next_year = i64::from(today.year()) + 1;
    let year = last
        .get("year")
        .and_then(Value::as_i64)
        .and_then(|y| y.checked_add(1))
        .map_or(next_year, |y| y.max(next_year));
    out.insert("year".into(), Value::from(year));
    out.insert(
        "submit_date".into(),
        Value::String(today.format("%Y-%m-%d").to_string()),
    );
    Ok(Value::Object(out))
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

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_estimate_becomes_next_years_dated_today() {
        let last = example("demand_estimate");
        let target = json!({"form":"demand_estimate","schema_version":1,"id":"new-id","unit_name":"资料里的单位"});
        let out = from_estimate(&target, &last, day("2027-09-01")).unwrap();
        assert_eq!(out["id"], "new-id");
        assert_eq!(out["year"], last["year"].as_i64().unwrap() + 1);
        assert_eq!(out["submit_date"], "2027-09-01");
        assert_eq!(out["items"], last["items"]);
        assert_eq!(out["unit_name"], last["unit_name"]);
        assert_eq!(out["remarks"], last["remarks"]);
        assert!(out.get("created_at").is_none() && out.get("updated_at").is_none());
    }

    #[test]
    fn an_old_template_still_gives_the_year_after_today() {
        let mut last = example("demand_estimate");
        last["year"] = json!(2020);
        let target = json!({"form":"demand_estimate","schema_version":1,"id":"n"});
        let out = from_estimate(&target, &last, day("2027-08-01")).unwrap();
        assert_eq!(out["year"], 2028);
        last.as_object_mut().unwrap().remove("year");
        let out = from_estimate(&target, &last, day("2027-08-01")).unwrap();
        assert_eq!(out["year"], 2028);
    }

    #[test]
    fn a_template_must_be_an_estimate_for_an_estimate() {
        let app = example("application");
        let last = example("demand_estimate");
        let target = json!({"form":"demand_estimate","schema_version":1,"id":"n"});
        let today = day("2027-09-01");
        assert_eq!(
            from_estimate(&target, &app, today),
            Err(PrefillError::NotAnEstimate)
        );
        let change = json!({"form":"change","schema_version":1,"id":"c"});
        assert_eq!(
            from_estimate(&change, &last, today),
            Err(PrefillError::NotAnEstimate)
        );
        assert_eq!(
            from_estimate(&target, &json!([1]), today),
            Err(PrefillError::NotAnEstimate)
        );
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
