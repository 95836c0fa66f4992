-- 0005: the fifth document, the yearly demand estimate (demand_estimate,
-- SPEC §7), joins the closed set of forms.
--
-- SQLite cannot change a CHECK in place, so both tables are rebuilt. The
-- store runs with foreign_keys on, which a transaction cannot switch off,
-- and dropping `drafts` while `draft_versions` points at it would delete
-- every version by ON DELETE CASCADE. So the new versions table points at
-- the new drafts table, the old child goes first, and renaming the new
-- parent to `drafts` carries the reference along (SQLite ≥ 3.26).

CREATE TABLE drafts_new (
    id          TEXT PRIMARY KEY NOT NULL,
    form        TEXT NOT NULL
                CHECK (form IN ('application', 'security_pledge', 'change', 'cancellation',
                                'demand_estimate')),
    -- draft: validation errors; ready: none; exported: an export was logged
    -- for the current version (the next change resets it).
    status      TEXT NOT NULL CHECK (status IN ('draft', 'ready', 'exported')),
    errors      INTEGER NOT NULL DEFAULT 0,
    warnings    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    trashed_ms  INTEGER,
    title       TEXT NOT NULL DEFAULT '',
    unit_name   TEXT NOT NULL DEFAULT '',
    system_name TEXT NOT NULL DEFAULT '',
    host_count  INTEGER NOT NULL DEFAULT 0,
    -- Host names (an estimate's system names) joined by new lines; last,
    -- because it can be long.
    host_names  TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO drafts_new SELECT * FROM drafts;

CREATE TABLE draft_versions_new (
    draft_id   TEXT NOT NULL REFERENCES drafts_new (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    -- First and last save coalesced into this version (unix ms).
    started_ms INTEGER NOT NULL,
    saved_ms   INTEGER NOT NULL,
    -- The document's JSON text, byte for byte as saved.
    doc        TEXT NOT NULL,
    PRIMARY KEY (draft_id, version)
) STRICT;

INSERT INTO draft_versions_new SELECT * FROM draft_versions;

DROP TABLE draft_versions;
DROP TABLE drafts;
ALTER TABLE drafts_new RENAME TO drafts;
ALTER TABLE draft_versions_new RENAME TO draft_versions;

CREATE INDEX drafts_by_updated ON drafts (updated_ms);
