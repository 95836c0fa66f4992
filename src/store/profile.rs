//! The unit profile (常用信息): what a unit writes on every form, kept once
//! and prefilled into new documents of any form.

use rusqlite::OptionalExtension;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Db, Draft, Result, Store, StoreError};
use crate::document::FormKind;
use crate::input::SCHEMA_VERSION;

/// The unit's usual details. Empty text means "not set" and is not prefilled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct UnitProfile {
    /// 单位名称.
    pub unit_name: String,
    /// 负责人 (the unit's main leader, who signs 附件2).
    pub unit_leader: String,
    /// 单位联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// E-mail.
    pub email: String,
    /// Jurisdiction key (`city`, `wujiang`, …).
    pub jurisdiction: String,
    /// 主管部门, when the unit applies through one.
    pub supervisor_unit: String,
    /// The usual maintainer.
    pub maintainer: MaintainerProfile,
}

/// The usual 维护单位 block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct MaintainerProfile {
    /// 维护单位.
    pub unit_name: String,
    /// 维护单位性质 key (`internal`, `subordinate`, `outsourced`).
    pub nature: String,
    /// 维护负责人.
    pub lead_name: String,
    /// 联系电话.
    pub phone: String,
    /// E-mail.
    pub email: String,
}

/// Inserts `key: value` when the value is not blank.
fn put(map: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.trim().is_empty() {
        map.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// A new, empty document of `form` with a fresh UUID, prefilled from the
/// profile. It carries no dates: those belong to this application.
pub fn new_document(form: FormKind, profile: &UnitProfile) -> Value {
    let mut doc = Map::new();
    doc.insert("form".into(), Value::String(form.key().into()));
    doc.insert("schema_version".into(), Value::from(SCHEMA_VERSION));
    doc.insert("id".into(), Value::String(uuid::Uuid::new_v4().to_string()));
    if form == FormKind::SecurityPledge {
        put(&mut doc, "unit_name", &profile.unit_name);
        put(&mut doc, "unit_leader", &profile.unit_leader);
        put(&mut doc, "contact_name", &profile.contact_name);
        put(&mut doc, "contact_phone", &profile.contact_phone);
        return Value::Object(doc);
    }
    if form == FormKind::DemandEstimate {
        // The filing unit's block is at the top level; the year and the
        // date belong to this estimate.
        for (key, value) in [
            ("unit_name", &profile.unit_name),
            ("supervisor_unit", &profile.supervisor_unit),
            ("jurisdiction", &profile.jurisdiction),
            ("contact_name", &profile.contact_name),
            ("contact_phone", &profile.contact_phone),
        ] {
            put(&mut doc, key, value);
        }
        return Value::Object(doc);
    }
    let mut applicant = Map::new();
    put(&mut applicant, "unit_name", &profile.unit_name);
    put(&mut applicant, "contact_name", &profile.contact_name);
    put(&mut applicant, "contact_phone", &profile.contact_phone);
    put(&mut applicant, "email", &profile.email);
    put(&mut applicant, "jurisdiction", &profile.jurisdiction);
    put(&mut applicant, "supervisor_unit", &profile.supervisor_unit);
    let m = &profile.maintainer;
    let mut maintainer = Map::new();
    put(&mut maintainer, "unit_name", &m.unit_name);
    put(&mut maintainer, "nature", &m.nature);
    put(&mut maintainer, "lead_name", &m.lead_name);
    put(&mut maintainer, "phone", &m.phone);
    put(&mut maintainer, "email", &m.email);
    doc.insert("applicant".into(), Value::Object(applicant));
    doc.insert("maintainer".into(), Value::Object(maintainer));
    Value::Object(doc)
}

impl Store {
    /// The stored unit profile (empty when never set).
    pub fn profile(&self) -> Result<UnitProfile> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT profile FROM unit_profile WHERE id = 1")
            .db(&self.path)?
            .query_row([], |r| r.get(0))
            .optional()
            .db(&self.path)?;
        // A profile that no longer parses is shown empty rather than blocking
        // the app; it is overwritten by the next set_profile.
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    /// Stores the unit profile.
    pub fn set_profile(&self, profile: &UnitProfile) -> Result<()> {
        let text =
            serde_json::to_string(profile).map_err(|e| StoreError::Database(e.to_string()))?;
        let now = self.now();
        self.write(|conn| {
            conn.execute(
                "INSERT INTO unit_profile (id, profile, updated_ms) VALUES (1, ?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET profile = excluded.profile, \
                 updated_ms = excluded.updated_ms",
                rusqlite::params![text, now],
            )
            .db(&self.path)
            .map(drop)
        })
    }

    /// Creates a new draft of `form` prefilled from the unit profile.
    pub fn create(&self, form: FormKind) -> Result<Draft> {
        let doc = new_document(form, &self.profile()?);
        let saved = self.save_value(&doc)?;
        self.get(&saved.id)
    }
}
