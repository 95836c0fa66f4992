//! An input of the yearly demand summary (`gcforms demand summary`): a bare
//! estimate or a package of estimates, summed, and the summary's tables and
//! CSV.
#![no_main]

use gcforms::demand::{load, summarize, table, Input};
use gcforms::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let policy = Policy::default_shaoguan();
    let Ok(loaded) = load(data, policy) else {
        return;
    };
    let inputs = [Input {
        file: "input.json".into(),
        loaded,
    }];
    if let Ok(summary) = summarize(&inputs, None, policy) {
        let _ = table::tables(&summary);
        let _ = table::to_csv(&summary);
    }
});
