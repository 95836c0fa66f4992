//! The years compiled into the binary: `assets/calendar/<year>.json`, typed
//! from the State Council's yearly notices (国务院办公厅关于20XX年部分节假日安排的通知)
//! and checked date by date against the PyPI package `chinesecalendar` in
//! `tests/calendar.rs`.
//!
//! Notes on the data:
//! - 2020 also follows 国务院办公厅关于延长2020年春节假期的通知, which made
//!   31 January to 2 February days off; 1 February (a Saturday) is therefore
//!   no longer the make-up working day the first notice named.
//! - 2023's notice names 31 December 2022 as part of its 元旦; a year file
//!   holds only its own year's dates, and that day is a Saturday anyway.
//! - 2024's notice only *encourages* a day off on 除夕 (9 February), so it is
//!   a working day.

use std::sync::OnceLock;

use super::year_file::YearFile;

/// The shipped year files, oldest first.
const FILES: [&str; 7] = [
    include_str!("../../assets/calendar/2020.json"),
    include_str!("../../assets/calendar/2021.json"),
    include_str!("../../assets/calendar/2022.json"),
    include_str!("../../assets/calendar/2023.json"),
    include_str!("../../assets/calendar/2024.json"),
    include_str!("../../assets/calendar/2025.json"),
    include_str!("../../assets/calendar/2026.json"),
];

/// The shipped years, parsed and checked once per process.
pub fn years() -> &'static [YearFile] {
    static YEARS: OnceLock<Vec<YearFile>> = OnceLock::new();
    YEARS.get_or_init(|| {
        FILES
            .iter()
            .map(|text| {
                YearFile::from_json(text.as_bytes())
                    .expect("the shipped calendar files are checked by the test below")
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_year_is_valid_and_in_order() {
        for (i, text) in FILES.iter().enumerate() {
            let file = YearFile::from_json(text.as_bytes())
                .unwrap_or_else(|e| panic!("assets/calendar file {i}: {e}"));
            assert_eq!(file.year, 2020 + i as i32);
            assert!(file
                .source
                .contains(&format!("关于{}年部分节假日安排的通知", file.year)));
        }
        assert_eq!(years().len(), FILES.len());
    }
}
