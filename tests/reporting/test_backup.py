"""Backups proven by a restore: a dump carries a manifest (file hash, per-table row counts and
content hashes, schema hash); verifying restores it and compares with that manifest, so
tampering fails and an older dump still verifies (reporting/backup.py)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from funds.models import Allocation
from reporting.backup import _libpq_env, backup_verify, fingerprint, manifest_path
from reporting.models import IssuedDocument
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued(year):
    # pg_dump and pg_restore need PostgreSQL; make test runs the suite on it.
    assert connection.vendor == "postgresql", "run this test with DATABASE_URL (PostgreSQL)"
    pdf, archival = b"%PDF-1.7 utfardat", b"%PDF-1.7 arkiv"
    return IssuedDocument.objects.create(
        document=year.document,
        registry_number="SOF 2023/1",
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        archival_pdf=archival,
        archival_pdf_sha256=hashlib.sha256(archival).hexdigest(),
        issued_at=timezone.now(),
        issued_by=f.user(year.organisation),
    )


def _dump(tmp_path, name="kopia.dump"):
    dump = tmp_path / name
    call_command("backup_database", output=dump, stdout=StringIO())
    return dump


def _scratch_gone() -> bool:
    with connection.cursor() as cursor:
        # This test database's own scratch copy: parallel workers have theirs.
        scratch = f"{connection.settings_dict['NAME']}_restorecheck"
        cursor.execute("select count(*) from pg_database where datname = %s", [scratch])
        return cursor.fetchone()[0] == 0


def test_a_dump_carries_a_manifest_and_verifies_against_it(year, issued, tmp_path):
    out = StringIO()
    dump = tmp_path / "kopia.dump"
    call_command("backup_database", output=dump, verify=True, stdout=out)
    manifest = json.loads(manifest_path(dump).read_text())
    assert manifest["dump_sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert manifest["tables"]["funds_allocation"]["rows"] == Allocation.objects.count() > 0
    assert manifest["tables"]["reporting_issueddocument"]["rows"] == 1
    assert "calls_attachment" in manifest["tables"]
    rows = sum(table["rows"] for table in manifest["tables"].values())
    assert f"{len(manifest['tables'])} tabeller med {rows} rader och 1 utfärdade" in out.getvalue()
    balances = fingerprint()["balances"]
    assert balances[f"{year.code}/2023"][-1][1:4] == ["2100000.00", "2100000.00", "449999.00"]


def test_an_older_dump_still_verifies_after_the_live_data_changed(year, issued, tmp_path):
    dump = _dump(tmp_path)
    Allocation.objects.filter(recipient=year.district).update(amount=Decimal("549998.99"))
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf=b"%PDF-1.7 manipulerad")
    result = backup_verify(dump=dump)
    assert result.ok, result.differences
    assert result.documents == 1
    assert _scratch_gone()


def test_every_changed_byte_fails(year, issued, tmp_path):
    dump = _dump(tmp_path)
    original = dump.read_bytes()
    step = max(1, len(original) // 20)
    for position in range(0, len(original), step):
        corrupted = bytearray(original)
        corrupted[position] ^= 0x01
        dump.write_bytes(bytes(corrupted))
        result = backup_verify(dump=dump)
        assert not result.ok, position
        assert "SHA-256 stämmer inte med manifestet" in result.differences[0]
    dump.write_bytes(original)
    assert backup_verify(dump=dump).ok
    with pytest.raises(CommandError, match="Kopian stämmer inte"):
        dump.write_bytes(original[:-1])
        call_command("backup_verify", str(dump), stdout=StringIO())


def test_a_dump_without_a_table_fails_even_with_a_matching_file_hash(year, issued, tmp_path):
    """A dump that lost the attachments table, with the file hash in the manifest updated to
    match it (as if the file check were fooled): the restore is compared table by table."""
    dump = _dump(tmp_path)
    database = connection.settings_dict
    partial = tmp_path / "utan-bilagor.dump"
    subprocess.run(  # noqa: S603
        ["pg_dump", "-Fc", "--no-owner", "-T", "calls_attachment", "-f", str(partial)]
        + [database["NAME"]],
        env=_libpq_env(database),
        check=True,
    )
    manifest = json.loads(manifest_path(dump).read_text())
    manifest["dump_sha256"] = hashlib.sha256(partial.read_bytes()).hexdigest()
    manifest_path(partial).write_text(json.dumps(manifest))
    result = backup_verify(dump=partial)
    assert "Tabellen calls_attachment saknas i kopian." in result.differences
    assert "Databasens schema skiljer sig från manifestets." in result.differences
    assert _scratch_gone()


def test_changed_rows_fail_against_the_manifest(year, issued, tmp_path):
    """The manifest records what was dumped: a restored table whose rows differ from it (here
    the manifest of a later state) is named."""
    dump = _dump(tmp_path)
    manifest = json.loads(manifest_path(dump).read_text())
    Allocation.objects.filter(recipient=year.district).update(amount=Decimal("549998.99"))
    later = _dump(tmp_path, "senare.dump")
    later_manifest = json.loads(manifest_path(later).read_text())
    assert later_manifest["tables"]["funds_allocation"] != manifest["tables"]["funds_allocation"]
    later_manifest["dump_sha256"] = manifest["dump_sha256"]
    manifest_path(dump).write_text(json.dumps(later_manifest))
    result = backup_verify(dump=dump)
    assert "Tabellen funds_allocation: innehållet skiljer sig från manifestet." in (
        result.differences
    )


def test_a_dump_without_its_manifest_is_refused(year, issued, tmp_path):
    dump = _dump(tmp_path)
    manifest_path(dump).unlink()
    with pytest.raises(CommandError, match="Manifestet kopia.dump.manifest.json saknas"):
        call_command("backup_verify", str(dump), stdout=StringIO())
