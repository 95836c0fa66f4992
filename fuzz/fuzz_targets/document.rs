//! A document's bytes (`gcforms validate`, the app's 导入, `drafts import`):
//! the input checks (size, UTF-8, JSON, depth, envelope), the structural
//! pass and every rule; and the same bytes as one of a set beside the
//! example pledge (`pack`'s and `verify`'s set rules).
#![no_main]

use gcforms::policy::Policy;
use gcforms::rules::{validate_set, PledgeRule};
use libfuzzer_sys::fuzz_target;

const PLEDGE: &[u8] = include_bytes!("../../examples/security_pledge.json");

fuzz_target!(|data: &[u8]| {
    let policy = Policy::default_shaoguan();
    if let Ok(report) = gcforms::validate_bytes(data, policy) {
        // Validation is deterministic: the same bytes, the same findings.
        let again = gcforms::validate_bytes(data, policy).expect("read once, read twice");
        assert_eq!(report.findings, again.findings);
        let _ = validate_set(
            [
                gcforms::input::parse_json(data),
                gcforms::input::parse_json(PLEDGE),
            ],
            policy,
            PledgeRule::Required,
        );
    }
});
