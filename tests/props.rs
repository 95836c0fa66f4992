//! Properties that hold for any input: 总计 equals the sums of the rows,
//! validation never panics, and findings are deterministic and sorted.

use gcforms::policy::Policy;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::{example, set};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
        prop_oneof![
            Just("application"),
            Just("egov"),
            Just("other"),
            Just("migrated"),
            Just("2026-02-30")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,14}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer inside a value.
fn pointers(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{prefix}/{k}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{prefix}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

const FORMS: [&str; 4] = ["application", "security_pledge", "change", "cancellation"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn totals_equal_the_sums(rows in prop::collection::vec((0i64..5000, 0i64..5000, 0i64..100_000, 0i64..1000), 0..40)) {
        let hosts: Vec<Value> = rows.iter().enumerate().map(|(i, (cpu, mem, disk, q))| json!({
            "name": format!("h{i}"), "server_type": "vm", "network_zone": "egov", "os": "kylin",
            "vcpu": cpu, "memory_gb": mem, "data_disk_gb": disk, "quantity": q, "backup": {"required": false}
        })).collect();
        let mut doc = example("application");
        set(&mut doc, "/hosts", Value::Array(hosts));
        doc.as_object_mut().unwrap().shift_remove("totals");
        let report = gcforms::validate_value(doc, Policy::default_shaoguan()).unwrap();
        let t = report.totals.unwrap();
        prop_assert_eq!(t.hosts, rows.iter().map(|r| r.3).sum::<i64>());
        prop_assert_eq!(t.vcpu, rows.iter().map(|r| r.0 * r.3).sum::<i64>());
        prop_assert_eq!(t.memory_gb, rows.iter().map(|r| r.1 * r.3).sum::<i64>());
        prop_assert_eq!(t.storage_gb, rows.iter().map(|r| r.2 * r.3).sum::<i64>());
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_json(), form in 0usize..4, wrap in any::<bool>()) {
        let v = if wrap {
            let mut m = v.as_object().cloned().unwrap_or_default();
            m.insert("form".into(), json!(FORMS[form]));
            m.insert("schema_version".into(), json!(1));
            Value::Object(m)
        } else { v };
        let _ = gcforms::validate_value(v, Policy::default_shaoguan());
    }

    #[test]
    fn mutated_examples_never_panic_and_findings_are_stable(form in 0usize..4, pick in any::<prop::sample::Index>(), replacement in any_json()) {
        let mut doc = example(FORMS[form]);
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let pointer = pick.get(&all).clone();
        if pointer != "/form" && pointer != "/schema_version" {
            set(&mut doc, &pointer, replacement);
        }
        let a = gcforms::validate_value(doc.clone(), Policy::default_shaoguan()).unwrap();
        let b = gcforms::validate_value(doc, Policy::default_shaoguan()).unwrap();
        prop_assert_eq!(&a.findings, &b.findings);
        let mut sorted = a.findings.clone();
        gcforms::rules::sort_findings(&mut sorted);
        prop_assert_eq!(&sorted, &a.findings);
    }
}
