//! The review chain (SPEC §5.1): routes, `gcforms review`, `verify`'s
//! review checks, refusals, tampering and hostile reviews. Real keys and
//! real packages; the signatures are also checked by an independent
//! verifier in Python (`independent.rs`).
//!
//! The dates are set around 国庆 2026 (2026's notice: 中秋 9-25…9-27 off,
//! 国庆 10-1…10-7 off, make-up working days Sunday 9-20 and Saturday
//! 10-10), so every deadline below crosses a holiday.

mod chain;
mod cli;
mod hostile;
mod independent;
mod print;
mod tamper;

use std::sync::OnceLock;

use base64::Engine;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{json, Value};

use gcforms::calendar::Calendar;
use gcforms::package::signed::SignedForms;
use gcforms::package::{
    append_review, pack, verify_package, AppendError, PackOptions, PaperRenderer, Refusal,
    ReviewDecision, ReviewLevel, ReviewRequest, Verification,
};
use gcforms::policy::Policy;
use gcforms::sign::UnitKey;

use crate::support::example;

pub const UNIT: &str = "韶关市不动产登记中心";
pub const SUPERVISOR: &str = "韶关市自然资源局";
pub const COUNTY: &str = "韶关市浈江区政务服务数据管理局";
pub const CITY: &str = "韶关市政务服务数据管理局";

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// "Today" for in-process reviews: after every date used here.
pub fn today() -> NaiveDate {
    date("2026-12-01")
}

pub fn policy() -> &'static Policy {
    Policy::default_shaoguan()
}

/// The built-in calendar: no year imported on this machine counts.
pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::builtin)
}

fn issued() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn key_of(cell: &'static OnceLock<UnitKey>, unit: &str) -> &'static UnitKey {
    cell.get_or_init(|| UnitKey::generate(unit, issued()).unwrap())
}

/// The applicant's key.
pub fn clerk_key() -> &'static UnitKey {
    static KEY: OnceLock<UnitKey> = OnceLock::new();
    key_of(&KEY, UNIT)
}

/// The reviewer's key of each level.
pub fn reviewer_key(level: ReviewLevel) -> &'static UnitKey {
    static KEYS: [OnceLock<UnitKey>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    match level {
        ReviewLevel::Supervisor => key_of(&KEYS[0], SUPERVISOR),
        ReviewLevel::County => key_of(&KEYS[1], COUNTY),
        ReviewLevel::City => key_of(&KEYS[2], CITY),
    }
}

/// The unit that reviews at `level`.
pub fn unit_of(level: ReviewLevel) -> &'static str {
    match level {
        ReviewLevel::Supervisor => SUPERVISOR,
        ReviewLevel::County => COUNTY,
        ReviewLevel::City => CITY,
    }
}

/// The example application routed as asked: with or without a 主管部门,
/// in the city or in 浈江区.
pub fn application(supervisor: bool, jurisdiction: &str) -> Value {
    let mut app = example("application");
    app["applicant"]["jurisdiction"] = json!(jurisdiction);
    if supervisor {
        app["applicant"]["supervisor_unit"] = json!(SUPERVISOR);
    } else {
        app["applicant"]
            .as_object_mut()
            .unwrap()
            .shift_remove("supervisor_unit");
    }
    app
}

/// When the packages are made: Friday 2026-09-18.
pub fn packed_at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-09-18T10:00:00+08:00").unwrap()
}

/// Packs `documents` with the clerk's key at `time`, the PDFs from `renderer`.
pub fn pack_with(
    documents: Vec<Value>,
    time: DateTime<FixedOffset>,
    renderer: &dyn gcforms::package::RenderPdf,
) -> Vec<u8> {
    let options = PackOptions {
        package_id: uuid::Uuid::parse_str("5b9e2f4a-1c3d-4e5f-8a6b-7c8d9e0f1a2b").unwrap(),
        time,
        signer_name: None,
    };
    let package = pack(documents, policy(), clerk_key(), renderer, &options).unwrap();
    serde_json::to_vec_pretty(&package).unwrap()
}

/// An application with its pledge, routed as asked, packed on 2026-09-18.
pub fn packed(supervisor: bool, jurisdiction: &str) -> Vec<u8> {
    pack_with(
        vec![
            application(supervisor, jurisdiction),
            example("security_pledge"),
        ],
        packed_at(),
        &PaperRenderer,
    )
}

/// The package of a county unit with a supervisor (route: 主管部门 → 县 → 市),
/// made once.
pub fn county_package() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| packed(true, "zhenjiang"))
}

/// A review request at `level` with these dates.
pub fn request(
    level: ReviewLevel,
    decision: ReviewDecision,
    opinion: &str,
    received: &str,
    decided: &str,
) -> ReviewRequest {
    ReviewRequest {
        level,
        decision,
        opinion: opinion.into(),
        unit: unit_of(level).into(),
        reviewer: match level {
            ReviewLevel::Supervisor => "王建国",
            ReviewLevel::County => "陈晓燕",
            ReviewLevel::City => "刘志强",
        }
        .into(),
        received: date(received),
        date: date(decided),
    }
}

/// Appends a review in-process with its level's key.
pub fn append(bytes: &[u8], request: &ReviewRequest) -> Result<Vec<u8>, AppendError> {
    append_review(
        bytes,
        request,
        reviewer_key(request.level),
        policy(),
        calendar(),
        today(),
    )
    .map(|a| serde_json::to_vec_pretty(&a.package).unwrap())
}

/// [`append`], refused: the refusal.
pub fn refused(bytes: &[u8], request: &ReviewRequest) -> Refusal {
    match append(bytes, request) {
        Err(AppendError::Refused(r)) => r,
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, got a review appended"),
    }
}

/// The county package through all three levels, approved (dates in
/// `chain.rs`): the package after each review.
pub fn approved_chain() -> &'static [Vec<u8>; 3] {
    static CHAIN: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
    CHAIN.get_or_init(|| {
        use ReviewDecision::Approve;
        use ReviewLevel::*;
        let one = append(
            county_package(),
            &request(
                Supervisor,
                Approve,
                "同意上报。",
                "2026-09-21",
                "2026-09-22",
            ),
        )
        .unwrap();
        let two = append(
            &one,
            &request(
                County,
                Approve,
                "经初审，资源配置合理，同意转报。",
                "2026-09-23",
                "2026-09-28",
            ),
        )
        .unwrap();
        let three = append(
            &two,
            &request(
                City,
                Approve,
                "同意。请资源提供方按期开通。",
                "2026-09-29",
                "2026-09-30",
            ),
        )
        .unwrap();
        [one, two, three]
    })
}

pub fn verify(bytes: &[u8]) -> Verification {
    verify_package(bytes, policy(), calendar(), None).unwrap()
}

/// The codes of the failed error-level checks, with the review each names.
pub fn failures(v: &Verification) -> Vec<(String, Option<usize>)> {
    v.checks
        .iter()
        .filter(|c| c.fails())
        .map(|c| (c.code.to_string(), c.review))
        .collect()
}

/// Appends `review` (any JSON, hostile or not) to `package` and signs it
/// with `key` exactly as SPEC §5.1 says, as another program would.
pub fn sign_raw(package: &mut Value, mut review: Value, key: &UnitKey) {
    let b64 = base64::engine::general_purpose::STANDARD;
    review.as_object_mut().unwrap().shift_remove("signature");
    let reviews = package["reviews"].as_array_mut().unwrap();
    reviews.push(review);
    let index = reviews.len() - 1;
    let bytes = SignedForms::new(package)
        .unwrap()
        .review(index)
        .unwrap()
        .unwrap();
    package["reviews"][index]["signature"] = json!({
        "alg": "ES256",
        "certificate": b64.encode(&key.certificate().der),
        "value": b64.encode(key.sign_es256(&bytes)),
        "fingerprint": key.fingerprint().to_string(),
    });
}

/// `package` with `review` appended and signed with the key of `signer`.
pub fn with_raw(package: &[u8], review: Value, signer: ReviewLevel) -> Vec<u8> {
    let mut v = value(package);
    sign_raw(&mut v, review, reviewer_key(signer));
    bytes(&v)
}

/// Verifies `package` and expects one failed check only: `code`, about
/// review `index`, its message naming the review and saying `words`.
pub fn fails_once(package: &[u8], code: &str, index: usize, words: &str) {
    let v = verify(package);
    assert_eq!(failures(&v), [(code.to_string(), Some(index))], "{words}");
    let check = v.checks.iter().find(|c| c.fails()).unwrap();
    let name = format!("审核记录{}", index + 1);
    assert!(
        check.message.contains(&name) && check.message.contains(words),
        "{}",
        check.message
    );
}

/// A review's members as `gcforms review` writes them, for [`sign_raw`].
pub fn raw_review(
    level: ReviewLevel,
    decision: &str,
    received: &str,
    decided: &str,
    deadline: &str,
) -> Value {
    json!({
        "level": level.as_str(),
        "unit": unit_of(level),
        "reviewer": "张三",
        "decision": decision,
        "opinion": "意见",
        "received": received,
        "date": decided,
        "deadline": deadline,
    })
}

pub fn value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap()
}
