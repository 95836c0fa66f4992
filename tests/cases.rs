//! Data-driven rule tests: `tests/cases/<code>.json` holds, for each rule
//! code, edits of an example document where the rule fires and edits at the
//! boundary where it does not. Each case lists the exact (code, path) pairs
//! expected, so a rule firing too often fails as surely as one not firing.

use std::collections::BTreeSet;

use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::rules::{set, validate_set, Code, Finding, PledgeRule, Severity};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::support::{example, remove, root, set as set_at};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    doc: String,
    #[serde(default)]
    set: Map<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    /// Copies the value at one pointer to another: {"from": "to"}.
    #[serde(default)]
    copy: Map<String, Value>,
    /// Edits of the default policy for this case.
    #[serde(default)]
    policy: Map<String, Value>,
    /// A second document validated together with the first.
    with: Option<String>,
    #[serde(default)]
    set_with: Map<String, Value>,
    expect: Vec<(String, String)>,
    #[serde(default)]
    expect_with: Vec<(String, String)>,
    /// The expected findings are warnings (otherwise errors).
    #[serde(default)]
    warnings: bool,
}

fn edited(
    name: &str,
    set: &Map<String, Value>,
    remove_list: &[String],
    copy: &Map<String, Value>,
) -> Value {
    let mut doc = example(name);
    for (from, to) in copy {
        let v = doc.pointer(from).unwrap().clone();
        set_at(&mut doc, to.as_str().unwrap(), v);
    }
    for (pointer, value) in set {
        set_at(&mut doc, pointer, value.clone());
    }
    for pointer in remove_list {
        remove(&mut doc, pointer);
    }
    doc
}

fn pairs(findings: &[Finding]) -> BTreeSet<(String, String)> {
    findings
        .iter()
        .map(|f| (f.code.as_str().to_string(), f.path.clone()))
        .collect()
}

/// Runs one case; returns a description of each way it failed.
fn run(file: &str, case: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let policy = if case.policy.is_empty() {
        Policy::default_shaoguan().clone()
    } else {
        let mut p: Value = serde_json::from_str(gcforms::policy::DEFAULT_POLICY_JSON).unwrap();
        for (pointer, value) in &case.policy {
            set_at(&mut p, pointer, value.clone());
        }
        Policy::from_json(p.to_string().as_bytes()).unwrap()
    };
    let doc = edited(&case.doc, &case.set, &case.remove, &case.copy);
    let mut main = gcforms::validate_value(doc, &policy).expect("case documents are readable");
    let mut other = case.with.as_ref().map(|w| {
        let doc = edited(w, &case.set_with, &[], &Map::new());
        gcforms::validate_value(doc, &policy).expect("readable")
    });
    if let Some(other) = &mut other {
        let docs: Vec<&Document> = [&main, &*other]
            .iter()
            .filter_map(|r| r.document.as_ref())
            .collect();
        for f in set::check(&docs, true) {
            if f.index == 0 { &mut main } else { &mut *other }
                .findings
                .push(f.finding);
        }
    }
    let expected_severity = if case.warnings {
        Severity::Warning
    } else {
        Severity::Error
    };
    for (report, expected, which) in [
        (Some(&main), &case.expect, "doc"),
        (other.as_ref(), &case.expect_with, "with"),
    ] {
        let Some(report) = report else { continue };
        let got = pairs(&report.findings);
        let want: BTreeSet<(String, String)> = expected.iter().cloned().collect();
        if got != want {
            let messages: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{} {}: {}", f.code, f.path, f.message))
                .collect();
            failures.push(format!(
                "{file} «{}» ({which}): want {want:?}, got {got:?}\n    {}",
                case.name,
                messages.join("\n    ")
            ));
        }
        for f in &report.findings {
            if f.severity != expected_severity
                && want.contains(&(f.code.as_str().to_string(), f.path.clone()))
            {
                failures.push(format!(
                    "{file} «{}»: {} should be {:?}",
                    case.name, f.code, expected_severity
                ));
            }
            if !f
                .message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                || f.message.contains("未知字段）")
            {
                failures.push(format!(
                    "{file} «{}»: message is not a Chinese sentence: {}",
                    case.name, f.message
                ));
            }
        }
    }
    failures
}

#[test]
fn every_rule_case_holds() {
    let dir = root().join("tests/cases");
    let mut failures = Vec::new();
    let mut fired = BTreeSet::new();
    let mut quiet = BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_stem().unwrap().to_string_lossy().to_string();
        let cases: Vec<Case> = serde_json::from_slice(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in &cases {
            count += 1;
            failures.extend(run(&file, case));
            let all: Vec<&(String, String)> = case.expect.iter().chain(&case.expect_with).collect();
            if all.iter().any(|(code, _)| *code == file) {
                fired.insert(file.clone());
            } else {
                quiet.insert(file.clone());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for code in Code::ALL {
        let name = code.as_str().to_string();
        assert!(
            fired.contains(&name),
            "no case in tests/cases/{name}.json where {name} fires"
        );
        assert!(
            quiet.contains(&name),
            "no boundary case in tests/cases/{name}.json where {name} does not fire"
        );
    }
}

#[test]
fn examples_are_valid() {
    for form in gcforms::document::FormKind::ALL.map(|f| f.key()) {
        let report = gcforms::validate_value(example(form), Policy::default_shaoguan()).unwrap();
        assert!(report.findings.is_empty(), "{form}: {:?}", report.findings);
    }
}

/// Documents given together: an unreadable one keeps its place, a set
/// finding goes to the document it is about, in that report's order.
#[test]
fn a_set_puts_each_finding_with_its_document() {
    let policy = Policy::default_shaoguan();
    let mut pledge = example("security_pledge");
    set_at(&mut pledge, "/unit_name", "另一个单位".into());
    set_at(&mut pledge, "/contact_phone", "123".into());
    set_at(&mut pledge, "/zz_unknown", true.into());
    let unreadable = gcforms::input::parse_json(b"{").map(|_| Value::Null);
    let set = validate_set(
        [unreadable, Ok(example("application")), Ok(pledge)],
        policy,
        PledgeRule::Required,
    );
    let owners: Vec<(usize, Code)> = set
        .set_findings
        .iter()
        .map(|f| (f.index, f.finding.code))
        .collect();
    assert_eq!(owners, [(2, Code::PledgeUnitMismatch)]);
    let reports = set.into_reports();
    assert_eq!(reports.len(), 3);
    assert!(reports[0].is_err());
    assert!(reports[1].as_ref().unwrap().findings.is_empty());
    let pledge: Vec<(&str, Code)> = reports[2]
        .as_ref()
        .unwrap()
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.code))
        .collect();
    assert_eq!(
        pledge,
        [
            ("contact_phone", Code::PhoneFormat),
            ("unit_name", Code::PledgeUnitMismatch),
            ("zz_unknown", Code::UnknownField),
        ]
    );
}

/// `validate` asks for pledges only when one is given; a submission always.
#[test]
fn a_pledge_is_required_by_submissions_and_by_sets_with_a_pledge() {
    let policy = Policy::default_shaoguan();
    let missing = |documents: Vec<Value>, rule| {
        validate_set(documents.into_iter().map(Ok), policy, rule)
            .set_findings
            .iter()
            .filter(|f| f.finding.code == Code::PledgeMissing)
            .count()
    };
    let application = example("application");
    let mut other = example("application");
    set_at(&mut other, "/id", "another-application".into());
    let pledge = example("security_pledge");
    assert_eq!(
        missing(vec![application.clone()], PledgeRule::WhenAnyGiven),
        0
    );
    assert_eq!(missing(vec![application.clone()], PledgeRule::Required), 1);
    assert_eq!(
        missing(vec![application, other, pledge], PledgeRule::WhenAnyGiven),
        1,
        "the application without its pledge"
    );
}

#[test]
fn data_disk_message_names_row_host_and_limit() {
    let mut doc = example("application");
    set_at(&mut doc, "/hosts/1/data_disk_gb", Value::from(80));
    let report = gcforms::validate_value(doc, Policy::default_shaoguan()).unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::DataDiskMin)
        .unwrap();
    assert_eq!(f.path, "hosts[1].data_disk_gb");
    assert!(
        f.message
            .starts_with("第2行主机“bdc-db-01”的数据盘为80GB，不得小于100GB"),
        "{}",
        f.message
    );
}

#[test]
fn numbers_come_from_the_policy() {
    let mut p: Value = serde_json::from_str(gcforms::policy::DEFAULT_POLICY_JSON).unwrap();
    set_at(&mut p, "/min_data_disk_gb", Value::from(200));
    let policy = Policy::from_json(p.to_string().as_bytes()).unwrap();
    let report = gcforms::validate_value(example("application"), &policy).unwrap();
    let paths: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::DataDiskMin)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["hosts[2].data_disk_gb"]);
    assert!(report.findings[0].message.contains("200GB"));
}

#[test]
fn a_broken_document_reports_everything_at_once() {
    let mut doc = example("application");
    for (pointer, value) in [
        ("/applicant/email", Value::from("bad")),
        ("/hosts/0/vcpu", Value::from(0)),
        ("/hosts/1/data_disk_gb", Value::from(10)),
        ("/hosts/2/quantity", Value::from(500)),
        ("/maintainer/nature", Value::from("x")),
    ] {
        set_at(&mut doc, pointer, value);
    }
    let report = gcforms::validate_value(doc, Policy::default_shaoguan()).unwrap();
    let codes: BTreeSet<Code> = report.findings.iter().map(|f| f.code).collect();
    for code in [
        Code::EmailFormat,
        Code::ComputeRange,
        Code::DataDiskMin,
        Code::QuantityRange,
        Code::EnumValue,
        Code::TotalsMismatch,
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn shipped_policy_has_the_contract_keys() {
    let p = Policy::default_shaoguan();
    assert_eq!(p.min_data_disk_gb, 100);
    assert_eq!(p.backup.default_retention_months, 2);
    assert_eq!(
        (p.backup.retention_months.min, p.backup.retention_months.max),
        (1, 120)
    );
    assert_eq!((p.limits.vcpu.min, p.limits.vcpu.max), (1, 128));
    assert_eq!((p.limits.memory_gb.min, p.limits.memory_gb.max), (1, 1024));
    assert_eq!((p.limits.quantity.min, p.limits.quantity.max), (1, 100));
    assert_eq!(
        p.server_types.keys().collect::<Vec<_>>(),
        ["vm", "bare_metal", "database"]
    );
    assert_eq!(
        p.network_zones.keys().collect::<Vec<_>>(),
        ["egov", "internet"]
    );
    assert_eq!(p.operating_systems.len(), 6);
    assert_eq!(p.jurisdictions.len(), 11);
    assert_eq!(p.major_change.growth_ratio, 1.0);
    assert_eq!(
        (p.sla.review_working_days, p.sla.provisioning_working_days),
        (5, 3)
    );
    use gcforms::document::FormKind::*;
    assert_eq!(
        [
            Application,
            SecurityPledge,
            Change,
            Cancellation,
            DemandEstimate
        ]
        .map(|f| p.copies_of(f)),
        [3, 2, 3, 3, 2]
    );
    assert_eq!(p.sla.demand_estimate_due, "09-30");
    assert_eq!(
        p.sla.demand_estimate_due_for(2027),
        chrono::NaiveDate::from_ymd_opt(2026, 9, 30)
    );
}

/// The due date of the demand estimate must be a day every year has.
#[test]
fn a_policy_with_an_impossible_due_date_is_refused() {
    for due in ["02-29", "9-30", "13-01", "09-31", "0930", ""] {
        let mut p: Value = serde_json::from_str(gcforms::policy::DEFAULT_POLICY_JSON).unwrap();
        set_at(&mut p, "/sla/demand_estimate_due", due.into());
        let err = Policy::from_json(p.to_string().as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("demand_estimate_due"),
            "{due}: {err}"
        );
    }
}

/// An estimate is a submission of its own: no 附件2 is asked for (SPEC §7),
/// even when a pledge is in the same set.
#[test]
fn an_estimate_needs_no_pledge() {
    let policy = Policy::default_shaoguan();
    for (documents, rule) in [
        (vec![example("demand_estimate")], PledgeRule::Required),
        (
            vec![example("demand_estimate"), example("security_pledge")],
            PledgeRule::WhenAnyGiven,
        ),
    ] {
        let set = validate_set(documents.into_iter().map(Ok), policy, rule);
        assert!(set.set_findings.is_empty(), "{:?}", set.set_findings);
    }
}

/// The review route of every form is read from one place (SPEC §5.1).
#[test]
fn the_route_comes_from_the_applicant_or_the_filing_unit() {
    let policy = Policy::default_shaoguan();
    let doc = |name: &str, edits: &[(&str, Value)]| {
        let mut v = example(name);
        for (pointer, value) in edits {
            set_at(&mut v, pointer, value.clone());
        }
        gcforms::validate_value(v, policy)
            .unwrap()
            .document
            .unwrap()
    };
    let app = doc("application", &[]);
    let route = app.routing().unwrap();
    assert_eq!(
        (route.supervisor_unit, route.jurisdiction),
        (Some("韶关市自然资源局"), Some("city"))
    );
    let estimate = doc(
        "demand_estimate",
        &[
            ("/supervisor_unit", " 乐昌市教育局 ".into()),
            ("/jurisdiction", "lechang".into()),
        ],
    );
    let route = estimate.routing().unwrap();
    assert_eq!(
        (route.supervisor_unit, route.jurisdiction),
        (Some("乐昌市教育局"), Some("lechang"))
    );
    let blank = doc("demand_estimate", &[("/supervisor_unit", "  ".into())]);
    assert_eq!(blank.routing().unwrap().supervisor_unit, None);
    assert!(doc("security_pledge", &[]).routing().is_none());
}

#[test]
fn every_field_has_a_paper_label() {
    for form in gcforms::document::FormKind::ALL {
        let labels = gcforms::document::labels::known(form);
        assert!(labels.len() > 5, "{form:?}");
        for (path, label) in labels {
            assert!(!label.trim().is_empty(), "{form:?} {path}");
        }
    }
    assert_eq!(
        gcforms::document::labels::label(
            gcforms::document::FormKind::Application,
            "hosts[].data_disk_gb"
        ),
        "数据盘(GB)"
    );
}
