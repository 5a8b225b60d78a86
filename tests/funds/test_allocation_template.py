"""The allocation import's template: the headers and rows the import reads, for editors only."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.allocation.export import GUIDE_SHEET
from funds.allocation.imports import allocations_import_plan
from funds.allocation.upload import COLUMNS, IMPORT_SHEET, read_import_rows
from funds.models import Agreement, Recipient
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def year():
    org = f.organisation(name="Mallkommunen")
    agr = f.agreement(org, 2024)
    first = f.area(agr, "1000000.00", name="Barn och unga")
    second = f.area(agr, "500000.00", name="Samsjuklighet")
    north = f.recipient(org, name="Norra förvaltningen")
    f.recipient(org, name="Gamla förvaltningen", valid_to=datetime.date(2023, 6, 30))
    club = f.recipient(
        org,
        name="Föreningen Stöd",
        kind=Recipient.Kind.ASSOCIATION,
        organisation_number="802400-1234",
    )
    f.allocation(second, club, "40000.00", comment="Efter utlysning")
    return {"org": org, "agreement": agr, "first": first, "second": second, "north": north}


def template_url(agreement: Agreement) -> str:
    return reverse("allocation_import_template", args=[agreement.organisation.code, agreement.year])


def download(client, year) -> bytes:
    client.force_login(f.user(year["org"], "coordinator"))
    response = client.get(template_url(year["agreement"]))
    assert response.status_code == 200
    assert "fordelning-mall-" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def test_it_has_the_import_headers_and_a_row_per_recipient_and_area(client, year):
    workbook = load_workbook(BytesIO(download(client, year)))
    assert workbook.sheetnames == [IMPORT_SHEET, GUIDE_SHEET]
    sheet = workbook[IMPORT_SHEET]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == COLUMNS
    # Area by area; the recipient that ended before the year is not there.
    assert [row[:4] for row in rows[1:]] == [
        ("Norra förvaltningen", "Stadsdelsförvaltning", "Barn och unga", 0),
        ("Föreningen Stöd", "Förening", "Barn och unga", 0),
        ("Norra förvaltningen", "Stadsdelsförvaltning", "Samsjuklighet", 0),
        ("Föreningen Stöd", "Förening", "Samsjuklighet", 40000),
    ]
    assert rows[4][4] == "Efter utlysning"  # this year's comment, so the upload keeps it
    guide = " ".join(str(cell.value) for row in workbook[GUIDE_SHEET].iter_rows() for cell in row)
    assert "Belopp (kr)" in guide and "0 betyder inga pengar" in guide
    assert "1. Barn och unga" in guide and "2. Samsjuklighet" in guide


def test_a_filled_template_goes_through_the_import(client, year):
    workbook = load_workbook(BytesIO(download(client, year)))
    sheet = workbook[IMPORT_SHEET]
    sheet["D2"] = 600000  # Norra förvaltningen, Barn och unga: a number cell
    sheet["D3"] = "250 000"  # Föreningen Stöd, Barn och unga: typed as text
    out = BytesIO()
    workbook.save(out)

    rows = read_import_rows(out.getvalue())
    assert [(row.number, row.recipient, row.area) for row in rows] == [
        (2, "Norra förvaltningen", "Barn och unga"),
        (3, "Föreningen Stöd", "Barn och unga"),
        (4, "Norra förvaltningen", "Samsjuklighet"),
        (5, "Föreningen Stöd", "Samsjuklighet"),
    ]
    plan = allocations_import_plan(agreement=year["agreement"], rows=rows)
    assert not plan.has_problems
    assert [(row.recipient.name, row.area.name, row.amount) for row in plan.changes] == [
        ("Norra förvaltningen", "Barn och unga", D("600000.00")),
        ("Föreningen Stöd", "Barn och unga", D("250000.00")),
    ]


def test_the_template_as_downloaded_changes_nothing(client, year):
    rows = read_import_rows(download(client, year))
    plan = allocations_import_plan(agreement=year["agreement"], rows=rows)
    assert not plan.has_problems
    assert plan.changes == []


def test_the_import_page_links_to_the_template(client, year):
    agreement = year["agreement"]
    client.force_login(f.user(year["org"], "coordinator"))
    page = client.get(reverse("allocation_import", args=[agreement.organisation.code, 2024]))
    assert f'href="{template_url(agreement)}"' in page.content.decode()


@pytest.mark.parametrize("role", ["reader", "reporter"])
def test_only_editors_get_the_template(client, year, role):
    recipient = year["north"] if role == "reporter" else None
    client.force_login(f.user(year["org"], role, recipient=recipient))
    assert client.get(template_url(year["agreement"])).status_code == 403


def test_it_checks_ownership(client, year):
    client.force_login(f.user(f.organisation(name="Grannkommunen"), "coordinator"))
    assert client.get(template_url(year["agreement"])).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client, year):
    response = client.get(template_url(year["agreement"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
