//! The yearly demand summary (SPEC §7, `gcforms demand summary`): the
//! estimates a bureau received, summed per area (市直 and the ten county
//! areas), per using unit and in all, with the late estimates and the items
//! that came twice.
//!
//! Inputs are read one by one ([`load`]); an input that cannot count — a
//! package that does not verify, an estimate with errors, an estimate of
//! another year when `--year` is given — is set aside with its reason
//! ([`NotCounted`]), never counted in silence. An item is the same need when
//! its using unit and 系统名称 are ([`DemandEstimate::item_key`]): a
//! subordinate's own estimate and its supervisor's collection both list it,
//! and it is counted once, from the unit's own estimate when there is one,
//! else from the first input that has it; the others are named
//! ([`Duplicate`]).
//!
//! The result is one [`Summary`]; [`table`] lays it out as the tables the
//! CSV, the workbook ([`xlsx`]), the printed pages ([`print`]) and the
//! command line's text show.

pub mod print;
mod source;
pub mod table;
pub mod xlsx;

pub use source::{load, Entry, LoadError, Loaded};

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use indexmap::IndexMap;
use serde::Serialize;

use crate::document::DemandEstimate;
use crate::policy::Policy;
use crate::rules::{parse_date, Sums};

/// One input of a summary: its name (the file as given) and what it held.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file as the user named it.
    pub file: String,
    /// What was read from it.
    pub loaded: Loaded,
}

/// The sums of one year's estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    /// 预估年度; `None` when no estimate counted and none was asked for.
    pub year: Option<i64>,
    /// The due date of that year's estimates (the policy's, in the year before).
    pub due_date: Option<String>,
    /// The latest 填报日期 among the counted estimates: how current the
    /// summary is (and the workbook's date, so that the same estimates give
    /// the same bytes).
    pub last_submitted: Option<String>,
    /// Inputs given.
    pub files: usize,
    /// Estimates counted.
    pub estimates: usize,
    /// Items counted (each need once).
    pub items: usize,
    /// 合计.
    pub total: Sums,
    /// 按地区: every area of the policy, in its order, zero or not.
    pub by_area: Vec<AreaRow>,
    /// 按使用单位: by area, then by name.
    pub by_unit: Vec<UnitRow>,
    /// 逾期填报, in the order of the inputs.
    pub late: Vec<LateEstimate>,
    /// 重复计列: items that came more than once, counted once.
    pub duplicates: Vec<Duplicate>,
    /// 未计入: inputs or estimates left out, with why.
    pub not_counted: Vec<NotCounted>,
}

impl Summary {
    /// True when an input was left out for errors (a package that does not
    /// verify, an estimate with errors): exit 1.
    pub fn has_errors(&self) -> bool {
        self.not_counted.iter().any(|n| n.kind.is_error())
    }
}

/// One row of 按地区.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AreaRow {
    /// The key of the policy's `jurisdictions` (`city`, `wujiang`, …).
    pub jurisdiction: String,
    /// Its label (市直, 武江区, …).
    pub area: String,
    /// Estimates filed in this area.
    pub estimates: usize,
    /// Items counted in this area.
    pub items: usize,
    /// Their sums.
    #[serde(flatten)]
    pub sums: Sums,
}

/// One row of 按使用单位.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnitRow {
    /// 使用单位.
    pub unit_name: String,
    /// The area of the estimates its items were counted from.
    pub jurisdiction: String,
    /// The area's label.
    pub area: String,
    /// Items counted for it.
    pub items: usize,
    /// Their sums.
    #[serde(flatten)]
    pub sums: Sums,
}

/// An estimate filed after its due date (`estimate_late`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LateEstimate {
    /// The file it came in.
    pub file: String,
    /// Where in the file: empty, or 「第2份文档」 in a package.
    pub place: String,
    /// 填报单位.
    pub unit_name: String,
    /// 所属地区 (label).
    pub area: String,
    /// 填报日期.
    pub submit_date: String,
    /// The due date.
    pub due_date: String,
    /// Days after the due date.
    pub days_late: i64,
}

/// Where an item was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemRef {
    /// The file.
    pub file: String,
    /// 「第3行」, or 「第2份文档第3行」 in a package.
    pub place: String,
    /// The estimate's 填报单位.
    pub filing_unit: String,
    /// The row's numbers.
    #[serde(flatten)]
    pub sums: Sums,
}

/// An item (using unit and system) found more than once and counted once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Duplicate {
    /// 使用单位.
    pub unit_name: String,
    /// 系统名称.
    pub system_name: String,
    /// The occurrence that was counted.
    pub counted: ItemRef,
    /// The others, not counted.
    pub also: Vec<ItemRef>,
    /// True when the occurrences give different numbers.
    pub numbers_differ: bool,
}

/// Why an input or an estimate was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NotCountedKind {
    /// A package that does not verify.
    Unverified,
    /// An estimate with errors.
    Invalid,
    /// An estimate for another year than the one summed.
    OtherYear,
    /// A package without a demand estimate.
    NoEstimate,
}

impl NotCountedKind {
    /// Whether this makes the summary's exit code 1.
    pub fn is_error(self) -> bool {
        matches!(self, NotCountedKind::Unverified | NotCountedKind::Invalid)
    }
}

/// An input, or one estimate in it, left out of the sums.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotCounted {
    /// The file.
    pub file: String,
    /// Where in the file, for an estimate of a package.
    pub place: String,
    /// Why, as a code.
    pub kind: NotCountedKind,
    /// Why, in Chinese.
    pub message: String,
}

/// Why no summary can be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryError {
    /// Estimates of several years and no year chosen.
    MixedYears(Vec<i64>),
}

impl fmt::Display for SummaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SummaryError::MixedYears(years) => {
                let list: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
                write!(
                    f,
                    "输入中有多个预估年度（{}），请用 --year 指定要汇总的年度（estimates of several years; choose one with --year）",
                    list.join("、")
                )
            }
        }
    }
}

impl std::error::Error for SummaryError {}

/// How many errors an invalid estimate's line names before 「等」.
const ERRORS_NAMED: usize = 3;

/// An estimate that may count, with the input it came from.
struct Candidate<'a> {
    file: &'a str,
    entry: &'a Entry,
}

impl Candidate<'_> {
    fn estimate(&self) -> &DemandEstimate {
        &self.entry.estimate
    }

    /// 「第3行」 or 「第2份文档第3行」.
    fn row_place(&self, row: usize) -> String {
        format!("{}第{}行", self.entry.place(), row + 1)
    }
}

/// Sums the estimates of `inputs` for `year` (or the only year present).
pub fn summarize(
    inputs: &[Input],
    year: Option<i64>,
    policy: &Policy,
) -> Result<Summary, SummaryError> {
    let mut not_counted = Vec::new();
    let mut candidates = Vec::new();
    for input in inputs {
        let file = input.file.as_str();
        match &input.loaded {
            Loaded::Unverified(reasons) => not_counted.push(NotCounted {
                file: file.to_string(),
                place: String::new(),
                kind: NotCountedKind::Unverified,
                message: format!(
                    "提交包校验未通过，其中的预估表不计入：{}",
                    reasons.join("；")
                ),
            }),
            Loaded::Estimates(entries) if entries.is_empty() => not_counted.push(NotCounted {
                file: file.to_string(),
                place: String::new(),
                kind: NotCountedKind::NoEstimate,
                message: "提交包中没有资源需求预估表".into(),
            }),
            Loaded::Estimates(entries) => {
                for entry in entries {
                    if entry.errors.is_empty() {
                        candidates.push(Candidate { file, entry });
                    } else {
                        not_counted.push(invalid(file, entry));
                    }
                }
            }
        }
    }

    let years: BTreeSet<i64> = candidates
        .iter()
        .filter_map(|c| c.estimate().year)
        .collect();
    let year = match year {
        Some(y) => Some(y),
        None if years.len() > 1 => {
            return Err(SummaryError::MixedYears(years.into_iter().collect()))
        }
        None => years.into_iter().next(),
    };
    candidates.retain(|c| {
        let theirs = c.estimate().year;
        if theirs == year {
            return true;
        }
        not_counted.push(NotCounted {
            file: c.file.to_string(),
            place: c.entry.place(),
            kind: NotCountedKind::OtherYear,
            message: format!(
                "预估年度为{}年，不是汇总的{}年",
                theirs.unwrap_or_default(),
                year.unwrap_or_default()
            ),
        });
        false
    });
    let due = year.and_then(|y| policy.sla.demand_estimate_due_for(y));

    let mut summary = Summary {
        year,
        due_date: due.map(|d| d.to_string()),
        last_submitted: candidates
            .iter()
            .filter_map(|c| parse_date(c.estimate().submit_date.as_deref()?.trim()))
            .max()
            .map(|d| d.to_string()),
        files: inputs.len(),
        estimates: candidates.len(),
        items: 0,
        total: Sums::default(),
        by_area: policy
            .jurisdictions
            .iter()
            .map(|(key, entry)| AreaRow {
                jurisdiction: key.clone(),
                area: entry.label.clone(),
                estimates: 0,
                items: 0,
                sums: Sums::default(),
            })
            .collect(),
        by_unit: Vec::new(),
        late: Vec::new(),
        duplicates: Vec::new(),
        not_counted,
    };
    let area_of = |c: &Candidate| -> Option<usize> {
        policy
            .jurisdictions
            .get_index_of(c.estimate().jurisdiction.as_deref()?.trim())
    };

    for c in &candidates {
        if let Some(area) = area_of(c) {
            summary.by_area[area].estimates += 1;
        }
        if let Some(late) = late(c, due, policy) {
            summary.late.push(late);
        }
    }

    // Every occurrence of each need, in input order.
    let mut needs: IndexMap<(&str, &str), Vec<(usize, usize)>> = IndexMap::new();
    for (ci, c) in candidates.iter().enumerate() {
        for (row, item) in c.estimate().items().iter().enumerate() {
            if let Some(key) = c.estimate().item_key(item) {
                needs.entry(key).or_default().push((ci, row));
            }
        }
    }
    let mut units: HashMap<(usize, &str), UnitRow> = HashMap::new();
    for ((unit, system), occurrences) in &needs {
        let counted = occurrences
            .iter()
            .position(|&(ci, _)| {
                candidates[ci]
                    .estimate()
                    .unit_name
                    .as_deref()
                    .map(str::trim)
                    == Some(unit)
            })
            .unwrap_or(0);
        let (ci, row) = occurrences[counted];
        let c = &candidates[ci];
        let sums = Sums::of_demand_item(&c.estimate().items()[row]);
        summary.items += 1;
        summary.total += sums;
        let area = area_of(c).unwrap_or(0);
        let area_row = &mut summary.by_area[area];
        area_row.items += 1;
        area_row.sums += sums;
        let unit_row = units.entry((area, unit)).or_insert_with(|| UnitRow {
            unit_name: unit.to_string(),
            jurisdiction: area_row.jurisdiction.clone(),
            area: area_row.area.clone(),
            items: 0,
            sums: Sums::default(),
        });
        unit_row.items += 1;
        unit_row.sums += sums;

        if occurrences.len() > 1 {
            let reference = |&(ci, row): &(usize, usize)| {
                let c: &Candidate = &candidates[ci];
                ItemRef {
                    file: c.file.to_string(),
                    place: c.row_place(row),
                    filing_unit: c
                        .estimate()
                        .unit_name
                        .as_deref()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                    sums: Sums::of_demand_item(&c.estimate().items()[row]),
                }
            };
            let counted_ref = reference(&occurrences[counted]);
            let also: Vec<ItemRef> = occurrences
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != counted)
                .map(|(_, o)| reference(o))
                .collect();
            summary.duplicates.push(Duplicate {
                unit_name: unit.to_string(),
                system_name: system.to_string(),
                numbers_differ: also.iter().any(|a| a.sums != counted_ref.sums),
                counted: counted_ref,
                also,
            });
        }
    }
    let mut units: Vec<((usize, &str), UnitRow)> = units.into_iter().collect();
    units.sort_by(|a, b| a.0.cmp(&b.0));
    summary.by_unit = units.into_iter().map(|(_, row)| row).collect();
    Ok(summary)
}

/// The line of an estimate left out for its errors: how many, and the first few.
fn invalid(file: &str, entry: &Entry) -> NotCounted {
    let named: Vec<String> = entry
        .errors
        .iter()
        .take(ERRORS_NAMED)
        .map(|f| {
            if f.path.is_empty() {
                f.message.clone()
            } else {
                format!("{}（{}）", f.message, f.path)
            }
        })
        .collect();
    let more = if entry.errors.len() > ERRORS_NAMED {
        "；等"
    } else {
        ""
    };
    NotCounted {
        file: file.to_string(),
        place: entry.place(),
        kind: NotCountedKind::Invalid,
        message: format!(
            "预估表有{}个错误，不计入：{}{more}；请退回填报单位改正，或用 gcforms validate 查看全部问题",
            entry.errors.len(),
            named.join("；")
        ),
    }
}

/// The estimate as a late one, when its 填报日期 is after the due date.
fn late(c: &Candidate, due: Option<chrono::NaiveDate>, policy: &Policy) -> Option<LateEstimate> {
    let due = due?;
    let estimate = c.estimate();
    let submitted = parse_date(estimate.submit_date.as_deref()?.trim())?;
    if submitted <= due {
        return None;
    }
    let jurisdiction = estimate.jurisdiction.as_deref().unwrap_or_default().trim();
    Some(LateEstimate {
        file: c.file.to_string(),
        place: c.entry.place(),
        unit_name: estimate
            .unit_name
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string(),
        area: policy
            .jurisdiction_label(jurisdiction)
            .unwrap_or(jurisdiction)
            .to_string(),
        submit_date: submitted.to_string(),
        due_date: due.to_string(),
        days_late: (submitted - due).num_days(),
    })
}
