//! A submission package's bytes (`gcforms verify`, the app's 验证, the
//! reviewer's inbox): the package, each document and its signed PDF, the
//! applicant's signature and every review of the chain.
#![no_main]

use std::sync::OnceLock;

use gcforms::calendar::Calendar;
use gcforms::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    let calendar = CALENDAR.get_or_init(Calendar::builtin);
    let _ = gcforms::package::verify_package(data, Policy::default_shaoguan(), calendar, None);
});
