"""The recipient import's template: what the import reads back, for editors only."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.onboarding.sheets import COLUMNS, read_recipient_rows
from funds.xlsx import ImportFileError
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_template_has_the_headers_the_import_reads(client):
    org = f.organisation()
    client.force_login(f.user(org, "coordinator"))
    response = client.get(reverse("recipient_import_template", args=[org.code]))
    assert response.status_code == 200
    assert "mottagare-mall.xlsx" in response["Content-Disposition"]
    data = response.content
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    assert [cell.value.lower() for cell in sheet[1]] == [h[0] for h in COLUMNS.values()]
    # The import finds the header and says, in Swedish, that the rows are missing.
    with pytest.raises(ImportFileError, match="inga mottagare under rubrikraden"):
        read_recipient_rows("mottagare-mall.xlsx", data)


def test_a_filled_template_imports(client):
    org = f.organisation()
    client.force_login(f.user(org, "coordinator"))
    data = client.get(reverse("recipient_import_template", args=[org.code])).content
    workbook = load_workbook(BytesIO(data))
    workbook.worksheets[0].append(["Föreningen Exempel", "Förening", "802000-0009"])
    out = BytesIO()
    workbook.save(out)
    (row,) = read_recipient_rows("mottagare.xlsx", out.getvalue())
    assert (row.name, row.kind, row.organisation_number) == (
        "Föreningen Exempel",
        "Förening",
        "802000-0009",
    )


def test_a_reporter_and_an_outsider_get_no_template(client):
    org = f.organisation()
    client.force_login(f.user(org, "reporter", recipient=f.recipient(org)))
    assert client.get(reverse("recipient_import_template", args=[org.code])).status_code == 403
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(reverse("recipient_import_template", args=[org.code])).status_code == 404
