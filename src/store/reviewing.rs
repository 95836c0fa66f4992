//! What the reviewer's workspace (审核工作台) keeps besides the packages
//! themselves ([`super::received`]), and what the clerk keeps of a review:
//!
//! - **verdicts**: what verification said of a received version, judged
//!   once under a policy (its bytes never change), so an inbox of hundreds
//!   of packages is listed without verifying each again. A cache: a verdict
//!   of another policy is ignored, and the caller judges again;
//! - **trusted certificates** (信任的单位证书): recorded by the reviewer after
//!   comparing the fingerprint with the stamped paper; nothing is trusted by
//!   default;
//! - **review results** (导入审核结果): where a reviewed package ended, kept
//!   per document so the drafts it came from can show it.
//!
//! Nothing here verifies or parses certificates: the caller (the `inbox`
//! module of the core) does, and hands the store plain values.

use rusqlite::{params, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;

use super::{rfc3339, Db, Result, Store, StoreError};

/// What verification said of one received version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verdict {
    /// `id version` of the policy it was judged under.
    pub policy: String,
    /// No error-level check failed.
    pub valid: bool,
    /// The review status (`awaiting_city`, `approved`, …) as `verify`
    /// writes it; empty without a route.
    pub status: String,
    /// Why it failed, in Chinese; empty when valid.
    pub problem: String,
    /// The city's decision date (`YYYY-MM-DD`) once approved, the start of
    /// the provider's 开通期限; else empty.
    pub decided: String,
}

/// A certificate the reviewer trusts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrustedCertificate {
    /// SHA-256 fingerprint, colon-separated upper-case hex: the key.
    pub fingerprint: String,
    /// The unit the certificate names.
    pub unit: String,
    /// Its validity end, `YYYY-MM-DD`.
    pub not_after: String,
    /// Where it was recorded from (a file name, or 提交包 and its unit).
    pub source: String,
    /// When it was recorded (RFC 3339, local time).
    pub added_at: String,
}

/// Where a reviewed package ended, for one of its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewResult {
    /// The document's `id`: a draft's id when it came from this store.
    pub document_id: String,
    /// SHA-256 of the reviewed package's bytes.
    pub sha256: String,
    /// The package's `package_id`.
    pub package_id: String,
    /// The review status as `verify` writes it (`approved`, `returned`, …).
    pub status: String,
    /// The status in the clerk's words (已同意, 已退回, …).
    pub status_label: String,
    /// The reviewing body of the last review (empty without one).
    pub level_label: String,
    /// The last review's decision on paper (同意, 退回修改, …).
    pub decision_label: String,
    /// The last review's 审核单位.
    pub unit: String,
    /// The last review's 审核意见.
    pub opinion: String,
    /// The last review's 审核日期.
    pub date: String,
    /// When it was imported (RFC 3339, local time).
    pub imported_at: String,
}

impl Store {
    /// The verdict recorded for a received version under `policy`, if any.
    pub fn verdict(&self, sha256: &str, policy: &str) -> Result<Option<Verdict>> {
        self.conn
            .prepare_cached(
                "SELECT policy, valid, status, problem, decided FROM received_verdicts \
                 WHERE sha256 = ?1 AND policy = ?2",
            )
            .db(&self.path)?
            .query_row(params![sha256, policy], |r| {
                Ok(Verdict {
                    policy: r.get(0)?,
                    valid: r.get(1)?,
                    status: r.get(2)?,
                    problem: r.get(3)?,
                    decided: r.get(4)?,
                })
            })
            .optional()
            .db(&self.path)
    }

    /// Every verdict recorded under `policy`, by the SHA-256 of the version.
    pub fn verdicts(&self, policy: &str) -> Result<std::collections::HashMap<String, Verdict>> {
        self.conn
            .prepare_cached(
                "SELECT sha256, policy, valid, status, problem, decided FROM received_verdicts \
                 WHERE policy = ?1",
            )
            .db(&self.path)?
            .query_map([policy], |r| {
                Ok((
                    r.get(0)?,
                    Verdict {
                        policy: r.get(1)?,
                        valid: r.get(2)?,
                        status: r.get(3)?,
                        problem: r.get(4)?,
                        decided: r.get(5)?,
                    },
                ))
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// Records (or replaces) the verdict of a received version.
    pub fn record_verdict(&self, sha256: &str, verdict: &Verdict) -> Result<()> {
        let now = self.now();
        let changed = self.write(|conn| {
            conn.prepare_cached(
                "INSERT INTO received_verdicts (sha256, policy, valid, status, problem, decided, \
                 checked_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
                 WHERE EXISTS (SELECT 1 FROM received_packages WHERE sha256 = ?1) \
                 ON CONFLICT (sha256) DO UPDATE SET policy = excluded.policy, \
                 valid = excluded.valid, status = excluded.status, problem = excluded.problem, \
                 decided = excluded.decided, checked_ms = excluded.checked_ms",
            )
            .db(&self.path)?
            .execute(params![
                sha256,
                verdict.policy,
                verdict.valid,
                verdict.status,
                verdict.problem,
                verdict.decided,
                now
            ])
            .db(&self.path)
        })?;
        if changed == 0 {
            return Err(StoreError::PackageNotFound(sha256.to_string()));
        }
        Ok(())
    }

    /// Records a trusted certificate (DER) under its fingerprint; false when
    /// it was recorded already (the first record is kept).
    pub fn trust_certificate(
        &self,
        der: &[u8],
        fingerprint: &str,
        unit: &str,
        not_after: &str,
        source: &str,
    ) -> Result<bool> {
        let now = self.now();
        self.write(|conn| {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO trusted_certificates (fingerprint, der, unit, not_after, \
                 source, added_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .db(&self.path)?
            .execute(params![fingerprint, der, unit, not_after, source, now])
            .db(&self.path)
            .map(|n| n == 1)
        })
    }

    /// Removes a trusted certificate; false when it was not recorded.
    pub fn untrust_certificate(&self, fingerprint: &str) -> Result<bool> {
        self.write(|conn| {
            conn.prepare_cached("DELETE FROM trusted_certificates WHERE fingerprint = ?1")
                .db(&self.path)?
                .execute([fingerprint])
                .db(&self.path)
                .map(|n| n == 1)
        })
    }

    /// The trusted certificates, by unit.
    pub fn trusted_certificates(&self) -> Result<Vec<TrustedCertificate>> {
        self.conn
            .prepare_cached(
                "SELECT fingerprint, unit, not_after, source, added_ms FROM trusted_certificates \
                 ORDER BY unit, fingerprint",
            )
            .db(&self.path)?
            .query_map([], |r| {
                Ok(TrustedCertificate {
                    fingerprint: r.get(0)?,
                    unit: r.get(1)?,
                    not_after: r.get(2)?,
                    source: r.get(3)?,
                    added_at: rfc3339(r.get(4)?),
                })
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// The DER bytes of every trusted certificate.
    pub fn trusted_certificate_ders(&self) -> Result<Vec<Vec<u8>>> {
        self.conn
            .prepare_cached("SELECT der FROM trusted_certificates ORDER BY fingerprint")
            .db(&self.path)?
            .query_map([], |r| r.get(0))
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// Records where a reviewed package ended, one row per document (its
    /// `document_id` ignored); the same package twice changes nothing.
    /// Returns how many documents were new.
    pub fn record_review_result(
        &self,
        result: &ReviewResult,
        document_ids: &[String],
    ) -> Result<usize> {
        let now = self.now();
        self.write(|conn| {
            let mut insert = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO review_results (document_id, sha256, package_id, \
                     status, status_label, level_label, decision_label, unit, opinion, date, \
                     imported_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .db(&self.path)?;
            let mut new = 0;
            for id in document_ids {
                new += insert
                    .execute(params![
                        id,
                        result.sha256,
                        result.package_id,
                        result.status,
                        result.status_label,
                        result.level_label,
                        result.decision_label,
                        result.unit,
                        result.opinion,
                        result.date,
                        now
                    ])
                    .db(&self.path)?;
            }
            Ok(new)
        })
    }

    /// The latest review result of each document (the latest decision
    /// date, then the latest import).
    pub fn review_results(&self) -> Result<Vec<ReviewResult>> {
        self.conn
            .prepare_cached(
                "SELECT document_id, sha256, package_id, status, status_label, level_label, \
                 decision_label, unit, opinion, date, imported_ms FROM review_results r \
                 WHERE r.sha256 = (SELECT v.sha256 FROM review_results v \
                 WHERE v.document_id = r.document_id \
                 ORDER BY v.date DESC, v.imported_ms DESC, v.sha256 LIMIT 1) \
                 ORDER BY document_id",
            )
            .db(&self.path)?
            .query_map([], |r| {
                Ok(ReviewResult {
                    document_id: r.get(0)?,
                    sha256: r.get(1)?,
                    package_id: r.get(2)?,
                    status: r.get(3)?,
                    status_label: r.get(4)?,
                    level_label: r.get(5)?,
                    decision_label: r.get(6)?,
                    unit: r.get(7)?,
                    opinion: r.get(8)?,
                    date: r.get(9)?,
                    imported_at: rfc3339(r.get(10)?),
                })
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }
}
