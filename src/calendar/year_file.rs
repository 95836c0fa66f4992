//! One year of the calendar as a file (SPEC §6): reading it and refusing
//! anything that is not exactly one State Council notice's year.
//!
//! `{"year": 2026, "source": "…", "holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}`
//! — `holidays` are the days off the notice names (on any day of the week),
//! `workdays` the make-up weekend working days (调休). Every check names the
//! wrong date, so a clerk can correct the file.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{DateList, InvalidYearFile};
use super::{weekday_label, MAX_YEAR_FILE_BYTES, YEARS};
use crate::escape::printable;
use crate::input::{parse_json, InputError};

/// The members of a year file, in the order they are written.
const FIELDS: [&str; 4] = ["year", "source", "holidays", "workdays"];

/// A checked year file: every date inside `year`, no date twice, no date in
/// both lists, every make-up working day on a Saturday or Sunday. The lists
/// are sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearFile {
    /// The year the notice is for.
    pub year: i32,
    /// The notice (or notices) the dates come from.
    pub source: String,
    /// Days off named by the notice.
    pub holidays: Vec<NaiveDate>,
    /// Make-up working days on weekends (调休).
    pub workdays: Vec<NaiveDate>,
}

impl YearFile {
    /// Reads and checks a year file's bytes. Bytes that are not UTF-8 are an
    /// [`InputError`] (unreadable); everything else wrong is an
    /// [`InvalidYearFile`].
    pub fn from_json(bytes: &[u8]) -> Result<YearFile, super::CalendarError> {
        if bytes.len() > MAX_YEAR_FILE_BYTES {
            return Err(InvalidYearFile::TooLarge {
                bytes: bytes.len() as u64,
            }
            .into());
        }
        let value = parse_json(bytes).map_err(|e| match e {
            InputError::Io(_) | InputError::NotUtf8 { .. } => super::CalendarError::Unreadable(e),
            other => InvalidYearFile::NotJson(other).into(),
        })?;
        Ok(YearFile::from_value(value)?)
    }

    /// Checks a parsed JSON value.
    pub fn from_value(value: Value) -> Result<YearFile, InvalidYearFile> {
        let Value::Object(map) = value else {
            return Err(InvalidYearFile::NotAnObject);
        };
        if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(InvalidYearFile::UnknownField(printable(unknown)));
        }
        let year = match field(&map, "year")? {
            Value::Number(n) => n
                .as_i64()
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| YEARS.contains(y))
                .ok_or_else(|| InvalidYearFile::YearOutOfRange(n.to_string()))?,
            _ => return Err(InvalidYearFile::WrongType("year", "整数年份，如 2027")),
        };
        let source = match field(&map, "source")? {
            Value::String(s) if s.trim().is_empty() => return Err(InvalidYearFile::SourceBlank),
            // Shown on terminals and in the app as it is: no control or
            // bidi characters, and short enough to show whole.
            Value::String(s) if printable(s) != *s => {
                return Err(InvalidYearFile::SourceUnprintable)
            }
            Value::String(s) => s.trim().to_string(),
            _ => {
                return Err(InvalidYearFile::WrongType(
                    "source",
                    "文字（通知的标题与文号）",
                ))
            }
        };
        let holidays = dates(&map, DateList::Holidays, year)?;
        let workdays = dates(&map, DateList::Workdays, year)?;
        if holidays.is_empty() {
            return Err(InvalidYearFile::NoHolidays { year });
        }
        if let Some(&date) = holidays.intersection(&workdays).next() {
            return Err(InvalidYearFile::InBothLists { date });
        }
        if let Some(&date) = workdays
            .iter()
            .find(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        {
            return Err(InvalidYearFile::WorkdayOnWeekday {
                date,
                weekday: weekday_label(date),
            });
        }
        Ok(YearFile {
            year,
            source,
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        })
    }

    /// The file as stored for an imported year: the checked content, sorted,
    /// one member per line.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A required member.
fn field<'a>(
    map: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a Value, InvalidYearFile> {
    map.get(name).ok_or(InvalidYearFile::MissingField(name))
}

/// One list of dates, each `YYYY-MM-DD` inside `year` and listed once.
fn dates(
    map: &Map<String, Value>,
    list: DateList,
    year: i32,
) -> Result<BTreeSet<NaiveDate>, InvalidYearFile> {
    let Value::Array(items) = field(map, list.key())? else {
        return Err(InvalidYearFile::WrongType(
            list.key(),
            "日期列表，如 [\"2027-01-01\"]",
        ));
    };
    let mut seen = BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        let date = item
            .as_str()
            .and_then(crate::rules::parse_date)
            .ok_or_else(|| InvalidYearFile::NotADate {
                list,
                position: index + 1,
                text: printable(&item.to_string()),
            })?;
        if date.year() != year {
            return Err(InvalidYearFile::DateOutsideYear { list, date, year });
        }
        if !seen.insert(date) {
            return Err(InvalidYearFile::DuplicateDate { list, date });
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<YearFile, InvalidYearFile> {
        YearFile::from_value(serde_json::from_str(json).unwrap())
    }

    #[test]
    fn a_file_round_trips_through_its_stored_form() {
        let file = check(
            r#"{"year":2027,"source":"通知","holidays":["2027-01-02","2027-01-01"],"workdays":[]}"#,
        )
        .unwrap();
        assert_eq!(file.holidays[0].to_string(), "2027-01-01", "sorted");
        let again = YearFile::from_json(file.to_json().as_bytes()).unwrap();
        assert_eq!(again, file);
    }

    #[test]
    fn each_wrong_member_names_itself() {
        let base = r#""source":"通知","holidays":["2027-01-01"],"workdays":[]"#;
        let e = check(&format!(r#"{{"year":"2027",{base}}}"#)).unwrap_err();
        assert!(e.to_string().contains("year"), "{e}");
        let e = check(&format!(r#"{{"year":20270,{base}}}"#)).unwrap_err();
        assert!(e.to_string().contains("20270"), "{e}");
        let e = check(&format!(r#"{{"year":2027,{base},"note":1}}"#)).unwrap_err();
        assert!(e.to_string().contains("note"), "{e}");
        let e = check(r#"{"year":2027,"source":"通知","holidays":["2027-1-1"],"workdays":[]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("2027-1-1"), "{e}");
        let e = check(
            r#"{"year":2027,"source":"a\u001b[31m","holidays":["2027-01-01"],"workdays":[]}"#,
        )
        .unwrap_err();
        assert!(matches!(e, InvalidYearFile::SourceUnprintable), "{e}");
    }
}
