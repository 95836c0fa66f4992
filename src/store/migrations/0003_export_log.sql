-- 0003: the export log: every PDF, package or JSON file made from a draft.
-- Rows outlive a purged draft: they record files that exist outside the store.

CREATE TABLE export_log (
    id            INTEGER PRIMARY KEY,
    draft_id      TEXT NOT NULL,
    draft_version INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('pdf', 'package', 'json')),
    path          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    exported_ms   INTEGER NOT NULL
) STRICT;

CREATE INDEX export_log_by_draft ON export_log (draft_id, exported_ms);
