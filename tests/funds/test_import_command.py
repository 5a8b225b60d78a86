"""`manage.py import_allocations`: the Excel upload from the command line."""

import datetime
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from funds.allocation.upload import COLUMNS
from funds.allocation.workflows import agreement_decide
from funds.models import Allocation, AllocationChange, Recipient
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def year():
    org = f.organisation(name="Stockholms stad", code="0180")
    agr = f.agreement(org, 2024)
    area = f.area(agr, "1000000.00", name="Suicidprevention")
    bromma = f.recipient(org, name="Bromma stadsdelsförvaltning")
    kultur = f.recipient(org, name="Kulturförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    f.allocation(area, bromma, "600000.00")
    return agr, area, bromma, kultur


def xlsx(path, rows):
    book = openpyxl.Workbook()
    book.active.title = "Import"
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


GOOD = [
    ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 500000, ""),
    ("Kulturförvaltningen", "Fackförvaltning", "Suicidprevention", "250 000", "Skolprojekt"),
]


def run(*args):
    out = StringIO()
    call_command(
        "import_allocations", "--organisation", "0180", "--year", "2024", *args, stdout=out
    )
    return out.getvalue()


def state():
    return (
        sorted(Allocation.objects.values_list("pk", "amount", "version", "comment")),
        AllocationChange.objects.count(),
    )


def test_a_dry_run_shows_the_changes_and_saves_nothing(tmp_path, year):
    before = state()
    output = run(str(xlsx(tmp_path / "f.xlsx", GOOD)), "--dry-run")
    assert "2 rader i filen, 2 ändrar något" in output
    assert (
        "Rad 2: Bromma stadsdelsförvaltning, Suicidprevention: 600\u00a0000\u00a0kr → 500" in output
    )
    assert "Rad 3: Kulturförvaltningen, Suicidprevention: inget → 250\u00a0000\u00a0kr" in output
    assert "inget sparades" in output
    assert state() == before


def test_it_saves_every_row(tmp_path, year):
    _, area, bromma, kultur = year
    user = f.user(username="karin")
    output = run(str(xlsx(tmp_path / "f.xlsx", GOOD)), "--user", "karin", "--reason", "Dialog")
    assert "Sparat: 2 belopp" in output
    assert Allocation.objects.get(priority_area=area, recipient=bromma).amount == D("500000.00")
    created = Allocation.objects.get(priority_area=area, recipient=kultur)
    assert (created.amount, created.comment) == (D("250000.00"), "Skolprojekt")
    changes = AllocationChange.objects.all()
    assert {(c.changed_by, c.reason) for c in changes} == {(user, "Dialog")}


def test_a_bad_file_exits_non_zero_with_every_row_problem(tmp_path, year):
    before = state()
    rows = [
        *GOOD,
        ("Okänd förvaltning", "Fackförvaltning", "Suicidprevention", 1, ""),
        ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", "1.500.000"),
        ("Kulturförvaltningen", "Förening", "Suicidprevention", 1, ""),
    ]
    with pytest.raises(CommandError) as error:
        run(str(xlsx(tmp_path / "f.xlsx", rows)))
    message = str(error.value)
    assert "Inget sparades" in message
    assert "Rad 4: Okänd mottagare ”Okänd förvaltning”" in message
    assert "Rad 5: Belopp ”1.500.000”: Punkt är tvetydigt" in message
    assert "Rad 2: Dubblett" in message and "Rad 5: Dubblett" in message
    assert "Rad 6: Kulturförvaltningen har mottagartypen Fackförvaltning, inte Förening" in message
    assert state() == before


def test_a_dry_run_of_a_bad_file_also_fails(tmp_path, year):
    rows = [("Okänd", "Fackförvaltning", "Suicidprevention", 1, "")]
    with pytest.raises(CommandError, match="Rad 2: Okänd mottagare"):
        run(str(xlsx(tmp_path / "f.xlsx", rows)), "--dry-run")


def test_after_the_decision_it_needs_a_reason(tmp_path, year):
    agr = year[0]
    agreement_decide(
        agreement=agr,
        registry_number="SOF 2024/1",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Socialdirektören",
    )
    before = state()
    path = str(xlsx(tmp_path / "f.xlsx", GOOD))
    with pytest.raises(CommandError, match="ange ett skäl"):
        run(path)
    assert state() == before
    run(path, "--reason", "Omfördelning")
    assert AllocationChange.objects.filter(is_amendment=True, reason="Omfördelning").count() == 2


def test_it_refuses_what_it_cannot_read(tmp_path, year):
    text = tmp_path / "f.txt"
    text.write_text("Mottagare;Belopp")
    with pytest.raises(CommandError, match="Excel-arbetsbok"):
        run(str(text))
    garbage = tmp_path / "f.xlsx"
    garbage.write_bytes(b"\x00\x01 inte en arbetsbok")
    with pytest.raises(CommandError, match="inte en Excel-arbetsbok"):
        run(str(garbage))
    with pytest.raises(CommandError, match="kunde inte läsas"):
        run(str(tmp_path / "saknas.xlsx"))


def test_it_names_an_unknown_organisation_year_or_user(tmp_path, year):
    path = str(xlsx(tmp_path / "f.xlsx", GOOD))
    with pytest.raises(CommandError, match="ingen överenskommelse för organisation 0180 år 2031"):
        call_command("import_allocations", "--organisation", "0180", "--year", "2031", path)
    with pytest.raises(CommandError, match="ingen användare nobody"):
        run(path, "--user", "nobody")
