//! The `gcforms` binary as a user runs it: exit codes, JSON output, and
//! hostile input that must give one clear line and exit 2, never a panic.

use std::io::Write;
use std::process::Output;

use serde_json::Value;

use crate::support::{example, gcforms, set};

fn run(args: &[&str]) -> Output {
    gcforms().args(args).output().unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn valid_examples_exit_0() {
    let out = run(&[
        "validate",
        "examples/application.json",
        "examples/security_pledge.json",
        "examples/change.json",
        "examples/cancellation.json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("通过"), "{text}");
    assert!(
        text.contains("主机5台，CPU48核，内存160G，存储1600G"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_contract_shape() {
    let out = run(&["validate", "--format", "json", "examples/application.json"]);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["file"], "examples/application.json");
    assert_eq!(line["valid"], true);
    assert_eq!(line["diagnostics"], Value::Array(vec![]));
    assert_eq!(
        line["totals"],
        serde_json::json!({"hosts": 5, "vcpu": 48, "memory_gb": 160, "storage_gb": 1600})
    );
}

#[test]
fn errors_exit_1_with_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example("application");
    set(&mut doc, "/hosts/1/data_disk_gb", Value::from(80));
    set(&mut doc, "/extra", Value::from(1));
    doc.as_object_mut().unwrap().shift_remove("totals");
    let bad = write_temp(&dir, "bad.json", doc.to_string().as_bytes());
    let out = run(&["validate", "--format", "json", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let line = &json_lines(&out)[0];
    assert_eq!(line["valid"], false);
    let diags = line["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unknown_field", "data_disk_min"]);
    for d in diags {
        for key in ["code", "severity", "path", "message"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        assert_eq!(d["severity"], "error");
    }
    assert_eq!(line["totals"]["storage_gb"], 680);

    let human = run(&["validate", &bad]);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8(human.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        3,
        "a summary line and one line per finding:\n{text}"
    );
    assert!(
        text.contains("第2行主机“bdc-db-01”的数据盘为80GB，不得小于100GB"),
        "{text}"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example("application");
    set(
        &mut doc,
        "/hosts/2/backup/copies",
        serde_json::json!(["local"]),
    );
    let f = write_temp(&dir, "warn.json", doc.to_string().as_bytes());
    let out = run(&["validate", "--format", "json", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out)[0]["diagnostics"][0]["severity"], "warning");
}

#[test]
fn application_with_pledge_of_another_unit_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut pledge = example("security_pledge");
    set(&mut pledge, "/unit_name", Value::from("韶关市自然资源局"));
    let p = write_temp(&dir, "pledge.json", pledge.to_string().as_bytes());
    let out = run(&[
        "validate",
        "--format",
        "json",
        "examples/application.json",
        &p,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["diagnostics"][0]["code"], "pledge_unit_mismatch");
}

/// Hostile inputs: each must give exit 2, one line on stderr, and no panic.
#[test]
fn hostile_input_exits_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let valid = std::fs::read("examples/application.json").unwrap();
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let wide = format!("[{}0]", "0,".repeat(2_000_000));
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap(); // sparse 1 GB
    let mut cases: Vec<(&str, String)> = vec![
        (
            "不完整",
            write_temp(&dir, "truncated.json", &valid[..valid.len() / 2]),
        ),
        (
            "UTF-8",
            write_temp(
                &dir,
                "latin1.json",
                b"{\"form\":\"application\",\"x\":\"\xe9t\xe9\"}",
            ),
        ),
        ("为空", write_temp(&dir, "empty.json", b"")),
        ("为空", write_temp(&dir, "blank.json", b" \n\t ")),
        ("嵌套", write_temp(&dir, "deep.json", deep.as_bytes())),
        // 4 MB of `[0,0,…]`: two million values, refused before they are
        // built (they would take a hundred times the file's size).
        ("元素过多", write_temp(&dir, "wide.json", wide.as_bytes())),
        ("过大", big.to_string_lossy().into_owned()),
        (
            "未知的表单类型",
            write_temp(
                &dir,
                "form.json",
                br#"{"form":"invoice","schema_version":1,"id":"x"}"#,
            ),
        ),
        (
            "schema_version",
            write_temp(
                &dir,
                "v2.json",
                br#"{"form":"application","schema_version":2,"id":"x"}"#,
            ),
        ),
        (
            "缺少表单类型",
            write_temp(&dir, "noform.json", br#"{"schema_version":1}"#),
        ),
        ("不是 JSON 对象", write_temp(&dir, "array.json", b"[1,2,3]")),
        (
            "JSON 格式错误",
            write_temp(&dir, "garbage.json", b"\x00\x01garbage"),
        ),
        (
            "无法读取",
            dir.path()
                .join("missing.json")
                .to_string_lossy()
                .into_owned(),
        ),
        ("无法读取", dir.path().to_string_lossy().into_owned()),
    ];
    cases.push((
        "未知的表单类型",
        write_temp(
            &dir,
            "ansi.json",
            br#"{"form":"\u001b[2J","schema_version":1}"#,
        ),
    ));
    for (expect, file) in cases {
        let out = run(&["validate", &file]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{file}: one line, got {stderr}");
        assert!(
            stderr.contains(expect),
            "{file}: expected «{expect}» in {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains('\u{1b}'),
            "{file}: {stderr}"
        );
        let json = run(&["validate", "--format", "json", &file]);
        assert_eq!(json.status.code(), Some(2));
        assert_eq!(json_lines(&json)[0]["error"]["code"], "unreadable");
    }
}

#[test]
fn worst_exit_code_wins() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write_temp(&dir, "empty.json", b"");
    let out = run(&["validate", "examples/change.json", &empty]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("通过"),
        "the readable file is still reported"
    );
}

#[test]
fn another_policy_file_is_used_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut policy: Value = serde_json::from_str(gcforms::policy::DEFAULT_POLICY_JSON).unwrap();
    set(&mut policy, "/min_data_disk_gb", Value::from(1000));
    let p = write_temp(&dir, "policy.json", policy.to_string().as_bytes());
    let out = run(&["--policy", &p, "validate", "examples/application.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("不得小于1000GB"));

    set(&mut policy, "/limits/vcpu/min", Value::from(500));
    let bad = write_temp(&dir, "bad-policy.json", policy.to_string().as_bytes());
    let out = run(&["--policy", &bad, "validate", "examples/application.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("政策文件无效"));
}

#[test]
fn schema_is_json_with_every_form() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = schema.to_string();
    for needle in [
        "\"application\"",
        "\"security_pledge\"",
        "\"change\"",
        "\"cancellation\"",
        "数据盘(GB)",
        "单位名称（盖章）",
    ] {
        assert!(text.contains(needle), "schema lacks {needle}");
    }
    let mut stdout = std::io::sink();
    stdout.write_all(&out.stdout).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["validate"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

/// `gcforms new change --from APPLICATION.json` starts a 附件3 from the
/// application, as the app's 引用原申请 does: the result is a readable
/// document whose only findings are what the clerk must still decide.
#[test]
fn new_change_from_an_application() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("change.json");
    let out = run(&[
        "new",
        "change",
        "--from",
        "examples/application.json",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    let app = example("application");
    assert_eq!(doc["form"], "change");
    assert_eq!(doc["original_application_id"], app["id"]);
    assert_ne!(doc["id"], app["id"]);
    assert_eq!(doc["items"][0]["before"], app["hosts"][0]);
    assert_eq!(doc["applicant"]["unit_name"], app["applicant"]["unit_name"]);
    let checked = run(&["validate", "--format", "json", out_path.to_str().unwrap()]);
    let line = &json_lines(&checked)[0];
    let codes: Vec<&str> = line["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // 变更原因 is the clerk's; before = after is no change yet.
    assert!(codes.contains(&"required"), "{codes:?}");
    assert!(!codes.contains(&"unknown_field"), "{codes:?}");
}

/// `gcforms new demand_estimate --from LAST.json` (以此为模板新建): a new
/// number, the year after, dated today, the rows kept; the result has no
/// errors. An application is no template for an estimate (exit 1).
#[test]
fn new_estimate_from_last_years() {
    let out = run(&[
        "new",
        "demand_estimate",
        "--from",
        "examples/demand_estimate.json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let last = example("demand_estimate");
    let today = chrono::Local::now().date_naive();
    let year = last["year"].as_i64().unwrap() + 1;
    assert_eq!(
        doc["year"].as_i64().unwrap(),
        year.max(i64::from(chrono::Datelike::year(&today)) + 1)
    );
    assert_eq!(doc["submit_date"], today.format("%Y-%m-%d").to_string());
    assert_ne!(doc["id"], last["id"]);
    assert_eq!(doc["items"], last["items"]);
    assert_eq!(doc["unit_name"], last["unit_name"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("next.json");
    std::fs::write(&path, &out.stdout).unwrap();
    let checked = run(&["validate", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );

    let out = run(&[
        "new",
        "demand_estimate",
        "--from",
        "examples/application.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("资源需求预估表"));
}

/// A cancellation to standard output; a non-application source is refused
/// with exit 1 and a Chinese reason; an unreadable one is exit 2.
#[test]
fn new_cancellation_and_refusals() {
    let out = run(&["new", "cancellation", "--from", "examples/application.json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["hosts"].as_array().unwrap().len(), 3);
    assert!(doc["hosts"][0].get("backup").is_none());

    let out = run(&["new", "change", "--from", "examples/security_pledge.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是附件1"));

    let out = run(&["new", "application", "--from", "examples/application.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("只有附件3"));

    let out = run(&["new", "change", "--from", "no-such-file.json"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["new", "pledge"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["new", "security_pledge"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["form"], "security_pledge");
    assert_eq!(doc["id"].as_str().unwrap().len(), 36);
}

/// A unit name with a right-to-left override or a bell character is a
/// finding at its field, naming the code point; no output carries the raw
/// character; and the draft still prints (the character never reaches the
/// renderer).
#[test]
fn control_characters_are_findings_named_by_code_point() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example("application");
    set(
        &mut doc,
        "/applicant/unit_name",
        Value::from("韶关市\u{202e}心中记登\u{7}"),
    );
    let file = write_temp(
        &dir,
        "rtl.json",
        serde_json::to_string(&doc).unwrap().as_bytes(),
    );
    let out = run(&["validate", &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[control_character]") && text.contains("U+202E"),
        "{text}"
    );
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{7}'),
        "raw character in {text:?}"
    );
    let pdf = dir.path().join("rtl.pdf");
    let out = run(&["render", &file, "-o", pdf.to_str().unwrap(), "--draft"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["render", &file, "-o", pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("U+202E") && !err.contains('\u{202e}'),
        "{err:?}"
    );
}
