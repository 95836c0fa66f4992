-- 0002: the unit profile (常用信息), one row, kept as JSON so that fields can
-- be added without a migration.

CREATE TABLE unit_profile (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    profile    TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
) STRICT;
