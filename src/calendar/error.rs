//! The calendar's errors, each one line of Chinese (with English in
//! brackets), and a stable [`CalendarError::code`] for the desktop app.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::MAX_WORKING_DAYS;
use super::{MAX_YEAR_FILE_BYTES, YEARS};
use crate::input::InputError;

/// Which list of a year file a date is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateList {
    /// `holidays`: days off.
    Holidays,
    /// `workdays`: make-up working days.
    Workdays,
}

impl DateList {
    /// The JSON member.
    pub fn key(self) -> &'static str {
        match self {
            DateList::Holidays => "holidays",
            DateList::Workdays => "workdays",
        }
    }

    /// The member with its meaning, for messages.
    fn label(self) -> &'static str {
        match self {
            DateList::Holidays => "holidays（放假日期）",
            DateList::Workdays => "workdays（调休上班日期）",
        }
    }
}

/// Why a file is not a valid year of the calendar (SPEC §6). Nothing is
/// imported; the CLI exits 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidYearFile {
    /// Larger than [`MAX_YEAR_FILE_BYTES`].
    #[error("文件过大（至少 {bytes} 字节），一年的放假安排文件不超过 {} 字节，请确认选对了文件（file too large）", MAX_YEAR_FILE_BYTES)]
    TooLarge {
        /// The size seen.
        bytes: u64,
    },
    /// Empty, or not JSON.
    #[error("{0}")]
    NotJson(InputError),
    /// JSON, but not an object.
    #[error("文件内容不是 JSON 对象（not a JSON object）")]
    NotAnObject,
    /// A member that is not `year`, `source`, `holidays` or `workdays`.
    #[error(
        "未知的项“{0}”，放假安排文件只有 year、source、holidays、workdays 四项（unknown field）"
    )]
    UnknownField(String),
    /// A required member is missing.
    #[error("缺少 {0}（missing field）")]
    MissingField(&'static str),
    /// A member of the wrong JSON type.
    #[error("{0} 应为{1}（wrong type）")]
    WrongType(&'static str, &'static str),
    /// `year` is not a year the calendar can hold.
    #[error("年份 {0} 无效，应为 {start}–{end} 之间的整数（year out of range）", start = YEARS.start(), end = YEARS.end())]
    YearOutOfRange(String),
    /// `source` is empty.
    #[error("source（来源）为空，请填写国务院办公厅通知的标题（source is empty）")]
    SourceBlank,
    /// `source` has control characters or is too long to show whole.
    #[error("source（来源）含控制字符或超过 80 个字符（source not printable）")]
    SourceUnprintable,
    /// A list item that is not a `YYYY-MM-DD` date.
    #[error("{} 第 {position} 项 {text} 不是 YYYY-MM-DD 格式的日期（not a date）", list.label())]
    NotADate {
        /// The list.
        list: DateList,
        /// 1-based position in the list.
        position: usize,
        /// The item as written.
        text: String,
    },
    /// A date in another year than `year`.
    #[error("{} 中的 {date} 不在 {year} 年内（date outside the year）", list.label())]
    DateOutsideYear {
        /// The list.
        list: DateList,
        /// The date.
        date: NaiveDate,
        /// The file's year.
        year: i32,
    },
    /// A date listed twice in one list.
    #[error("{} 中的 {date} 出现了两次（duplicate date）", list.label())]
    DuplicateDate {
        /// The list.
        list: DateList,
        /// The date.
        date: NaiveDate,
    },
    /// A date that is both a day off and a working day.
    #[error("{date} 同时列在 holidays（放假）和 workdays（调休上班）中（date in both lists）")]
    InBothLists {
        /// The date.
        date: NaiveDate,
    },
    /// A make-up working day on Monday to Friday, which is a working day anyway.
    #[error("workdays（调休上班日期）中的 {date} 是{weekday}；调休上班日只能是星期六或星期日（make-up day on a weekday）")]
    WorkdayOnWeekday {
        /// The date.
        date: NaiveDate,
        /// Its day of the week, in Chinese.
        weekday: &'static str,
    },
    /// No day off at all: every notice names some, so this is not one.
    #[error(
        "holidays（放假日期）为空：{year} 年的通知必有放假日期，请确认文件内容（no holidays）"
    )]
    NoHolidays {
        /// The file's year.
        year: i32,
    },
}

/// Why a calendar operation failed. A failed import changes nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The file cannot be read, or is not UTF-8 (CLI exit 2).
    #[error("{0}")]
    Unreadable(InputError),
    /// Not a valid year file (CLI exit 1).
    #[error("放假安排文件无效：{0}")]
    Invalid(#[from] InvalidYearFile),
    /// No per-user data folder could be determined.
    #[error("无法确定用户数据文件夹，请用 --data-dir 指定（no user data folder）")]
    NoDataDir,
    /// The imported year could not be written.
    #[error("无法保存到 {path}：{detail}；已有的放假安排未受影响（cannot write）", path = .path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// A time limit longer than the calendar counts.
    #[error("工作日数 {0} 超出范围，应为 1–{MAX_WORKING_DAYS}（working days out of range）")]
    DaysOutOfRange(u32),
    /// Counting ran past the last representable date.
    #[error("日期超出可计算的范围（date out of range）")]
    DateOutOfRange,
}

impl CalendarError {
    /// A stable code for the desktop app's `{code, message}` error shape.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::Unreadable(_) => "unreadable",
            CalendarError::Invalid(_) => "invalid_calendar_file",
            CalendarError::NoDataDir => "no_data_dir",
            CalendarError::Write { .. } => "write_failed",
            CalendarError::DaysOutOfRange(_) => "days_out_of_range",
            CalendarError::DateOutOfRange => "date_out_of_range",
        }
    }

    /// True when the file itself is wrong (exit 1), as opposed to a file or
    /// folder that cannot be read or written (exit 2).
    pub fn is_invalid_file(&self) -> bool {
        matches!(self, CalendarError::Invalid(_))
    }
}
