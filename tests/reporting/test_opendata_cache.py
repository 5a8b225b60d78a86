"""The public open data built once per change: query counts cold and warm at 2 and 200
organisations, 304 on revalidation, and no stale data after a decision, a move on, a
reopening or an amendment. Also the CSVW metadata read as a validator reads it."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rdflib import Graph, Literal, Namespace

from funds.allocation.workflows import agreement_decide, allocation_set
from funds.models import Agreement, PriorityArea
from funds.year.status import agreement_status_change
from reporting.opendata.files import COLUMNS
from tests import factories as f
from tests.reporting.conftest import SITE_URL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_data_site")]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
PUBLIC_PAGES = ("open_data_index", "open_data_catalogue_ttl", "open_data_catalogue_rdf")
COUNTIES = ("01", "03", "12", "14", "25")


def published(count: int, start: int = 0) -> list[Agreement]:
    """`count` organisations across five counties, each with a decided year of one area and
    one allocation."""
    agreements = []
    for n in range(start, start + count):
        code = f"{COUNTIES[n % len(COUNTIES)]}{n // len(COUNTIES):02d}"
        org = f.organisation(code=code, name=f"Kommun {code}")
        agreement = f.agreement(
            org, 2025, status=Agreement.Status.DECIDED, decided_on=datetime.date(2025, 2, 1)
        )
        f.allocation(f.area(agreement, "100.00"), f.recipient(org), "100.00")
        agreements.append(agreement)
    return agreements


def queries(client, name: str) -> tuple[int, int]:
    """Queries of a cold and then a warm request."""
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(context))
    return counts[0], counts[1]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_cold_is_constant_and_warm_costs_no_query(client, name):
    from django.core.cache import cache

    agreements = published(2)
    small = queries(client, name)
    cache.clear()
    agreements += published(198, start=2)
    large = queries(client, name)
    assert len(agreements) == 200
    # Cold: the version and the published years; warm: nothing (the version is kept
    # VERSION_SECONDS, and forgotten by a save that changes the public data).
    assert small == large == (2, 0), (small, large)


def test_a_revalidation_gets_304(client):
    published(2)
    for url in (
        *(reverse(name) for name in PUBLIC_PAGES),
        reverse("open_data_allocations_csv", args=["0100", 2025]),
        reverse("open_data_csvw_metadata", args=["0100", 2025]),
        reverse("open_data_schema"),
    ):
        first = client.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, max-age=60"
        etag, modified = first["ETag"], first["Last-Modified"]
        again = client.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"", url
        assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
        assert client.get(url, headers={"if-none-match": '"annan"'}).status_code == 200


def test_a_signed_in_visitor_gets_a_private_index(client):
    published(2)
    client.force_login(get_user_model().objects.create(username="lasaren"))
    response = client.get(reverse("open_data_index"))
    assert response.status_code == 200 and "Kommun 0100" in response.content.decode()
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")


def test_the_index_is_grouped_by_county(client):
    published(6)
    text = client.get(reverse("open_data_index")).content.decode()
    assert text.index("Stockholms län") < text.index("Kommun 0100") < text.index("Kommun 0101")
    assert text.index("Uppsala län") < text.index("Kommun 0300") < text.index("Skåne län")
    assert "Norrbottens län" in text and "Gotlands län" not in text


def datasets(client) -> dict[str, object]:
    graph = Graph().parse(data=client.get(reverse("open_data_catalogue_ttl")).content)
    return {
        str(graph.value(node, DCTERMS.identifier)): (
            graph.value(node, DCTERMS.issued),
            graph.value(node, DCTERMS.modified),
            str(graph.value(node, DCTERMS.description)),
        )
        for node in graph.subjects(RDF.type, DCAT.Dataset)
    }


def test_no_stale_public_data_after_a_decision_a_move_on_a_reopening_or_an_amendment(client):
    user = get_user_model().objects.create(username="samordnaren")
    org = f.organisation(code="0305", name="Beslutskommunen")
    agreement = f.agreement(org, 2025)
    area = f.area(agreement, "1000.00")
    recipient = f.recipient(org, name="Fältgruppen")
    allocation_set(
        area=area, recipient=recipient, amount=Decimal("400.00"), expected_version=0, user=user
    )
    csv_url = reverse("open_data_allocations_csv", args=["0305", 2025])
    assert datasets(client) == {}
    assert "Beslutskommunen" not in client.get(reverse("open_data_index")).content.decode()
    assert client.get(csv_url).status_code == 404
    etag = client.get(reverse("open_data_catalogue_ttl"))["ETag"]

    agreement_decide(
        agreement=agreement,
        registry_number="SN 2025/1",
        decided_on=datetime.date(2025, 3, 4),
        decided_by="Socialnämnden",
    )
    issued, modified, description = datasets(client)["fordelning-0305-2025"]
    assert issued == Literal(datetime.date(2025, 3, 4)) and modified is None
    assert "status: beslutad" in description
    assert "Beslutskommunen" in client.get(reverse("open_data_index")).content.decode()
    revalidated = client.get(reverse("open_data_catalogue_ttl"), headers={"if-none-match": etag})
    assert revalidated.status_code == 200  # the old copy is not current any more
    assert ",400.00," in client.get(csv_url).content.decode()

    # An amendment after the decision: the files and the catalogue's modified follow it.
    area = PriorityArea.objects.select_related("agreement").get(pk=area.pk)
    allocation_set(
        area=area,
        recipient=recipient,
        amount=Decimal("650.00"),
        expected_version=1,
        user=user,
        reason="Utökat uppdrag",
    )
    assert ",650.00," in client.get(csv_url).content.decode()
    issued, modified, _ = datasets(client)["fordelning-0305-2025"]
    assert issued == Literal(datetime.date(2025, 3, 4)) and modified is not None

    agreement_status_change(
        agreement=agreement,
        change="follow_up",
        expected_status="decided",
        user=user,
        reason="Uppföljningen börjar före årets slut",
    )
    assert "uppföljning" in datasets(client)["fordelning-0305-2025"][2]
    # Reopened (an administrator sets it back to draft in the admin, which saves the row):
    # gone from every public answer at once.
    agreement.refresh_from_db()
    agreement.status = Agreement.Status.DRAFT
    agreement.save(update_fields=["status"])
    assert datasets(client) == {}
    assert "Beslutskommunen" not in client.get(reverse("open_data_index")).content.decode()
    assert client.get(csv_url).status_code == 404


def test_the_csvw_metadata_describes_both_files_and_every_column(client):
    (agreement,) = published(1)
    code = agreement.organisation.code
    response = client.get(reverse("open_data_csvw_metadata", args=[code, 2025]))
    assert response.status_code == 200
    document = response.json()
    assert "http://www.w3.org/ns/csvw" in document["@context"]
    comma, semicolon = document["tables"]
    for table, name, delimiter in (
        (comma, "open_data_allocations_csv", ","),
        (semicolon, "open_data_allocations_csv_semicolon", ";"),
    ):
        assert table["url"] == SITE_URL + reverse(name, args=[code, 2025])
        assert table["dialect"].get("delimiter", ",") == delimiter
        columns = table["tableSchema"]["columns"]
        assert [column["name"] for column in columns] == list(COLUMNS)
        assert all(len(column["titles"]) == 2 for column in columns)  # name and Swedish
        # The file's header row matches the schema's titles, column by column, and every
        # required column has a value: what a CSVW validator checks.
        csv_response = client.get(reverse(name, args=[code, 2025]))
        assert f"<{document['@id']}>" in csv_response["Link"]
        rows = list(
            csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=delimiter)
        )
        for header, column in zip(rows[0], columns, strict=True):
            assert header in column["titles"]
        for row in rows[1:]:
            for value, column in zip(row, columns, strict=True):
                assert value or not column["required"], column["name"]
    amount = semicolon["tableSchema"]["columns"][COLUMNS.index("amount_sek")]
    assert amount["datatype"] == {"base": "decimal", "format": {"decimalChar": ","}}
    row = list(
        csv.DictReader(
            io.StringIO(client.get(comma["url"].removeprefix(SITE_URL)).content.decode("utf-8-sig"))
        )
    )[0]
    assert row["route"] == "egen_prioritering" and row["national_area_number"] == ""
