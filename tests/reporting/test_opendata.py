"""The public open data: who got what, as CSV and JSON, for decided years only."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from funds.models import Agreement, Allocation
from reporting.opendata.files import COLUMNS
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_data_site")]


def urls(code: str, year: int) -> tuple[str, str, str]:
    return (
        reverse("open_data_allocations_csv", args=[code, year]),
        reverse("open_data_allocations_json", args=[code, year]),
        reverse("open_data_allocations_csv_semicolon", args=[code, year]),
    )


def test_the_demo_2023_is_public_and_2024_draft_is_not(client):
    demo_restore()
    csv_url, json_url, _ = urls("0180", 2023)
    response = client.get(csv_url)  # anonymous
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    allocations = Allocation.objects.filter(
        priority_area__agreement__organisation__code="0180",
        priority_area__agreement__year=2023,
        amount__gt=0,
    )
    assert len(rows) == allocations.count()
    assert sum(Decimal(row["amount_sek"]) for row in rows) == Decimal("45200000.00")
    iop = next(row for row in rows if row["recipient"] == "Stiftelsen 1000 Möjligheter")
    assert iop["amount_sek"] == "700000.00"
    assert iop["recipient_kind"] == "association"
    assert iop["recipient_kind_sv"] == "Förening"
    assert iop["priority_area"] == "Utvecklingsarbete"
    assert iop["organisation_code"] == "0180"
    assert len(iop["recipient_organisation_number"]) == 11

    document = client.get(json_url).json()
    assert document["year"] == 2023 and document["currency"] == "SEK"
    assert document["total_amount_sek"] == "45200000.00"
    assert [tuple(item) for item in document["allocations"]] == [COLUMNS] * len(rows)
    # Same rows, same values: only the CSV's integers are text.
    for item, row in zip(document["allocations"], rows, strict=True):
        assert {k: str(v) for k, v in item.items()} == row
    for url in urls("0180", 2024):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "status", [Agreement.Status.DECIDED, Agreement.Status.FOLLOW_UP, Agreement.Status.CLOSED]
)
def test_decided_years_are_public(client, status):
    org = f.organisation()
    agreement = f.agreement(org, 2025, status=status)
    area = f.area(agreement, "2000000.00")
    f.allocation(area, f.recipient(org, name="Noll kronor"), "0.00")
    f.allocation(area, f.recipient(org, name="Öresmottagaren"), "1500000.50")
    csv_url, json_url, _ = urls(org.code, 2025)
    text = client.get(csv_url).content.decode()
    assert "1500000.50" in text and "Noll kronor" not in text
    assert json.loads(client.get(json_url).content)["allocations"][0]["amount_sek"] == "1500000.50"


def test_drafts_and_unknown_years_are_404(client):
    org = f.organisation()
    f.agreement(org, 2025)  # a draft
    for url in (*urls(org.code, 2025), *urls(org.code, 2026), *urls("9999", 2025)):
        assert client.get(url).status_code == 404


def test_it_is_read_only(client):
    org = f.organisation()
    f.agreement(org, 2025, status=Agreement.Status.CLOSED)
    for url in urls(org.code, 2025):
        assert client.post(url).status_code == 405


def test_it_uses_a_constant_number_of_queries(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    """Cold: the version, the agreement, the areas' routes (1, and 1 for the national
    areas' fundings when an area has one) and the rows; warm: no query (the version is kept
    a moment, and forgotten by the save of a change). An amount changed after the decision
    is a new version."""
    from django.contrib.auth import get_user_model

    from funds.allocation.workflows import allocation_set

    org = f.organisation()
    agreement = f.agreement(org, 2025, status=Agreement.Status.DECIDED)
    area = f.area(agreement, "2000000.00")
    user = get_user_model().objects.create(username="samordnaren")
    csv_url, json_url, _ = urls(org.code, 2025)
    for n in range(2):
        for url in (csv_url, json_url):
            with django_assert_max_num_queries(5):
                client.get(url)
            with django_assert_num_queries(0):
                client.get(url)
        for i in range(5):
            allocation_set(
                area=area,
                recipient=f.recipient(org, name=f"Mottagare {n}-{i}"),
                amount=Decimal("10.00"),
                expected_version=0,
                user=user,
                reason="Ändrat efter beslut",
            )
    assert client.get(csv_url).content.decode().count("Mottagare") == 10
