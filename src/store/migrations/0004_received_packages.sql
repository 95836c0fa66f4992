-- 0004: submission packages a reviewer received, each kept exactly as it
-- arrived (bytes and their SHA-256). A package that comes back with more
-- reviews is another row of the same package_id: a new version of it.

CREATE TABLE received_packages (
    sha256        TEXT PRIMARY KEY,
    package_id    TEXT NOT NULL,
    reviews       INTEGER NOT NULL,
    bytes         BLOB NOT NULL,
    file_name     TEXT NOT NULL,
    imported_ms   INTEGER NOT NULL,
    received      TEXT NOT NULL,
    unit_name     TEXT NOT NULL,
    system_name   TEXT NOT NULL,
    forms         TEXT NOT NULL,
    jurisdiction  TEXT NOT NULL
) STRICT;

CREATE INDEX received_by_package ON received_packages (package_id, reviews, imported_ms);
