//! The reviewer's workspace (审核工作台, issue #14) on a real store file with
//! real signed packages: verified on arrival and judged once, stages in the
//! measures' words, deadlines and time left on the working-day calendar
//! around 国庆 2026 (the dates of `review/chain.rs`), search and filters, a
//! tampered package that cannot be reviewed, the decision panel's levels,
//! trust, and the clerk's 导入审核结果.

use chrono::NaiveDate;
use gcforms::inbox::{self, InboxQuery, InboxRow};
use gcforms::package::{ReviewDecision, ReviewLevel};
use gcforms::store::Store;
use serde_json::json;

use crate::review::{
    append, approved_chain, bytes, calendar, clerk_key, county_package, date, packed, policy,
    request, value,
};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("drafts.db")).unwrap();
    (dir, store)
}

fn receive(store: &Store, bytes: &[u8], received: &str) -> String {
    let (got, _) = inbox::receive(
        store,
        bytes,
        "申请.gcpkg.json",
        date(received),
        policy(),
        calendar(),
    )
    .unwrap();
    got.package.sha256
}

fn rows(store: &Store, today: &str, query: &InboxQuery) -> Vec<InboxRow> {
    inbox::inbox(store, policy(), calendar(), date(today), query)
        .unwrap()
        .rows
}

fn only(store: &Store, today: &str) -> InboxRow {
    let mut all = rows(store, today, &InboxQuery::default());
    assert_eq!(all.len(), 1);
    all.remove(0)
}

/// `package` as another package: a new `package_id`, signed again by the
/// clerk (the PDFs' signatures do not cover the id).
fn renumbered(package: &[u8], id: &str) -> Vec<u8> {
    use base64::Engine;
    let mut v = value(package);
    v["package_id"] = json!(id);
    let signed = gcforms::package::signed_bytes(&v).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    v["signature"]["value"] = json!(b64.encode(clerk_key().sign_es256(&signed)));
    bytes(&v)
}

/// Another package of the county unit, with a figure changed after signing.
fn tampered() -> Vec<u8> {
    let mut v = value(&renumbered(
        county_package(),
        "0b9e2f4a-1c3d-4e5f-8a6b-7c8d9e0f1a2b",
    ));
    v["documents"][0]["data"]["applicant"]["system_name"] = json!("被改动的系统名称");
    bytes(&v)
}

#[test]
fn time_left_in_working_days_across_the_mid_autumn_and_national_day_holidays() {
    let (_dir, store) = store();
    // Received Monday 9-21 by the 主管部门: 5 working days, 中秋 9-25…9-27
    // off → 2026-09-29 (as in review/chain.rs).
    receive(&store, county_package(), "2026-09-21");
    let cases = [
        // Thursday 9-24: 9-28 and 9-29 remain (9-25 is 中秋).
        ("2026-09-24", "剩余 2 个工作日", false),
        ("2026-09-29", "今日到期", false),
        // Thursday 10-8: 9-30 and 10-8 have passed (国庆 10-1…10-7 off).
        ("2026-10-08", "已超期 2 个工作日", true),
        // Saturday 10-3, in the 国庆 holiday: only 9-30 has passed.
        ("2026-10-03", "已超期 1 个工作日", true),
    ];
    for (today, text, overdue) in cases {
        let row = only(&store, today);
        assert_eq!(row.stage, "awaiting_supervisor");
        assert_eq!(row.stage_label, "待主管部门初审");
        assert_eq!(row.deadline.as_ref().unwrap().deadline, date("2026-09-29"));
        let left = row.time_left.unwrap();
        assert_eq!(
            (left.text.as_str(), left.overdue),
            (text, overdue),
            "{today}"
        );
        assert!(!left.provisional);
    }
    // Over a weekend right after the deadline no working day has passed.
    // 9-29, 9-30, 10-8, 10-9: Friday 10-9.
    let deadline = calendar().deadline(date("2026-09-28"), 4).unwrap();
    assert_eq!(deadline.deadline, date("2026-10-09"));
    let left = inbox::time_left(calendar(), date("2026-10-11"), &deadline);
    // 10-10 is a make-up Saturday: one working day after the deadline.
    assert_eq!(left.text, "已超期 1 个工作日");
    let friday = calendar().deadline(date("2026-11-12"), 1).unwrap();
    assert_eq!(friday.deadline, date("2026-11-13"));
    let left = inbox::time_left(calendar(), date("2026-11-14"), &friday);
    assert!(left.overdue);
    assert_eq!(left.text, "已超期（逾期未满 1 个工作日）");
}

#[test]
fn the_received_date_can_be_corrected_and_a_year_not_imported_is_provisional() {
    let (_dir, store) = store();
    let sha = receive(&store, county_package(), "2026-09-21");
    store.set_received_date(&sha, date("2026-12-28")).unwrap();
    let row = only(&store, "2026-12-29");
    let deadline = row.deadline.unwrap();
    // 12-29, 12-30, 12-31, then 2027 counted Monday to Friday: 1-1, 1-4.
    assert_eq!(deadline.deadline, date("2027-01-04"));
    assert!(deadline.status.provisional);
    let left = row.time_left.unwrap();
    assert!(
        left.provisional && left.text.ends_with("（暂定）"),
        "{}",
        left.text
    );
    assert!(left.reason.unwrap().contains("2027"));
}

#[test]
fn each_version_moves_the_package_through_its_stages_and_the_city_sets_the_provisioning_deadline() {
    let (_dir, store) = store();
    let [one, two, three] = approved_chain();
    receive(&store, county_package(), "2026-09-21");
    receive(&store, one, "2026-09-23");
    let row = only(&store, "2026-09-24");
    assert_eq!(
        (row.stage_label.as_str(), row.package.versions),
        ("待县级初审", 2)
    );
    // County: received Wednesday 9-23 → 2026-10-08.
    assert_eq!(row.deadline.unwrap().deadline, date("2026-10-08"));
    receive(&store, two, "2026-09-29");
    assert_eq!(only(&store, "2026-09-30").stage_label, "待市级审批");
    receive(&store, three, "2026-09-30");
    let row = only(&store, "2026-10-09");
    assert_eq!(row.stage, "approved");
    assert_eq!(row.stage_label, "已同意");
    assert!(row.deadline.is_none() && row.time_left.is_none());
    // 开通期限: 3 working days after the city's 9-30 → 10-10 (make-up Saturday).
    assert_eq!(row.provisioning.unwrap().deadline, date("2026-10-10"));
    // The same bytes again are not listed twice.
    let (got, _) = inbox::receive(
        &store,
        three,
        "again",
        date("2026-10-09"),
        policy(),
        calendar(),
    )
    .unwrap();
    assert!(!got.new);
    assert_eq!(
        store
            .received_versions(&row.package.package_id)
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn a_tampered_package_is_listed_as_failed_with_why_and_cannot_be_reviewed() {
    let (_dir, store) = store();
    let sha = receive(&store, &tampered(), "2026-09-21");
    let row = only(&store, "2026-09-22");
    assert!(!row.valid);
    assert_eq!(
        (row.stage.as_str(), row.stage_label.as_str()),
        ("invalid", "校验失败")
    );
    assert!(row.problem.contains("签名"), "{}", row.problem);
    assert!(row.deadline.is_none());
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-22")).unwrap();
    assert!(view.decision.is_none());
    assert!(
        view.no_decision.starts_with("校验失败，不能审核"),
        "{}",
        view.no_decision
    );
    assert!(view.checks.iter().any(|c| !c.ok && c.blocking));
    // The core refuses it too, whatever the UI shows.
    let bytes = store.received_bytes(&sha).unwrap();
    let r = gcforms::package::prepare_review(
        &bytes,
        &request(
            ReviewLevel::Supervisor,
            ReviewDecision::Approve,
            "",
            "2026-09-21",
            "2026-09-22",
        ),
        policy(),
        calendar(),
        date("2026-09-22"),
    );
    assert!(r.is_err());
}

#[test]
fn verdicts_are_judged_once_per_version_and_policy() {
    let (_dir, store) = store();
    let sha = receive(&store, county_package(), "2026-09-21");
    let key = inbox::policy_key(policy());
    assert!(store.verdict(&sha, &key).unwrap().unwrap().valid);
    // The inbox reads the recorded verdict and does not verify again: a
    // verdict changed behind its back is what it shows.
    store
        .connection()
        .execute(
            "UPDATE received_verdicts SET valid = 0, problem = '记录的结论' WHERE sha256 = ?1",
            [&sha],
        )
        .unwrap();
    let row = only(&store, "2026-09-22");
    assert_eq!((row.valid, row.problem.as_str()), (false, "记录的结论"));
    // A verdict of another policy is judged again (and recorded).
    store
        .connection()
        .execute(
            "UPDATE received_verdicts SET policy = 'old 0' WHERE sha256 = ?1",
            [&sha],
        )
        .unwrap();
    assert!(only(&store, "2026-09-22").valid);
    assert!(store.verdict(&sha, &key).unwrap().unwrap().valid);
    // Opening the package verifies it again and refreshes the verdict.
    store
        .connection()
        .execute(
            "UPDATE received_verdicts SET valid = 0 WHERE sha256 = ?1",
            [&sha],
        )
        .unwrap();
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-22")).unwrap();
    assert!(view.row.valid);
    assert!(only(&store, "2026-09-22").valid);
}

#[test]
fn sorted_by_deadline_searched_and_filtered_by_stage_and_area() {
    let (_dir, store) = store();
    let [one, _, three] = approved_chain();
    // A city unit without a supervisor (route: city only), received late.
    let city_only = renumbered(
        &packed(false, "city"),
        "1b9e2f4a-1c3d-4e5f-8a6b-7c8d9e0f1a2b",
    );
    receive(&store, &city_only, "2026-09-28");
    receive(&store, one, "2026-09-23");
    receive(&store, &tampered(), "2026-09-20");
    let all = rows(&store, "2026-09-24", &InboxQuery::default());
    let stages: Vec<&str> = all.iter().map(|r| r.stage.as_str()).collect();
    // Open reviews by deadline (county from 9-23: 10-08; city from 9-28:
    // 10-10), then the failed one.
    assert_eq!(stages, ["awaiting_county", "awaiting_city", "invalid"]);
    let deadlines: Vec<_> = all
        .iter()
        .filter_map(|r| r.deadline.as_ref())
        .map(|d| d.deadline)
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");

    let q = |search: Option<&str>, stage: Option<&str>, area: Option<&str>| InboxQuery {
        search: search.map(String::from),
        stage: stage.map(String::from),
        jurisdiction: area.map(String::from),
    };
    let only_stage = rows(&store, "2026-09-24", &q(None, Some("invalid"), None));
    assert_eq!(only_stage.len(), 1);
    assert!(!only_stage[0].valid);
    let city = rows(&store, "2026-09-24", &q(None, None, Some("city")));
    assert_eq!(city.len(), 1);
    assert_eq!(city[0].stage, "awaiting_city");
    assert_eq!(
        city[0].jurisdiction_label,
        policy().jurisdiction_label("city").unwrap()
    );
    let unit = &all[0].package.unit_name;
    let found = rows(
        &store,
        "2026-09-24",
        &q(Some(&unit.to_lowercase()[3..]), None, None),
    );
    assert_eq!(found.len(), 3, "every package is of the same unit");
    assert!(rows(&store, "2026-09-24", &q(Some("没有这个单位"), None, None)).is_empty());
    // The county package approved: it leaves the open reviews.
    receive(&store, three, "2026-09-30");
    let all = rows(&store, "2026-10-09", &InboxQuery::default());
    assert_eq!(
        all.len(),
        3,
        "the approved version replaces its earlier one"
    );
    // The open one first; the closed and the failed after it, by 收到日期.
    let stages: Vec<&str> = all.iter().map(|r| r.stage.as_str()).collect();
    assert_eq!(stages, ["awaiting_city", "invalid", "approved"]);
    assert!(all[2].provisioning.is_some());
}

#[test]
fn the_decision_panel_presets_the_next_level_and_says_why_the_others_are_disabled() {
    let (_dir, store) = store();
    let mut profile = store.profile().unwrap();
    profile.unit_name = "韶关市自然资源局".into();
    profile.contact_name = "王建国".into();
    store.set_profile(&profile).unwrap();
    let sha = receive(&store, county_package(), "2026-09-21");
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-22")).unwrap();
    let panel = view.decision.unwrap();
    assert_eq!(panel.level, "supervisor");
    let enabled: Vec<(&str, bool)> = panel
        .levels
        .iter()
        .map(|l| (l.level.as_str(), l.enabled))
        .collect();
    assert_eq!(
        enabled,
        [("supervisor", true), ("county", false), ("city", false)]
    );
    assert!(panel.levels[1].reason.contains("下一级应由主管部门审核"));
    assert_eq!(
        (panel.unit.as_str(), panel.reviewer.as_str()),
        ("韶关市自然资源局", "王建国")
    );
    assert_eq!(
        (panel.received.as_str(), panel.date.as_str()),
        ("2026-09-21", "2026-09-22")
    );
    assert_eq!(panel.deadline.unwrap().deadline, date("2026-09-29"));
    let decisions: Vec<(&str, &str, bool)> = panel
        .decisions
        .iter()
        .map(|d| (d.decision.as_str(), d.label.as_str(), d.opinion_required))
        .collect();
    assert_eq!(
        decisions,
        [
            ("approve", "初审通过，转报上级", false),
            ("reject", "不同意", true),
            ("return", "退回修改", true),
        ]
    );
    assert_eq!(
        view.route,
        "主管部门 → 县(市、区)政务服务数据管理部门 → 韶关市政务服务数据管理部门"
    );
    assert_eq!(view.documents.len(), 2);
    assert!(view.documents.iter().all(|d| !d.pdf_base64.is_empty()));

    // After the supervisor: the supervisor's level is done.
    let [one, _, three] = approved_chain();
    let sha = receive(&store, one, "2026-09-23");
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-24")).unwrap();
    let panel = view.decision.unwrap();
    assert_eq!(panel.level, "county");
    assert_eq!(panel.levels[0].reason, "此级已审核");
    assert_eq!(panel.decisions[0].label, "初审通过，转报上级");
    assert_eq!(view.reviews.len(), 1);
    assert_eq!(view.reviews[0].signature_label, "签名有效");

    // A city unit without a supervisor: only the city.
    let city_only = renumbered(
        &packed(false, "city"),
        "1b9e2f4a-1c3d-4e5f-8a6b-7c8d9e0f1a2b",
    );
    let sha = receive(&store, &city_only, "2026-09-21");
    let panel = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-22"))
        .unwrap()
        .decision
        .unwrap();
    assert_eq!(panel.level, "city");
    assert_eq!(panel.decisions[0].label, "同意");
    assert!(
        panel.levels[0].reason.contains("不经过此级"),
        "{}",
        panel.levels[0].reason
    );

    // Approved: no decision, and why.
    let sha = receive(&store, three, "2026-09-30");
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-10-09")).unwrap();
    assert!(view.decision.is_none());
    assert!(
        view.no_decision.contains("审核已结束（已同意）"),
        "{}",
        view.no_decision
    );
}

#[test]
fn nothing_is_trusted_until_recorded_and_trust_does_not_decide_validity() {
    let (_dir, store) = store();
    let [one, ..] = approved_chain();
    let sha = receive(&store, one, "2026-09-23");
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-24")).unwrap();
    let applicant = view.applicant.unwrap();
    assert_eq!(
        (applicant.trusted, applicant.trust_label.as_str()),
        (false, "未登记")
    );
    assert_eq!(
        view.reviews[0].signer.as_ref().unwrap().trust_label,
        "未登记"
    );
    assert!(view.row.valid && view.decision.is_some());
    // Record the applicant's certificate.
    let cert = clerk_key().certificate();
    assert!(store
        .trust_certificate(
            &cert.der,
            &cert.fingerprint.to_string(),
            cert.unit(),
            "2036-03-01",
            "test"
        )
        .unwrap());
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-24")).unwrap();
    let applicant = view.applicant.unwrap();
    assert_eq!(
        (applicant.trusted, applicant.trust_label.as_str()),
        (true, "已信任")
    );
    assert_eq!(applicant.fingerprint, cert.fingerprint.to_string());
    assert_eq!(
        view.reviews[0].signer.as_ref().unwrap().trust_label,
        "未登记"
    );
    assert!(view.checks.iter().all(|c| !c.message.contains("不可信")));
    assert_eq!(store.trusted_certificates().unwrap().len(), 1);
    assert!(store
        .untrust_certificate(&cert.fingerprint.to_string())
        .unwrap());
    let view = inbox::package_view(&store, &sha, policy(), calendar(), date("2026-09-24")).unwrap();
    assert!(!view.applicant.unwrap().trusted);
}

#[test]
fn the_clerk_imports_where_the_package_ended_on_the_drafts_it_came_from() {
    let (_dir, store) = store();
    let [_, _, three] = approved_chain();
    let (result, ids) = inbox::review_result(three, policy(), calendar()).unwrap();
    let example_ids: Vec<String> = value(three)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["data"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, example_ids);
    assert_eq!(
        (result.status.as_str(), result.status_label.as_str()),
        ("approved", "已同意")
    );
    assert_eq!(result.opinion, "同意。请资源提供方按期开通。");
    assert_eq!(store.record_review_result(&result, &ids).unwrap(), 2);
    assert_eq!(store.record_review_result(&result, &ids).unwrap(), 0);

    // A later package of the same documents, returned by the supervisor.
    let returned = append(
        county_package(),
        &request(
            ReviewLevel::Supervisor,
            ReviewDecision::Return,
            "请补充等保测评报告。",
            "2026-10-09",
            "2026-10-12",
        ),
    )
    .unwrap();
    let (r, ids) = inbox::review_result(&returned, policy(), calendar()).unwrap();
    assert_eq!(
        (r.status_label.as_str(), r.decision_label.as_str()),
        ("已退回", "退回修改")
    );
    store.record_review_result(&r, &ids).unwrap();
    let latest = store.review_results().unwrap();
    assert_eq!(latest.len(), 2);
    assert!(latest
        .iter()
        .all(|l| l.status_label == "已退回" && l.opinion == "请补充等保测评报告。"));

    // Not imported: a tampered package, or one without reviews.
    assert!(inbox::review_result(&tampered(), policy(), calendar())
        .unwrap_err()
        .contains("未通过校验"));
    assert!(inbox::review_result(county_package(), policy(), calendar())
        .unwrap_err()
        .contains("没有审核记录"));
}

#[test]
fn a_decision_from_the_panel_is_read_as_the_core_request() {
    let input = inbox::DecisionInput {
        level: "county".into(),
        decision: "return".into(),
        opinion: "请补充".into(),
        unit: "浈江区".into(),
        reviewer: "陈".into(),
        received: "2026-09-23".into(),
        date: "2026-09-24".into(),
    };
    let r = inbox::request_of(&input).unwrap();
    assert_eq!(
        (r.level, r.decision),
        (ReviewLevel::County, ReviewDecision::Return)
    );
    assert_eq!(r.received, NaiveDate::from_ymd_opt(2026, 9, 23).unwrap());
    let bad = inbox::DecisionInput {
        received: "23/09/2026".into(),
        ..input.clone()
    };
    assert!(inbox::request_of(&bad).unwrap_err().contains("收到日期"));
    let bad = inbox::DecisionInput {
        level: "province".into(),
        ..input
    };
    assert!(inbox::request_of(&bad).is_err());
}
