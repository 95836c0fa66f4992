//! The built binary: `gcforms review` and `gcforms verify` on real files
//! with reviewer keys made by `gcforms key new`; exit codes (SPEC §4); the
//! input is never changed and a refusal writes nothing.

use std::path::Path;
use std::process::Output;

use gcforms::sign::UnitKey;

use super::*;
use crate::support::{code, gcforms_in as gcforms, stderr, stdout};

const PASS: &str = "审核口令 passphrase";

/// Reviewer keys made by the CLI: `sup.p12`, `county.p12`, `city.p12`, and
/// their certificates as PEM beside them. Returns the fingerprints.
fn reviewer_keys(d: &Path) -> [String; 3] {
    [("sup", SUPERVISOR), ("county", COUNTY), ("city", CITY)].map(|(name, unit)| {
        let file = format!("{name}.p12");
        let o = gcforms(d, &["key", "new", "--unit", unit, "-o", &file], Some(PASS));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let key = UnitKey::from_pkcs12(&std::fs::read(d.join(&file)).unwrap(), PASS).unwrap();
        std::fs::write(d.join(format!("{name}.pem")), crate::sign::pem(&key)).unwrap();
        key.fingerprint().to_string()
    })
}

/// What a reviewer asks for: level, decision, opinion and, when given,
/// `--received` and `--date`.
#[derive(Clone, Copy)]
struct Ask<'a> {
    level: &'a str,
    decision: &'a str,
    opinion: &'a str,
    dates: Option<(&'a str, &'a str)>,
}

fn ask<'a>(
    level: &'a str,
    decision: &'a str,
    opinion: &'a str,
    dates: Option<(&'a str, &'a str)>,
) -> Ask<'a> {
    Ask {
        level,
        decision,
        opinion,
        dates,
    }
}

/// `gcforms review IN --level … -o OUT` with the level's key and this
/// temporary folder's (empty) calendar imports.
fn review(d: &Path, input: &str, a: Ask<'_>, out: &str, pass: Option<&str>) -> Output {
    let (key, unit) = match a.level {
        "supervisor" => ("sup.p12", SUPERVISOR),
        "county" => ("county.p12", COUNTY),
        _ => ("city.p12", CITY),
    };
    let mut args = vec![
        "review",
        input,
        "--level",
        a.level,
        "--decision",
        a.decision,
        "--opinion",
        a.opinion,
        "--unit",
        unit,
        "--reviewer",
        "审核人",
        "--key",
        key,
        "-o",
        out,
        "--data-dir",
        "data",
    ];
    if let Some((received, decided)) = a.dates {
        args.extend(["--received", received, "--date", decided]);
    }
    gcforms(d, &args, pass)
}

/// [`review`] with the passphrase, which must append: its output.
fn reviewed(d: &Path, input: &str, a: Ask<'_>, out: &str) -> String {
    let o = review(d, input, a, out, Some(PASS));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    stdout(&o)
}

fn verify_json(d: &Path, file: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["verify", file, "--format", "json", "--data-dir", "data"];
    args.extend(extra);
    let o = gcforms(d, &args, None);
    let line = stdout(&o);
    assert_eq!(line.lines().count(), 1, "{line}");
    (code(&o), serde_json::from_str(&line).unwrap())
}

fn verify_text(d: &Path, file: &str, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["verify", file, "--data-dir", "data"];
    args.extend(extra);
    let o = gcforms(d, &args, None);
    (code(&o), stdout(&o))
}

#[test]
fn three_levels_through_the_cli_across_national_day() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [sup_fp, county_fp, city_fp] = reviewer_keys(d);
    std::fs::write(d.join("county.gcpkg.json"), county_package()).unwrap();

    let text = reviewed(
        d,
        "county.gcpkg.json",
        ask(
            "supervisor",
            "approve",
            "同意上报。",
            Some(("2026-09-21", "2026-09-22")),
        ),
        "r1.gcpkg.json",
    );
    // Mon 9-21 + 5 working days: 9-22, 9-23, 9-24, (中秋 9-25…27) 9-28, 9-29.
    assert!(
        text.contains("办理期限：自 2026-09-21 起 5 个工作日，期限为 2026-09-29（星期二）"),
        "{text}"
    );
    assert!(
        text.contains("初审通过，转报上级") && text.contains(&sup_fp),
        "{text}"
    );
    assert!(
        text.contains("当前状态：待县(市、区)政务服务数据管理部门审核"),
        "{text}"
    );
    assert!(!text.contains("暂定"), "{text}");

    let text = reviewed(
        d,
        "r1.gcpkg.json",
        ask(
            "county",
            "approve",
            "同意转报。",
            Some(("2026-09-23", "2026-09-28")),
        ),
        "r2.gcpkg.json",
    );
    // Wed 9-23 + 5: 9-24, 9-28, 9-29, 9-30, (国庆 10-1…7) 10-8.
    assert!(text.contains("期限为 2026-10-08（星期四）"), "{text}");

    let before = [
        std::fs::read(d.join("county.gcpkg.json")).unwrap(),
        std::fs::read(d.join("r1.gcpkg.json")).unwrap(),
        std::fs::read(d.join("r2.gcpkg.json")).unwrap(),
    ];
    let text = reviewed(
        d,
        "r2.gcpkg.json",
        ask(
            "city",
            "approve",
            "同意。",
            Some(("2026-09-29", "2026-09-30")),
        ),
        "r3.gcpkg.json",
    );
    // Tue 9-29 + 5: 9-30, 10-8, 10-9, 10-10 (make-up Saturday), 10-12.
    assert!(text.contains("期限为 2026-10-12（星期一）"), "{text}");
    // Approved Wed 9-30 + 3: 10-8, 10-9, 10-10 (the make-up Saturday).
    assert!(
        text.contains(
            "开通期限（资源提供方）：自 2026-09-30 起 3 个工作日，期限为 2026-10-10（星期六）"
        ),
        "{text}"
    );
    assert!(
        text.contains("当前状态：韶关市政务服务数据管理部门已审批同意"),
        "{text}"
    );
    // The inputs are unchanged, byte for byte.
    assert_eq!(
        std::fs::read(d.join("county.gcpkg.json")).unwrap(),
        before[0]
    );
    assert_eq!(std::fs::read(d.join("r1.gcpkg.json")).unwrap(), before[1]);
    assert_eq!(std::fs::read(d.join("r2.gcpkg.json")).unwrap(), before[2]);

    // verify: the text names every review in Chinese.
    let (c, text) = verify_text(d, "r3.gcpkg.json", &[]);
    assert_eq!(c, 0, "{text}");
    for words in [
        "含 2 份文档、3 条审核记录",
        "审核路线：主管部门 → 县(市、区)政务服务数据管理部门 → 韶关市政务服务数据管理部门",
        "审核记录1：\n  审核层级：主管部门\n  审核单位：韶关市自然资源局\n  审核人：审核人\n  结论：初审通过，转报上级\n  意见：同意上报。\n  收到日期：2026-09-21\n  审核日期：2026-09-22\n  办理期限：2026-09-29\n",
        "审核层级：县(市、区)政务服务数据管理部门",
        "审核层级：韶关市政务服务数据管理部门",
        "结论：同意\n",
        "审核人证书：未指定信任证书（--trust），未判断",
        "审核状态：韶关市政务服务数据管理部门已审批同意",
        "开通期限（资源提供方）：自 2026-09-30 起 3 个工作日，期限为 2026-10-10（星期六）",
        "结论：有效",
    ] {
        assert!(text.contains(words), "{words}\n---\n{text}");
    }
    for fp in [&sup_fp, &county_fp, &city_fp] {
        assert!(
            text.contains(&format!("审核人证书指纹（SHA-256）：{fp}")),
            "{text}"
        );
    }
    assert!(!text.contains("尚不校验"));

    // verify --format json: the old fields, and the new ones.
    let (c, v) = verify_json(d, "r3.gcpkg.json", &[]);
    assert_eq!(c, 0);
    for field in [
        "file",
        "kind",
        "valid",
        "trusted",
        "signer",
        "package_id",
        "documents",
        "checks",
    ] {
        assert!(v.get(field).is_some(), "{field}");
    }
    assert_eq!(v["status"], "approved");
    assert_eq!(v["provisioning_deadline"], "2026-10-10");
    assert_eq!(v["provisioning"]["provisional"], false);
    assert_eq!(v["route"], json!(["supervisor", "county", "city"]));
    let reviews = v["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[1]["decision_label"], "初审通过，转报上级");
    assert_eq!(reviews[2]["fingerprint"], city_fp.as_str());
    assert_eq!(reviews[2]["deadline"], "2026-10-12");
    for r in reviews {
        assert_eq!(r["valid"], true);
    }
    let (_, v) = verify_json(d, "r1.gcpkg.json", &[]);
    assert_eq!(v["status"], "awaiting_county");
    assert!(v.get("provisioning_deadline").is_none());

    // --trust applies to the reviewers' certificates too: the clerk's and
    // the first two reviewers' registered, the city's not.
    std::fs::create_dir(d.join("trusted")).unwrap();
    std::fs::write(d.join("trusted/clerk.pem"), crate::sign::pem(clerk_key())).unwrap();
    for name in ["sup", "county"] {
        std::fs::copy(
            d.join(format!("{name}.pem")),
            d.join(format!("trusted/{name}.pem")),
        )
        .unwrap();
    }
    let (c, text) = verify_text(d, "r3.gcpkg.json", &["--trust", "trusted"]);
    assert_eq!(c, 1, "{text}");
    assert_eq!(text.matches("审核人证书：可信").count(), 2, "{text}");
    assert_eq!(text.matches("审核人证书：未登记").count(), 1, "{text}");
    assert!(
        text.contains(
            "审核记录3（韶关市政务服务数据管理部门，韶关市政务服务数据管理局）：审核人证书未登记"
        ),
        "{text}"
    );
    std::fs::copy(d.join("city.pem"), d.join("trusted/city.pem")).unwrap();
    let (c, v) = verify_json(d, "r3.gcpkg.json", &["--trust", "trusted"]);
    assert_eq!(c, 0);
    assert_eq!(v["trusted"], true);
    assert!(v["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["trusted"] == true));
}

#[test]
fn refusals_exit_1_before_the_passphrase_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    reviewer_keys(d);
    std::fs::write(d.join("county.gcpkg.json"), county_package()).unwrap();
    let [one, two, three] = approved_chain();
    std::fs::write(d.join("one.gcpkg.json"), one).unwrap();
    std::fs::write(d.join("two.gcpkg.json"), two).unwrap();
    std::fs::write(d.join("three.gcpkg.json"), three).unwrap();
    let mut returned = raw_review(
        ReviewLevel::City,
        "return",
        "2026-09-29",
        "2026-09-30",
        "2026-10-12",
    );
    returned["opinion"] = json!("请核减配置。");
    let returned = with_raw(two, returned, ReviewLevel::City);
    std::fs::write(d.join("returned.gcpkg.json"), returned).unwrap();
    let mut broken_applicant = value(county_package());
    broken_applicant["documents"][0]["data"]["hosts"][0]["vcpu"] = json!(16);
    std::fs::write(
        d.join("broken-applicant.gcpkg.json"),
        bytes(&broken_applicant),
    )
    .unwrap();
    let mut broken_review = value(one);
    broken_review["reviews"][0]["date"] = json!("2026-09-21");
    std::fs::write(d.join("broken-review.gcpkg.json"), bytes(&broken_review)).unwrap();

    // (package, level, decision, opinion, dates, expected code)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        (&'a str, &'a str),
        &'a str,
    );
    let cases: [Case; 7] = [
        (
            "one.gcpkg.json",
            "city",
            "approve",
            "",
            ("2026-09-23", "2026-09-24"),
            "review_level_order",
        ),
        (
            "three.gcpkg.json",
            "city",
            "reject",
            "不同意",
            ("2026-10-08", "2026-10-08"),
            "review_chain_closed",
        ),
        (
            "returned.gcpkg.json",
            "city",
            "approve",
            "",
            ("2026-10-08", "2026-10-08"),
            "review_chain_closed",
        ),
        (
            "county.gcpkg.json",
            "supervisor",
            "return",
            "",
            ("2026-09-21", "2026-09-21"),
            "review_opinion_required",
        ),
        (
            "broken-applicant.gcpkg.json",
            "supervisor",
            "approve",
            "",
            ("2026-09-21", "2026-09-21"),
            "review_package_invalid",
        ),
        (
            "broken-review.gcpkg.json",
            "county",
            "approve",
            "",
            ("2026-09-23", "2026-09-23"),
            "review_package_invalid",
        ),
        (
            "county.gcpkg.json",
            "supervisor",
            "approve",
            "",
            ("2026-09-22", "2026-09-21"),
            "review_dates",
        ),
    ];
    for (input, level, decision, opinion, dates, expected) in cases {
        let before = std::fs::read(d.join(input)).unwrap();
        // No passphrase is given: a refusal must come before the key is opened.
        let o = review(
            d,
            input,
            ask(level, decision, opinion, Some(dates)),
            "out.gcpkg.json",
            None,
        );
        assert_eq!(code(&o), 1, "{expected}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("[{expected}]")),
            "{expected}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("未写入任何文件"), "{}", stderr(&o));
        assert!(!d.join("out.gcpkg.json").exists(), "{expected}: no output");
        assert_eq!(
            std::fs::read(d.join(input)).unwrap(),
            before,
            "{expected}: input unchanged"
        );
    }

    // Exit 2: the output is the input (also through a link), a wrong
    // passphrase, an unreadable or missing package, bad arguments.
    std::fs::write(
        d.join("junk.gcpkg.json"),
        b"{\"format\": \"gcforms-package\", ",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("county.gcpkg.json"), d.join("link.gcpkg.json")).unwrap();
    let fine = ask(
        "supervisor",
        "approve",
        "",
        Some(("2026-09-21", "2026-09-21")),
    );
    let cases = [
        (
            "county.gcpkg.json",
            fine,
            "county.gcpkg.json",
            PASS,
            "不能是输入的提交包",
        ),
        (
            "county.gcpkg.json",
            fine,
            "link.gcpkg.json",
            PASS,
            "不能是输入的提交包",
        ),
        (
            "county.gcpkg.json",
            fine,
            "out.gcpkg.json",
            "wrong",
            "口令错误",
        ),
        ("junk.gcpkg.json", fine, "out.gcpkg.json", PASS, "不完整"),
        (
            "missing.gcpkg.json",
            fine,
            "out.gcpkg.json",
            PASS,
            "missing.gcpkg.json",
        ),
        (
            "county.gcpkg.json",
            ask("province", "approve", "", None),
            "out.gcpkg.json",
            PASS,
            "supervisor、county 或 city",
        ),
        (
            "county.gcpkg.json",
            ask(
                "supervisor",
                "approve",
                "",
                Some(("2026-9-21", "2026-09-21")),
            ),
            "out.gcpkg.json",
            PASS,
            "YYYY-MM-DD",
        ),
    ];
    let before = std::fs::read(d.join("county.gcpkg.json")).unwrap();
    for (input, a, out, pass, words) in cases {
        if cfg!(not(unix)) && out == "link.gcpkg.json" {
            continue;
        }
        let o = review(d, input, a, out, Some(pass));
        assert_eq!(code(&o), 2, "{words}: {}", stderr(&o));
        assert!(stderr(&o).contains(words), "{words}: {}", stderr(&o));
        assert!(!d.join("out.gcpkg.json").exists(), "{words}");
        assert_eq!(
            std::fs::read(d.join("county.gcpkg.json")).unwrap(),
            before,
            "{words}"
        );
    }
}

#[test]
fn a_clerk_packs_and_the_reviewers_decide_today_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    reviewer_keys(d);
    let o = gcforms(
        d,
        &["key", "new", "--unit", UNIT, "-o", "clerk.p12"],
        Some(PASS),
    );
    assert_eq!(code(&o), 0);
    // The example: a city unit applying through its 主管部门.
    let examples = crate::support::root().join("examples");
    let o = gcforms(
        d,
        &[
            "pack",
            &examples.join("application.json").display().to_string(),
            &examples.join("security_pledge.json").display().to_string(),
            "--key",
            "clerk.p12",
            "-o",
            "p.gcpkg.json",
        ],
        Some(PASS),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    reviewed(
        d,
        "p.gcpkg.json",
        ask("supervisor", "approve", "同意。", None),
        "p1.gcpkg.json",
    );
    reviewed(
        d,
        "p1.gcpkg.json",
        ask("city", "approve", "同意。", None),
        "p2.gcpkg.json",
    );
    let (c, v) = verify_json(d, "p2.gcpkg.json", &[]);
    assert_eq!(c, 0, "{v:#}");
    assert_eq!(v["status"], "approved");
    let today = chrono::Local::now().date_naive().to_string();
    for r in v["reviews"].as_array().unwrap() {
        assert_eq!(r["date"], today.as_str(), "--date defaults to today");
        assert_eq!(
            r["received"],
            today.as_str(),
            "--received defaults to --date"
        );
    }
}

/// A 资源需求预估表 of a county unit filing through its 主管单位 is packed
/// without any 附件2, carries its own printed page, and follows its own
/// route (主管部门 → 县 → 市) drawn from its top-level fields.
#[test]
fn an_estimate_is_packed_alone_and_reviewed_along_its_route() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    reviewer_keys(d);
    let o = gcforms(
        d,
        &["key", "new", "--unit", UNIT, "-o", "clerk.p12"],
        Some(PASS),
    );
    assert_eq!(code(&o), 0);
    let mut estimate = example("demand_estimate");
    estimate["unit_name"] = json!(UNIT);
    estimate["supervisor_unit"] = json!(SUPERVISOR);
    estimate["jurisdiction"] = json!("zhenjiang");
    std::fs::write(d.join("e.json"), serde_json::to_vec(&estimate).unwrap()).unwrap();
    let o = gcforms(
        d,
        &["pack", "e.json", "--key", "clerk.p12", "-o", "e.gcpkg.json"],
        Some(PASS),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // The package's PDF is the estimate's own page, read by poppler.
    let package: Value =
        serde_json::from_slice(&std::fs::read(d.join("e.gcpkg.json")).unwrap()).unwrap();
    let documents = package["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1);
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(documents[0]["pdf"]["base64"].as_str().unwrap())
        .unwrap();
    std::fs::write(d.join("e.pdf"), pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(d.join("e.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("资源需求预估表"), "{text}");
    assert!(text.contains("不动产统一登记信息平台"), "{text}");

    let (c, v) = verify_json(d, "e.gcpkg.json", &[]);
    assert_eq!(c, 0, "{v:#}");
    assert_eq!(v["status"], "awaiting_supervisor");
    // The county cannot decide before the 主管部门.
    let o = review(
        d,
        "e.gcpkg.json",
        ask("county", "approve", "同意。", None),
        "x.gcpkg.json",
        Some(PASS),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("review_level_order"), "{}", stderr(&o));
    assert!(!d.join("x.gcpkg.json").exists());
    // Each level in turn, each result the next one's input.
    let chain = [
        ("e", "supervisor", "初审通过。", "e1", "awaiting_county"),
        ("e1", "county", "同意上报。", "e2", "awaiting_city"),
        ("e2", "city", "同意。", "e3", "approved"),
    ];
    for (from, level, opinion, to, status) in chain {
        let (from, to) = (format!("{from}.gcpkg.json"), format!("{to}.gcpkg.json"));
        reviewed(d, &from, ask(level, "approve", opinion, None), &to);
        let (c, v) = verify_json(d, &to, &[]);
        assert_eq!(c, 0, "{level}: {v:#}");
        assert_eq!(v["status"], status, "after {level}");
    }
}

#[test]
fn a_provisional_deadline_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    reviewer_keys(d);
    std::fs::write(d.join("old.gcpkg.json"), super::chain::package_of_2019()).unwrap();
    let text = reviewed(
        d,
        "old.gcpkg.json",
        ask(
            "city",
            "approve",
            "同意。",
            Some(("2019-12-20", "2019-12-23")),
        ),
        "r.gcpkg.json",
    );
    assert!(
        text.contains("期限为 2019-12-27") && text.contains("暂定：2019 年放假安排尚未导入"),
        "{text}"
    );
    let (c, text) = verify_text(d, "r.gcpkg.json", &[]);
    assert_eq!(c, 0, "{text}");
    assert!(
        text.contains("开通期限（资源提供方）：自 2019-12-23 起 3 个工作日，期限为 2019-12-26"),
        "{text}"
    );
    assert!(text.contains("暂定：2019 年放假安排尚未导入"), "{text}");
    let (_, v) = verify_json(d, "r.gcpkg.json", &[]);
    assert_eq!(v["provisioning"]["provisional"], true);
    assert_eq!(v["provisioning"]["reason"], "暂定：2019 年放假安排尚未导入");
}

#[test]
fn hostile_text_is_shown_escaped_and_a_huge_opinion_is_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut review = raw_review(
        ReviewLevel::Supervisor,
        "approve",
        "2026-09-21",
        "2026-09-22",
        "2026-09-29",
    );
    review["unit"] = json!("韶关市\u{202e}局源资然自");
    review["reviewer"] = json!("王\u{1b}[31m建国");
    review["opinion"] = json!("同意\u{2067}上报\n第二行\u{7}");
    let hostile = with_raw(county_package(), review, ReviewLevel::Supervisor);
    std::fs::write(d.join("hostile.gcpkg.json"), hostile).unwrap();
    let (c, text) = verify_text(d, "hostile.gcpkg.json", &[]);
    assert_eq!(c, 0, "hidden characters only warn: {text}");
    assert!(
        !text.contains(['\u{202e}', '\u{1b}', '\u{2067}', '\u{7}']),
        "{text:?}"
    );
    assert!(
        text.contains("审核单位：韶关市\\u{202e}局源资然自"),
        "{text}"
    );
    assert!(text.contains("审核人：王\\u{1b}[31m建国"), "{text}");
    assert!(
        text.contains("意见：同意\\u{2067}上报\n        第二行\\u{7}"),
        "{text}"
    );
    assert!(
        text.contains("[提醒]") && text.contains("控制字符"),
        "{text}"
    );

    let mut review = raw_review(
        ReviewLevel::Supervisor,
        "approve",
        "2026-09-21",
        "2026-09-22",
        "2026-09-29",
    );
    review["opinion"] = json!("长".repeat(1 << 20));
    let huge = with_raw(county_package(), review, ReviewLevel::Supervisor);
    std::fs::write(d.join("huge.gcpkg.json"), huge).unwrap();
    let (c, text) = verify_text(d, "huge.gcpkg.json", &[]);
    assert_eq!(c, 1);
    assert!(
        text.contains("超过上限 2000 个字符"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(
        text.len() < 20_000,
        "the opinion is not printed whole: {} bytes",
        text.len()
    );
}
