//! Saving, reading, listing, duplicating and trashing drafts.

use rusqlite::{params, OptionalExtension, Row};
use serde_json::{Map, Value};

use super::history::prune;
use super::{
    extract, rfc3339, Db, Draft, DraftStatus, DraftSummary, ListQuery, Result, SavedDraft, Store,
    StoreError,
};
use crate::document::{prefill, FormKind};
use crate::input::read_document;
use crate::rules::{Report, Severity};

/// The longest draft ID accepted (a UUID has 36 characters).
const MAX_ID_CHARS: usize = 128;

/// At most this many search words are used, each cut to this many characters
/// (SQLite refuses very long LIKE patterns).
const MAX_SEARCH_WORDS: usize = 8;
const MAX_SEARCH_CHARS: usize = 100;

/// A document text that is a readable document with an `id`.
pub(super) struct Parsed<'t> {
    pub text: &'t str,
    pub id: String,
    pub form: FormKind,
    pub value: Map<String, Value>,
}

/// What validation and extraction make of a document.
pub(super) struct Checked {
    pub columns: extract::Columns,
    pub status: DraftStatus,
    pub errors: u32,
    pub warnings: u32,
    pub report: Report,
}

/// The stored state of a draft a save is about to change.
struct Current {
    version: i64,
    status: String,
    trashed: bool,
    /// First save of the current version (none if its row is missing).
    started: Option<i64>,
    /// The stored text equals the one being saved.
    same: bool,
    updated: i64,
    errors: u32,
    warnings: u32,
}

/// Whether a save may be coalesced into the current version.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Autosave,
    NewVersion,
}

const SUMMARY_COLUMNS: &str = "id, form, status, errors, warnings, version, created_ms, \
     updated_ms, trashed_ms, title, unit_name, system_name, host_count";

fn summary(row: &Row<'_>) -> rusqlite::Result<DraftSummary> {
    let form: String = row.get(1)?;
    let status: String = row.get(2)?;
    Ok(DraftSummary {
        id: row.get(0)?,
        // The CHECK constraints keep both columns within their sets.
        form: FormKind::from_key(&form).unwrap_or(FormKind::Application),
        status: DraftStatus::from_key(&status).unwrap_or(DraftStatus::Draft),
        errors: row.get(3)?,
        warnings: row.get(4)?,
        version: row.get(5)?,
        created_at: rfc3339(row.get(6)?),
        updated_at: rfc3339(row.get(7)?),
        trashed_at: row.get::<_, Option<i64>>(8)?.map(rfc3339),
        title: row.get(9)?,
        unit_name: row.get(10)?,
        system_name: row.get(11)?,
        host_count: row.get(12)?,
    })
}

fn check_id(value: Option<&Value>) -> Result<String> {
    let id = match value {
        None | Some(Value::Null) => return Err(StoreError::MissingId),
        Some(Value::String(s)) => s,
        Some(_) => return Err(StoreError::InvalidId("编号应为文本".into())),
    };
    if id.trim().is_empty() {
        return Err(StoreError::MissingId);
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(StoreError::InvalidId(format!(
            "编号超过 {MAX_ID_CHARS} 个字符"
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(StoreError::InvalidId(format!(
            "编号“{}”含控制字符",
            crate::escape::printable(id)
        )));
    }
    Ok(id.clone())
}

impl Store {
    /// Reads the text as a document with an `id`: cheap, done first.
    pub(super) fn parse<'t>(&self, text: &'t str) -> Result<Parsed<'t>> {
        let raw = read_document(text.as_bytes())?;
        Ok(Parsed {
            text,
            id: check_id(raw.value.get("id"))?,
            form: raw.form,
            value: raw.value,
        })
    }

    /// Validates and extracts the listing columns: the costly part, skipped
    /// when the text is already stored.
    pub(super) fn check(&self, form: FormKind, value: Map<String, Value>) -> Result<Checked> {
        let columns = extract::columns(form, &value);
        let report = crate::validate_value(Value::Object(value), &self.policy)?;
        let count = |s| u32::try_from(report.count(s)).unwrap_or(u32::MAX);
        let errors = count(Severity::Error);
        let warnings = count(Severity::Warning);
        Ok(Checked {
            columns,
            status: if errors == 0 {
                DraftStatus::Ready
            } else {
                DraftStatus::Draft
            },
            errors,
            warnings,
            report,
        })
    }

    /// Saves a document's JSON text as the current state of the draft named
    /// by its `id`, creating the draft if needed. This is the autosave: call
    /// it on every change. Saving the stored text again writes nothing; a save
    /// within [`HistoryPolicy::coalesce`](super::HistoryPolicy::coalesce) of
    /// the current version's first save replaces that version, otherwise the
    /// current version is kept as history and a new one begins.
    ///
    /// The text is stored exactly as given. It must be a readable document
    /// ([`StoreError::Input`]) with an `id` ([`StoreError::MissingId`]);
    /// validation errors do not prevent saving, they make the status `draft`.
    pub fn save(&self, text: &str) -> Result<SavedDraft> {
        let parsed = self.parse(text)?;
        self.write(|_| self.save_parsed(parsed, Mode::Autosave))
            .map(|(saved, _)| saved)
    }

    /// [`save`](Self::save), also returning the validation report of the
    /// text, so that the app shows the findings without validating twice.
    pub fn save_with_report(&self, text: &str) -> Result<(SavedDraft, Report)> {
        let parsed = self.parse(text)?;
        let (saved, report) = self.write(|_| self.save_parsed(parsed, Mode::Autosave))?;
        let report = match report {
            Some(r) => r,
            // Unchanged: nothing was validated; do it now for the caller.
            None => self.check(saved.form, self.parse(text)?.value)?.report,
        };
        Ok((saved, report))
    }

    /// Like [`save`](Self::save), but always keeps the current state as a
    /// version of its own (an explicit "保存版本", an import, a restore).
    pub fn save_version(&self, text: &str) -> Result<SavedDraft> {
        let parsed = self.parse(text)?;
        self.write(|_| self.save_parsed(parsed, Mode::NewVersion))
            .map(|(saved, _)| saved)
    }

    /// Saves a document given as a JSON value, written as pretty JSON.
    pub fn save_value(&self, document: &Value) -> Result<SavedDraft> {
        let text = serde_json::to_string_pretty(document)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        self.save(&text)
    }

    /// Imports many documents in one transaction, each as
    /// [`save_version`](Self::save_version). Documents that cannot be saved
    /// get their error in the result and do not stop the others; a database
    /// failure stops them all and nothing is written.
    pub fn import_all(&self, texts: &[&str]) -> Result<Vec<Result<SavedDraft>>> {
        let parsed: Vec<Result<Parsed<'_>>> = texts.iter().map(|t| self.parse(t)).collect();
        self.write(move |_| {
            parsed
                .into_iter()
                .map(|p| match p {
                    Ok(p) => self
                        .save_parsed(p, Mode::NewVersion)
                        .map(|(saved, _)| Ok(saved)),
                    Err(e) => Ok(Err(e)),
                })
                .collect()
        })
    }

    /// Writes a parsed document; runs inside a write transaction. Returns the
    /// validation report unless the text was already stored.
    fn save_parsed(&self, p: Parsed<'_>, mode: Mode) -> Result<(SavedDraft, Option<Report>)> {
        let conn = &self.conn;
        let path = &self.path;
        let now = self.now();
        // The draft and its current version in one read; `v.doc = ?2`
        // compares in SQLite without copying the stored text out.
        let current: Option<Current> = conn
            .prepare_cached(
                "SELECT d.version, d.status, d.trashed_ms, v.started_ms, v.doc = ?2, \
                 d.updated_ms, d.errors, d.warnings FROM drafts d LEFT JOIN draft_versions v \
                 ON v.draft_id = d.id AND v.version = d.version WHERE d.id = ?1",
            )
            .db(path)?
            .query_row(params![p.id, p.text], |r| {
                Ok(Current {
                    version: r.get(0)?,
                    status: r.get(1)?,
                    trashed: r.get::<_, Option<i64>>(2)?.is_some(),
                    started: r.get(3)?,
                    same: r.get::<_, Option<bool>>(4)? == Some(true),
                    updated: r.get(5)?,
                    errors: r.get(6)?,
                    warnings: r.get(7)?,
                })
            })
            .optional()
            .db(path)?;
        if let Some(c) = current.as_ref().filter(|c| c.same) {
            let saved = SavedDraft {
                id: p.id,
                form: p.form,
                version: c.version,
                status: DraftStatus::from_key(&c.status).unwrap_or(DraftStatus::Draft),
                errors: c.errors,
                warnings: c.warnings,
                updated_at: rfc3339(c.updated),
                changed: false,
                created: false,
                new_version: false,
                trashed: c.trashed,
            };
            return Ok((saved, None));
        }
        let Parsed {
            text,
            id,
            form,
            value,
        } = p;
        let c = self.check(form, value)?;
        let mut saved = SavedDraft {
            id,
            form,
            version: 1,
            status: c.status,
            errors: c.errors,
            warnings: c.warnings,
            updated_at: rfc3339(now),
            changed: true,
            created: current.is_none(),
            new_version: true,
            trashed: false,
        };
        let host_names = c.columns.host_names.join("\n");
        let host_count = u32::try_from(c.columns.host_names.len()).unwrap_or(u32::MAX);
        let Some(Current {
            version,
            status,
            trashed,
            started,
            ..
        }) = current
        else {
            conn.prepare_cached(
                "INSERT INTO drafts (id, form, status, errors, warnings, version, created_ms, \
                 updated_ms, title, unit_name, system_name, host_count, host_names) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .db(path)?
            .execute(params![
                saved.id,
                form.key(),
                c.status.key(),
                c.errors,
                c.warnings,
                now,
                c.columns.title,
                c.columns.unit_name,
                c.columns.system_name,
                host_count,
                host_names,
            ])
            .db(path)?;
            conn.prepare_cached(
                "INSERT INTO draft_versions (draft_id, version, started_ms, saved_ms, doc) \
                 VALUES (?1, 1, ?2, ?2, ?3)",
            )
            .db(path)?
            .execute(params![saved.id, now, text])
            .db(path)?;
            return Ok((saved, Some(c.report)));
        };
        saved.trashed = trashed;
        // A clock set back makes the age negative: never coalesce then.
        let coalesce = mode == Mode::Autosave
            && status != DraftStatus::Exported.key()
            && started.is_some_and(|started| {
                let age = now - started;
                (0..self.history.coalesce.as_millis() as i64).contains(&age)
            });
        if coalesce {
            conn.prepare_cached(
                "UPDATE draft_versions SET doc = ?3, saved_ms = ?4 \
                 WHERE draft_id = ?1 AND version = ?2",
            )
            .db(path)?
            .execute(params![saved.id, version, text, now])
            .db(path)?;
            saved.version = version;
            saved.new_version = false;
        } else {
            saved.version = version + 1;
            conn.prepare_cached(
                "INSERT INTO draft_versions (draft_id, version, started_ms, saved_ms, doc) \
                 VALUES (?1, ?2, ?3, ?3, ?4)",
            )
            .db(path)?
            .execute(params![saved.id, saved.version, now, text])
            .db(path)?;
        }
        conn.prepare_cached(
            "UPDATE drafts SET form = ?2, status = ?3, errors = ?4, warnings = ?5, version = ?6, \
             updated_ms = ?7, title = ?8, unit_name = ?9, system_name = ?10, host_count = ?11, \
             host_names = ?12 WHERE id = ?1",
        )
        .db(path)?
        .execute(params![
            saved.id,
            form.key(),
            c.status.key(),
            c.errors,
            c.warnings,
            saved.version,
            now,
            c.columns.title,
            c.columns.unit_name,
            c.columns.system_name,
            host_count,
            host_names,
        ])
        .db(path)?;
        if saved.new_version {
            prune(conn, path, &saved.id, saved.version, now, &self.history)?;
        }
        Ok((saved, Some(c.report)))
    }

    /// The draft's list columns.
    pub fn summary(&self, id: &str) -> Result<DraftSummary> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM drafts WHERE id = ?1"
            ))
            .db(&self.path)?
            .query_row([id], summary)
            .optional()
            .db(&self.path)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))
    }

    /// The draft's current document text, exactly as saved.
    pub fn document(&self, id: &str) -> Result<String> {
        self.conn
            .prepare_cached(
                "SELECT v.doc FROM drafts d JOIN draft_versions v \
                 ON v.draft_id = d.id AND v.version = d.version WHERE d.id = ?1",
            )
            .db(&self.path)?
            .query_row([id], |r| r.get(0))
            .optional()
            .db(&self.path)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))
    }

    /// Opens a draft: its list columns and current text, read together.
    pub fn get(&self, id: &str) -> Result<Draft> {
        let tx = self.conn.unchecked_transaction().db(&self.path)?;
        let draft = Draft {
            summary: self.summary(id)?,
            document: self.document(id)?,
        };
        tx.finish().db(&self.path)?;
        Ok(draft)
    }

    /// Lists drafts, newest change first.
    pub fn list(&self, query: &ListQuery) -> Result<Vec<DraftSummary>> {
        let words: Vec<String> = query
            .search
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(|w| like_pattern(&w.chars().take(MAX_SEARCH_CHARS).collect::<String>()))
            .collect();
        let mut sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM drafts WHERE (trashed_ms IS NOT NULL) = ?1 \
             AND (?2 IS NULL OR form = ?2) AND (?3 IS NULL OR status = ?3)"
        );
        for i in 0..words.len() {
            let n = i + 6;
            sql.push_str(&format!(
                " AND (unit_name LIKE ?{n} ESCAPE '\\' OR system_name LIKE ?{n} ESCAPE '\\' \
                 OR host_names LIKE ?{n} ESCAPE '\\')"
            ));
        }
        sql.push_str(" ORDER BY updated_ms DESC, id LIMIT ?4 OFFSET ?5");
        let mut stmt = self.conn.prepare_cached(&sql).db(&self.path)?;
        let mut values: Vec<Box<dyn rusqlite::ToSql>> = vec![
            Box::new(query.trash),
            Box::new(query.form.map(FormKind::key)),
            Box::new(query.status.map(DraftStatus::key)),
            Box::new(query.limit.map_or(-1, i64::from)),
            Box::new(i64::from(query.offset)),
        ];
        values.extend(
            words
                .into_iter()
                .map(|w| Box::new(w) as Box<dyn rusqlite::ToSql>),
        );
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values.iter()), summary)
            .db(&self.path)?;
        rows.collect::<rusqlite::Result<_>>().db(&self.path)
    }

    /// Creates a new draft from an existing one (以此为模板新建): the same
    /// content under a new UUID, with the dates of the application cleared
    /// (申请日期, 申请期限, 签署时间, 期望完成日期, 下线日期, 数据保留期限,
    /// `created_at`, `updated_at`) and, in a pledge, the `application_id`,
    /// which must name the new application. A 资源需求预估表 becomes the
    /// next year's, dated today ([`prefill::from_estimate`]). Returns the
    /// new draft.
    pub fn duplicate(&self, id: &str) -> Result<SavedDraft> {
        let text = self.document(id)?;
        let mut value: Value = serde_json::from_str(&text)
            .map_err(|e| StoreError::Database(format!("已存草稿无法解析：{e}")))?;
        if value.get("form").and_then(Value::as_str) == Some(FormKind::DemandEstimate.key()) {
            return self.next_years_estimate(&value);
        }
        let Some(doc) = value.as_object_mut() else {
            return Err(StoreError::Database("已存草稿不是 JSON 对象".into()));
        };
        doc.insert("id".into(), Value::String(uuid::Uuid::new_v4().to_string()));
        for key in [
            "created_at",
            "updated_at",
            "sign_date",
            "expected_date",
            "offline_date",
        ] {
            doc.shift_remove(key);
        }
        if doc.get("form").and_then(Value::as_str) == Some(FormKind::SecurityPledge.key()) {
            doc.shift_remove("application_id");
        }
        if let Some(a) = doc.get_mut("applicant").and_then(Value::as_object_mut) {
            for key in ["application_date", "term_start", "term_end"] {
                a.shift_remove(key);
            }
        }
        if let Some(d) = doc
            .get_mut("data_disposition")
            .and_then(Value::as_object_mut)
        {
            d.shift_remove("keep_until");
        }
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        self.save_version(&text)
    }

    /// 以此为模板新建 of an estimate: a new draft for the year after, dated
    /// today in China's calendar.
    fn next_years_estimate(&self, last: &Value) -> Result<SavedDraft> {
        const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;
        let today = chrono::DateTime::from_timestamp_millis(self.now() + CHINA_OFFSET_MS)
            .map(|t| t.date_naive())
            .ok_or_else(|| StoreError::Database("系统时钟无效".into()))?;
        let blank = serde_json::json!({
            "form": FormKind::DemandEstimate.key(),
            "schema_version": last.get("schema_version").cloned().unwrap_or(Value::from(1)),
            "id": uuid::Uuid::new_v4().to_string(),
        });
        let next = prefill::from_estimate(&blank, last, today)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let text =
            serde_json::to_string_pretty(&next).map_err(|e| StoreError::Database(e.to_string()))?;
        self.save_version(&text)
    }

    /// Moves a draft to the trash. Trashing a draft already there does nothing.
    pub fn trash(&self, id: &str) -> Result<()> {
        let now = self.now();
        self.set_trashed(id, Some(now))
    }

    /// Takes a draft out of the trash.
    pub fn restore(&self, id: &str) -> Result<()> {
        self.set_trashed(id, None)
    }

    fn set_trashed(&self, id: &str, at: Option<i64>) -> Result<()> {
        self.write(|conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE drafts SET trashed_ms = ?2 \
                     WHERE id = ?1 AND (trashed_ms IS NULL) = (?2 IS NOT NULL)",
                )
                .db(&self.path)?
                .execute(params![id, at])
                .db(&self.path)?;
            if n == 0 {
                self.summary(id)?; // NotFound, or already where it should be.
            }
            Ok(())
        })
    }

    /// Deletes a draft in the trash and all its versions for good.
    /// A draft not in the trash is refused ([`StoreError::NotInTrash`]).
    pub fn purge(&self, id: &str) -> Result<()> {
        self.write(|conn| {
            if self.summary(id)?.trashed_at.is_none() {
                return Err(StoreError::NotInTrash(id.to_string()));
            }
            conn.execute("DELETE FROM draft_versions WHERE draft_id = ?1", [id])
                .db(&self.path)?;
            conn.execute("DELETE FROM drafts WHERE id = ?1", [id])
                .db(&self.path)?;
            Ok(())
        })
    }

    /// Purges every draft in the trash; returns how many.
    pub fn empty_trash(&self) -> Result<usize> {
        self.write(|conn| {
            conn.execute(
                "DELETE FROM draft_versions WHERE draft_id IN \
                 (SELECT id FROM drafts WHERE trashed_ms IS NOT NULL)",
                [],
            )
            .db(&self.path)?;
            conn.execute("DELETE FROM drafts WHERE trashed_ms IS NOT NULL", [])
                .db(&self.path)
        })
    }
}

/// `%word%` with LIKE's wildcards escaped.
fn like_pattern(word: &str) -> String {
    let mut p = String::with_capacity(word.len() + 2);
    p.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}
