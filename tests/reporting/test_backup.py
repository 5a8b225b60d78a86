"""Backups proven by a restore: dump, restore into a scratch database, compare balances to the
öre and issued documents' SHA-256 (reporting/backup.py)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from funds.models import Allocation
from reporting.backup import backup_verify, fingerprint
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


def test_a_dump_restores_with_every_balance_and_document_equal(year, issued, tmp_path):
    out = StringIO()
    call_command("backup_database", output=tmp_path / "kopia.dump", verify=True, stdout=out)
    assert "Kopian kontrollerad: 2 överenskommelser och 1 utfärdade dokument" in out.getvalue()
    balances = fingerprint()["balances"]
    assert balances[f"{year.code}/2023"][-1][1:4] == ["2100000.00", "2100000.00", "449999.00"]


def test_a_dump_that_differs_from_the_live_data_is_reported(year, issued, tmp_path):
    dump = tmp_path / "kopia.dump"
    call_command("backup_database", output=dump, stdout=StringIO())
    Allocation.objects.filter(recipient=year.district).update(amount=Decimal("549998.99"))
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf=b"%PDF-1.7 manipulerad")

    result = backup_verify(dump=dump)

    assert not result.ok
    assert f"Överenskommelse {year.code}/2023: skiljer sig efter återläsning." in result.differences
    assert f"Utfärdat dokument {issued.pk}: skiljer sig efter återläsning." in result.differences
    assert (
        f"Utfärdat dokument {issued.pk}: lagrade byte stämmer inte med SHA-256."
        in result.differences
    )
    with pytest.raises(CommandError, match="Kopian stämmer inte"):
        call_command("backup_verify", str(dump), stdout=StringIO())
    # The scratch database is gone afterwards.
    with connection.cursor() as cursor:
        scratch = f"{connection.settings_dict['NAME']}_restorecheck"
        cursor.execute("select count(*) from pg_database where datname = %s", [scratch])
        assert cursor.fetchone()[0] == 0
