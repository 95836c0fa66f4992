//! The working-day calendar (SPEC §6): which days are 工作日 under the State
//! Council's yearly holiday notices, with their 调休 make-up working days, and
//! the deadlines of time limits counted in working days.
//!
//! The years 2020–2026 are compiled in ([`builtin`]); later years are
//! imported into the user's data folder (`calendar/<year>.json`, beside the
//! draft store) and an imported year overrides a built-in one. A year the
//! calendar does not know counts Monday to Friday, and every answer that
//! touched one says so: `provisional` and a reason such as
//! 「暂定：2027 年放假安排尚未导入」, made here so the CLI and the app show the
//! same words.
//!
//! A limit of N working days counted from D does not count D (民法典第二百零一条):
//!
//! ```
//! use chrono::NaiveDate;
//! let calendar = gcforms::calendar::Calendar::builtin();
//! let from = NaiveDate::from_ymd_opt(2026, 9, 29).unwrap();
//! let d = calendar.deadline(from, 5).unwrap();
//! // 9-30, then 国庆 10-1…10-7, then 10-8, 10-9, 10-10 (a make-up Saturday), 10-12.
//! assert_eq!(d.deadline, NaiveDate::from_ymd_opt(2026, 10, 12).unwrap());
//! assert!(!d.status.provisional);
//! ```

mod builtin;
mod error;
mod year_file;

pub use error::{CalendarError, DateList, InvalidYearFile};
pub use year_file::YearFile;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::input::{read_file_within, InputError};

/// The longest time limit counted, in working days (about four years): the
/// measures' limits are 3 and 5; this only bounds the work a typing mistake
/// can cause.
pub const MAX_WORKING_DAYS: u32 = 1000;

/// The largest year file accepted. A year has fewer than 40 named dates
/// (about 1.5 KB); 64 KiB leaves room for formatting and still refuses a
/// wrong file (10 MB of dates) before it is parsed.
pub const MAX_YEAR_FILE_BYTES: usize = 64 * 1024;

/// The years a file may describe: the calendar starts with 2020's notice;
/// the upper bound only keeps typing mistakes (20260, 9999) out.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The folder inside the data folder that holds imported years.
pub const CALENDAR_DIR: &str = "calendar";

/// Where a year of the calendar comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Origin {
    /// Compiled into gcforms.
    Builtin,
    /// Imported into the user's data folder.
    Imported,
}

impl Origin {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Builtin => "内置",
            Origin::Imported => "已导入",
        }
    }
}

/// One year the calendar knows, as `calendar list` and the app's settings
/// show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearInfo {
    /// The year.
    pub year: i32,
    /// The notice the dates come from.
    pub source: String,
    /// Built in or imported.
    pub origin: Origin,
    /// An imported year that replaces the built-in data for the same year.
    pub overrides_builtin: bool,
    /// How many days off the notice names.
    pub holidays: u32,
    /// How many make-up working days it names.
    pub workdays: u32,
    /// The imported file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The result of importing a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedYear {
    /// The year as the calendar now knows it.
    #[serde(flatten)]
    pub info: YearInfo,
    /// An earlier import of the same year was replaced.
    pub replaced_import: bool,
}

impl ImportedYear {
    /// One line of Chinese for the clerk.
    pub fn describe(&self) -> String {
        let info = &self.info;
        let mut line = format!(
            "已导入 {} 年放假安排（{}；放假 {} 天，调休上班 {} 天）",
            info.year, info.source, info.holidays, info.workdays
        );
        if self.replaced_import {
            line.push_str("，替换了之前导入的同一年");
        }
        if info.overrides_builtin {
            line.push_str("，取代内置的同年数据");
        }
        line
    }
}

/// Whether a date is a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WorkingDay {
    /// A working day (Monday to Friday unless a day off, or a make-up day).
    pub working: bool,
    /// The year is unknown: Monday to Friday was assumed.
    pub provisional: bool,
}

/// Whether an answer counted days in a year the calendar does not know
/// (Monday to Friday assumed there), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Provisional {
    /// A year the calendar does not know was counted.
    pub provisional: bool,
    /// Those years.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_years: Vec<i32>,
    /// 「暂定：2027 年放假安排尚未导入」 when provisional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Provisional {
    fn of(unknown_years: Vec<i32>) -> Provisional {
        Provisional {
            provisional: !unknown_years.is_empty(),
            reason: provisional_reason(&unknown_years),
            unknown_years,
        }
    }
}

/// The deadline of a time limit in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deadline {
    /// The day the limit is counted from (not counted itself).
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub from: NaiveDate,
    /// The limit.
    pub working_days: u32,
    /// The last working day of the limit.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub deadline: NaiveDate,
    /// Whether counting crossed a year the calendar does not know.
    #[serde(flatten)]
    pub status: Provisional,
}

impl Deadline {
    /// 「自 2026-09-29 起 5 个工作日，期限为 2026-10-12（星期一）」.
    pub fn describe(&self) -> String {
        format!(
            "自 {} 起 {} 个工作日，期限为 {}（{}）",
            self.from,
            self.working_days,
            self.deadline,
            weekday_label(self.deadline)
        )
    }
}

/// Working days from today to a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DaysLeft {
    /// Working days after today up to the deadline; 0 when it is due today,
    /// negative when overdue (-1: the deadline was the last working day).
    pub days: i32,
    /// Whether counting crossed a year the calendar does not know.
    #[serde(flatten)]
    pub status: Provisional,
}

/// 星期一 … 星期日.
pub fn weekday_label(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// Why a result is provisional: 「暂定：2027 年放假安排尚未导入」, with runs of
/// years joined (「暂定：2019、2027–2028 年放假安排尚未导入」). `None` when
/// every year is known.
pub fn provisional_reason(unknown_years: &[i32]) -> Option<String> {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &y in unknown_years {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == y => *end = y,
            _ => runs.push((y, y)),
        }
    }
    if runs.is_empty() {
        return None;
    }
    let years: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    Some(format!("暂定：{} 年放假安排尚未导入", years.join("、")))
}

/// One year's working days as bits by day of the year, so a lookup is one
/// shift and a range count a few popcounts.
#[derive(Debug, Clone)]
struct YearDays {
    working: [u64; 6],
}

impl YearDays {
    fn new(file: &YearFile) -> YearDays {
        let mut days = YearDays { working: [0; 6] };
        let first = NaiveDate::from_ymd_opt(file.year, 1, 1).unwrap_or_default();
        for date in first.iter_days().take_while(|d| d.year() == file.year) {
            if is_weekday(date) {
                days.set(date, true);
            }
        }
        for &date in &file.holidays {
            days.set(date, false);
        }
        for &date in &file.workdays {
            days.set(date, true);
        }
        days
    }

    fn set(&mut self, date: NaiveDate, working: bool) {
        let i = date.ordinal0() as usize;
        let bit = 1u64 << (i % 64);
        if working {
            self.working[i / 64] |= bit;
        } else {
            self.working[i / 64] &= !bit;
        }
    }

    fn is_working(&self, date: NaiveDate) -> bool {
        let i = date.ordinal0() as usize;
        self.working[i / 64] >> (i % 64) & 1 == 1
    }

    /// Working days from `first` to `last`, both inside this year, inclusive.
    fn count(&self, first: NaiveDate, last: NaiveDate) -> u32 {
        let (a, b) = (first.ordinal0() as usize, last.ordinal0() as usize);
        (a / 64..=b / 64)
            .map(|word| {
                let lo = if word == a / 64 { a % 64 } else { 0 };
                let hi = if word == b / 64 { b % 64 } else { 63 };
                let mask = (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
                (self.working[word] & mask).count_ones()
            })
            .sum()
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday days from `first` to `last` inclusive: the count for a
/// year the calendar does not know.
fn weekdays_between(first: NaiveDate, last: NaiveDate) -> u32 {
    let days = (last - first).num_days() + 1;
    let whole_weeks = days / 7;
    let rest = (first + chrono::Duration::days(whole_weeks * 7))
        .iter_days()
        .take((days % 7) as usize)
        .filter(|d| is_weekday(*d))
        .count() as i64;
    (whole_weeks * 5 + rest) as u32
}

#[derive(Debug, Clone)]
struct KnownYear {
    info: YearInfo,
    days: YearDays,
}

impl KnownYear {
    fn new(file: &YearFile, origin: Origin, path: Option<&Path>) -> KnownYear {
        KnownYear {
            info: YearInfo {
                year: file.year,
                source: file.source.clone(),
                origin,
                overrides_builtin: false,
                holidays: file.holidays.len() as u32,
                workdays: file.workdays.len() as u32,
                file: path.map(|p| p.display().to_string()),
            },
            days: YearDays::new(file),
        }
    }
}

/// The working-day calendar: the built-in years and, when loaded from a data
/// folder, the years imported there.
#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, KnownYear>,
    data_dir: Option<PathBuf>,
    problems: Vec<String>,
}

impl Calendar {
    /// The built-in years only; imports are refused ([`CalendarError::NoDataDir`]).
    pub fn builtin() -> Calendar {
        let years = builtin::years()
            .iter()
            .map(|file| (file.year, KnownYear::new(file, Origin::Builtin, None)))
            .collect();
        Calendar {
            years,
            data_dir: None,
            problems: Vec::new(),
        }
    }

    /// The built-in years and the years imported into `data_dir/calendar/`.
    /// An imported file that cannot be used is skipped and described in
    /// [`Calendar::problems`]; its year then counts as built in or unknown.
    pub fn load(data_dir: &Path) -> Calendar {
        let mut calendar = Calendar::builtin();
        calendar.data_dir = Some(data_dir.to_path_buf());
        let dir = data_dir.join(CALENDAR_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return calendar,
            Err(e) => {
                calendar.problems.push(format!(
                    "无法读取已导入的放假安排文件夹 {}：{e}；只用内置年份计算",
                    dir.display()
                ));
                return calendar;
            }
        };
        let mut files: Vec<(i32, PathBuf)> = entries
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let year = imported_file_year(&path)?;
                Some((year, path))
            })
            .collect();
        files.sort();
        for (year, path) in files {
            match read_year_file(&path) {
                Ok(file) if file.year == year => calendar.insert_imported(&file, &path),
                Ok(file) => calendar.problems.push(format!(
                    "已导入的放假安排文件 {} 的内容是 {} 年，与文件名不符，未使用；请重新导入",
                    path.display(),
                    file.year
                )),
                Err(e) => calendar.problems.push(format!(
                    "已导入的放假安排文件 {} 无法使用：{e}；请重新导入",
                    path.display()
                )),
            }
        }
        calendar
    }

    /// [`Calendar::load`] from the per-user data folder the app and the CLI
    /// share ([`crate::data_dir::user_data_dir`]).
    pub fn load_default() -> Result<Calendar, CalendarError> {
        let dir = crate::data_dir::user_data_dir().ok_or(CalendarError::NoDataDir)?;
        Ok(Calendar::load(&dir))
    }

    /// Imported files that were skipped, one Chinese line each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The data folder imports go to, if any.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Every known year, oldest first.
    pub fn list(&self) -> Vec<YearInfo> {
        self.years.values().map(|y| y.info.clone()).collect()
    }

    /// True when the calendar has the year's notice.
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Imports a year file (SPEC §6) into the data folder, replacing an
    /// earlier import of the same year. An invalid file changes nothing.
    pub fn import_file(&mut self, path: &Path) -> Result<ImportedYear, CalendarError> {
        let bytes = read_limited(path)?;
        self.import_bytes(&bytes)
    }

    /// [`Calendar::import_file`] for bytes already read.
    pub fn import_bytes(&mut self, bytes: &[u8]) -> Result<ImportedYear, CalendarError> {
        let file = YearFile::from_json(bytes)?;
        let data_dir = self.data_dir.as_ref().ok_or(CalendarError::NoDataDir)?;
        let dir = data_dir.join(CALENDAR_DIR);
        let path = dir.join(format!("{}.json", file.year));
        write_atomically(&dir, &path, file.to_json().as_bytes())?;
        let replaced_import = self
            .years
            .get(&file.year)
            .is_some_and(|y| y.info.origin == Origin::Imported);
        self.insert_imported(&file, &path);
        Ok(ImportedYear {
            info: self.years[&file.year].info.clone(),
            replaced_import,
        })
    }

    fn insert_imported(&mut self, file: &YearFile, path: &Path) {
        let overrides_builtin = builtin::years().iter().any(|b| b.year == file.year);
        let mut year = KnownYear::new(file, Origin::Imported, Some(path));
        year.info.overrides_builtin = overrides_builtin;
        self.years.insert(file.year, year);
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> WorkingDay {
        match self.years.get(&date.year()) {
            Some(year) => WorkingDay {
                working: year.days.is_working(date),
                provisional: false,
            },
            None => WorkingDay {
                working: is_weekday(date),
                provisional: true,
            },
        }
    }

    /// The last day of a limit of `working_days` working days counted from
    /// `from`, which itself is not counted: the `working_days`-th working day
    /// after `from` (`from` when `working_days` is 0).
    pub fn deadline(&self, from: NaiveDate, working_days: u32) -> Result<Deadline, CalendarError> {
        if working_days > MAX_WORKING_DAYS {
            return Err(CalendarError::DaysOutOfRange(working_days));
        }
        let mut unknown = BTreeSet::new();
        let mut day = from;
        let mut left = working_days;
        // The year being walked through, looked up once per year.
        let mut year: Option<(i32, Option<&YearDays>)> = None;
        while left > 0 {
            day = day.succ_opt().ok_or(CalendarError::DateOutOfRange)?;
            let days = match year {
                Some((y, days)) if y == day.year() => days,
                _ => {
                    let days = self.years.get(&day.year()).map(|k| &k.days);
                    year = Some((day.year(), days));
                    days
                }
            };
            let working = match days {
                Some(days) => days.is_working(day),
                None => {
                    unknown.insert(day.year());
                    is_weekday(day)
                }
            };
            if working {
                left -= 1;
            }
        }
        Ok(Deadline {
            from,
            working_days,
            deadline: day,
            status: Provisional::of(unknown.into_iter().collect()),
        })
    }

    /// Working days left from `today` to `deadline`: the working days after
    /// `today` up to and including `deadline`; 0 when due today; when overdue,
    /// minus the working days after `deadline` up to and including `today`.
    pub fn working_days_left(&self, today: NaiveDate, deadline: NaiveDate) -> DaysLeft {
        let (first, last, sign) = if deadline >= today {
            (today, deadline, 1)
        } else {
            (deadline, today, -1)
        };
        let mut count: i64 = 0;
        let mut unknown_years = Vec::new();
        // (first, last], cut at year ends.
        let mut start = first.succ_opt();
        while let Some(segment_start) = start.filter(|s| *s <= last) {
            let year = segment_start.year();
            let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(last);
            let segment_end = year_end.min(last);
            count += i64::from(match self.years.get(&year) {
                Some(known) => known.days.count(segment_start, segment_end),
                None => {
                    unknown_years.push(year);
                    weekdays_between(segment_start, segment_end)
                }
            });
            start = segment_end.succ_opt();
        }
        DaysLeft {
            days: i32::try_from(sign * count).unwrap_or(if sign > 0 { i32::MAX } else { i32::MIN }),
            status: Provisional::of(unknown_years),
        }
    }
}

/// The year of an imported file's name (`2027.json`); `None` for anything
/// else in the folder (temporary files of an interrupted import).
fn imported_file_year(path: &Path) -> Option<i32> {
    let name = path.file_name()?.to_str()?;
    let year = name.strip_suffix(".json")?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    year.parse().ok()
}

/// A file's bytes, refusing a file larger than any year file without
/// reading more than the year file's limit.
fn read_limited(path: &Path) -> Result<Vec<u8>, CalendarError> {
    read_file_within(path, MAX_YEAR_FILE_BYTES as u64).map_err(|e| match e {
        InputError::TooLarge { bytes } => InvalidYearFile::TooLarge { bytes }.into(),
        other => CalendarError::Unreadable(other),
    })
}

fn read_year_file(path: &Path) -> Result<YearFile, CalendarError> {
    YearFile::from_json(&read_limited(path)?)
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// flushed to disk before it is renamed over the old file, so a crash leaves
/// the old year or the new one, never half a file.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), CalendarError> {
    let failed = |at: &Path, e: std::io::Error| CalendarError::Write {
        path: at.to_path_buf(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(path, e));
    }
    // The rename itself is durable once the folder is flushed (POSIX);
    // Windows cannot open a folder as a file, and NTFS journals the rename.
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn range_counts_agree_with_day_by_day() {
        let calendar = Calendar::builtin();
        let start = date("2025-12-20");
        for span in 0..420 {
            let end = start + chrono::Duration::days(span);
            let by_day = start
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= end)
                .filter(|d| calendar.is_working_day(*d).working)
                .count() as i32;
            let left = calendar.working_days_left(start, end);
            assert_eq!(left.days, by_day, "{start}..{end}");
            assert_eq!(left.status.provisional, end.year() == 2027);
            assert_eq!(calendar.working_days_left(end, start).days, -by_day);
        }
    }

    #[test]
    fn reasons_join_runs_of_years() {
        assert_eq!(provisional_reason(&[]), None);
        assert_eq!(
            provisional_reason(&[2027]).unwrap(),
            "暂定：2027 年放假安排尚未导入"
        );
        assert_eq!(
            provisional_reason(&[2019, 2027, 2028]).unwrap(),
            "暂定：2019、2027–2028 年放假安排尚未导入"
        );
    }

    #[test]
    fn extreme_inputs_give_errors_not_panics() {
        let calendar = Calendar::builtin();
        assert!(matches!(
            calendar.deadline(NaiveDate::MAX, 1),
            Err(CalendarError::DateOutOfRange)
        ));
        assert!(matches!(
            calendar.deadline(date("2026-01-01"), MAX_WORKING_DAYS + 1),
            Err(CalendarError::DaysOutOfRange(_))
        ));
        // Half a million years, counted by year: about five days in seven.
        let far = calendar.working_days_left(NaiveDate::MIN, NaiveDate::MAX);
        let span = (NaiveDate::MAX - NaiveDate::MIN).num_days();
        assert!(far.status.provisional && (i64::from(far.days) - span * 5 / 7).abs() < 1000);
        let reason = far.status.reason.unwrap();
        assert!(
            reason.ends_with(&format!(
                "2019、2027–{} 年放假安排尚未导入",
                NaiveDate::MAX.year()
            )),
            "{reason}"
        );
    }
}
