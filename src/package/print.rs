//! Printing a package (SPEC §4 `gcforms render PACKAGE.gcpkg.json`, the
//! app's 打印审核单): its documents in one PDF, with the three review boxes of
//! 附件1/3/4 filled from its verified `reviews[]`.
//!
//! Only a package that verifies is printed: a paper 审核单 carries the
//! reviewers' decisions, and one printed from a tampered file would lend them
//! to words they never signed. Each box shows the level's review (decision,
//! opinion, unit, reviewer with the first 8 hex pairs of the certificate's
//! fingerprint, date); a level the route does not pass shows 「—」; a level not
//! reached yet stays blank for hand-writing.

use serde_json::Value;

use super::review::ReviewSummary;
use super::verify::{verify_package_value, Verification, VerifyError};
use super::{Package, ReviewLevel};
use crate::calendar::Calendar;
use crate::document::Document;
use crate::input::parse_json;
use crate::policy::Policy;
use crate::render::{render_all, RenderError, RenderOptions, ReviewBox};

/// How many copies of each document to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copies {
    /// One unmarked copy of each (the CLI without `--copies`).
    Single,
    /// This many of each, each marked with its holder.
    Each(u32),
    /// The policy's count for each form, each marked with its holder (the
    /// app's 打印审核单).
    AsPolicy,
}

/// Why a package was not printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// Not readable as a package (exit 2).
    #[error(transparent)]
    Unreadable(#[from] VerifyError),
    /// A signed PDF was given, not a package (exit 2).
    #[error("这是签名 PDF，不是提交包；打印审核单需要提交包（*.gcpkg.json）（not a package）")]
    NotAPackage,
    /// It does not verify (exit 1): the failed checks are in the verification.
    #[error("提交包校验失败，不能打印审核单（package does not verify）")]
    Invalid(Box<Verification>),
    /// The renderer refused (missing glyphs: exit 1; fonts: exit 2).
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Verifies `bytes` as a package and prints its documents with the review
/// boxes filled. `calendar` counts the review deadlines verification checks.
pub fn render_package(
    bytes: &[u8],
    policy: &Policy,
    calendar: &Calendar,
    copies: Copies,
) -> Result<Vec<u8>, PrintError> {
    if bytes.starts_with(b"%PDF-") {
        return Err(PrintError::NotAPackage);
    }
    let value = parse_json(bytes).map_err(VerifyError::from)?;
    render_package_value(value, policy, calendar, copies)
}

/// [`render_package`] of a package already parsed.
pub fn render_package_value(
    value: Value,
    policy: &Policy,
    calendar: &Calendar,
    copies: Copies,
) -> Result<Vec<u8>, PrintError> {
    let verification = verify_package_value(&value, policy, calendar, None)?;
    if !verification.valid {
        return Err(PrintError::Invalid(Box::new(verification)));
    }
    // It verified, so it has the shape of a package and each document's data
    // is the document its signed PDF holds.
    let package: Package = serde_json::from_value(value).map_err(VerifyError::Malformed)?;
    let boxes = review_boxes(&verification);
    let fingerprint = verification.signer.as_ref().map(|s| s.fingerprint.clone());
    let documents = package
        .documents
        .into_iter()
        .map(|d| serde_json::from_value::<Document>(d.data).map_err(VerifyError::Malformed))
        .collect::<Result<Vec<_>, _>>()?;
    let jobs: Vec<(&Document, RenderOptions)> = documents
        .iter()
        .map(|doc| {
            let options = RenderOptions {
                copies: match copies {
                    Copies::Single => None,
                    Copies::Each(n) => Some(n),
                    Copies::AsPolicy => Some(policy.copies_of(doc.form())),
                },
                fingerprint: fingerprint.clone(),
                reviews: boxes.clone(),
                ..RenderOptions::default()
            };
            (doc, options)
        })
        .collect();
    Ok(render_all(&jobs, policy)?)
}

/// Whether parsed JSON is meant as a package (`format: gcforms-package`),
/// whatever else it holds.
pub fn is_package(value: &Value) -> bool {
    value.get("format").and_then(Value::as_str) == Some(super::FORMAT)
}

/// The three boxes (主管部门, 县级, 市级) of a verified package.
pub fn review_boxes(verification: &Verification) -> [ReviewBox; 3] {
    ReviewLevel::ALL.map(|level| {
        let on_route = verification
            .route
            .as_ref()
            .is_none_or(|route| route.contains(&level));
        match verification.reviews.iter().find(|r| r.level == level) {
            Some(review) => decided(review),
            None if on_route => ReviewBox::Blank,
            None => ReviewBox::NotOnRoute,
        }
    })
}

/// The box of one signed review.
fn decided(review: &ReviewSummary) -> ReviewBox {
    ReviewBox::Decided {
        decision: review.decision_label.to_string(),
        opinion: review.opinion.clone(),
        unit: review.unit.clone(),
        reviewer: review.reviewer.clone(),
        fingerprint: short_fingerprint(review.fingerprint.as_deref().unwrap_or_default()),
        date: review.date.clone(),
    }
}

/// The first 8 hex pairs of a colon-separated fingerprint, as printed in a
/// review box.
fn short_fingerprint(fingerprint: &str) -> String {
    fingerprint.split(':').take(8).collect::<Vec<_>>().join(":")
}
