//! Hostile reviews, each signed correctly by its reviewer's key so that
//! only the check under test can object: unknown members, a 1 MB opinion,
//! control and bidi characters, dates that go backwards, a deadline other
//! than the calendar's. Appending refuses them; `verify` fails (or warns)
//! and names the review; nothing panics.

use proptest::prelude::*;

use gcforms::package::{RefusalCode, ReviewDecision::*, ReviewLevel::*, MAX_OPINION_CHARS};

use super::*;

/// The county package with one hostile review signed by the 主管部门.
fn with_review(review: Value) -> Vec<u8> {
    with_raw(county_package(), review, Supervisor)
}

/// A supervisor's review as `gcforms review` would write it on these dates.
fn supervisor_review() -> Value {
    raw_review(
        Supervisor,
        "approve",
        "2026-09-21",
        "2026-09-22",
        "2026-09-29",
    )
}

#[test]
fn a_well_formed_raw_review_verifies() {
    // The baseline: `sign_raw` signs as SPEC §5.1 says.
    let v = verify(&with_review(supervisor_review()));
    assert!(v.valid, "{:#?}", failures(&v));
    assert!(!v.checks.iter().any(|c| !c.ok), "{:#?}", v.checks);
}

#[test]
fn unknown_members_and_wrong_types_fail_review_format() {
    let mut extra = supervisor_review();
    extra["approved_by"] = json!("市长");
    let mut wrong_level = supervisor_review();
    wrong_level["level"] = json!("province");
    let mut missing = supervisor_review();
    missing.as_object_mut().unwrap().shift_remove("received");
    let mut number = supervisor_review();
    number["opinion"] = json!(12);
    for (review, words) in [
        (extra, "approved_by"),
        (wrong_level, "province"),
        (missing, "received"),
        (number, "opinion"),
    ] {
        let package = with_review(review);
        let v = verify(&package);
        assert_eq!(failures(&v), [("review_format".to_string(), Some(0))]);
        let check = v.checks.iter().find(|c| c.code == "review_format").unwrap();
        assert!(
            check.message.contains("审核记录1") && check.message.contains(words),
            "{}",
            check.message
        );
        assert!(v.reviews.is_empty());
        // Nothing can be appended after it.
        let r = refused(
            &package,
            &request(County, Approve, "", "2026-09-23", "2026-09-23"),
        );
        assert_eq!(r.code, RefusalCode::ReviewPackageInvalid);
    }
    // Reviews that are no objects, or no array at all.
    let mut v = value(county_package());
    v["reviews"] = json!(["审核通过", 1, null]);
    let out = verify(&bytes(&v));
    assert_eq!(failures(&out).len(), 3);
    v["reviews"] = json!({"level": "city"});
    assert!(gcforms::package::verify_package(&bytes(&v), policy(), calendar(), None).is_err());
}

#[test]
fn a_megabyte_opinion_is_refused_when_appending_and_fails_verify() {
    let huge = "审".repeat(1 << 20);
    let mut req = request(Supervisor, Approve, "", "2026-09-21", "2026-09-22");
    req.opinion = huge.clone();
    let r = refused(county_package(), &req);
    assert_eq!(r.code, RefusalCode::ReviewTooLong);
    assert!(
        r.message.contains("1048576 个字符")
            && r.message
                .contains(&format!("上限 {MAX_OPINION_CHARS} 个字符")),
        "{}",
        r.message
    );
    // The limit itself is accepted, one more is not.
    req.opinion = "审".repeat(MAX_OPINION_CHARS);
    assert!(append(county_package(), &req).is_ok());
    req.opinion.push('。');
    assert_eq!(
        refused(county_package(), &req).code,
        RefusalCode::ReviewTooLong
    );
    // Signed by another program: verify fails and names the review.
    let mut review = supervisor_review();
    review["opinion"] = json!(huge);
    let v = verify(&with_review(review));
    assert_eq!(failures(&v), [("review_too_long".to_string(), Some(0))]);
    // Names too.
    let mut review = supervisor_review();
    review["reviewer"] = json!("张".repeat(101));
    let v = verify(&with_review(review));
    assert_eq!(failures(&v), [("review_too_long".to_string(), Some(0))]);
}

#[test]
fn control_and_bidi_characters_are_refused_when_appending_and_warned_about() {
    for (field, text) in [
        ("opinion", "同意\u{202e}意同不"),
        ("opinion", "\u{1b}[2J同意"),
        ("unit", "韶关市\u{2066}自然资源局"),
        ("reviewer", "王\u{0}建国"),
    ] {
        let mut req = request(Supervisor, Approve, "同意", "2026-09-21", "2026-09-22");
        match field {
            "opinion" => req.opinion = text.into(),
            "unit" => req.unit = text.into(),
            _ => req.reviewer = text.into(),
        }
        let r = refused(county_package(), &req);
        assert_eq!(r.code, RefusalCode::ReviewText, "{field}");
        assert!(r.message.contains("控制字符"), "{}", r.message);
        // Signed by another program: a warning, shown escaped.
        let mut review = supervisor_review();
        review[field] = json!(text);
        let v = verify(&with_review(review));
        assert!(v.valid, "{:#?}", failures(&v));
        let warning = v.checks.iter().find(|c| c.code == "review_text").unwrap();
        assert_eq!(warning.review, Some(0));
        assert!(!warning
            .message
            .contains(['\u{202e}', '\u{1b}', '\u{2066}', '\u{0}']));
    }
    // A line feed is allowed in an opinion.
    let multi = request(
        Supervisor,
        Approve,
        "一、同意上报。\n二、请按期部署。",
        "2026-09-21",
        "2026-09-22",
    );
    let v = verify(&append(county_package(), &multi).unwrap());
    assert!(v.checks.iter().all(|c| c.ok), "{:#?}", v.checks);
    // Blank names are refused.
    let mut req = multi.clone();
    req.reviewer = "  ".into();
    assert_eq!(
        refused(county_package(), &req).code,
        RefusalCode::ReviewText
    );
}

#[test]
fn dates_that_go_backwards_fail_verify_and_name_the_review() {
    let cases = [
        // Decided before it was received.
        (
            ("2026-09-22", "2026-09-21", "2026-09-29"),
            "审核日期早于收到日期",
        ),
        // Received before the package was made (2026-09-18).
        (
            ("2026-09-17", "2026-09-21", "2026-09-24"),
            "收到日期早于提交包的打包日期",
        ),
        // A deadline before it was received.
        (
            ("2026-09-21", "2026-09-21", "2026-09-20"),
            "办理期限早于收到日期",
        ),
        // Not dates.
        (("2026-9-21", "2026-09-21", "2026-09-29"), "不是 YYYY-MM-DD"),
        (("2026-09-21", "明天", "2026-09-29"), "不是 YYYY-MM-DD"),
    ];
    for ((received, decided, deadline), words) in cases {
        let review = raw_review(Supervisor, "approve", received, decided, deadline);
        fails_once(&with_review(review), "review_dates", 0, words);
    }
    // A review dated before the previous review's date.
    let [one, ..] = approved_chain();
    let review = raw_review(County, "approve", "2026-09-21", "2026-09-21", "2026-09-28");
    fails_once(
        &with_raw(one, review, County),
        "review_dates",
        1,
        "早于上一条审核记录的审核日期",
    );
}

#[test]
fn a_deadline_other_than_the_calendars_is_a_warning() {
    // Received Mon 9-21: five working days end on 9-29 (中秋 9-25…9-27
    // off); a reviewer who counted the holiday as working days signed 9-28.
    let v = verify(&with_review(raw_review(
        Supervisor,
        "approve",
        "2026-09-21",
        "2026-09-22",
        "2026-09-28",
    )));
    assert!(v.valid, "{:#?}", failures(&v));
    let warning = v
        .checks
        .iter()
        .find(|c| c.code == "review_deadline")
        .unwrap();
    assert!(!warning.ok && warning.review == Some(0));
    assert!(
        warning.message.contains("2026-09-28") && warning.message.contains("2026-09-29"),
        "{}",
        warning.message
    );
}

#[test]
fn a_second_review_at_the_same_level_or_after_the_city_fails_review_order() {
    let [one, _, three] = approved_chain();
    let again = raw_review(
        Supervisor,
        "approve",
        "2026-09-22",
        "2026-09-22",
        "2026-09-29",
    );
    fails_once(
        &with_raw(one, again, Supervisor),
        "review_order",
        1,
        "此时应由县(市、区)",
    );
    let after = raw_review(City, "reject", "2026-09-30", "2026-09-30", "2026-10-13");
    fails_once(
        &with_raw(three, after, City),
        "review_order",
        3,
        "其后不应再有",
    );
    // A reject without an opinion, signed by another program.
    let mut review = raw_review(
        Supervisor,
        "reject",
        "2026-09-21",
        "2026-09-22",
        "2026-09-29",
    );
    review["opinion"] = json!("");
    fails_once(
        &with_review(review),
        "review_opinion_required",
        0,
        "须写明审核意见",
    );
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z0-9\\-\u{4e00}-\u{4e10}\u{202e}\u{1b}]{0,12}".prop_map(Value::from),
        Just(json!("supervisor")),
        Just(json!("city")),
        Just(json!("approve")),
        Just(json!("2026-09-21")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_reviews_never_panic(fields in proptest::collection::vec(("[a-z]{1,9}", json_leaf()), 0..10), level in 0usize..3) {
        let mut review = raw_review(ReviewLevel::ALL[level], "approve", "2026-09-21", "2026-09-22", "2026-09-29");
        for (name, value) in fields {
            review[name] = value;
        }
        let package = with_review(review);
        let v = verify(&package);
        let _ = append(&package, &request(City, Approve, "", "2026-09-23", "2026-09-23"));
        prop_assert_eq!(v.valid, v.checks.iter().all(|c| !c.fails()));
    }
}
