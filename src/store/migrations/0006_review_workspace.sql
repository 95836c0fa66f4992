-- 0006: the reviewer's workspace (审核工作台) and the clerk's review results.
--
-- received_verdicts caches what verification said of a received version
-- (its bytes never change), so the inbox lists hundreds of packages without
-- verifying each again; the policy it was judged under is kept, and a
-- verdict of another policy is judged again. It is a cache: a row lost in a
-- repair is recomputed when the inbox is next shown.
CREATE TABLE received_verdicts (
    sha256      TEXT PRIMARY KEY REFERENCES received_packages (sha256) ON DELETE CASCADE,
    policy      TEXT NOT NULL,
    valid       INTEGER NOT NULL CHECK (valid IN (0, 1)),
    status      TEXT NOT NULL,
    problem     TEXT NOT NULL,
    decided     TEXT NOT NULL,
    checked_ms  INTEGER NOT NULL
) STRICT;

-- 信任的单位证书: certificates the reviewer recorded after comparing their
-- fingerprints with the stamped paper. Nothing is trusted by default.
CREATE TABLE trusted_certificates (
    fingerprint  TEXT PRIMARY KEY,
    der          BLOB NOT NULL,
    unit         TEXT NOT NULL,
    not_after    TEXT NOT NULL,
    source       TEXT NOT NULL,
    added_ms     INTEGER NOT NULL
) STRICT;

-- 导入审核结果 on the clerk's side: one row per document of a reviewed
-- package, so the drafts the package came from show where it ended.
CREATE TABLE review_results (
    document_id     TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    package_id      TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_label    TEXT NOT NULL,
    level_label     TEXT NOT NULL,
    decision_label  TEXT NOT NULL,
    unit            TEXT NOT NULL,
    opinion         TEXT NOT NULL,
    date            TEXT NOT NULL,
    imported_ms     INTEGER NOT NULL,
    PRIMARY KEY (document_id, sha256)
) STRICT;
