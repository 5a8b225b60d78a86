"""Backups that are proven, not hoped for: dump the database, restore the dump into a scratch
database, and compare what matters there with the live data — every agreement's balance to
the öre and every issued document's bytes (SHA-256).

PostgreSQL only: `pg_dump -Fc` and `pg_restore` of the same major version as the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

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


def database_dump(*, output: Path) -> int:
    """`pg_dump -Fc` of the configured database into `output`; returns its size in bytes."""
    database = _require_postgres()
    # The arguments are the configured database and a path the operator gave: no user input.
    result = subprocess.run(  # noqa: S603
        [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(output)]
        + [database["NAME"]],
        env=_libpq_env(database),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump misslyckades: {result.stderr.strip()}")
    return output.stat().st_size


@dataclass(frozen=True)
class VerifyResult:
    agreements: int
    documents: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _admin_connection(database: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def backup_verify(*, dump: Path, scratch_name: str | None = None) -> VerifyResult:
    """Restore `dump` into a scratch database, compare its fingerprint with the live one,
    drop the scratch database. Differences are listed, one line each."""
    database = _require_postgres()
    scratch = scratch_name or f"{database['NAME']}_restorecheck"
    if scratch == database["NAME"]:
        raise BackupError("Den tillfälliga databasen får inte vara den riktiga.")
    with _admin_connection(database) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        result = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "-d", scratch, str(dump)],
            env=_libpq_env(database),
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore misslyckades: {result.stderr.strip()}")
        restored = _fingerprint_of(database, scratch)
    finally:
        with _admin_connection(database) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    live = fingerprint()
    differences = _compare(live, restored)
    return VerifyResult(
        agreements=len(live["balances"]), documents=len(live["documents"]), differences=differences
    )


def _fingerprint_of(database: dict, name: str) -> dict:
    """The fingerprint computed by a separate process connected to database `name`."""
    user = database.get("USER") or ""
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if user else ""
    host, port = database.get("HOST") or "", database.get("PORT") or ""
    url = f"postgres://{credentials}{host}:{port}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(  # noqa: S603 (this interpreter and this project's manage.py)
        [sys.executable, "manage.py", "backup_fingerprint"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"Den återlästa databasen gick inte att läsa: {result.stderr.strip()}")
    return json.loads(result.stdout)


def _compare(live: dict, restored: dict) -> list[str]:
    differences = []
    for kind in ("balances", "documents"):
        for key in sorted(set(live[kind]) | set(restored[kind])):
            if live[kind].get(key) != restored[kind].get(key):
                label = "Överenskommelse" if kind == "balances" else "Utfärdat dokument"
                differences.append(f"{label} {key}: skiljer sig efter återläsning.")
    for key, hashes in live["documents"].items():
        if hashes["pdf_sha256"] != hashes["pdf_bytes_sha256"] or (
            hashes["archival_pdf_sha256"] != hashes["archival_bytes_sha256"]
        ):
            differences.append(f"Utfärdat dokument {key}: lagrade byte stämmer inte med SHA-256.")
    return differences
