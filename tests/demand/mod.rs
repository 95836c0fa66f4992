//! The yearly demand summary (issue #15, SPEC §7): `gcforms demand summary`
//! over a generated set of a few hundred estimates with duplicates, checked
//! by an independent Python computation (`oracle.py`) that also reads the CSV
//! with Python's csv module and the workbook with openpyxl; and the hostile
//! cases — mixed years, a package that does not verify, an estimate with
//! errors, 10,000 items, a bad output path.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use gcforms::demand::{load, summarize, Input, NotCountedKind};
use gcforms::package::{pack, PaperRenderer};
use gcforms::policy::Policy;

use crate::support::{example, gcforms, root};

fn policy() -> &'static Policy {
    Policy::default_shaoguan()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn summary_cmd(files: &[String], extra: &[&str]) -> Output {
    gcforms()
        .args(["demand", "summary"])
        .args(files)
        .args(extra)
        .output()
        .unwrap()
}

/// A small deterministic generator (64-bit LCG), so the set is the same on
/// every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SYSTEMS: [&str; 6] = [
    "政务服务平台",
    "数据共享交换平台",
    "业务管理系统",
    "档案管理系统",
    "视频监控平台",
    "移动办公系统",
];
const BUREAUS: [&str; 3] = ["教育局", "卫生健康局", "自然资源局"];
const SUBORDINATES: [&str; 3] = ["信息中心", "档案馆", "服务中心"];

/// A valid item: storage at least hosts × 100 GB.
fn item(rng: &mut Lcg, unit: Option<&str>, system: &str) -> Value {
    let hosts = rng.below(8) as i64;
    let kind = ["new", "expand", "continue"][rng.below(3) as usize];
    let mut v = json!({
        "system_name": system,
        "kind": kind,
        "hosts": hosts,
        "vcpu": hosts * (2 + rng.below(15) as i64),
        "memory_gb": hosts * (4 + rng.below(60) as i64),
        "storage_gb": hosts * 100 + rng.below(5000) as i64,
    });
    if let Some(u) = unit {
        v["unit_name"] = json!(u);
    }
    v
}

/// An estimate filed by `unit` in `area` on a day between 1 August and
/// 31 October 2026 (so some are late).
fn estimate(rng: &mut Lcg, id: usize, unit: &str, area: &str, items: Vec<Value>) -> Value {
    let day =
        chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap() + chrono::Days::new(rng.below(92));
    json!({
        "form": "demand_estimate",
        "schema_version": 1,
        "id": format!("00000000-0000-4000-8000-{id:012}"),
        "unit_name": unit,
        "jurisdiction": area,
        "contact_name": "张明",
        "contact_phone": "0751-8888888",
        "year": 2027,
        "submit_date": day.to_string(),
        "items": items,
    })
}

/// Some distinct systems of a unit, with their items.
fn own_items(rng: &mut Lcg, unit: Option<&str>, at_most: u64) -> Vec<Value> {
    let n = 1 + rng.below(at_most) as usize;
    let start = rng.below(SYSTEMS.len() as u64) as usize;
    (0..n)
        .map(|k| item(rng, unit, SYSTEMS[(start + k) % SYSTEMS.len()]))
        .collect()
}

/// The generated set: for every area, supervising bureaus whose
/// collections repeat items of their subordinates (some with other
/// numbers, some of subordinates that filed nothing), the subordinates'
/// own estimates, independent units, one estimate given twice.
fn generated_set() -> Vec<Value> {
    let mut rng = Lcg(20_260_930);
    let mut out = Vec::new();
    let mut id = 0;
    let mut next_id = || {
        id += 1;
        id
    };
    for (area, entry) in &policy().jurisdictions {
        let prefix = if area == "city" {
            "韶关市".to_string()
        } else {
            entry.label.clone()
        };
        for bureau in BUREAUS {
            let supervisor = format!("{prefix}{bureau}");
            let mut collection = own_items(&mut rng, None, 3);
            for sub in SUBORDINATES {
                let unit = format!("{supervisor}{sub}");
                let items = own_items(&mut rng, None, 4);
                // The supervisor lists some of its subordinates' items.
                if rng.chance(60) {
                    for it in items.iter().take(1 + rng.below(2) as usize) {
                        let mut copy = it.clone();
                        copy["unit_name"] = json!(unit);
                        if rng.chance(30) {
                            copy["storage_gb"] = json!(copy["storage_gb"].as_i64().unwrap() + 500);
                        }
                        collection.push(copy);
                    }
                }
                if rng.chance(80) {
                    out.push(estimate(&mut rng, next_id(), &unit, area, items));
                }
            }
            out.push(estimate(&mut rng, next_id(), &supervisor, area, collection));
        }
        for k in 0..15 {
            let unit = format!("{prefix}第{}办公室", k + 1);
            let items = own_items(&mut rng, None, 3);
            out.push(estimate(&mut rng, next_id(), &unit, area, items));
        }
    }
    // The same estimate handed in twice (a copy saved under another name).
    let again = out[7].clone();
    out.push(again);
    // Files come in any order: a collection before or after the
    // subordinate's own estimate.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out
}

/// A signed package of `documents`, as `pack` writes it.
fn package(documents: Vec<Value>) -> Vec<u8> {
    let p = pack(
        documents,
        policy(),
        crate::sign::key(),
        &PaperRenderer,
        &crate::sign::options(),
    )
    .unwrap();
    serde_json::to_vec_pretty(&p).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> String {
    write(dir, name, &serde_json::to_vec_pretty(v).unwrap())
}

fn oracle(args: &[String]) {
    let script = root().join("tests/demand/oracle.py");
    let policy_file = root().join("assets/policy/shaoguan-2020.json");
    let out = Command::new("python3")
        .arg(script)
        .arg(policy_file)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success() && text(&out.stdout).trim() == "ok",
        "the independent computation disagrees (openpyxl is installed by scripts/deps):\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Sums, duplicates, late estimates, the CSV and the workbook of a few
/// hundred estimates, one package among them, agree with a computation in
/// Python over the same files.
#[test]
fn a_few_hundred_estimates_agree_with_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let set = generated_set();
    assert!(set.len() > 250, "{}", set.len());
    let mut files: Vec<String> = set
        .iter()
        .enumerate()
        .map(|(i, v)| write_json(dir.path(), &format!("e{i:03}.json"), v))
        .collect();
    // Two estimates travel in one signed package; a third file repeats one
    // of them bare.
    let mut rng = Lcg(7);
    let packed: Vec<Value> = [
        ("韶关市数据管理中心", "city"),
        ("南雄市政务服务中心", "nanxiong"),
    ]
    .into_iter()
    .zip(9001..)
    .map(|((unit, area), id)| {
        let items = own_items(&mut rng, None, 3);
        estimate(&mut rng, id, unit, area, items)
    })
    .collect();
    files.insert(
        40,
        write(dir.path(), "two.gcpkg.json", &package(packed.clone())),
    );
    files.push(write_json(dir.path(), "again.json", &packed[1]));

    let xlsx = dir.path().join("汇总.xlsx").display().to_string();
    let out = summary_cmd(&files, &["--format", "json", "-o", &xlsx]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let json_file = write(dir.path(), "summary.json", &out.stdout);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary["duplicates"].as_array().unwrap().len() > 20);
    assert!(summary["late"].as_array().unwrap().len() > 20);

    let out = summary_cmd(&files, &["--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let csv_file = write(dir.path(), "stdout.csv", &out.stdout);
    let csv_out = dir.path().join("汇总.csv").display().to_string();
    let again = summary_cmd(&files, &["--format", "csv", "-o", &csv_out]);
    assert_eq!(code(&again), 0);
    assert_eq!(
        std::fs::read(&csv_out).unwrap(),
        out.stdout,
        "-o .csv is the same CSV"
    );

    let mut args = vec![json_file, csv_file, xlsx.clone()];
    args.extend(files.iter().cloned());
    oracle(&args);

    // The same inputs give the same workbook, byte for byte.
    let second = dir.path().join("second.xlsx").display().to_string();
    assert_eq!(code(&summary_cmd(&files, &["-o", &second])), 0);
    assert_eq!(
        std::fs::read(&xlsx).unwrap(),
        std::fs::read(&second).unwrap()
    );
}

/// The example estimate under another id, filed by another unit in
/// another area.
fn estimate_of(id: &str, unit: &str, area: &str) -> Value {
    let mut v = example("demand_estimate");
    v["id"] = json!(id);
    v["unit_name"] = json!(unit);
    v["jurisdiction"] = json!(area);
    v
}

fn input(file: &str, v: &Value) -> Input {
    Input {
        file: file.into(),
        loaded: load(&serde_json::to_vec(v).unwrap(), policy()).unwrap(),
    }
}

/// A subordinate's own estimate and its supervisor's collection list the
/// same system with different numbers: the unit's own counts, whichever
/// file comes first, and the other is named.
#[test]
fn an_item_counts_once_from_the_units_own_estimate() {
    let collection = example("demand_estimate");
    let mut own = estimate_of("own", "韶关市不动产登记中心", "city");
    own["supervisor_unit"] = json!("韶关市自然资源局");
    own["items"] = json!([{
        "system_name": " 不动产统一登记信息平台 ", "kind": "continue",
        "hosts": 6, "vcpu": 48, "memory_gb": 192, "storage_gb": 2000
    }]);
    for order in [["collection", "own"], ["own", "collection"]] {
        let inputs: Vec<Input> = order
            .iter()
            .map(|name| input(name, if *name == "own" { &own } else { &collection }))
            .collect();
        let s = summarize(&inputs, None, policy()).unwrap();
        assert_eq!(s.estimates, 2);
        assert_eq!(s.items, 4, "{order:?}");
        assert_eq!(
            (s.total.hosts, s.total.storage_gb),
            (6 + 4 + 6 + 2, 12000 + 4000 + 2000 + 500),
            "{order:?}"
        );
        let [d] = s.duplicates.as_slice() else {
            panic!("{:?}", s.duplicates)
        };
        assert_eq!(
            (d.unit_name.as_str(), d.system_name.as_str()),
            ("韶关市不动产登记中心", "不动产统一登记信息平台")
        );
        assert_eq!(
            (d.counted.file.as_str(), d.counted.place.as_str()),
            ("own", "第1行")
        );
        assert_eq!(d.also.len(), 1);
        assert_eq!(
            (d.also[0].file.as_str(), d.also[0].place.as_str()),
            ("collection", "第3行")
        );
        assert!(d.numbers_differ);
        let unit = s
            .by_unit
            .iter()
            .find(|u| u.unit_name == "韶关市不动产登记中心")
            .unwrap();
        assert_eq!((unit.items, unit.sums.storage_gb), (1, 2000));
    }
}

/// Mixed years need `--year`: exit 2 naming the years; with it, the other
/// year is left out and said so.
#[test]
fn mixed_years_without_year_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut next = example("demand_estimate");
    next["year"] = json!(2028);
    next["id"] = json!("next-year");
    let files = vec![
        write_json(dir.path(), "2027.json", &example("demand_estimate")),
        write_json(dir.path(), "2028.json", &next),
    ];
    let out = summary_cmd(&files, &[]);
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("2027年、2028年") && err.contains("--year"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing summed");

    let out = summary_cmd(&files, &["--year", "2028", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["year"].as_i64(), s["estimates"].as_i64()),
        (Some(2028), Some(1))
    );
    assert_eq!(s["due_date"], "2027-09-30");
    assert_eq!(s["not_counted"][0]["kind"], "other_year");
    assert_eq!(s["not_counted"][0]["file"], files[0].as_str());
}

/// A package that does not verify is not counted, and the summary names it
/// (exit 1); the same package untouched counts.
#[test]
fn a_package_that_fails_verification_is_left_out_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = package(vec![estimate_of("county", "乐昌市教育局", "lechang")]);
    let good_file = write(dir.path(), "good.gcpkg.json", &good);
    let out = summary_cmd(std::slice::from_ref(&good_file), &["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["by_area"][4]["jurisdiction"], "lechang");
    assert_eq!(s["by_area"][4]["storage_gb"], 18100);

    // One number changed after signing.
    let tampered = text(&good).replacen("\"storage_gb\": 12000", "\"storage_gb\": 12001", 1);
    assert_ne!(tampered.as_bytes(), good.as_slice());
    let bad_file = write(dir.path(), "tampered.gcpkg.json", tampered.as_bytes());
    let files = vec![
        root()
            .join("examples/demand_estimate.json")
            .display()
            .to_string(),
        bad_file.clone(),
    ];
    let out = summary_cmd(&files, &[]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let left_out = stdout
        .lines()
        .find(|l| l.contains(&bad_file))
        .unwrap_or_else(|| panic!("the package is named: {stdout}"));
    assert!(left_out.contains("提交包校验未通过"), "{left_out}");
    assert!(stdout.contains("未计入：1 处"), "{stdout}");
    assert!(text(&out.stderr).contains(&bad_file));
    assert!(stdout.contains("计入 1 份预估表"), "{stdout}");

    let out = summary_cmd(&files, &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["not_counted"][0]["kind"], "unverified");
    assert_eq!(s["total"]["storage_gb"], 18100, "only the bare estimate");
    assert_eq!(s["by_area"][4]["estimates"], 0, "乐昌市 not counted");
}

/// An estimate with errors is not counted (exit 1); the output says which
/// and why, with the paper label, and the rest is summed.
#[test]
fn an_estimate_with_errors_is_left_out_with_its_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = estimate_of("bad", "翁源县卫生健康局", "wengyuan");
    bad["items"][3]["storage_gb"] = json!(100);
    let files = vec![
        write_json(dir.path(), "ok.json", &example("demand_estimate")),
        write_json(dir.path(), "bad.json", &bad),
    ];
    let out = summary_cmd(&files, &[]);
    assert_eq!(code(&out), 1);
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.contains("bad.json")).unwrap();
    assert!(
        line.contains("1个错误")
            && line.contains("存储为100GB")
            && line.contains("items[3].storage_gb"),
        "{line}"
    );
    assert!(stdout.contains("计入 1 份预估表"), "{stdout}");
}

/// Unreadable inputs, other forms and bad output paths: exit 2 with one
/// Chinese line each.
#[test]
fn unreadable_inputs_and_outputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write_json(dir.path(), "ok.json", &example("demand_estimate"));
    let truncated = write(
        dir.path(),
        "truncated.json",
        b"{\"form\": \"demand_estimate\"",
    );
    let application = root()
        .join("examples/application.json")
        .display()
        .to_string();
    for (files, extra, words) in [
        (vec![ok.clone(), truncated], vec![], "truncated.json"),
        (vec![application], vec![], "不是资源需求预估表"),
        (
            vec![ok.clone()],
            vec!["-o", "/nonexistent-dir/汇总.xlsx"],
            "无法写入输出文件",
        ),
        (vec![ok.clone()], vec!["-o", "汇总.txt"], ".xlsx"),
        (vec![ok.clone()], vec!["--format", "xml"], "xml"),
    ] {
        let out = summary_cmd(&files, &extra);
        assert_eq!(code(&out), 2, "{extra:?} {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(words), "{}", text(&out.stderr));
    }
}

/// `-o OUT.pdf` prints the summary: the tables on A4 pages with the fonts
/// embedded, each area's sums as counted here from the files, and a table
/// long enough to run over pages repeats its heads.
#[test]
fn the_summary_prints_as_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![write_json(
        dir.path(),
        "own.json",
        &example("demand_estimate"),
    )];
    // A county estimate with enough rows to need more than one page.
    let mut county = example("demand_estimate");
    county["id"] = json!("county-1");
    county["unit_name"] = json!("乳源瑶族自治县政务服务数据管理局");
    county["jurisdiction"] = json!("ruyuan");
    let items: Vec<Value> = (0..90)
        .map(|i| {
            json!({"unit_name": format!("乳源单位{i:02}"), "system_name": "办公系统",
            "kind": "continue", "hosts": 1, "vcpu": 4, "memory_gb": 8, "storage_gb": 100 + i})
        })
        .collect();
    county["items"] = json!(items);
    files.push(write_json(dir.path(), "county.json", &county));
    let pdf = dir.path().join("汇总.pdf");
    let out = summary_cmd(&files, &["-o", pdf.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));

    let pdftotext = |first: Option<usize>| {
        let mut c = Command::new("pdftotext");
        c.args(["-enc", "UTF-8"]);
        if let Some(p) = first {
            c.args(["-f", &p.to_string(), "-l", &p.to_string()]);
        }
        let o = c
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        text(&o.stdout).replace(char::is_whitespace, "")
    };
    let all = pdftotext(None);
    let sum = |doc: &Value, key: &str| -> i64 {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i[key].as_i64().unwrap())
            .sum()
    };
    let own = example("demand_estimate");
    for (area, doc) in [("市直", &own), ("乳源瑶族自治县", &county)] {
        let row = format!(
            "{area}1{}{}{}{}{}",
            doc["items"].as_array().unwrap().len(),
            sum(doc, "hosts"),
            sum(doc, "vcpu"),
            sum(doc, "memory_gb"),
            sum(doc, "storage_gb")
        );
        assert!(all.contains(&row), "{row} not in:\n{all}");
    }
    for table in ["按地区", "按使用单位", "逾期填报", "重复计列"] {
        assert!(all.contains(table), "{table}");
    }
    let pages = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let pages: usize = text(&pages.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages >= 2, "ninety units run over a page: {pages}");
    let second = pdftotext(Some(2));
    assert!(
        second.contains("使用单位所属地区需求(项)主机(台)"),
        "the heads repeat: {second}"
    );
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    for row in text(&fonts.stdout).lines().skip(2) {
        assert!(row.contains(" yes yes yes "), "embedded subset: {row}");
    }
}

/// A reader that stops early (`| head -1`) ends the output, not the
/// program with a panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    for format in ["text", "json", "csv"] {
        let mut child = gcforms()
            .args([
                "demand",
                "summary",
                "examples/demand_estimate.json",
                "--format",
                format,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "{format}: {}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("panicked"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// 10,000 items in one estimate, and the same file again (so every item is
/// a duplicate), to a workbook: quick, and memory bounded by the input.
#[test]
fn ten_thousand_items_are_summed_quickly_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = example("demand_estimate");
    big["items"] = Value::Array(
        (0..10_000)
            .map(|i| {
                json!({
                    "unit_name": format!("韶关市第{}单位", i / 100),
                    "system_name": format!("系统{}", i % 100),
                    "kind": "new", "hosts": 1, "vcpu": 4, "memory_gb": 8, "storage_gb": 100 + i
                })
            })
            .collect(),
    );
    let file = write_json(dir.path(), "big.json", &big);
    let copy = write_json(dir.path(), "big-copy.json", &big);
    let xlsx = dir.path().join("big.xlsx").display().to_string();
    // Python's resource module reads the peak memory of the child.
    let probe = r#"
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], capture_output=True)
print(p.returncode, round(time.monotonic() - t, 3), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"#;
    let out = Command::new("python3")
        .args([
            "-c",
            probe,
            env!("CARGO_BIN_EXE_gcforms"),
            "demand",
            "summary",
        ])
        .args([&file, &copy, "--format", "json", "-o", &xlsx])
        .output()
        .unwrap();
    let report = text(&out.stdout);
    let parts: Vec<&str> = report.split_whitespace().collect();
    let [status, seconds, max_kib] = parts.as_slice() else {
        panic!("{report} {}", text(&out.stderr))
    };
    assert_eq!(*status, "0");
    let (seconds, max_mib): (f64, f64) = (
        seconds.parse().unwrap(),
        max_kib.parse::<f64>().unwrap() / 1024.0,
    );
    eprintln!("10,000 items twice to .xlsx: {seconds} s, peak {max_mib:.0} MiB");
    assert!(seconds < 30.0, "{seconds} s");
    assert!(max_mib < 200.0, "{max_mib} MiB");

    let s = summarize(
        &[
            input("big", &big),
            Input {
                file: "copy".into(),
                loaded: load(&std::fs::read(&copy).unwrap(), policy()).unwrap(),
            },
        ],
        None,
        policy(),
    )
    .unwrap();
    assert_eq!(
        (s.items, s.duplicates.len(), s.by_unit.len()),
        (10_000, 10_000, 100)
    );
    let storage: i64 = (0..10_000).map(|i| 100 + i).sum();
    assert_eq!(s.total.storage_gb, storage);
    assert!(s
        .not_counted
        .iter()
        .all(|n| n.kind != NotCountedKind::Invalid));
}
