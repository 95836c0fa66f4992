//! A holiday calendar year file (`gcforms calendar import`, 设置 · 节假日安排).
//! A file that reads is written back as it would be stored and must read
//! again as the same year.
#![no_main]

use gcforms::calendar::YearFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(year) = YearFile::from_json(data) {
        let stored = year.to_json();
        let again = YearFile::from_json(stored.as_bytes()).expect("a stored year reads again");
        assert_eq!(again, year);
    }
});
