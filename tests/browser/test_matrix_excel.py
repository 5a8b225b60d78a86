"""The coordinator downloads the matrix as .xlsx from the matrix page; the workbook holds what
was just saved on the page, as numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook
from playwright.sync_api import Page

from funds.models import Allocation
from tests.browser.support import (
    BROMMA,
    IMPORT_COLUMNS,
    area,
    cell_id,
    matrix_url,
    recipient,
    sign_in,
    type_into_cell,
)

pytestmark = pytest.mark.browser

EXCEL_URL = "/0180/2024/fordelning/excel/"


def import_rows(workbook) -> list[dict]:
    """The rows under the first header row that names the upload's columns, in any sheet."""
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        for header in rows:
            if [str(value).strip() for value in header[:5] if value] == IMPORT_COLUMNS:
                return [dict(zip(IMPORT_COLUMNS, row, strict=False)) for row in rows if any(row)]
    raise AssertionError(f"no sheet has the header row {IMPORT_COLUMNS}")


def test_the_matrix_downloads_as_xlsx_with_the_saved_amounts(
    page: Page, live_server, demo, tmp_path
):
    area_1, bromma = area(2024, 1), recipient(BROMMA)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    type_into_cell(page, cell_id(area_1, bromma), "1 250 000")

    with page.expect_download() as download_info:
        page.locator(f'a[href="{EXCEL_URL}"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    rows = import_rows(load_workbook(path))
    edited = [
        row
        for row in rows
        if row["Mottagare"] == bromma.name and area_1.name in str(row["Prioriterat område"])
    ]
    assert len(edited) == 1, rows
    amount = edited[0]["Belopp (kr)"]
    assert isinstance(amount, int | float), f"the amount is not a number: {amount!r}"
    assert Decimal(str(amount)) == Decimal("1250000")
    total = Allocation.objects.filter(priority_area__agreement=area_1.agreement).aggregate(
        total=Sum("amount")
    )["total"]
    assert sum(Decimal(str(row["Belopp (kr)"])) for row in rows) == total
