//! Submission packages a reviewer received (审核工作台): each kept exactly as
//! it arrived — its bytes and their SHA-256 — so what was reviewed can
//! always be shown and verified again. The same bytes twice are one row; a
//! package that comes back with more reviews is a new version of the same
//! `package_id`, and the inbox lists the newest version of each package.
//!
//! Whether a package verifies is not decided here: the store keeps what it
//! was given, and the caller (the app, the CLI) verifies it with
//! [`crate::package`] when it is shown.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{rfc3339, Db, Result, Store, StoreError};
use crate::input::parse_json;

/// One received package as the inbox lists it: its newest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceivedPackage {
    /// SHA-256 of the bytes of this version, lower-case hex: its key.
    pub sha256: String,
    /// The package's `package_id`, shared by all its versions.
    pub package_id: String,
    /// Reviews the package held when it arrived.
    pub reviews: u32,
    /// How many versions of this package were received.
    pub versions: u32,
    /// The file it came from (name only).
    pub file_name: String,
    /// When it was imported (RFC 3339, local time).
    pub imported_at: String,
    /// 收到日期, `YYYY-MM-DD`: the day the package reached this level; the
    /// reviewer may correct it, and the deadline follows.
    pub received: String,
    /// 单位名称 of the applicant.
    pub unit_name: String,
    /// 系统名称 (empty when the package has none).
    pub system_name: String,
    /// The forms in the package, by their `form` keys.
    pub forms: Vec<String>,
    /// 所属地区 key of the applicant (empty when absent).
    pub jurisdiction: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What [`Store::receive_package`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Received {
    /// The package as the inbox now lists it.
    pub package: ReceivedPackage,
    /// False when these exact bytes had been received before.
    pub new: bool,
}

/// The list columns read from a package's JSON.
struct Columns {
    package_id: String,
    reviews: u32,
    unit_name: String,
    system_name: String,
    forms: Vec<String>,
    jurisdiction: String,
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Reads what the inbox shows from a package, without verifying it.
fn columns(bytes: &[u8]) -> Result<Columns> {
    let value = parse_json(bytes)?;
    if value.get("format").and_then(Value::as_str) != Some(crate::package::FORMAT) {
        return Err(StoreError::NotAPackage(
            "缺少 \"format\": \"gcforms-package\"".into(),
        ));
    }
    let package_id = text(value.get("package_id"));
    if package_id.is_empty() || package_id.chars().count() > 64 {
        return Err(StoreError::NotAPackage(
            "提交包编号 package_id 缺失或无效".into(),
        ));
    }
    let documents: Vec<&Value> = value
        .get("documents")
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(|d| d.get("data")).collect())
        .unwrap_or_default();
    let forms = documents.iter().map(|d| text(d.get("form"))).collect();
    // The applicant block of the application, change or cancellation; a
    // pledge only names its unit.
    let applicant = documents.iter().find_map(|d| d.get("applicant"));
    let unit_name = match applicant {
        Some(a) => text(a.get("unit_name")),
        None => documents
            .iter()
            .map(|d| text(d.get("unit_name")))
            .find(|u| !u.is_empty())
            .unwrap_or_default(),
    };
    let reviews = value
        .get("reviews")
        .and_then(Value::as_array)
        .map_or(0, |r| u32::try_from(r.len()).unwrap_or(u32::MAX));
    Ok(Columns {
        package_id,
        reviews,
        unit_name,
        system_name: text(applicant.and_then(|a| a.get("system_name"))),
        forms,
        jurisdiction: text(applicant.and_then(|a| a.get("jurisdiction"))),
    })
}

/// SHA-256 of bytes, lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const COLUMNS: &str = "r.sha256, r.package_id, r.reviews, r.file_name, r.imported_ms, \
    r.received, r.unit_name, r.system_name, r.forms, r.jurisdiction, length(r.bytes), \
    (SELECT count(*) FROM received_packages v WHERE v.package_id = r.package_id)";

fn row(r: &Row<'_>) -> rusqlite::Result<ReceivedPackage> {
    let forms: String = r.get(8)?;
    Ok(ReceivedPackage {
        sha256: r.get(0)?,
        package_id: r.get(1)?,
        reviews: r.get(2)?,
        file_name: r.get(3)?,
        imported_at: rfc3339(r.get(4)?),
        received: r.get(5)?,
        unit_name: r.get(6)?,
        system_name: r.get(7)?,
        forms: forms
            .split(',')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        jurisdiction: r.get(9)?,
        bytes: r.get(10)?,
        versions: r.get(11)?,
    })
}

impl Store {
    /// Keeps a received package exactly as its bytes are, received on
    /// `received` (收到日期). The same bytes again change nothing
    /// (`new: false`); bytes that are not a package are refused and nothing
    /// is stored.
    pub fn receive_package(
        &self,
        bytes: &[u8],
        file_name: &str,
        received: NaiveDate,
    ) -> Result<Received> {
        let c = columns(bytes)?;
        let sha = sha256_hex(bytes);
        let name = std::path::Path::new(file_name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let now = self.now();
        let new = self.write(|conn| {
            let inserted = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO received_packages (sha256, package_id, reviews, \
                     bytes, file_name, imported_ms, received, unit_name, system_name, forms, \
                     jurisdiction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .db(&self.path)?
                .execute(params![
                    sha,
                    c.package_id,
                    c.reviews,
                    bytes,
                    name,
                    now,
                    received.format("%Y-%m-%d").to_string(),
                    c.unit_name,
                    c.system_name,
                    c.forms.join(","),
                    c.jurisdiction,
                ])
                .db(&self.path)?;
            Ok(inserted == 1)
        })?;
        Ok(Received {
            package: self.received_version(&sha)?,
            new,
        })
    }

    /// One received version by the SHA-256 of its bytes.
    pub fn received_version(&self, sha256: &str) -> Result<ReceivedPackage> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM received_packages r WHERE r.sha256 = ?1"
            ))
            .db(&self.path)?
            .query_row([sha256], row)
            .optional()
            .db(&self.path)?
            .ok_or_else(|| StoreError::PackageNotFound(sha256.to_string()))
    }

    /// The inbox: the newest version of each received package (most
    /// reviews, then the latest import), oldest 收到日期 first.
    pub fn received_packages(&self) -> Result<Vec<ReceivedPackage>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM received_packages r WHERE r.sha256 = (\
                 SELECT v.sha256 FROM received_packages v WHERE v.package_id = r.package_id \
                 ORDER BY v.reviews DESC, v.imported_ms DESC, v.sha256 LIMIT 1) \
                 ORDER BY r.received, r.imported_ms"
            ))
            .db(&self.path)?
            .query_map([], row)
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// Every version of a package, newest first.
    pub fn received_versions(&self, package_id: &str) -> Result<Vec<ReceivedPackage>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM received_packages r WHERE r.package_id = ?1 \
                 ORDER BY r.reviews DESC, r.imported_ms DESC, r.sha256"
            ))
            .db(&self.path)?
            .query_map([package_id], row)
            .db(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .db(&self.path)
    }

    /// The bytes of a received version, exactly as they arrived.
    pub fn received_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        self.conn
            .prepare_cached("SELECT bytes FROM received_packages WHERE sha256 = ?1")
            .db(&self.path)?
            .query_row([sha256], |r| r.get(0))
            .optional()
            .db(&self.path)?
            .ok_or_else(|| StoreError::PackageNotFound(sha256.to_string()))
    }

    /// Corrects the 收到日期 of a received version.
    pub fn set_received_date(&self, sha256: &str, received: NaiveDate) -> Result<()> {
        let changed = self.write(|conn| {
            conn.prepare_cached("UPDATE received_packages SET received = ?2 WHERE sha256 = ?1")
                .db(&self.path)?
                .execute(params![sha256, received.format("%Y-%m-%d").to_string()])
                .db(&self.path)
        })?;
        if changed == 0 {
            return Err(StoreError::PackageNotFound(sha256.to_string()));
        }
        Ok(())
    }
}
