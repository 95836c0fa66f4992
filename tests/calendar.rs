//! The working-day calendar (SPEC §6) through the core API and the built
//! binary: deadlines across 春节, 国庆 and 调休 Saturdays, unknown years,
//! `calendar list|import` with hostile files, and every date of 2020–2026
//! checked against PyPI `chinesecalendar`, an independent source.
//!
//! Expected deadlines are worked out by hand in the comments: the days after
//! D that count, in order, from the notices' text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::Value;

use gcforms::calendar::{Calendar, CalendarError, InvalidYearFile, Origin};

use crate::support::gcforms;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The deadline's date and whether it is provisional.
fn deadline(calendar: &Calendar, from: &str, n: u32) -> (String, bool) {
    let d = calendar.deadline(date(from), n).unwrap();
    (d.deadline.to_string(), d.status.provisional)
}

/// A hypothetical 2027 year file (no 2027 notice had been published when
/// this was written): 元旦 1–3 January off, no make-up day.
const YEAR_2027: &str = r#"{"year": 2027, "source": "测试用：2027 年放假安排", "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}"#;

// ---------------------------------------------------------------- core API

/// Deadlines inside the built-in years: (D, N, the N-th working day after
/// D), with the days that count worked out from the notices.
const BOUNDARIES: [(&str, u32, &str); 16] = [
    // SPEC §6: from Tuesday 2026-09-29, 9-30 (1); 10-1…10-7 国庆; 10-8 (2),
    // 10-9 (3), 10-10 a make-up Saturday (4), 10-11 Sunday, 10-12 (5).
    ("2026-09-29", 5, "2026-10-12"),
    // 春节 2026: from Thursday 2-12, 2-13 (1), 2-14 a make-up Saturday (2);
    // 2-15…2-23 off; 2-24 (3), 2-25 (4), 2-26 (5).
    ("2026-02-12", 5, "2026-02-26"),
    ("2026-02-12", 3, "2026-02-24"),
    // 2020's 春节, extended by the second notice to 2 February: from
    // Thursday 1-23 nothing counts until Monday 2-3 — 1-31 (Fri) is off and
    // 2-1 (Sat) no longer the make-up day the first notice named; then
    // 2-4 (2), 2-5 (3).
    ("2020-01-23", 1, "2020-02-03"),
    ("2020-01-23", 3, "2020-02-05"),
    // N = 1, 3, 5 from Tuesday 2025-09-30: 10-1…10-8 国庆 and 中秋;
    // 10-9 (1), 10-10 (2), 10-11 a make-up Saturday (3), 10-12 Sunday,
    // 10-13 (4), 10-14 (5).
    ("2025-09-30", 1, "2025-10-09"),
    ("2025-09-30", 3, "2025-10-11"),
    ("2025-09-30", 5, "2025-10-14"),
    // D on a holiday, Saturday 2026-10-03 inside 国庆: 10-8, 10-9, 10-10.
    ("2026-10-03", 3, "2026-10-10"),
    // D on the make-up Saturday 2026-10-10, not counted: 10-12 (1) …
    // 10-16 (5).
    ("2026-10-10", 1, "2026-10-12"),
    ("2026-10-10", 5, "2026-10-16"),
    // D on Friday 2026-10-09: the next day is a make-up Saturday (1).
    ("2026-10-09", 1, "2026-10-10"),
    // D on an ordinary Friday, 2026-03-13: the next week, 3-16 … 3-20.
    ("2026-03-13", 5, "2026-03-20"),
    // D on Friday 2026-04-03 before 清明 (4-4…4-6): 4-7 (1).
    ("2026-04-03", 1, "2026-04-07"),
    // 2024's notice only encourages a day off on 除夕 (Friday 2-9): from
    // Thursday 2-8, 2-9 (1); 2-10…2-17 off; 2-18 a make-up Sunday (2).
    ("2024-02-08", 1, "2024-02-09"),
    ("2024-02-08", 2, "2024-02-18"),
];

#[test]
fn deadlines_across_festivals_and_make_up_days() {
    let calendar = Calendar::builtin();
    for (from, n, expected) in BOUNDARIES {
        assert_eq!(
            deadline(&calendar, from, n),
            (expected.to_string(), false),
            "{n} working days from {from}"
        );
    }
}

#[test]
fn an_unknown_year_is_provisional_until_it_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let mut calendar = Calendar::load(dir.path());
    // From 2026-12-29 (Tue): 12-30 (1), 12-31 (2); 2027 is unknown, so
    // Monday to Friday: 1-1 Fri (3), 1-4 Mon (4), 1-5 Tue (5).
    let d = calendar.deadline(date("2026-12-29"), 5).unwrap();
    assert_eq!(d.deadline.to_string(), "2027-01-05");
    assert!(d.status.provisional);
    assert_eq!(d.status.unknown_years, [2027]);
    assert_eq!(
        d.status.reason.as_deref(),
        Some("暂定：2027 年放假安排尚未导入")
    );
    // Days inside known years only are not provisional, even from an
    // unknown year's last day: 2019-12-31 is D, 2020-01-02 (1).
    let d = calendar.deadline(date("2019-12-31"), 1).unwrap();
    assert_eq!(
        (d.deadline.to_string(), d.status.provisional),
        ("2020-01-02".into(), false)
    );

    let file = dir.path().join("2027.json");
    std::fs::write(&file, YEAR_2027).unwrap();
    calendar.import_file(&file).unwrap();
    // 12-30 (1), 12-31 (2); 1-1…1-3 off; 1-4 (3), 1-5 (4), 1-6 (5).
    let d = calendar.deadline(date("2026-12-29"), 5).unwrap();
    assert_eq!(
        (
            d.deadline.to_string(),
            d.status.provisional,
            d.status.reason
        ),
        ("2027-01-06".into(), false, None)
    );
    // A fresh load of the same folder sees the import.
    assert_eq!(
        deadline(&Calendar::load(dir.path()), "2026-12-29", 5),
        ("2027-01-06".into(), false)
    );
}

#[test]
fn working_days_left_counts_to_the_deadline_and_past_it() {
    let calendar = Calendar::builtin();
    let due = date("2026-10-12");
    // The five working days of the SPEC example.
    assert_eq!(calendar.working_days_left(date("2026-09-29"), due).days, 5);
    // From 10-8: 10-9, 10-10 (make-up), 10-12.
    assert_eq!(calendar.working_days_left(date("2026-10-08"), due).days, 3);
    assert_eq!(calendar.working_days_left(due, due).days, 0);
    // Overdue: 10-13 is one working day late, 10-17 (Sat) four (13…16).
    assert_eq!(calendar.working_days_left(date("2026-10-13"), due).days, -1);
    assert_eq!(calendar.working_days_left(date("2026-10-17"), due).days, -4);
    let left = calendar.working_days_left(date("2026-12-30"), date("2027-01-04"));
    // 12-31, then unknown 2027 counted Monday to Friday: 1-1, 1-4.
    assert_eq!((left.days, left.status.provisional), (3, true));
    assert_eq!(
        left.status.reason.as_deref(),
        Some("暂定：2027 年放假安排尚未导入")
    );
}

#[test]
fn single_days_say_whether_they_are_known() {
    let calendar = Calendar::builtin();
    let day = |s: &str| {
        let d = calendar.is_working_day(date(s));
        (d.working, d.provisional)
    };
    assert_eq!(day("2026-10-10"), (true, false), "make-up Saturday");
    assert_eq!(day("2026-10-01"), (false, false), "国庆");
    assert_eq!(
        day("2024-02-09"),
        (true, false),
        "除夕 2024 only encouraged off"
    );
    assert_eq!(day("2027-01-04"), (true, true), "unknown year, a Monday");
    assert_eq!(day("2027-01-02"), (false, true), "unknown year, a Saturday");
}

// ------------------------------------------------- the independent oracle

/// Every date of 2020–2026 as PyPI `chinesecalendar` (import name
/// `chinese_calendar`, installed by `scripts/deps`) sees it: `is_workday`.
/// Its data is kept by others from the same notices, so an agreement on all
/// 2557 days checks our typing of every notice, 2020's extension included.
#[test]
fn every_date_2020_to_2026_agrees_with_chinesecalendar() {
    let script = r#"
import datetime, chinese_calendar
d = datetime.date(2020, 1, 1)
while d.year <= 2026:
    print(d.isoformat(), int(chinese_calendar.is_workday(d)))
    d += datetime.timedelta(days=1)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "chinesecalendar is needed (pip install chinesecalendar; scripts/deps): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calendar = Calendar::builtin();
    let mut checked = 0;
    let mut differences = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (day, workday) = line.split_once(' ').unwrap();
        let ours = calendar.is_working_day(date(day));
        assert!(!ours.provisional, "{day} is built in");
        if ours.working != (workday == "1") {
            differences.push(format!(
                "{day}: ours {}, chinesecalendar {workday}",
                ours.working
            ));
        }
        checked += 1;
    }
    assert_eq!(checked, 2557, "every day of 2020–2026");
    assert!(differences.is_empty(), "{differences:#?}");
}

// ------------------------------------------------------------ hostile files

/// A year file that breaks one rule, the words its error must contain, and
/// whether it is invalid (exit 1) rather than unreadable (exit 2).
fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let file = |holidays: &str, workdays: &str| {
        format!(r#"{{"year": 2027, "source": "测试", "holidays": [{holidays}], "workdays": [{workdays}]}}"#)
            .into_bytes()
    };
    // About 10 MB of dates: 800,000 entries of `"2027-01-01", `.
    let mut huge = b"{\"year\": 2027, \"source\": \"x\", \"holidays\": [".to_vec();
    for _ in 0..800_000 {
        huge.extend_from_slice(b"\"2027-01-01\", ");
    }
    huge.extend_from_slice(b"\"2027-01-02\"], \"workdays\": []}");
    vec![
        ("not-json", b"2027: 1-1, 1-2".to_vec(), "JSON"),
        ("empty", Vec::new(), "文件为空"),
        ("array", b"[\"2027-01-01\"]".to_vec(), "JSON 对象"),
        ("wrong-year", file(r#""2027-01-01", "2026-12-31""#, ""), "2026-12-31 不在 2027 年内"),
        ("twice", file(r#""2027-01-01", "2027-01-01""#, ""), "2027-01-01 出现了两次"),
        // 2027-01-08 is a Friday.
        ("weekday-make-up", file(r#""2027-01-01""#, r#""2027-01-08""#), "2027-01-08 是星期五"),
        // 2027-01-09 is a Saturday.
        ("both-lists", file(r#""2027-01-09""#, r#""2027-01-09""#), "2027-01-09 同时列在"),
        ("not-a-date", file(r#""2027-1-1""#, ""), "\"2027-1-1\" 不是 YYYY-MM-DD"),
        ("no-holidays", file("", ""), "holidays（放假日期）为空"),
        (
            "unknown-field",
            br#"{"year": 2027, "source": "x", "holidays": ["2027-01-01"], "workdays": [], "remark": 1}"#.to_vec(),
            "未知的项“remark”",
        ),
        (
            "missing-field",
            br#"{"year": 2027, "source": "x", "holidays": ["2027-01-01"]}"#.to_vec(),
            "缺少 workdays",
        ),
        ("huge", huge, "文件过大"),
    ]
}

/// Every file below `dir`, with its bytes, to show nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn hostile_files_are_refused_by_the_core_and_change_nothing() {
    let data = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let good = inputs.path().join("good.json");
    std::fs::write(&good, YEAR_2027).unwrap();
    let mut calendar = Calendar::load(data.path());
    calendar.import_file(&good).unwrap();
    let before = snapshot(data.path());
    for (name, bytes, words) in hostile_files() {
        let path = inputs.path().join(format!("{name}.json"));
        std::fs::write(&path, &bytes).unwrap();
        let started = Instant::now();
        let e = calendar.import_file(&path).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name} refused quickly"
        );
        assert!(e.is_invalid_file(), "{name}: {e}");
        assert!(e.to_string().contains(words), "{name}: {e}");
        assert_eq!(e.code(), "invalid_calendar_file");
        assert_eq!(snapshot(data.path()), before, "{name} changed nothing");
    }
    assert_eq!(calendar.list().len(), 8, "2020–2026 and the good 2027");

    let e = calendar
        .import_file(&inputs.path().join("missing.json"))
        .unwrap_err();
    assert!(matches!(e, CalendarError::Unreadable(_)), "{e}");
    std::fs::write(
        inputs.path().join("gbk.json"),
        b"{\"source\": \"\xb9\xfa\"}",
    )
    .unwrap();
    let e = calendar
        .import_file(&inputs.path().join("gbk.json"))
        .unwrap_err();
    assert!(
        !e.is_invalid_file() && e.to_string().contains("UTF-8"),
        "{e}"
    );
    assert_eq!(snapshot(data.path()), before);

    // Without a data folder nothing can be imported.
    let e = Calendar::builtin().import_file(&good).unwrap_err();
    assert!(matches!(e, CalendarError::NoDataDir), "{e}");
    let Err(CalendarError::Invalid(InvalidYearFile::TooLarge { bytes })) =
        Calendar::builtin().import_bytes(&vec![b' '; 100_000])
    else {
        panic!("100 KB refused as too large");
    };
    assert_eq!(bytes, 100_000);
}

#[test]
fn imports_replace_and_override_and_a_damaged_import_is_skipped() {
    let data = tempfile::tempdir().unwrap();
    let mut calendar = Calendar::load(data.path());
    let file = data.path().join("in.json");

    std::fs::write(&file, YEAR_2027).unwrap();
    let first = calendar.import_file(&file).unwrap();
    assert!(!first.replaced_import && !first.info.overrides_builtin);
    // A corrected 2027: 1-4 off as well.
    std::fs::write(
        &file,
        YEAR_2027.replace(r#""2027-01-03""#, r#""2027-01-03", "2027-01-04""#),
    )
    .unwrap();
    let second = calendar.import_file(&file).unwrap();
    assert!(second.replaced_import);
    assert_eq!(second.info.holidays, 4);
    let stored = data.path().join("calendar/2027.json");
    assert!(std::fs::read_to_string(&stored)
        .unwrap()
        .contains("2027-01-04"));
    // 12-30 (1), 12-31 (2), 1-5 (3).
    assert_eq!(
        deadline(&Calendar::load(data.path()), "2026-12-29", 3).0,
        "2027-01-05"
    );

    // An imported 2026 overrides the built-in one: here without 国庆's
    // make-up Saturday 10-10, so from 10-9 the next working day is 10-12.
    let built_in =
        std::fs::read_to_string(gcforms_root().join("assets/calendar/2026.json")).unwrap();
    std::fs::write(&file, built_in.replace(r#", "2026-10-10""#, "")).unwrap();
    let year = calendar.import_file(&file).unwrap();
    assert!(year.info.overrides_builtin && !year.replaced_import);
    let reloaded = Calendar::load(data.path());
    let listed = reloaded.list();
    let y2026 = listed.iter().find(|y| y.year == 2026).unwrap();
    assert_eq!(
        (y2026.origin, y2026.overrides_builtin),
        (Origin::Imported, true)
    );
    assert_eq!(deadline(&reloaded, "2026-10-09", 1).0, "2026-10-12");

    // A damaged import is skipped with a note: 2026 falls back to the
    // built-in year (10-10 works again), 2027 to provisional.
    std::fs::write(data.path().join("calendar/2026.json"), "{\"year\": 2026").unwrap();
    std::fs::write(&stored, YEAR_2027.replace("2027", "2028")).unwrap();
    let damaged = Calendar::load(data.path());
    assert_eq!(damaged.problems().len(), 2, "{:?}", damaged.problems());
    assert!(
        damaged.problems()[1].contains("与文件名不符"),
        "{:?}",
        damaged.problems()
    );
    assert_eq!(deadline(&damaged, "2026-10-09", 1).0, "2026-10-10");
    assert!(
        damaged
            .deadline(date("2026-12-29"), 5)
            .unwrap()
            .status
            .provisional
    );
    assert_eq!(damaged.list().len(), 7);
}

fn gcforms_root() -> PathBuf {
    crate::support::root()
}

// --------------------------------------------------------------- the binary

fn run(args: &[&str]) -> Output {
    gcforms().args(args).output().unwrap()
}

/// `gcforms ARGS… --data-dir DATA`.
fn run_in(data: &Path, args: &[&str]) -> Output {
    gcforms()
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

/// `gcforms calendar import FILE --data-dir DATA`.
fn import(data: &Path, file: &Path) -> Output {
    run_in(data, &["calendar", "import", file.to_str().unwrap()])
}

/// `gcforms deadline ARGS… --format json --data-dir DATA`, which must succeed.
fn deadline_json(data: &Path, args: &[&str]) -> (String, Value) {
    let mut all = vec!["deadline", "--format", "json"];
    all.extend(args);
    let o = run_in(data, &all);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    let text = stdout(&o);
    let value = serde_json::from_str(&text).unwrap();
    (text, value)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn cli_deadline_prints_the_contract_json_and_chinese_text() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let (json, _) = deadline_json(data, &["2026-09-29"]);
    assert_eq!(
        json,
        "{\"from\":\"2026-09-29\",\"working_days\":5,\"deadline\":\"2026-10-12\",\"provisional\":false}\n"
    );
    let o = run_in(data, &["deadline", "2026-09-29"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "自 2026-09-29 起 5 个工作日，期限为 2026-10-12（星期一）\n"
    );

    // --days: from 2025-09-30, 10-9 (1), 10-10 (2), 10-11 make-up (3).
    let (_, v) = deadline_json(data, &["2025-09-30", "--days", "3"]);
    assert_eq!(
        (v["deadline"].as_str(), v["working_days"].as_u64()),
        (Some("2025-10-11"), Some(3))
    );

    // Into unknown 2027: 12-30, 12-31, 1-1, 1-4, 1-5 (see the core test).
    let (_, v) = deadline_json(data, &["2026-12-29"]);
    assert_eq!(v["deadline"], "2027-01-05");
    assert_eq!(v["provisional"], true);
    assert_eq!(v["unknown_years"], serde_json::json!([2027]));
    assert_eq!(v["reason"], "暂定：2027 年放假安排尚未导入");
    let o = run_in(data, &["deadline", "2026-12-29"]);
    assert_eq!(
        stdout(&o),
        "自 2026-12-29 起 5 个工作日，期限为 2027-01-05（星期二）\n暂定：2027 年放假安排尚未导入\n"
    );

    // After importing 2027: 1-1…1-3 off, so 1-6 and no longer provisional.
    let file = data.join("2027-notice.json");
    std::fs::write(&file, YEAR_2027).unwrap();
    assert_eq!(import(data, &file).status.code(), Some(0));
    let (json, _) = deadline_json(data, &["2026-12-29"]);
    assert_eq!(
        json,
        "{\"from\":\"2026-12-29\",\"working_days\":5,\"deadline\":\"2027-01-06\",\"provisional\":false}\n"
    );
}

#[test]
fn cli_deadline_takes_n_from_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = gcforms_root().join("assets/policy/shaoguan-2020.json");
    let mut policy: Value =
        serde_json::from_str(&std::fs::read_to_string(policy).unwrap()).unwrap();
    policy["sla"]["review_working_days"] = 3.into();
    let path = dir.path().join("policy.json");
    std::fs::write(&path, policy.to_string()).unwrap();
    // From 2026-09-29: 9-30 (1), 10-8 (2), 10-9 (3).
    let (_, v) = deadline_json(
        dir.path(),
        &["2026-09-29", "--policy", path.to_str().unwrap()],
    );
    assert_eq!(
        (v["deadline"].as_str(), v["working_days"].as_u64()),
        (Some("2026-10-09"), Some(3))
    );
}

#[test]
fn cli_deadline_refuses_bad_dates_and_days_with_exit_2() {
    for (args, words) in [
        (&["deadline", "2026-13-01"][..], "应为 YYYY-MM-DD"),
        (&["deadline", "2026/09/29"], "应为 YYYY-MM-DD"),
        (&["deadline", "2026-9-29"], "应为 YYYY-MM-DD"),
        (&["deadline", "明天"], "应为 YYYY-MM-DD"),
        (&["deadline", "2026-09-29", "--days", "0"], "应为 1 到 1000"),
        (
            &["deadline", "2026-09-29", "--days", "五"],
            "应为 1 到 1000",
        ),
        (
            &["deadline", "2026-09-29", "--days", "1001"],
            "应为 1 到 1000",
        ),
        // clap's own usage errors.
        (&["deadline", "2026-09-29", "--days", "-1"], "-1"),
        (&["deadline"], "<DATE>"),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
        assert!(stderr(&o).contains(words), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn cli_calendar_list_and_import() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let o = run_in(data, &["calendar", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(
        text.starts_with("2020  内置  国务院办公厅关于2020年部分节假日安排的通知"),
        "{text}"
    );
    assert!(
        text.contains("国务院办公厅关于延长2020年春节假期的通知"),
        "{text}"
    );

    let file = data.join("notice.json");
    std::fs::write(&file, YEAR_2027).unwrap();
    let said = |o: Output| {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(said(import(data, &file)).starts_with("已导入 2027 年放假安排"));
    assert!(said(import(data, &file)).contains("替换了之前导入的同一年"));
    let built_in =
        std::fs::read_to_string(gcforms_root().join("assets/calendar/2026.json")).unwrap();
    std::fs::write(&file, built_in.replace("国务院办公厅", "国办")).unwrap();
    assert!(said(import(data, &file)).contains("取代内置的同年数据"));

    let text = said(run_in(data, &["calendar", "list", "--format", "json"]));
    let years: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(years.len(), 8);
    assert_eq!(
        (&years[0]["year"], &years[0]["origin"]),
        (&2020.into(), &"builtin".into())
    );
    assert_eq!(years[6]["origin"], "imported");
    assert_eq!(years[6]["overrides_builtin"], true);
    assert_eq!(years[6]["source"], "国办关于2026年部分节假日安排的通知");
    assert_eq!(
        (&years[7]["year"], &years[7]["holidays"]),
        (&2027.into(), &3.into())
    );
    let stored = data.join("calendar/2027.json");
    assert_eq!(years[7]["file"], stored.to_str().unwrap());
    let text = said(run_in(data, &["calendar", "list"]));
    assert!(
        text.contains("2026  已导入（取代内置数据）  国办关于"),
        "{text}"
    );
}

#[test]
fn cli_calendar_import_refuses_hostile_files() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let inputs = tempfile::tempdir().unwrap();
    for (name, bytes, words) in hostile_files() {
        let path = inputs.path().join(format!("{name}.json"));
        std::fs::write(&path, &bytes).unwrap();
        let o = import(data, &path);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let text = stderr(&o);
        assert_eq!(text.lines().count(), 1, "{name}: one line: {text}");
        assert!(
            text.contains("放假安排文件无效") && text.contains(words),
            "{name}: {text}"
        );
        assert!(snapshot(data).is_empty(), "{name}: nothing stored");
    }
    // Unreadable: missing, or not UTF-8 (GBK) — exit 2.
    let gbk = inputs.path().join("gbk.json");
    std::fs::write(&gbk, b"{\"source\": \"\xb9\xfa\xce\xf1\xd4\xba\"}").unwrap();
    for path in [inputs.path().join("missing.json"), gbk] {
        let o = import(data, &path);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("无法读取") || stderr(&o).contains("UTF-8"),
            "{}",
            stderr(&o)
        );
    }
    // A data folder that is a file cannot be written: exit 2, nothing lost.
    let good = inputs.path().join("good.json");
    std::fs::write(&good, YEAR_2027).unwrap();
    let not_a_folder = inputs.path().join("plain-file");
    std::fs::write(&not_a_folder, "x").unwrap();
    let o = import(&not_a_folder, &good);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("无法保存"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&not_a_folder).unwrap(), b"x");
}

/// Without `--data-dir`, imports go to the same per-user folder as the
/// draft store (`$XDG_DATA_HOME/gcforms/` on Linux), where `deadline` finds
/// them.
#[cfg(target_os = "linux")]
#[test]
fn without_data_dir_the_apps_own_folder_is_used() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        gcforms()
            .args(args)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .output()
            .unwrap()
    };
    let file = home.path().join("notice.json");
    std::fs::write(&file, YEAR_2027).unwrap();
    let o = run(&["calendar", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let folder = home.path().join("data/gcforms");
    assert!(folder.join("calendar/2027.json").exists());
    let o = run(&["drafts", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        folder.join("drafts.db").exists(),
        "the draft store's folder"
    );
    let o = run(&["deadline", "2026-12-29", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["deadline"].as_str(), v["provisional"].as_bool()),
        (Some("2027-01-06"), Some(false))
    );
}
