"""An independent reader of a .gcbackup file (Python's sqlite3 and hashlib,
not gcforms): checks the seal as ARCHITECTURE.md describes it (SHA-256 of
the whole file with the seal's 64 hex digits as ASCII zeros), SQLite's
integrity, the marker, every carried file's and received package's SHA-256,
and prints what the backup holds as one JSON object."""

import hashlib
import json
import re
import sqlite3
import sys

path = sys.argv[1]
data = open(path, "rb").read()
conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
meta = conn.execute(
    "SELECT format, format_version, schema_version, seal FROM backup_meta"
).fetchone()
fmt, format_version, schema_version, seal = meta
m = re.fullmatch(r"gcforms-backup-seal:([0-9a-f]{64})", seal)
assert m, seal
digits = m.group(1).encode()
at = data.index(seal.encode()) + len("gcforms-backup-seal:")
zeroed = data[:at] + b"0" * 64 + data[at + 64 :]
assert hashlib.sha256(zeroed).hexdigest().encode() == digits, "seal"
assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47434642
for name, blob, sha in conn.execute("SELECT path, bytes, sha256 FROM backup_files"):
    assert hashlib.sha256(blob).hexdigest() == sha, name
for blob, sha in conn.execute("SELECT bytes, sha256 FROM received_packages"):
    assert hashlib.sha256(blob).hexdigest() == sha
count = lambda t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
print(json.dumps({
    "format": fmt,
    "format_version": format_version,
    "schema_version": schema_version,
    "drafts": count("drafts"),
    "versions": count("draft_versions"),
    "packages": count("received_packages"),
    "verdicts": count("received_verdicts"),
    "certificates": count("trusted_certificates"),
    "review_results": count("review_results"),
    "exports": count("export_log"),
    "files": sorted(r[0] for r in conn.execute("SELECT path FROM backup_files")),
}))
