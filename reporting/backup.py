"""Backups that are proven, not hoped for. A dump is taken with a manifest written at the
same moment, from the same snapshot: the dump file's SHA-256, and per table its row count and
a content hash, and a hash of the schema. Verifying restores the dump into a scratch database
and compares it with its own manifest, so any changed byte or missing table fails while an
older dump still verifies whatever the live data has become since.

PostgreSQL only: `pg_dump -Fc` and `pg_restore` of the same major version as the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from psycopg import sql

from funds.balance import agreement_balance
from funds.models import Agreement
from reporting.models import IssuedDocument

BASE_DIR = Path(settings.BASE_DIR)


class BackupError(RuntimeError):
    """A step failed; the message says which, in Swedish."""


def _libpq_env(database: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(database.get("HOST") or ""),
            "PGPORT": str(database.get("PORT") or ""),
            "PGUSER": str(database.get("USER") or ""),
            "PGPASSWORD": str(database.get("PASSWORD") or ""),
        }
    )
    return {key: value for key, value in env.items() if value != ""}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} saknas; installera PostgreSQL:s klientprogram.")
    return path


def _require_postgres() -> dict:
    if connection.vendor != "postgresql":
        raise BackupError("Säkerhetskopiering med kontroll kräver PostgreSQL (inte SQLite).")
    return connection.settings_dict


def fingerprint() -> dict:
    """What a restored database must reproduce exactly: balances and document hashes."""
    balances = {}
    for agreement in Agreement.objects.select_related("organisation").order_by("pk"):
        balance = agreement_balance(agreement)
        balances[f"{agreement.organisation.code}/{agreement.year}"] = [
            [
                line.number,
                str(line.granted),
                str(line.allocated),
                str(line.spent),
                str(line.repaid_by_recipients),
                str(line.repaid_to_state),
            ]
            for line in [*balance.lines, balance.total]
        ]
    documents = {}
    for issued in IssuedDocument.objects.order_by("pk").iterator(chunk_size=20):
        documents[str(issued.pk)] = {
            "pdf_sha256": issued.pdf_sha256,
            "pdf_bytes_sha256": hashlib.sha256(bytes(issued.pdf)).hexdigest(),
            "archival_pdf_sha256": issued.archival_pdf_sha256,
            "archival_bytes_sha256": hashlib.sha256(bytes(issued.archival_pdf)).hexdigest(),
        }
    return {"balances": balances, "documents": documents}


def manifest_path(dump: Path) -> Path:
    """Where the dump's manifest lives: beside it, `<dump>.manifest.json`."""
    return dump.with_name(dump.name + ".manifest.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Each row as text, hashed, and the sorted row hashes hashed again: the order rows come back
# in does not matter, memory stays at 64 bytes a row, and any changed value changes the hash.
_TABLE_HASH = (
    "SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(h, '' ORDER BY h), ''), "
    "'UTF8')), 'hex') FROM (SELECT encode(sha256(convert_to(t::text, 'UTF8')), 'hex') AS h "
    "FROM {table} AS t) AS rows"
)
# Columns by position among the live ones (a restore renumbers around dropped columns) and
# every constraint's definition.
_SCHEMA = """
SELECT c.relname, row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum)::int,
a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT c.relname, 0, con.conname, pg_get_constraintdef(con.oid), true
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
ORDER BY 1, 2, 3, 4
"""


def _session(conn: psycopg.Connection) -> None:
    """Settings that make a row's text the same in every session that reads it."""
    for setting in ("TimeZone TO 'UTC'", "DateStyle TO 'ISO, YMD'", "bytea_output TO 'hex'"):
        conn.execute(f"SET {setting}")
    conn.execute("SET extra_float_digits TO 3")


def content_manifest(conn: psycopg.Connection) -> dict:
    """Every table of the public schema with its row count and content hash, and the
    schema's hash, as `conn` sees the database (inside the dump's snapshot, or restored)."""
    _session(conn)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    result = {}
    for table in tables:
        quoted = sql.Identifier(table).as_string(conn)
        count, digest = conn.execute(_TABLE_HASH.format(table=quoted)).fetchone()
        result[table] = {"rows": count, "sha256": digest}
    schema = json.dumps([list(row) for row in conn.execute(_SCHEMA)], default=str)
    return {"tables": result, "schema_sha256": hashlib.sha256(schema.encode()).hexdigest()}


def _connect(database: dict, name: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        dbname=name,
        **kwargs,
    )


def database_dump(*, output: Path) -> int:
    """`pg_dump -Fc` of the configured database into `output`, and its manifest beside it,
    both from one exported snapshot (what the manifest counts is exactly what was dumped).
    Returns the dump's size in bytes."""
    database = _require_postgres()
    with _connect(database, database["NAME"]) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # The arguments are the configured database, a snapshot id the server just gave and a
        # path the operator gave: no user input.
        result = subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(output)]
            + [f"--snapshot={snapshot}", database["NAME"]],
            env=_libpq_env(database),
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump misslyckades: {result.stderr.strip()}")
        manifest = content_manifest(conn)
        conn.rollback()
    manifest["dump_sha256"] = file_sha256(output)
    manifest["dump_bytes"] = output.stat().st_size
    manifest_path(output).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return output.stat().st_size


@dataclass(frozen=True)
class VerifyResult:
    tables: int
    rows: int
    documents: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _read_manifest(dump: Path) -> dict:
    path = manifest_path(dump)
    try:
        manifest = json.loads(path.read_text())
        if not {"tables", "dump_sha256", "schema_sha256"} <= set(manifest):
            raise ValueError("incomplete manifest")
    except (OSError, ValueError, TypeError):
        raise BackupError(
            f"Manifestet {path.name} saknas eller går inte att läsa: kopian kan inte "
            f"kontrolleras. Ta en ny kopia med backup_database."
        ) from None
    return manifest


def backup_verify(*, dump: Path, scratch_name: str | None = None) -> VerifyResult:
    """Check `dump` against its own manifest: the file's SHA-256 first, then restore it into
    a scratch database and compare every table's row count and content hash and the schema's
    hash, and that every issued document's bytes match its stored SHA-256. The scratch
    database is dropped afterwards. Differences are listed, one line each."""
    database = _require_postgres()
    manifest = _read_manifest(dump)
    tables = len(manifest["tables"])
    rows = sum(table["rows"] for table in manifest["tables"].values())
    if file_sha256(dump) != manifest["dump_sha256"]:
        changed = "Filen har ändrats sedan kopian togs: SHA-256 stämmer inte med manifestet."
        return VerifyResult(tables=tables, rows=rows, documents=0, differences=[changed])
    scratch = scratch_name or f"{database['NAME']}_restorecheck"
    if scratch == database["NAME"]:
        raise BackupError("Den tillfälliga databasen får inte vara den riktiga.")
    with _admin_connection(database) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        _restore(database, scratch, dump)
        with _connect(database, scratch) as conn:
            restored = content_manifest(conn)
            documents = _document_problems(conn)
    finally:
        with _admin_connection(database) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    differences = _compare(manifest, restored) + documents[1]
    return VerifyResult(tables=tables, rows=rows, documents=documents[0], differences=differences)


def _admin_connection(database: dict) -> psycopg.Connection:
    return _connect(database, "postgres", autocommit=True)


def _restore(database: dict, scratch: str, dump: Path) -> None:
    result = subprocess.run(  # noqa: S603 (the configured tools, databases and the given file)
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "-d", scratch, str(dump)],
        env=_libpq_env(database),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore misslyckades: {result.stderr.strip()}")


def _document_problems(conn: psycopg.Connection) -> tuple[int, list[str]]:
    """How many issued documents the restored copy holds, and those whose bytes no longer
    match the SHA-256 recorded when they were issued."""
    rows = conn.execute(
        "SELECT id, pdf_sha256 = encode(sha256(pdf), 'hex') AND "
        "archival_pdf_sha256 = encode(sha256(archival_pdf), 'hex') "
        "FROM reporting_issueddocument ORDER BY id"
    ).fetchall()
    problems = [
        f"Utfärdat dokument {pk}: lagrade byte stämmer inte med SHA-256."
        for pk, ok in rows
        if not ok
    ]
    return len(rows), problems


def _compare(manifest: dict, restored: dict) -> list[str]:
    differences = []
    if manifest["schema_sha256"] != restored["schema_sha256"]:
        differences.append("Databasens schema skiljer sig från manifestets.")
    for table in sorted(set(manifest["tables"]) | set(restored["tables"])):
        want, got = manifest["tables"].get(table), restored["tables"].get(table)
        if got is None:
            differences.append(f"Tabellen {table} saknas i kopian.")
        elif want is None:
            differences.append(f"Tabellen {table} finns i kopian men inte i manifestet.")
        elif want["rows"] != got["rows"]:
            differences.append(
                f"Tabellen {table}: {got['rows']} rader i kopian, {want['rows']} i manifestet."
            )
        elif want["sha256"] != got["sha256"]:
            differences.append(f"Tabellen {table}: innehållet skiljer sig från manifestet.")
    return differences
