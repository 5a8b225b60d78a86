"""The recipient import's Förvaltning column: a unit names its förvaltning (by name or by an
organisationsnummer only one recipient has), one level deep; every wrong förvaltning is a
Swedish problem on its row; the template with the organisation's recipients reads back
unchanged."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.models import Recipient
from tests import factories as f
from tests.funds.test_recipient_import import save, upload, xlsx

pytestmark = pytest.mark.django_db
HEADER = ["namn", "typ", "organisationsnummer", "giltig från", "giltig till", "efterträdare",
          "förvaltning"]  # fmt: skip


def row_of(body: str, number: int) -> str:
    start = body.index(f'<tr id="rad-{number}">')
    return body[start : body.index("</tr>", start)]


@pytest.fixture
def org():
    return f.organisation(name="Ekby kommun", code="0581")


@pytest.fixture
def coordinator(client, org):
    client.force_login(f.user(org, "coordinator"))
    return client


def test_a_unit_names_its_forvaltning_in_the_file_or_the_organisation(coordinator, org):
    school = f.recipient(org, name="Skolförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    rows = [HEADER,
            # Before its förvaltning in the file, and by the förvaltning's organisationsnummer.
            ["Enheten för hemlösa", "Övrig", "", "", "", "", "2120000142"],
            ["Socialförvaltningen", "Fackförvaltning", "212000-0142"],
            ["Elevhälsan", "Övrig", "", "", "", "", "skolförvaltningen"]]  # fmt: skip
    status, body = upload(coordinator, org, xlsx(rows))
    assert status == 200 and "Spara mottagarna" in body
    # The preview names the förvaltning each row will belong to.
    assert '<td data-label="Förvaltning">Socialförvaltningen</td>' in row_of(body, 2)
    assert '<td data-label="Förvaltning">Skolförvaltningen</td>' in row_of(body, 4)
    assert save(coordinator, org, body).status_code == 302
    saved = {r.name: r for r in Recipient.objects.filter(organisation=org)}
    assert saved["Enheten för hemlösa"].parent == saved["Socialförvaltningen"]
    assert saved["Elevhälsan"].parent == school
    assert saved["Socialförvaltningen"].parent is None


def test_every_wrong_forvaltning_is_named_with_its_row_and_nothing_is_saved(coordinator, org):
    office = f.recipient(org, name="Kontoret", kind=Recipient.Kind.DEPARTMENT)
    f.recipient(org, name="Kontorets enhet", kind=Recipient.Kind.OTHER, parent=office)
    f.recipient(org, name="Kulturförvaltningen", organisation_number="212000-0142")
    rows = [HEADER,
            ["Okänd förälder", "Övrig", "", "", "", "", "Finns inte"],
            ["Sig själv", "Övrig", "", "", "", "", "Sig själv"],
            ["Mellannivå", "Övrig", "", "", "", "", "Toppen"],
            ["Toppen", "Fackförvaltning"],
            ["Under en enhet", "Övrig", "", "", "", "", "Mellannivå"],
            ["Under en befintlig enhet", "Övrig", "", "", "", "", "Kontorets enhet"],
            ["Tvetydig", "Övrig", "", "", "", "", "212000-0142"],
            ["Fritidsförvaltningen", "Fackförvaltning", "212000-0142"],
            ["Kontoret", "Fackförvaltning", "", "", "", "", "Toppen"]]  # fmt: skip
    status, body = upload(coordinator, org, xlsx(rows))
    assert status == 200 and "Spara mottagarna" not in body
    for expected in [
        "Rad 2</a>: Förvaltningen ”Finns inte” finns varken bland organisationens mottagare "
        "eller i filen.",
        "Rad 3</a>: En mottagare kan inte höra till sig själv.",
        "Rad 6</a>: Mellannivå är själv en enhet inom en förvaltning.",
        "Rad 7</a>: Kontorets enhet är själv en enhet inom en förvaltning.",
        "Rad 8</a>: Flera mottagare har organisationsnumret 212000-0142; skriv "
        "förvaltningens namn.",
        "Rad 10</a>: Mottagaren har egna enheter (Kontorets enhet) och kan inte vara en enhet.",
    ]:
        assert expected in body, expected
    assert "Rad 4</a>" not in body  # Mellannivå's förvaltning is a förvaltning
    assert Recipient.objects.filter(organisation=org).count() == 3


def test_a_file_without_the_column_keeps_the_forvaltningar_and_an_empty_cell_clears(
    coordinator, org
):
    office = f.recipient(org, name="Kontoret", kind=Recipient.Kind.DEPARTMENT)
    unit = f.recipient(org, name="Enheten", kind=Recipient.Kind.OTHER, parent=office)
    _, body = upload(coordinator, org, xlsx([HEADER[:6], ["Enheten", "Övrig"]]))
    assert "Filen ändrar ingenting" in body and "Kontoret (behålls)" in body
    _, body = upload(coordinator, org, xlsx([HEADER, ["Enheten", "Övrig"]]))
    assert "Ändras: förvaltning" in body
    save(coordinator, org, body)
    unit.refresh_from_db()
    assert unit.parent is None


def test_the_template_with_the_organisations_recipients_reads_back_unchanged(coordinator, org):
    office = f.recipient(org, name="Socialförvaltningen", kind=Recipient.Kind.DEPARTMENT,
                         organisation_number="212000-0142")  # fmt: skip
    f.recipient(org, name="Enheten för hemlösa", kind=Recipient.Kind.OTHER, parent=office)
    merged = f.recipient(org, name="Järva", valid_from=datetime.date(2023, 7, 1))
    f.recipient(org, name="Rinkeby-Kista", valid_to=datetime.date(2023, 6, 30), successor=merged)
    f.recipient(org, name="=Föreningen", kind=Recipient.Kind.ASSOCIATION,
                organisation_number="802000-0009")  # fmt: skip

    url = reverse("recipient_import_template", args=[org.code])
    data = coordinator.get(url).content
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    written = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert written["Enheten för hemlösa"][6] == "Socialförvaltningen"
    assert written["Rinkeby-Kista"][5] == "Järva"
    assert sheet.cell(row=2, column=1).data_type == "s"  # "=Föreningen" stays text
    upload_file = io.BytesIO(data)
    upload_file.name = "mottagare-mall.xlsx"

    status, body = upload(coordinator, org, upload_file)

    assert status == 200
    assert "Filen ändrar ingenting" in body
    assert body.count("Oförändrad") == 5
