//! Working-day calendar speed: one deadline is computed for every row of a
//! reviewer's list, so its in-process cost is what matters — a 5-day limit
//! across 国庆, a 5-day limit into an unknown year (provisional), the days
//! left to a deadline, and loading the calendar (built-in years plus one
//! imported year).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use gcforms::calendar::Calendar;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn bench(c: &mut Criterion) {
    let calendar = Calendar::builtin();
    let national_day = date("2026-09-29");
    let new_year = date("2026-12-29");
    let two_weeks_later = date("2026-10-13");
    assert_eq!(
        calendar.deadline(national_day, 5).unwrap().deadline,
        date("2026-10-12")
    );
    c.bench_function("deadline 5 working days across 国庆", |b| {
        b.iter(|| calendar.deadline(black_box(national_day), black_box(5)))
    });
    c.bench_function("deadline 5 working days into unknown 2027", |b| {
        b.iter(|| calendar.deadline(black_box(new_year), black_box(5)))
    });
    c.bench_function("working days left, 2 weeks", |b| {
        b.iter(|| calendar.working_days_left(black_box(national_day), black_box(two_weeks_later)))
    });

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.json");
    std::fs::write(
        &file,
        r#"{"year":2027,"source":"测试","holidays":["2027-01-01"],"workdays":[]}"#,
    )
    .unwrap();
    Calendar::load(dir.path()).import_file(&file).unwrap();
    c.bench_function("load calendar (7 built-in + 1 imported year)", |b| {
        b.iter(|| Calendar::load(black_box(dir.path())))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
