"""Excel both ways: the .xlsx download, and the upload with its preview and all-or-nothing save."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funds.allocation.imports import allocations_import_plan
from funds.allocation.upload import COLUMNS, MAX_ROWS, SheetRow
from funds.allocation.workflows import agreement_decide, allocation_set
from funds.models import Agreement, Allocation, AllocationChange, Recipient
from funds.xlsx import XLSX_CONTENT_TYPE
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def year():
    org = f.organisation(name="Stockholms stad")
    agr = f.agreement(org, 2024)
    suicid = f.area(agr, "1000000.00", name="Suicidprevention")
    samsjuk = f.area(agr, "500000.00", name="Samverkan för personer med samsjuklighet")
    bromma = f.recipient(org, name="Bromma stadsdelsförvaltning")
    jarva = f.recipient(
        org, name="Järva stadsdelsförvaltning", valid_from=datetime.date(2023, 7, 1)
    )
    f.recipient(
        org,
        name="Rinkeby-Kista stadsdelsförvaltning",
        valid_to=datetime.date(2023, 6, 30),
        successor=jarva,
    )
    kultur = f.recipient(org, name="Kulturförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    rfsl = f.recipient(
        org, name="RFSL", kind=Recipient.Kind.ASSOCIATION, organisation_number="802400-1234"
    )
    f.allocation(suicid, bromma, "600000.00")
    f.allocation(suicid, kultur, "250000.50", comment="Skolprojekt")
    f.allocation(suicid, rfsl, "100000.00", comment="Efter utlysning")
    f.allocation(samsjuk, jarva, "300000.00")
    f.allocation(samsjuk, bromma, "0.00")  # emptied cell: not exported, left alone
    return {
        "agreement": agr,
        "suicid": suicid,
        "samsjuk": samsjuk,
        "bromma": bromma,
        "jarva": jarva,
        "kultur": kultur,
        "rfsl": rfsl,
        "coordinator": f.user(org, "coordinator"),
    }


def export_url(agr):
    return reverse("allocation_export", args=[agr.organisation.code, agr.year])


def import_url(agr):
    return reverse("allocation_import", args=[agr.organisation.code, agr.year])


def workbook(rows, headers=COLUMNS, title="Import") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, agr, data: bytes, name="fordelning.xlsx"):
    file = SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)
    return client.post(import_url(agr), {"action": "preview", "file": file})


def save(client, agr, response, **data):
    token = response.context["save_form"]["token"].value()
    return client.post(import_url(agr), {"action": "save", "token": token, **data})


def snapshot(agr):
    allocations = Allocation.objects.filter(priority_area__agreement=agr)
    return (
        sorted(allocations.values_list("pk", "amount", "version", "comment")),
        AllocationChange.objects.count(),
    )


# --- Download ----------------------------------------------------------------------------


def test_download_it_works(client, year):
    agr = year["agreement"]
    client.force_login(f.user(agr.organisation, "reader"))
    response = client.get(export_url(agr))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="fordelning-{agr.organisation.code}-2024.xlsx"'
    )

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Fördelning", "Import"]
    matrix = book["Fördelning"]
    assert matrix.freeze_panes == "B2"
    assert [c.value for c in matrix[1]] == [
        "Mottagare",
        "1. Suicidprevention",
        "2. Samverkan för personer med samsjuklighet",
        "Summa",
    ]
    rows = {row[0].value: row for row in matrix.iter_rows(min_row=2) if row[0].value}
    bromma = rows["Bromma stadsdelsförvaltning"]
    assert bromma[1].value == 600000
    assert isinstance(bromma[1].value, int | float)
    assert "#,##0.00" in bromma[1].number_format and "kr" in bromma[1].number_format
    assert bromma[2].value is None  # the emptied cell shows empty
    assert rows["Kulturförvaltningen"][1].value == 250000.5
    assert rows["Stadsdelsförvaltningar"][1].value is None  # the group heading
    assert rows["Summa stadsdelsförvaltningar"][1].value == 600000
    assert rows["Summa stadsdelsförvaltningar"][2].value == 300000
    assert rows["Fördelat"][1].value == 950000.5
    assert rows["Tilldelat"][3].value == 1500000
    assert rows["Kvar att fördela"][3].value == 249999.5
    assert rows["Kvar att fördela"][3].number_format == bromma[1].number_format
    assert "Rinkeby-Kista stadsdelsförvaltning" not in rows  # gone before 2024
    assert matrix.column_dimensions["A"].width > 20

    sheet = book["Import"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    data = {(r[0], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(data) == 4  # one row per non-zero allocation
    assert data["Kulturförvaltningen", "Suicidprevention"] == (
        "Kulturförvaltningen",
        "Fackförvaltning",
        "Suicidprevention",
        250000.5,
        "Skolprojekt",
    )
    assert data["RFSL", "Suicidprevention"][1] == "Förening"
    assert data["Järva stadsdelsförvaltning", "Samverkan för personer med samsjuklighet"][1] == (
        "Stadsdelsförvaltning"
    )
    assert sheet["D2"].number_format == bromma[1].number_format


def test_download_keeps_text_that_looks_like_a_formula_as_text(client, year):
    agr = year["agreement"]
    Allocation.objects.filter(recipient=year["rfsl"]).update(comment='=HYPERLINK("http://x")')
    Recipient.objects.filter(pk=year["kultur"].pk).update(name="=1+1 förvaltningen")
    client.force_login(year["coordinator"])
    content = client.get(export_url(agr)).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for row in book["Import"].iter_rows() for c in row]
    cells += [c for row in book["Fördelning"].iter_rows() for c in row]
    texts = {c.value: c.data_type for c in cells if str(c.value).startswith("=")}
    assert texts == {'=HYPERLINK("http://x")': "s", "=1+1 förvaltningen": "s"}
    # ... and the file still goes back in unchanged.
    assert upload(client, agr, content).context["plan"].changes == []


def test_download_checks_ownership(client, year):
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(export_url(year["agreement"])).status_code == 404


def test_download_is_not_for_reporters(client, year):
    agr = year["agreement"]
    client.force_login(f.user(agr.organisation, "reporter", recipient=year["bromma"]))
    assert client.get(export_url(agr)).status_code == 403


def test_the_matrix_links_to_download_and_import(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    body = client.get(reverse("allocation_matrix", args=[agr.organisation.code, 2024])).content
    assert export_url(agr).encode() in body
    assert import_url(agr).encode() in body


# --- Upload: the round trip and the preview ----------------------------------------------


def test_round_trip_changes_nothing(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    before = snapshot(agr)
    downloaded = client.get(export_url(agr)).content

    response = upload(client, agr, downloaded, name=f"fordelning-{agr.organisation.code}.xlsx")
    assert response.status_code == 200
    plan = response.context["plan"]
    assert len(plan.rows) == 4
    assert not plan.has_problems
    assert plan.changes == []
    assert plan.untouched == 0
    body = response.content.decode()
    assert "Filen ändrar ingenting" in body
    assert 'name="action" value="save"' not in body
    assert snapshot(agr) == before


def test_it_shows_the_upload_form(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    response = client.get(import_url(agr))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert '<label for="id_file">Excel-fil (.xlsx)</label>' in body
    assert "Belopp som inte finns med i filen ändras inte" in body
    assert "style=" not in body


def test_bad_rows_show_every_problem_and_save_nothing(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    before = snapshot(agr)
    rows = [
        ("Okänd förvaltning", "Fackförvaltning", "Suicidprevention", 1000, ""),  # row 2
        ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", "1.500.000"),
        ("Kulturförvaltningen", "Fackförvaltning", "Suicidprevention", 1, "a"),  # row 4
        ("Kulturförvaltningen", "Fackförvaltning", "Suicidprevention", 2, "b"),  # row 5: dup
        # row 6: 300 000 + 700 000 > 500 000 granted
        ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", SAMSJUK, "700 000"),
        ("RFSL", "Stadsdelsförvaltning", "Suicidprevention", 100000),  # row 7: wrong kind
        ("Rinkeby-Kista stadsdelsförvaltning", "Stadsdelsförvaltning", SAMSJUK, 5),  # row 8
        ("Järva stadsdelsförvaltning", "Stadsdelsförvaltning", "Utvecklingsarbete", 5),  # 9
        ("Järva stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", "-5"),  # 10
    ]
    response = upload(client, agr, workbook(rows))
    assert response.status_code == 200
    plan = response.context["plan"]
    problems = {row.row.number: " ".join(row.problems) for row in plan.rows}
    assert "Okänd mottagare ”Okänd förvaltning”" in problems[2]
    assert "Punkt är tvetydigt" in problems[3]
    assert "Dubblett" in problems[4] and "rad 5" in problems[4]
    assert "Dubblett" in problems[5] and "rad 4" in problems[5]
    assert "blir överfördelat" in problems[6]
    assert "RFSL har mottagartypen Förening, inte Stadsdelsförvaltning" in problems[7]
    assert "fanns inte under 2024. Använd Järva stadsdelsförvaltning." in problems[8]
    assert "Okänt prioriterat område ”Utvecklingsarbete”" in problems[9]
    assert "negativt" in problems[10]
    assert all(problems.values())
    assert plan.area_problems and "för mycket" in plan.area_problems[0]

    body = response.content.decode()
    assert 'role="alert"' in body
    assert "inget kan sparas" in body
    assert "Punkt är tvetydigt" in body
    assert 'href="#rad-3"' in body and 'id="rad-3"' in body
    assert 'name="action" value="save"' not in body

    # Even a hand-made save of the previewed file is refused.
    token = client.session[f"allocation_import:{agr.pk}"]["token"]
    forced = client.post(import_url(agr), {"action": "save", "token": token})
    assert forced.status_code == 422
    assert snapshot(agr) == before


SAMSJUK = "Samverkan för personer med samsjuklighet"


def test_a_good_upload_saves_every_row_and_the_audit_trail(client, year):
    agr = year["agreement"]
    coordinator = year["coordinator"]
    client.force_login(coordinator)
    rows = [
        ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 650000, ""),
        # Swedish notation, a numbered area, odd case: all understood.
        ("kulturförvaltningen", "fackförvaltning", "1. Suicidprevention", "200 000,25", "Nytt"),
        ("Järva stadsdelsförvaltning", "Stadsdelsförvaltning", SAMSJUK, "0,2 mnkr", ""),
        ("RFSL", "Förening", SAMSJUK, 150000.75, "IOP"),  # a new cell
        ("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", SAMSJUK, 0, ""),  # unchanged 0
    ]
    preview = upload(client, agr, workbook(rows))
    plan = preview.context["plan"]
    assert not plan.has_problems
    assert [row.status for row in plan.rows] == ["Ändras", "Ändras", "Ändras", "Ny", "Oförändrad"]
    assert plan.untouched == 1  # RFSL's Suicidprevention money is not in the file
    body = preview.content.decode()
    assert "600\u00a0000\u00a0kr → 650\u00a0000\u00a0kr" in body
    assert "Belopp som inte finns med i filen ändras inte" in body
    assert 'name="action" value="save"' in body
    assert Allocation.objects.get(
        priority_area=year["suicid"], recipient=year["bromma"]
    ).amount == (D("600000.00"))  # the preview saved nothing

    response = save(client, agr, preview)
    assert response.status_code == 302
    assert response.url == reverse("allocation_matrix", args=[agr.organisation.code, 2024])

    def amount(area, recipient):
        return Allocation.objects.get(priority_area=year[area], recipient=year[recipient])

    assert amount("suicid", "bromma").amount == D("650000.00")
    assert amount("suicid", "kultur").amount == D("200000.25")
    assert amount("suicid", "kultur").comment == "Nytt"
    assert amount("samsjuk", "jarva").amount == D("200000.00")
    assert amount("samsjuk", "rfsl").amount == D("150000.75")
    assert amount("samsjuk", "rfsl").comment == "IOP"
    assert amount("suicid", "rfsl").amount == D("100000.00")  # not in the file: untouched
    changes = AllocationChange.objects.filter(allocation__priority_area__agreement=agr)
    assert changes.count() == 4
    assert {c.reason for c in changes} == {"Import från Excel"}
    assert {c.changed_by for c in changes} == {coordinator}
    new = changes.get(allocation__recipient=year["rfsl"])
    assert new.old_amount is None and new.new_amount == D("150000.75")
    assert f"allocation_import:{agr.pk}" not in client.session
    followed = client.get(response.url)
    assert "4 belopp ändrades" in followed.content.decode()


def test_it_refuses_the_save_when_the_matrix_changed_since_the_preview(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    rows = [("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 1, "")]
    preview = upload(client, agr, workbook(rows))
    # Meanwhile a colleague edits another cell of the matrix.
    allocation_set(
        area=year["samsjuk"],
        recipient=year["jarva"],
        amount=D("310000.00"),
        expected_version=1,
        user=f.user(agr.organisation),
    )
    before = snapshot(agr)

    response = save(client, agr, preview)
    assert response.status_code == 409
    assert "har ändrats sedan förhandsgranskningen" in response.content.decode()
    assert snapshot(agr) == before

    # The page showed the new state; saving it now goes through.
    again = save(client, agr, response)
    assert again.status_code == 302
    assert Allocation.objects.get(
        priority_area=year["suicid"], recipient=year["bromma"]
    ).amount == (D("1.00"))


def test_after_the_decision_an_import_needs_a_reason(client, year):
    agr = year["agreement"]
    agreement_decide(
        agreement=agr,
        registry_number="SOF 2024/1",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Socialdirektören",
    )
    client.force_login(year["coordinator"])
    rows = [("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 1, "")]
    preview = upload(client, agr, workbook(rows))
    assert "krävs, året är beslutat" in preview.content.decode()
    before = snapshot(agr)

    refused = save(client, agr, preview, reason="  ")
    assert refused.status_code == 422
    assert "ange ett skäl" in refused.content.decode()
    assert snapshot(agr) == before

    saved = save(client, agr, refused, reason="Omfördelning efter dialog")
    assert saved.status_code == 302
    change = AllocationChange.objects.get(allocation__recipient=year["bromma"])
    assert change.reason == "Omfördelning efter dialog" and change.is_amendment


def test_a_closed_year_takes_no_import(client, year):
    agr = year["agreement"]
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.CLOSED)
    client.force_login(year["coordinator"])
    assert "avslutat" in client.get(import_url(agr)).content.decode()
    rows = [("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 1, "")]
    before = snapshot(agr)
    response = upload(client, agr, workbook(rows))
    assert response.status_code == 409
    assert snapshot(agr) == before


def test_an_expired_preview_saves_nothing(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    before = snapshot(agr)
    response = client.post(import_url(agr), {"action": "save", "token": "forged"})
    assert response.status_code == 409
    assert "Ladda upp filen igen" in response.content.decode()
    assert snapshot(agr) == before


def test_it_reads_the_first_sheet_with_the_import_columns(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    book = openpyxl.Workbook()
    book.active.title = "Anteckningar"
    book.active["A1"] = "Inget här"
    sheet = book.create_sheet("Mitt blad")
    sheet.append(["Fördelning 2024 enligt dialog"])  # a title above the header
    sheet.append(["Kommentar", "Belopp (kr)", "Prioriterat område", "Mottagartyp", "Mottagare"])
    sheet.append(
        ["", "640 000", "Suicidprevention", "Stadsdelsförvaltning", "Bromma stadsdelsförvaltning"]
    )
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, agr, buffer.getvalue())
    plan = response.context["plan"]
    assert [(row.row.number, row.amount, row.status) for row in plan.rows] == [
        (3, D("640000.00"), "Ändras")
    ]


def test_the_preview_takes_as_many_queries_for_60_rows_as_for_1(year):
    agr = year["agreement"]
    for number in range(60):
        f.recipient(agr.organisation, name=f"Förening {number:02d}", kind="association")

    def queries(count):
        rows = [
            SheetRow(n + 2, f"Förening {n:02d}", "Förening", "Suicidprevention", 100, "")
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            plan = allocations_import_plan(agreement=agr, rows=rows)
        assert not plan.has_problems and len(plan.changes) == count
        return len(captured)

    assert queries(1) == queries(60) <= 4


# --- Upload: files that are not what they should be --------------------------------------


def zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fordelning.txt", b"Mottagare;Belopp\nBromma;1000\n", "måste vara en Excel-arbetsbok"),
        ("fordelning.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "gamla Excel"),
        ("fordelning.xlsx", b"\x00\xffskr\xe4p" * 200, "inte en Excel-arbetsbok"),
        ("fordelning.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "lösenordsskyddad"),
        ("fordelning.xlsx", b"PK\x03\x04 trasig", "kunde inte läsas"),
        ("fordelning.xlsx", zip_with("hej.txt", b"hej"), "kunde inte läsas"),
        ("fordelning.xlsx", zip_with("xl/workbook.xml", b"\0" * (30 << 20)), "för stor att läsa"),
        ("fordelning.xlsx", b"", "Filen är tom"),
        ("fordelning.xlsx", b"PK\x03\x04" + b"\0" * (2 << 20), "högst 2 MB"),
    ],
)
def test_it_refuses_what_is_not_an_xlsx_without_a_500(client, year, name, data, message):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    response = upload(client, agr, data, name=name)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body


def test_it_refuses_a_workbook_without_the_import_columns(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    data = workbook([("Bromma", 1000)], headers=("Namn", "Summa"), title="Blad1")
    response = upload(client, agr, data)
    assert response.status_code == 422
    assert "Hittade inget blad med kolumnerna" in response.content.decode()


def test_it_refuses_an_empty_import_sheet(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    response = upload(client, agr, workbook([]))
    assert response.status_code == 422
    assert "inga rader att importera" in response.content.decode()


def test_it_refuses_more_than_5000_rows(client, year):
    agr = year["agreement"]
    client.force_login(year["coordinator"])
    rows = [("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "X", 1, "")] * (MAX_ROWS + 1)
    response = upload(client, agr, workbook(rows))
    assert response.status_code == 422
    assert "fler än 5000 rader" in response.content.decode()


# --- Who may do it -----------------------------------------------------------------------


def test_upload_checks_ownership(client, year):
    agr = year["agreement"]
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(import_url(agr)).status_code == 404
    assert upload(client, agr, workbook([])).status_code == 404


def test_upload_requires_an_editor(client, year):
    agr = year["agreement"]
    client.force_login(f.user(agr.organisation, "reader"))
    before = snapshot(agr)
    assert client.get(import_url(agr)).status_code == 403
    rows = [("Bromma stadsdelsförvaltning", "Stadsdelsförvaltning", "Suicidprevention", 1, "")]
    assert upload(client, agr, workbook(rows)).status_code == 403
    assert snapshot(agr) == before


def test_upload_requires_login(client, year):
    response = client.get(import_url(year["agreement"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
