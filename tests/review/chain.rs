//! Routes, full chains, status, deadlines and refusals, in-process.

use gcforms::package::{RefusalCode, ReviewDecision::*, ReviewLevel::*, ReviewStatus};

use super::*;

#[test]
fn a_county_unit_with_a_supervisor_passes_three_levels_to_approval() {
    let [one, two, three] = approved_chain();
    let route = vec![Supervisor, County, City];
    let expect = [
        (one, ReviewStatus::AwaitingCounty, 1),
        (two, ReviewStatus::AwaitingCity, 2),
        (three, ReviewStatus::Approved, 3),
    ];
    for (package, status, reviews) in expect {
        let v = verify(package);
        assert!(v.valid, "{:#?}", failures(&v));
        assert_eq!(v.route.as_ref(), Some(&route));
        assert_eq!(v.status, Some(status));
        assert_eq!(v.reviews.len(), reviews);
        assert!(v
            .reviews
            .iter()
            .all(|r| r.valid && r.signature_valid && !r.late));
        // Every review's signature, order and dates were checked.
        for code in [
            "review_signature",
            "review_order",
            "review_dates",
            "review_late",
        ] {
            assert_eq!(
                v.checks.iter().filter(|c| c.code == code && c.ok).count(),
                reviews,
                "{code}"
            );
        }
    }
    // Before any review: awaiting the 主管部门.
    assert_eq!(
        verify(county_package()).status,
        Some(ReviewStatus::AwaitingSupervisor)
    );

    let v = verify(three);
    // Deadlines: 5 working days after `received`, the day itself not counted.
    //   supervisor, received Mon 9-21: 9-22, 9-23, 9-24, (中秋 9-25…9-27),
    //     9-28, 9-29                                       → 2026-09-29
    //   county, received Wed 9-23: 9-24, 9-28, 9-29, 9-30, (国庆 10-1…10-7),
    //     10-8                                             → 2026-10-08
    //   city, received Tue 9-29: 9-30, 10-8, 10-9, 10-10 (make-up Saturday),
    //     10-12                                            → 2026-10-12
    let deadlines: Vec<&str> = v.reviews.iter().map(|r| r.deadline.as_str()).collect();
    assert_eq!(deadlines, ["2026-09-29", "2026-10-08", "2026-10-12"]);
    // Provisioning: 3 working days after the city's approval on Wed 9-30:
    //   10-8, 10-9, 10-10 (the make-up Saturday)           → 2026-10-10
    assert_eq!(v.provisioning_deadline, Some(date("2026-10-10")));
    let p = v.provisioning.as_ref().unwrap();
    assert_eq!(
        (p.from, p.working_days, p.status.provisional),
        (date("2026-09-30"), 3, false)
    );

    // The reviews as the renderer and verify's text read them.
    let labels: Vec<(&str, &str)> = v
        .reviews
        .iter()
        .map(|r| (r.level_label, r.decision_label))
        .collect();
    assert_eq!(
        labels,
        [
            ("主管部门", "初审通过，转报上级"),
            ("县(市、区)政务服务数据管理部门", "初审通过，转报上级"),
            ("韶关市政务服务数据管理部门", "同意"),
        ]
    );
    for r in &v.reviews {
        let key = reviewer_key(r.level);
        assert_eq!(
            r.fingerprint.as_deref(),
            Some(key.fingerprint().to_string().as_str())
        );
        assert_eq!(r.unit, unit_of(r.level));
        assert_eq!(r.trusted, None);
    }
    // The applicant's package signature is untouched by the reviews.
    assert_eq!(
        value(three)["signature"],
        value(county_package())["signature"]
    );
}

#[test]
fn a_city_unit_goes_to_the_city_only_and_a_city_unit_with_a_supervisor_to_both() {
    let city_only = packed(false, "city");
    let v = verify(&city_only);
    assert_eq!(v.route, Some(vec![City]));
    assert_eq!(v.status, Some(ReviewStatus::AwaitingCity));
    // The supervisor and the county are not on this route.
    for level in [Supervisor, County] {
        let r = refused(
            &city_only,
            &request(level, Approve, "", "2026-09-21", "2026-09-21"),
        );
        assert_eq!(r.code, RefusalCode::ReviewLevelOrder);
        assert!(r.message.contains("不经过"), "{}", r.message);
    }
    let done = append(
        &city_only,
        &request(City, Approve, "", "2026-09-21", "2026-09-22"),
    )
    .unwrap();
    let v = verify(&done);
    assert!(v.valid, "{:#?}", failures(&v));
    assert_eq!(v.status, Some(ReviewStatus::Approved));
    // 3 working days after Tue 9-22: 9-23, 9-24, (中秋) 9-28 → 2026-09-28.
    assert_eq!(v.provisioning_deadline, Some(date("2026-09-28")));

    let with_supervisor = packed(true, "city");
    let v = verify(&with_supervisor);
    assert_eq!(v.route, Some(vec![Supervisor, City]));
    let r = refused(
        &with_supervisor,
        &request(City, Approve, "", "2026-09-21", "2026-09-21"),
    );
    assert_eq!(r.code, RefusalCode::ReviewLevelOrder);
    assert!(
        r.message.contains("下一级应由主管部门审核"),
        "{}",
        r.message
    );
    let one = append(
        &with_supervisor,
        &request(Supervisor, Approve, "", "2026-09-21", "2026-09-21"),
    )
    .unwrap();
    assert_eq!(verify(&one).status, Some(ReviewStatus::AwaitingCity));
    // The decision at the first level reads 初审通过，转报上级.
    assert_eq!(verify(&one).reviews[0].decision_label, "初审通过，转报上级");
    let two = append(
        &one,
        &request(City, Approve, "", "2026-09-22", "2026-09-23"),
    )
    .unwrap();
    let v = verify(&two);
    assert!(v.valid && v.status == Some(ReviewStatus::Approved));
}

#[test]
fn refusals_carry_the_codes_of_spec_5_1() {
    let county = county_package();
    let [one, two, three] = approved_chain();
    // City before county.
    let r = refused(one, &request(City, Approve, "", "2026-09-23", "2026-09-24"));
    assert_eq!(r.code, RefusalCode::ReviewLevelOrder);
    assert!(r.message.contains("县(市、区)"), "{}", r.message);
    // The same level twice.
    let r = refused(
        one,
        &request(Supervisor, Approve, "", "2026-09-23", "2026-09-24"),
    );
    assert_eq!(r.code, RefusalCode::ReviewLevelOrder);
    // A second city decision.
    let r = refused(
        three,
        &request(City, Reject, "不同意", "2026-10-08", "2026-10-08"),
    );
    assert_eq!(r.code, RefusalCode::ReviewChainClosed);
    assert!(r.message.contains("已审批同意"), "{}", r.message);
    // Anything after a reject or a return.
    for (decision, words) in [(Reject, "不同意"), (Return, "退回修改")] {
        let closed = append(
            two,
            &request(
                City,
                decision,
                "配置过高，请核减。",
                "2026-09-29",
                "2026-09-30",
            ),
        )
        .unwrap();
        let v = verify(&closed);
        assert!(v.valid, "{:#?}", failures(&v));
        assert_eq!(
            v.status,
            Some(if decision == Reject {
                ReviewStatus::Rejected
            } else {
                ReviewStatus::Returned
            })
        );
        assert_eq!(v.provisioning_deadline, None);
        assert_eq!(v.reviews[2].decision_label, words);
        for level in [Supervisor, County, City] {
            let r = refused(
                &closed,
                &request(level, Approve, "", "2026-10-08", "2026-10-08"),
            );
            assert_eq!(r.code, RefusalCode::ReviewChainClosed, "{level:?}");
        }
        // A first level's return closes it as well.
        let returned = append(
            county,
            &request(
                Supervisor,
                decision,
                "请补充材料。",
                "2026-09-21",
                "2026-09-21",
            ),
        )
        .unwrap();
        let r = refused(
            &returned,
            &request(County, Approve, "", "2026-09-22", "2026-09-22"),
        );
        assert_eq!(r.code, RefusalCode::ReviewChainClosed);
    }
    // Return or reject without an opinion (blank counts as none).
    for decision in [Return, Reject] {
        let r = refused(
            county,
            &request(Supervisor, decision, " \n ", "2026-09-21", "2026-09-21"),
        );
        assert_eq!(r.code, RefusalCode::ReviewOpinionRequired);
        assert!(r.message.contains("须写明审核意见"), "{}", r.message);
    }
}

#[test]
fn a_package_that_does_not_verify_is_refused() {
    let [one, ..] = approved_chain();
    // The applicant's signature broken: one changed character of the data.
    let mut v = value(county_package());
    v["documents"][0]["data"]["applicant"]["contact_name"] = json!("李均");
    let r = refused(
        &bytes(&v),
        &request(Supervisor, Approve, "", "2026-09-21", "2026-09-21"),
    );
    assert_eq!(r.code, RefusalCode::ReviewPackageInvalid);
    assert!(r.message.contains("提交包签名无效"), "{}", r.message);
    // An earlier review broken: its opinion edited.
    let mut v = value(one);
    v["reviews"][0]["opinion"] = json!("同意上报，加快办理。");
    let r = refused(
        &bytes(&v),
        &request(County, Approve, "", "2026-09-23", "2026-09-24"),
    );
    assert_eq!(r.code, RefusalCode::ReviewPackageInvalid);
    assert!(r.message.contains("审核记录1"), "{}", r.message);
}

#[test]
fn dates_that_go_backwards_or_ahead_are_refused() {
    let county = county_package();
    let [one, ..] = approved_chain();
    let cases = [
        // A decision before the package reached the level.
        (
            county,
            Supervisor,
            "2026-09-22",
            "2026-09-21",
            "早于收到日期",
        ),
        // Received before the package was made (2026-09-18).
        (
            county,
            Supervisor,
            "2026-09-17",
            "2026-09-21",
            "早于提交包的打包日期",
        ),
        // Received before the previous level decided (2026-09-22).
        (
            one,
            County,
            "2026-09-21",
            "2026-09-23",
            "早于上一级的审核日期",
        ),
        // Dated after today.
        (county, Supervisor, "2026-09-21", "2026-12-02", "晚于今天"),
    ];
    for (package, level, received, decided, words) in cases {
        let r = refused(package, &request(level, Approve, "", received, decided));
        assert_eq!(r.code, RefusalCode::ReviewDates, "{words}");
        assert!(r.message.contains(words), "{}", r.message);
    }
}

#[test]
fn a_late_review_is_appended_and_verify_warns() {
    let [_, two, _] = approved_chain();
    // Received Tue 9-29, deadline 10-12; decided on Wed 10-14, two working
    // days late (10-13, 10-14).
    let late = append(
        two,
        &request(City, Approve, "同意。", "2026-09-29", "2026-10-14"),
    )
    .unwrap();
    let v = verify(&late);
    assert!(v.valid, "a late review is a warning: {:#?}", failures(&v));
    let warning = v
        .checks
        .iter()
        .find(|c| c.code == "review_late" && c.review == Some(2))
        .unwrap();
    assert!(!warning.ok);
    assert!(
        warning.message.contains("已逾期 2 个工作日"),
        "{}",
        warning.message
    );
    assert!(v.reviews[2].late);
    // 3 working days after Wed 10-14: 10-15, 10-16, 10-19.
    assert_eq!(v.provisioning_deadline, Some(date("2026-10-19")));
}

/// A package made in 2019, a year the calendar does not know (it starts
/// with 2020), by a unit whose key was issued then.
pub fn package_of_2019() -> Vec<u8> {
    let key = UnitKey::generate(
        UNIT,
        DateTime::parse_from_rfc3339("2019-12-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    )
    .unwrap();
    let mut change = example("change");
    change["applicant"]["application_date"] = json!("2019-12-10");
    let options = PackOptions {
        package_id: uuid::Uuid::new_v4(),
        time: DateTime::parse_from_rfc3339("2019-12-16T09:00:00+08:00").unwrap(),
        signer_name: None,
    };
    let package = pack(vec![change], policy(), &key, &PaperRenderer, &options).unwrap();
    serde_json::to_vec_pretty(&package).unwrap()
}

#[test]
fn deadlines_in_an_unknown_year_are_provisional() {
    let old = package_of_2019();
    let prepared = gcforms::package::prepare_review(
        &old,
        &request(City, Approve, "", "2019-12-20", "2019-12-23"),
        policy(),
        calendar(),
        today(),
    )
    .unwrap();
    // Monday to Friday in 2019: 12-23, 12-24, 12-25, 12-26, 12-27.
    assert_eq!(prepared.deadline.deadline, date("2019-12-27"));
    assert!(prepared.deadline.status.provisional);
    assert_eq!(
        prepared.deadline.status.reason.as_deref(),
        Some("暂定：2019 年放假安排尚未导入")
    );
    let appended = prepared.sign(reviewer_key(City)).unwrap();
    let v = verify(&bytes(&appended.package));
    assert!(v.valid, "{:#?}", failures(&v));
    // 3 working days after Mon 12-23, Monday to Friday: 12-24, 12-25, 12-26.
    let p = v.provisioning.unwrap();
    assert_eq!(p.deadline, date("2019-12-26"));
    assert!(p.status.provisional);
    // A provisional count is never compared with the signed deadline.
    assert!(!v.checks.iter().any(|c| c.code == "review_deadline"));
}

#[test]
fn the_schema_describes_a_review_with_its_received_date() {
    let schema = gcforms::package::combined_schema();
    let review = &schema["$defs"]["Review"];
    let required: Vec<&str> = review["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in [
        "level",
        "unit",
        "reviewer",
        "decision",
        "opinion",
        "received",
        "date",
        "deadline",
        "signature",
    ] {
        assert!(review["properties"].get(field).is_some(), "{field}");
        assert!(required.contains(&field), "{field} required");
    }
    assert_eq!(review["additionalProperties"], false);
    assert_eq!(review["properties"]["received"]["title"], "收到日期");
}
