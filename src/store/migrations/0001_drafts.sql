-- 0001: drafts and their versions.
--
-- `drafts` holds one small row per draft: the columns extracted from its
-- current version for listing and search. The document texts live in
-- `draft_versions`, exactly as saved; the draft's current text is the row
-- whose `version` equals `drafts.version`, every other row is history.
-- Keeping the large texts out of `drafts` keeps a list of 10,000 drafts a
-- scan of small pages.

PRAGMA application_id = 1195591249; -- 0x47434651, "GCFQ": a gcforms draft store

CREATE TABLE drafts (
    id          TEXT PRIMARY KEY NOT NULL,
    form        TEXT NOT NULL
                CHECK (form IN ('application', 'security_pledge', 'change', 'cancellation')),
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
    -- Host names joined by new lines; last, because it can be long.
    host_names  TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX drafts_by_updated ON drafts (updated_ms);

CREATE TABLE draft_versions (
    draft_id   TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    -- First and last save coalesced into this version (unix ms).
    started_ms INTEGER NOT NULL,
    saved_ms   INTEGER NOT NULL,
    -- The document's JSON text, byte for byte as saved.
    doc        TEXT NOT NULL,
    PRIMARY KEY (draft_id, version)
) STRICT;
