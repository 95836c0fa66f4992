//! `gcforms render` and `gcforms::render`: text, fonts, pages, copies,
//! drafts, refusals, missing glyphs, reproducibility, and the look of every
//! page against approved images (`scripts/approve-render` re-approves them).
//!
//! Needs poppler-utils (`pdftotext`, `pdffonts`, `pdfinfo`, `pdftoppm`) and
//! fonts-noto-cjk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::render::{render, RenderError, RenderOptions, ReviewBox};

const EXAMPLES: [&str; 5] = [
    "application",
    "security_pledge",
    "change",
    "cancellation",
    "demand_estimate",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(format!("{name}.json"))
}

fn example_json(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(example(name)).unwrap()).unwrap()
}

fn gcforms(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gcforms"))
        .args(args)
        .output()
        .expect("run gcforms")
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Renders a JSON document through the CLI; returns the PDF's path.
fn render_cli(dir: &Path, name: &str, doc: &Value, extra: &[&str]) -> (PathBuf, Output) {
    let input = dir.join(format!("{name}.json"));
    std::fs::write(&input, serde_json::to_vec(doc).unwrap()).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    let mut args = vec![
        "render",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = gcforms(&args);
    (pdf, out)
}

fn render_ok(dir: &Path, name: &str, doc: &Value, extra: &[&str]) -> PathBuf {
    let (pdf, out) = render_cli(dir, name, doc, extra);
    assert!(
        out.status.success(),
        "render {name} {extra:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

/// The text of a PDF (or of one page) in drawing order, white space removed,
/// so values wrapped over several lines still read as one string.
pub(crate) fn text_of(pdf: &Path, page: Option<usize>) -> String {
    let mut args = vec!["-raw".to_string(), "-enc".into(), "UTF-8".into()];
    if let Some(p) = page {
        args.extend(["-f".into(), p.to_string(), "-l".into(), p.to_string()]);
    }
    args.extend([pdf.to_str().unwrap().to_string(), "-".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    squeeze(&tool("pdftotext", &args))
}

pub(crate) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(crate) fn pages(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

/// What the paper shows for each leaf of the document: the string or number
/// itself, catalog keys by their policy labels, the pledge's date as 年月日.
fn expected_values(v: &Value, key: &str, policy: &Policy, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                expected_values(v, k, policy, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                expected_values(item, key, policy, out);
            }
        }
        Value::String(s) => {
            let shown = match key {
                // Metadata and enum keys whose choice shows as a tick, not text.
                "form" | "created_at" | "updated_at" | "kind" | "nature" | "data_types"
                | "copies" => return,
                "server_type" => policy.server_type_label(s).unwrap().to_string(),
                "network_zone" => policy.network_zone_label(s).unwrap().to_string(),
                "os" if s != "other" => policy.os_label(s).unwrap().to_string(),
                "jurisdiction" => policy.jurisdiction_label(s).unwrap().to_string(),
                "change_type" => match s.as_str() {
                    "scale_up" => "扩容",
                    "scale_down" => "缩容",
                    "reconfigure" => "配置调整",
                    "backup_policy" => "备份策略调整",
                    _ => "其他",
                }
                .to_string(),
                "sign_date" => {
                    let p: Vec<u32> = s.split('-').map(|x| x.parse().unwrap()).collect();
                    format!("{}年{}月{}日", p[0], p[1], p[2])
                }
                _ => s.clone(),
            };
            out.push(squeeze(&shown));
        }
        Value::Number(n) if key != "schema_version" => out.push(n.to_string()),
        _ => {}
    }
}

/// The labels of each form as printed.
fn labels(form: &str) -> Vec<&'static str> {
    let unit = vec![
        "资源使用单位信息",
        "单位名称（盖章）",
        "单位联系人",
        "联系电话",
        "E-mail",
        "申请日期",
        "申请期限",
        "系统名称",
        "项目名称",
        "主管部门",
        "所属地区",
        "维护单位/部门信息",
        "维护单位",
        "维护单位性质",
        "本单位内设机构",
        "下属单位/部门",
        "委托外包单位",
        "维护负责人",
        "备注",
        "主管部门审核意见",
        "县(市、区)政务服务数据管理部门审核意见",
        "韶关市政务服务数据管理部门审批意见",
        "审核人签名：",
        "日期：",
        "注：本表一式三份，申请单位、主管部门或县(市、区)政务服务数据管理部门、市政务服务数据管理部门各存一份。",
    ];
    let mut v = match form {
        "application" => vec![
            "韶关市“数字政府”政务云资源申请表",
            "资源申请信息",
            "系统(主机)名称",
            "服务器类型",
            "网络区域",
            "操作系统",
            "配置需求",
            "数据盘(GB)100GB起",
            "数量",
            "需要备份",
            "不需要备份",
            "备份数据类型：",
            "文件",
            "数据库",
            "虚拟云主机",
            "数据副本：",
            "本地机房备份",
            "同城容灾备份",
            "异地灾难备份",
            "数据保存周期：",
            "默认2个月",
            "其他保存期限",
            "总计",
            "主机",
            "台，CPU",
            "核，内存",
            "G，存储",
        ],
        "change" => vec![
            "韶关市“数字政府”政务云资源变更申请表",
            "变更申请信息",
            "原申请编号",
            "期望完成日期",
            "变更原因",
            "变更内容",
            "主机名称",
            "变更类型",
            "变更前",
            "变更后",
            "服务器类型",
            "网络区域",
            "操作系统",
            "CPU(核)",
            "内存(GB)",
            "数据盘(GB)",
            "数量",
            "备份",
            "总计",
        ],
        "cancellation" => vec![
            "韶关市“数字政府”政务云资源注销申请表",
            "注销申请信息",
            "原申请编号",
            "系统下线日期",
            "注销原因",
            "注销资源清单",
            "系统(主机)名称",
            "CPU(核)",
            "内存(GB)",
            "数据盘(GB)",
            "总计",
            "数据处置",
            "已迁移",
            "迁移目标：",
            "已备份",
            "备份位置：",
            "保存至：",
            "确认无需保留",
            "系统已下线或将于下线日期前下线",
            "数据已迁移备份，知悉注销后数据不可恢复",
        ],
        "demand_estimate" => vec![
            "韶关市“数字政府”政务云资源需求预估表",
            "填报单位信息",
            "填报单位（盖章）",
            "预估年度",
            "主管单位",
            "所属地区",
            "联系人",
            "联系电话",
            "填报日期",
            "需求明细",
            "使用单位",
            "系统名称",
            "类型",
            "主机(台)",
            "CPU(核)",
            "内存(GB)",
            "存储(GB)",
            "新建",
            "扩容",
            "续用",
            "总计",
            "共4个系统",
            "备注",
            "主管部门审核意见",
            "县(市、区)政务服务数据管理部门审核意见",
            "韶关市政务服务数据管理部门审批意见",
            "审核人签名：",
            "注：本表一式两份，填报单位、接收的政务服务数据管理部门各存一份。",
        ],
        _ => vec![],
    };
    if ["application", "change", "cancellation"].contains(&form) {
        v.extend(unit);
    }
    v
}

#[test]
fn every_label_and_value_of_each_example_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let policy = Policy::default_shaoguan();
    for name in EXAMPLES {
        let doc = example_json(name);
        let pdf = render_ok(dir.path(), name, &doc, &[]);
        let text = text_of(&pdf, None);
        for label in labels(name) {
            assert!(
                text.contains(&squeeze(label)),
                "{name}: label 「{label}」 not printed"
            );
        }
        let mut values = Vec::new();
        expected_values(&doc, "", policy, &mut values);
        assert!(values.len() > 5, "{name}: the walk found values");
        for v in values {
            assert!(
                text.contains(&v),
                "{name}: value 「{v}」 not printed in:\n{text}"
            );
        }
    }
}

#[test]
fn rare_name_characters_print() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for name in EXAMPLES {
        let pdf = render_ok(dir.path(), name, &example_json(name), &[]);
        all.push_str(&text_of(&pdf, None));
    }
    for c in ['堃', '喆', '珺', '燊'] {
        assert!(all.contains(c), "{c} not printed");
    }
}

#[test]
fn the_pledge_prints_its_seventeen_clauses_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_ok(dir.path(), "pledge", &example_json("security_pledge"), &[]);
    let text = text_of(&pdf, None);
    let fingerprint = gcforms::pledge_text::FINGERPRINT_LABEL;
    for s in gcforms::pledge_text::all_text()
        .into_iter()
        .filter(|s| *s != fingerprint)
    {
        assert!(text.contains(&squeeze(s)), "pledge text missing: {s}");
    }
    assert_eq!(gcforms::pledge_text::CLAUSES.len(), 17);
    assert!(text.contains("资源使用（责任）单位：韶关市不动产登记中心"));
    assert!(text.contains("（黄燊）"), "the leader's name is printed");
    assert!(
        !text.contains("单位证书指纹"),
        "no fingerprint line without one"
    );
}

#[test]
fn the_fingerprint_is_printed_when_given() {
    let fp = "3F:A9:0C:77:12:5E:D4:88:AB:CD:EF:01:23:45:67:89:9A:BC:DE:F0:11:22:33:44:55:66:77:88:99:AA:BB:CC";
    let pdf = render_api(
        "security_pledge",
        RenderOptions {
            fingerprint: Some(fp.into()),
            ..RenderOptions::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fp.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = text_of(&path, None);
    assert!(
        text.contains(&format!("单位证书指纹（SHA-256）：{fp}")),
        "{text}"
    );
    assert_eq!(
        pages(&path),
        2,
        "the fingerprint fits on the pledge's last page"
    );
}

/// The review boxes filled from reviews: the decision, the whole opinion
/// wrapped inside its box (a long one grows the box), reviewer, unit, date
/// and the fingerprint's first 8 pairs; 「—」 for a level not on the route.
#[test]
fn review_boxes_print_decisions_and_opinions() {
    let opinion = "经审核，该系统建设内容与本单位职能相符，资源配置合理，".repeat(6);
    let decided = |decision: &str, unit: &str, reviewer: &str, date: &str| ReviewBox::Decided {
        decision: decision.into(),
        opinion: opinion.clone(),
        unit: unit.into(),
        reviewer: reviewer.into(),
        fingerprint: "3F:A9:0C:77:12:5E:D4:88".into(),
        date: date.into(),
    };
    let reviews = [
        ReviewBox::NotOnRoute,
        decided(
            "初审通过，转报上级",
            "武江区政务服务数据管理局",
            "李珺",
            "2026-09-30",
        ),
        decided("同意", "韶关市政务服务数据管理局", "黄燊", "2026-10-09"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for form in ["application", "change", "cancellation"] {
        let pdf = render_api(
            form,
            RenderOptions {
                reviews: reviews.clone(),
                ..RenderOptions::default()
            },
        )
        .unwrap();
        let path = dir.path().join(format!("{form}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let text = squeeze(&text_of(&path, None));
        for want in [
            "结论：初审通过，转报上级",
            "结论：同意",
            "审核人签名：黄燊",
            "日期：2026-10-09",
            "武江区政务服务数据管理局",
            "3F:A9:0C:77:12:5E:D4:88",
            "—",
        ] {
            assert!(text.contains(want), "{form}: {want} in {text}");
        }
        // The whole opinion, both times, however it wrapped.
        assert_eq!(
            text.matches(&squeeze(&opinion)).count(),
            2,
            "{form}: {text}"
        );
    }
    let blank = render_api("application", RenderOptions::default()).unwrap();
    let path = dir.path().join("blank.pdf");
    std::fs::write(&path, blank).unwrap();
    let text = squeeze(&text_of(&path, None));
    assert!(
        !text.contains("结论") && text.contains("审核人签名："),
        "{text}"
    );
}

#[test]
fn no_line_starts_with_closing_punctuation() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example_json("application");
    doc["remarks"] = json!("系统等保三级，已完成定级备案（“一网通办”），数据按月归档；".repeat(30));
    doc["hosts"][0]["remarks"] = json!("对外服务门户、负载均衡，".repeat(12));
    for (name, doc) in [("long", doc), ("pledge", example_json("security_pledge"))] {
        let pdf = render_ok(dir.path(), name, &doc, &[]);
        let raw = tool(
            "pdftotext",
            &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
        );
        for line in raw.lines() {
            let first = line.trim_start().chars().next();
            assert!(
                !first.is_some_and(|c| "，。、；：？！）」》”".contains(c)),
                "{name}: a line starts with closing punctuation: {line}"
            );
        }
    }
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let pdf = render_ok(dir.path(), name, &example_json(name), &["--draft"]);
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "{name}: body and heading face:\n{fonts}");
        for row in rows {
            let t: Vec<&str> = row.split_whitespace().collect();
            let (emb, sub, uni) = (t[t.len() - 5], t[t.len() - 4], t[t.len() - 3]);
            assert_eq!((emb, sub, uni), ("yes", "yes", "yes"), "{name}: {row}");
            assert!(
                t[0].contains("CJKsc"),
                "{name}: a Simplified Chinese face: {row}"
            );
        }
    }
}

#[test]
fn three_hundred_hosts_paginate_with_heads_and_page_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let doc = many_hosts(300);
    let pdf = render_ok(dir.path(), "h300", &doc, &[]);
    let n = pages(&pdf);
    assert!(n > 20, "300 hosts need many pages, got {n}");
    let all = text_of(&pdf, None);
    for i in 0..300 {
        assert!(all.contains(&format!("host-{i:03}-")), "host {i} missing");
    }
    for p in 1..=n {
        let text = text_of(&pdf, Some(p));
        assert!(text.contains(&format!("第{p}页共{n}页")), "page {p} footer");
        let table_page = text.contains("host-");
        if table_page {
            assert!(
                text.contains("系统(主机)名称服务器类型网络区域"),
                "page {p} repeats the heads"
            );
        }
    }
    let last = text_of(&pdf, Some(n));
    assert!(last.contains("注：本表一式三份"));
    let t = gcforms::rules::Sums::of(
        &serde_json::from_value::<gcforms::document::Application>(doc)
            .unwrap()
            .hosts
            .unwrap(),
    );
    assert!(all.contains(&format!(
        "主机{}台，CPU{}核，内存{}G，存储{}G",
        t.hosts, t.vcpu, t.memory_gb, t.storage_gb
    )));
}

/// An application with `n` hosts cycling through the example's three.
fn many_hosts(n: usize) -> Value {
    let mut doc = example_json("application");
    let base = doc["hosts"].as_array().unwrap().clone();
    let hosts: Vec<Value> = (0..n)
        .map(|i| {
            let mut h = base[i % base.len()].clone();
            h["name"] = json!(format!("host-{i:03}-{}", ["web", "db", "app"][i % 3]));
            h
        })
        .collect();
    doc["hosts"] = json!(hosts);
    doc.as_object_mut().unwrap().remove("totals");
    doc
}

/// 资源需求预估表 with 150 rows: the heads repeat on every page of the
/// table, every row prints, a blank 使用单位 prints the filing unit, 总计
/// holds the sums counted here from the JSON, and `--copies 2` marks the
/// policy's two holders.
#[test]
fn an_estimate_paginates_with_its_totals_and_two_holders() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example_json("demand_estimate");
    let items: Vec<Value> = (0..150)
        .map(|i| {
            let kind = ["new", "expand", "continue"][i % 3];
            json!({
                "system_name": format!("系统-{i:03}"),
                "kind": kind,
                "hosts": i % 7,
                "vcpu": 4 * (i % 7) + i % 3,
                "memory_gb": 16 * (i % 5),
                "storage_gb": 100 * (i % 7) + 37 * i,
            })
        })
        .collect();
    let sum = |key: &str| items.iter().map(|v| v[key].as_i64().unwrap()).sum::<i64>();
    let want = format!(
        "总计共150个系统{}{}{}{}",
        sum("hosts"),
        sum("vcpu"),
        sum("memory_gb"),
        sum("storage_gb")
    );
    doc["items"] = json!(items);
    let pdf = render_ok(dir.path(), "e150", &doc, &[]);
    let n = pages(&pdf);
    assert!(n >= 4, "150 rows need several pages, got {n}");
    let all = text_of(&pdf, None);
    for i in 0..150 {
        assert!(all.contains(&format!("系统-{i:03}")), "row {i} missing");
    }
    assert!(all.contains(&want), "{want} not in:\n{all}");
    let unit = doc["unit_name"].as_str().unwrap();
    for p in 1..=n {
        let text = text_of(&pdf, Some(p));
        assert!(text.contains(&format!("第{p}页共{n}页")), "page {p} footer");
        if text.contains("系统-") {
            assert!(
                text.contains("使用单位系统名称类型主机(台)CPU(核)内存(GB)存储(GB)备注"),
                "page {p} repeats the heads:\n{text}"
            );
            // No row names its using unit, so each prints the filing unit.
            assert!(text.contains(unit), "page {p}: {text}");
        }
    }
    assert!(text_of(&pdf, Some(n)).contains("注：本表一式两份"));

    let two = render_ok(
        dir.path(),
        "two",
        &example_json("demand_estimate"),
        &["--copies", "2"],
    );
    let one = render_ok(dir.path(), "one", &example_json("demand_estimate"), &[]);
    let per_copy = pages(&one);
    assert_eq!(pages(&two), 2 * per_copy);
    let policy = Policy::default_shaoguan();
    for copy in 0..2 {
        let holder = policy
            .copy_holder(gcforms::document::FormKind::DemandEstimate, copy)
            .unwrap();
        let text = text_of(&two, Some(copy * per_copy + 1));
        assert!(
            text.contains(&format!("第{}份（共2份）{holder}", copy + 1)),
            "copy {copy}: {text}"
        );
    }
}

#[test]
fn copies_are_marked_with_their_holders() {
    let dir = tempfile::tempdir().unwrap();
    let one = render_ok(dir.path(), "one", &example_json("application"), &[]);
    let three = render_ok(
        dir.path(),
        "three",
        &example_json("application"),
        &["--copies", "3"],
    );
    let per_copy = pages(&one);
    assert_eq!(pages(&three), 3 * per_copy);
    assert!(
        !text_of(&one, None).contains("第1份"),
        "no holder without --copies"
    );
    let holders = [
        "申请单位",
        "主管部门或县(市、区)政务服务数据管理部门",
        "市政务服务数据管理部门",
    ];
    for (i, holder) in holders.iter().enumerate() {
        for p in 0..per_copy {
            let page = i * per_copy + p + 1;
            let text = text_of(&three, Some(page));
            assert!(
                text.contains(&format!("第{}份（共3份）{holder}", i + 1)),
                "page {page}: {text}"
            );
            assert!(text.contains(&format!("第{}页共{per_copy}页", p + 1)));
        }
    }
    let (_, out) = render_cli(
        dir.path(),
        "zero",
        &example_json("application"),
        &["--copies", "0"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn drafts_carry_the_watermark_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render_ok(
        dir.path(),
        "draft",
        &example_json("change"),
        &["--draft", "--copies", "2"],
    );
    for p in 1..=pages(&pdf) {
        assert!(
            text_of(&pdf, Some(p)).contains("草稿"),
            "page {p} lacks 草稿"
        );
    }
    let plain = render_ok(dir.path(), "plain", &example_json("change"), &[]);
    assert!(!text_of(&plain, None).contains("草稿"));
}

#[test]
fn documents_with_errors_are_refused_unless_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example_json("application");
    doc["hosts"][0]["data_disk_gb"] = json!(50);
    let (pdf, out) = render_cli(dir.path(), "bad", &doc, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("data_disk_min") && err.contains("hosts[0].data_disk_gb"),
        "{err}"
    );
    assert!(err.contains("--draft"), "says how to print anyway: {err}");
    assert!(!pdf.exists(), "nothing written");
    let pdf = render_ok(dir.path(), "bad", &doc, &["--draft"]);
    assert!(text_of(&pdf, None).contains("草稿"));

    // A draft missing most fields still prints, blank where empty.
    let sparse = json!({"form": "change", "schema_version": 1, "id": "d-1",
        "items": [{"host_name": "x", "before": {"vcpu": 2}, "after": {"vcpu": 4}}]});
    let pdf = render_ok(dir.path(), "sparse", &sparse, &["--draft"]);
    assert!(text_of(&pdf, None).contains("变更内容"));
}

#[test]
fn unreadable_input_and_unwritable_output_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"form\": \"application\", ").unwrap();
    let out = gcforms(&["render", bad.to_str().unwrap(), "-o", "/tmp/x.pdf"]);
    assert_eq!(out.status.code(), Some(2));

    let target = dir.path().join("no/such/dir/out.pdf");
    let out = gcforms(&[
        "render",
        example("application").to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("无法写入输出文件") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn a_character_the_font_lacks_is_an_error_naming_it_and_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = example_json("application");
    // U+20000 (CJK Extension B) is not in Noto CJK.
    doc["hosts"][1]["name"] = json!("库\u{20000}01");
    let (pdf, out) = render_cli(dir.path(), "tofu", &doc, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in ["\u{20000}", "U+20000", "系统(主机)名称", "hosts[1].name"] {
        assert!(err.contains(part), "{part} not in: {err}");
    }
    assert!(!pdf.exists());

    let Err(RenderError::MissingGlyphs(list)) = render_doc(&doc, RenderOptions::default()) else {
        panic!("expected MissingGlyphs");
    };
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].ch, list[0].path.as_str()),
        ('\u{20000}', "hosts[1].name")
    );
}

#[test]
fn output_is_reproducible() {
    let a = render_api("application", RenderOptions::default()).unwrap();
    let b = render_api("application", RenderOptions::default()).unwrap();
    assert!(a == b, "two renders in one process differ");
    // The watermark's graphics state and every copy's pages too.
    let draft = RenderOptions {
        copies: Some(3),
        draft: true,
        ..RenderOptions::default()
    };
    assert!(
        render_api("change", draft.clone()).unwrap() == render_api("change", draft).unwrap(),
        "two drafts with copies differ"
    );
    let dir = tempfile::tempdir().unwrap();
    let first = render_ok(dir.path(), "r1", &example_json("application"), &[]);
    let one = std::fs::read(&first).unwrap();
    let two = std::fs::read(render_ok(
        dir.path(),
        "r2",
        &example_json("application"),
        &[],
    ))
    .unwrap();
    assert!(
        one == two && one == a,
        "renders in separate processes differ"
    );
    // The dates are the document's instants, read back by poppler.
    let info = tool("pdfinfo", &["-isodates", first.to_str().unwrap()]);
    let example = example_json("application");
    for (key, field) in [("CreationDate", "created_at"), ("ModDate", "updated_at")] {
        let shown = info
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} in {info}"))
            .trim();
        let shown = chrono::DateTime::parse_from_rfc3339(&shown.replace('Z', "+00:00")).unwrap();
        let expected =
            chrono::DateTime::parse_from_rfc3339(example[field].as_str().unwrap()).unwrap();
        assert_eq!(shown, expected, "{key} from {field}");
    }
}

fn render_doc(doc: &Value, options: RenderOptions) -> Result<Vec<u8>, RenderError> {
    let policy = Policy::default_shaoguan();
    let report = gcforms::validate_value(doc.clone(), policy).unwrap();
    let doc: Document = report.document.unwrap();
    render(&doc, policy, &options)
}

fn render_api(name: &str, options: RenderOptions) -> Result<Vec<u8>, RenderError> {
    render_doc(&example_json(name), options)
}

/// Pixels per thousand that may differ noticeably between a page and its
/// approved image: a rule landing on the neighbouring pixel row under another
/// poppler, not a moved row or a missing line of text.
const BUDGET_PER_MILLE: usize = 4;

/// Grey levels and size of a PNG (pdftoppm writes grey pages as RGB).
fn load_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "{}", path.display());
    let grey = match info.color_type {
        png::ColorType::Grayscale => buf,
        png::ColorType::Rgb => buf
            .chunks_exact(3)
            .map(|p| ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8)
            .collect(),
        other => panic!("{}: unexpected colour type {other:?}", path.display()),
    };
    (info.width, info.height, grey)
}

/// The pages of `pdf` as grey PNGs at 50 dpi, named `{prefix}-N.png`: the
/// same call as `scripts/approve-render`.
fn rasterize(pdf: &Path, prefix: &Path) -> Vec<PathBuf> {
    tool(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-gray",
            "-aa",
            "no",
            "-aaVector",
            "no",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    page_images(prefix)
}

fn page_images(prefix: &Path) -> Vec<PathBuf> {
    let dir = prefix.parent().unwrap();
    let stem = prefix.file_name().unwrap().to_str().unwrap();
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.starts_with(&format!("{stem}-")) && n.ends_with(".png")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn pages_look_like_the_approved_images() {
    let dir = tempfile::tempdir().unwrap();
    let approved_dir = root().join("tests/approved");
    let keep = root().join("target/render-diff");
    for name in EXAMPLES {
        let pdf = render_ok(dir.path(), name, &example_json(name), &[]);
        let actual = rasterize(&pdf, &dir.path().join(name));
        let approved = page_images(&approved_dir.join(name));
        assert!(
            !approved.is_empty(),
            "no approved images for {name}: run scripts/approve-render"
        );
        assert_eq!(actual.len(), approved.len(), "{name}: page count changed");
        for (a, b) in actual.iter().zip(&approved) {
            let (wa, ha, pa) = load_png(a);
            let (wb, hb, pb) = load_png(b);
            assert_eq!((wa, ha), (wb, hb), "{}: size", b.display());
            // Budget: 0.1 % of the pixels may differ noticeably (anti-aliasing
            // of another poppler version); a moved rule or line does not fit.
            let differing = pa
                .iter()
                .zip(&pb)
                .filter(|(x, y)| x.abs_diff(**y) > 48)
                .count();
            let budget = pa.len() / 1000;
            if differing > budget {
                std::fs::create_dir_all(&keep).unwrap();
                let copy = keep.join(a.file_name().unwrap());
                std::fs::copy(a, &copy).unwrap();
                panic!(
                    "{}: {differing} pixels differ (budget {budget}); actual page kept at {}; \
                     if the change is intended, run scripts/approve-render",
                    b.display(),
                    copy.display()
                );
            }
        }
    }
}

#[test]
fn the_visual_comparison_notices_a_small_shift() {
    // The budget must not hide a broken layout: the same page moved down by
    // two pixels (1 mm at 50 dpi) is far outside it.
    let approved_dir = root().join("tests/approved");
    let (w, _, page) = load_png(&page_images(&approved_dir.join("application"))[0]);
    let shift = 2 * w as usize;
    let moved: Vec<u8> = std::iter::repeat_n(255, shift)
        .chain(page[..page.len() - shift].iter().copied())
        .collect();
    let differing = page
        .iter()
        .zip(&moved)
        .filter(|(x, y)| x.abs_diff(**y) > 48)
        .count();
    assert!(
        differing > page.len() * BUDGET_PER_MILLE / 1000,
        "{differing}"
    );
}

/// With `signature_area`, the last page keeps the signature block's corner
/// free of text wherever the content ends: here 0 to 12 host rows move the
/// end of the form down the page and onto the next.
#[test]
fn the_signature_area_stays_free_of_text() {
    let [x0, y0, x1, y1] = gcforms::render::signature_rect();
    let page_h_pt = 297.0 * 72.0 / 25.4;
    let dir = tempfile::tempdir().unwrap();
    for n in [1, 2, 3, 4, 5, 6, 8, 12] {
        let options = RenderOptions {
            signature_area: true,
            ..RenderOptions::default()
        };
        let pdf = render_doc(&many_hosts(n), options).unwrap();
        let path = dir.path().join(format!("sig-{n}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let last = pages(&path).to_string();
        // pdftotext crops in points at -r 72, from the top-left corner.
        let (x, y, w, h) = (x0, page_h_pt - y1, x1 - x0, y1 - y0);
        let args = [
            "-f",
            &last,
            "-l",
            &last,
            "-r",
            "72",
            "-x",
            &format!("{x:.0}"),
            "-y",
            &format!("{y:.0}"),
        ];
        let size = ["-W", &format!("{w:.0}"), "-H", &format!("{h:.0}")];
        let text = tool(
            "pdftotext",
            &[&args[..], &size[..], &[path.to_str().unwrap(), "-"]].concat(),
        );
        assert!(
            text.trim().is_empty(),
            "{n} hosts: text inside the signature area: {text:?}"
        );
    }
}
