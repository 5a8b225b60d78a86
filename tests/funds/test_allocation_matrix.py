"""The allocation workspace: the matrix page, htmx cell saves, the plain-form fallback."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funds.allocation.workflows import (
    AllocationConflict,
    CellChange,
    CellRefused,
    allocations_set_many,
)
from funds.models import Agreement, Allocation, AllocationChange, Recipient
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def year():
    org = f.organisation()
    agr = f.agreement(org, 2024)
    areas = [f.area(agr, "1000000.00", name="Suicidprevention"), f.area(agr, "500000.00")]
    bromma = f.recipient(org, name="Bromma stadsdelsförvaltning")
    kultur = f.recipient(org, name="Kulturförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    f.allocation(areas[0], bromma, "600000.00")
    f.allocation(areas[0], kultur, "400000.00")
    coordinator = f.user(org, "coordinator")
    return agr, areas, bromma, kultur, coordinator


def matrix_url(agr):
    return reverse("allocation_matrix", args=[agr.organisation.code, agr.year])


def cell_url(agr, area, rec):
    return reverse("allocation_cell", args=[agr.organisation.code, agr.year, area.pk, rec.pk])


def post_cell(client, agr, area, rec, amount, version, **extra):
    key = f"{area.pk}-{rec.pk}"
    data = {f"amount-{key}": amount, f"version-{key}": version, **extra}
    return client.post(cell_url(agr, area, rec), data, HTTP_HX_REQUEST="true")


def test_it_works(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    response = client.get(matrix_url(agr))
    assert response.status_code == 200
    # Recipient names carry soft hyphens (funds/templatetags/words.py); read them without.
    body = response.content.decode().replace("\u00ad", "")
    assert "Stadsdelsförvaltningar" in body and "Fackförvaltningar" in body
    assert f'name="amount-{areas[0].pk}-{bromma.pk}"' in body
    assert 'value="600 000"' in body
    # A cell is labelled by its row's and its column's headings.
    assert f'aria-labelledby="r{bromma.pk} c{areas[0].pk}"' in body
    assert f'<span id="r{bromma.pk}">Bromma stadsdelsförvaltning</span>' in body
    assert f'<span id="c{areas[0].pk}">1. Suicidprevention</span>' in body
    assert "60\u00a0%" in body and "40\u00a0%" in body  # split per recipient kind


def test_it_does_not_offer_recipients_that_did_not_exist_that_year(client, year):
    agr, _, _, _, coordinator = year
    f.recipient(agr.organisation, name="Spånga-Tensta", valid_to=datetime.date(2023, 6, 30))
    client.force_login(coordinator)
    assert "Spånga-Tensta" not in client.get(matrix_url(agr)).content.decode()


def test_it_saves_a_cell_and_answers_with_the_changed_fragments(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    response = post_cell(client, agr, areas[1], bromma, "125 000,50", 0)
    assert response.status_code == 200
    body = response.content.decode()
    assert Allocation.objects.get(priority_area=areas[1], recipient=bromma).amount == D("125000.50")
    assert body.startswith("\n") or body.lstrip().startswith("<input")
    assert f'id="amount-{areas[1].pk}-{bromma.pk}"' in body and 'value="125 000,50"' in body
    assert f'<template><td id="rowtotal-{bromma.pk}"' in body
    assert (
        f'id="rowtotal-{bromma.pk}" class="num total sum" hx-swap-oob="true">'
        "725\u00a0000,50\u00a0kr" in body
    )
    assert (
        f'id="coltotal-{areas[1].pk}" class="num" hx-swap-oob="true">125\u00a0000,50\u00a0kr'
        in body
    )
    assert f'id="remaining-{areas[1].pk}"' in body and "374\u00a0999,50\u00a0kr" in body
    # Only the row's and the column's fragments: not the whole table, and not the
    # agreement-wide totals, which the page asks for next (the HX-Trigger).
    assert '<table class="matrix">' not in body and 'id="split"' not in body
    assert "matrixChanged" in response["HX-Trigger"]
    assert AllocationChange.objects.get().changed_by == coordinator
    summary = client.get(matrix_url(agr) + "?del=summor", HTTP_HX_REQUEST="true")
    body = summary.content.decode()
    assert 'id="grand-allocated" class="num sum" hx-swap-oob="true">1\u00a0125\u00a0000,50' in body
    assert 'id="split"' in body and 'id="warnings"' in body and "<table class" not in body


def test_a_bad_value_shows_the_message_at_the_cell_and_saves_nothing(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    response = post_cell(client, agr, areas[0], bromma, "1.500.000", 1)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Punkt är tvetydigt" in body
    assert 'aria-invalid="true"' in body and 'value="1.500.000"' in body
    assert "hx-swap-oob" not in body
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")


def test_two_coordinators_editing_the_same_cell_get_a_conflict(client, year):
    agr, areas, bromma, _, coordinator = year
    other = f.user(agr.organisation, "coordinator")
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(other)
    # Both loaded the page while the cell was at version 1.
    assert post_cell(first, agr, areas[0], bromma, "700 000", 1).status_code == 200
    body = post_cell(second, agr, areas[0], bromma, "650 000", 1).content.decode()
    assert "Någon annan har ändrat beloppet till 700\u00a0000\u00a0kr" in body
    assert "Ditt värde (650 000) sparades inte" in body
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("700000")
    # The answer carries the new version, so saving again deliberately works.
    assert f'name="version-{areas[0].pk}-{bromma.pk}" value="2"' in body


def test_an_over_allocation_is_warned_about(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    body = post_cell(client, agr, areas[0], bromma, "600 000,01", 1).content.decode()
    assert "Överfördelat" in body  # the column's remaining cell
    summary = client.get(matrix_url(agr) + "?del=summor", HTTP_HX_REQUEST="true")
    assert "Mer än tilldelat är fördelat" in summary.content.decode()


def test_without_javascript_the_matrix_is_one_form(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    data = {
        f"amount-{areas[0].pk}-{bromma.pk}": "600 000",  # unchanged
        f"version-{areas[0].pk}-{bromma.pk}": "1",
        f"amount-{areas[1].pk}-{kultur.pk}": "2,5 mnkr",  # changed: new cell, over granted
        f"version-{areas[1].pk}-{kultur.pk}": "0",
        f"amount-{areas[1].pk}-{bromma.pk}": "100 tkr",
        f"version-{areas[1].pk}-{bromma.pk}": "0",
    }
    response = client.post(matrix_url(agr), data)
    assert response.status_code == 302
    assert Allocation.objects.get(priority_area=areas[1], recipient=kultur).amount == D("2500000")
    assert Allocation.objects.get(priority_area=areas[1], recipient=bromma).amount == D("100000")
    assert AllocationChange.objects.count() == 2


def test_the_plain_form_reports_bad_cells_and_keeps_what_was_typed(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    data = {
        f"amount-{areas[1].pk}-{bromma.pk}": "-5",
        f"version-{areas[1].pk}-{bromma.pk}": "0",
    }
    response = client.post(matrix_url(agr), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Beloppet kan inte vara negativt." in body and 'value="-5"' in body
    assert not Allocation.objects.filter(priority_area=areas[1]).exists()


def test_after_the_decision_a_cell_needs_a_reason(client, year):
    agr, areas, bromma, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="decided")
    client.force_login(coordinator)
    assert 'id="id_reason"' in client.get(matrix_url(agr)).content.decode()
    body = post_cell(client, agr, areas[0], bromma, "500 000", 1).content.decode()
    assert "ange ett skäl" in body and 'data-code="reason_required"' in body
    # A reason posted with the cell is not used: the reason is given once, above the matrix.
    post_cell(client, agr, areas[0], bromma, "500 000", 1, reason="Flyttat till förening")
    assert not AllocationChange.objects.exists()
    reason_url = reverse("allocation_reason", args=[agr.organisation.code, agr.year])
    answer = client.post(reason_url, {"reason": "Flyttat till förening"}, HTTP_HX_REQUEST="true")
    assert "matrixReasonSaved" in answer["HX-Trigger"]
    assert "Skälet används" in answer.content.decode()
    post_cell(client, agr, areas[0], bromma, "500 000", 1)
    change = AllocationChange.objects.get()
    assert change.is_amendment and change.reason == "Flyttat till förening"


def test_a_closed_year_has_no_inputs(client, year):
    agr, areas, bromma, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="closed")
    client.force_login(coordinator)
    body = client.get(matrix_url(agr)).content.decode()
    assert '<input class="amount"' not in body and "600\u00a0000\u00a0kr" in body
    post_cell(client, agr, areas[0], bromma, "1", 1)
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")


def test_it_checks_ownership(client, year):
    agr, areas, bromma, _, _ = year
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(matrix_url(agr)).status_code == 404
    assert post_cell(client, agr, areas[0], bromma, "1", 1).status_code == 404
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")


def test_it_requires_login(client, year):
    agr, areas, bromma, _, _ = year
    assert client.get(matrix_url(agr)).status_code == 302
    assert post_cell(client, agr, areas[0], bromma, "1", 1).status_code == 302


def test_a_reader_sees_but_cannot_change(client, year):
    agr, areas, bromma, _, _ = year
    client.force_login(f.user(agr.organisation, "reader"))
    body = client.get(matrix_url(agr)).content.decode()
    assert '<input class="amount"' not in body
    assert post_cell(client, agr, areas[0], bromma, "1", 1).status_code == 403
    assert (
        client.post(matrix_url(agr), {f"amount-{areas[0].pk}-{bromma.pk}": "1"}).status_code == 403
    )
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")


def test_a_reporter_is_refused(client, year):
    agr, _, bromma, _, _ = year
    client.force_login(f.user(agr.organisation, "reporter", recipient=bromma))
    assert client.get(matrix_url(agr)).status_code == 403


def test_a_cell_of_another_organisation_is_not_found(client, year):
    agr, areas, _, _, coordinator = year
    stranger = f.recipient(f.organisation())
    client.force_login(coordinator)
    assert post_cell(client, agr, areas[0], stranger, "1", 0).status_code == 404


@pytest.mark.parametrize("recipients", [5, 60])
def test_it_uses_a_constant_number_of_queries(client, django_assert_num_queries, recipients):
    org = f.organisation()
    agr = f.agreement(org, 2024)
    areas = [f.area(agr) for _ in range(5)]
    for i in range(recipients):
        rec = f.recipient(org, kind=list(Recipient.Kind.values)[i % 4])
        for area in areas[: i % 5 + 1]:
            f.allocation(area, rec, "1000.00")
    client.force_login(f.user(org))
    # session, user, agreement with role, areas, sums per kind and area, recipients,
    # allocations
    with django_assert_num_queries(7):
        assert client.get(matrix_url(agr)).status_code == 200


def test_deciding_the_year(client, year):
    agr, _, _, _, coordinator = year
    client.force_login(coordinator)
    url = reverse("agreement_decision", args=[agr.organisation.code, agr.year])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"registry_number": "", "decided_on": "igår", "decided_by": "X"})
    assert bad.status_code == 422
    agr.refresh_from_db()
    assert agr.status == "draft"
    page = client.get(url).content.decode()
    assert 'name="expected_status" value="draft"' in page
    ok = client.post(
        url,
        {
            "registry_number": "SOF 2024/9",
            "decided_on": "2024-02-01",
            "decided_by": "Socialdirektören",
            "expected_status": "draft",
        },
    )
    assert ok.status_code == 302
    agr.refresh_from_db()
    assert (agr.status, agr.registry_number, agr.decided_on) == (
        "decided",
        "SOF 2024/9",
        datetime.date(2024, 2, 1),
    )


def test_deciding_is_refused_when_over_allocated(client, year):
    agr, areas, bromma, _, coordinator = year
    f.allocation(areas[1], bromma, "500000.01")
    client.force_login(coordinator)
    url = reverse("agreement_decision", args=[agr.organisation.code, agr.year])
    data = {"registry_number": "SOF 2024/9", "decided_on": "2024-02-01", "decided_by": "X"}
    response = client.post(url, {**data, "expected_status": "draft"})
    assert response.status_code == 422
    assert "mer än tilldelat" in response.content.decode()
    agr.refresh_from_db()
    assert agr.status == "draft"


def test_adding_a_recipient(client, year):
    agr, _, _, _, coordinator = year
    url = reverse("recipient_add", args=[agr.organisation.code, agr.year])
    client.force_login(coordinator)
    client.post(url, {"name": "Föreningen Ny", "kind": "association", "organisation_number": "1"})
    assert not Recipient.objects.filter(name="Föreningen Ny").exists()
    client.post(
        url, {"name": "Föreningen Ny", "kind": "association", "organisation_number": "8020024280"}
    )
    rec = Recipient.objects.get(name="Föreningen Ny")
    assert rec.valid_from == datetime.date(2024, 1, 1) and rec.organisation_number == "802002-4280"
    assert "Föreningen Ny" in client.get(matrix_url(agr)).content.decode()
    client.force_login(f.user(f.organisation()))
    assert client.post(url, {"name": "Intrång", "kind": "other"}).status_code == 404


def test_the_history_of_a_cell_and_of_the_year(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    post_cell(client, agr, areas[0], bromma, "650 000", 1)
    cell_history = reverse(
        "allocation_cell_history", args=[agr.organisation.code, agr.year, areas[0].pk, bromma.pk]
    )
    body = client.get(cell_history).content.decode()
    assert "600\u00a0000\u00a0kr" in body and "650\u00a0000\u00a0kr" in body
    year_history = reverse("allocation_history", args=[agr.organisation.code, agr.year])
    assert "Bromma stadsdelsförvaltning" in client.get(year_history).content.decode()
    client.force_login(f.user(f.organisation()))
    assert client.get(cell_history).status_code == 404
    assert client.get(year_history).status_code == 404


def test_starting_from_last_year_is_offered_only_when_there_is_a_last_year(client):
    org = f.organisation()
    first = f.agreement(org, 2024)
    f.area(first, "1000.00")
    client.force_login(f.user(org, "coordinator"))
    assert "Starta från föregående år" not in client.get(matrix_url(first)).content.decode()
    second = f.agreement(org, 2025)
    f.area(second, "1000.00")
    assert "Starta från föregående år" in client.get(matrix_url(second)).content.decode()


# --- A pasted block: set-based, whatever its size --------------------------------------


def _block(recipients: int, areas: int):
    """An organisation with recipients × areas cells, every other one holding an amount."""
    org = f.organisation()
    agr = f.agreement(org, 2024)
    area_rows = [f.area(agr, "1000000000.00") for _ in range(areas)]
    recipient_rows = Recipient.objects.bulk_create(
        Recipient(organisation=org, name=f"Mottagare {i:03d}", kind=Recipient.Kind.DISTRICT)
        for i in range(recipients)
    )
    cells = [(a, r) for a in area_rows for r in recipient_rows]
    Allocation.objects.bulk_create(
        Allocation(priority_area=a, recipient=r, amount=D("1000.00")) for a, r in cells[::2]
    )
    return agr, cells, f.user(org)


def _paste(client, agr, cells, amount):
    stored = {
        (a.priority_area_id, a.recipient_id): a.version
        for a in Allocation.objects.filter(priority_area__agreement=agr)
    }
    rows = [[f"{a.pk}-{r.pk}", amount, str(stored.get((a.pk, r.pk), 0))] for a, r in cells]
    return client.post(matrix_url(agr), {"celler": json.dumps(rows)})


def test_a_pasted_block_costs_the_same_number_of_queries_at_50_and_2400_cells(client):
    counts = []
    for recipients, areas in [(10, 5), (300, 8)]:
        agr, cells, user = _block(recipients, areas)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = _paste(client, agr, cells, "2 500")
        assert response.status_code == 302
        counts.append(len(queries))
        assert Allocation.objects.filter(priority_area__agreement=agr).count() == len(cells)
        assert set(
            Allocation.objects.filter(priority_area__agreement=agr).values_list("amount", flat=True)
        ) == {D("2500.00")}
        # Every cell its own audited change: updates from 1 000 kr, new cells from none.
        trail = AllocationChange.objects.filter(allocation__priority_area__agreement=agr)
        assert trail.count() == len(cells)
        assert trail.filter(old_amount=D("1000.00")).count() == len(cells[::2])
        assert trail.filter(old_amount=None).count() == len(cells) - len(cells[::2])
        versions = Allocation.objects.filter(priority_area__agreement=agr).values_list(
            "version", flat=True
        )
        assert sorted(set(versions)) == [1, 2]
    assert counts[0] == counts[1] <= 20, counts


def test_a_batch_of_new_cells_in_a_decided_year_writes_one_amendment_row_per_cell():
    """Only new cells (no old amount in the batch) after the decision: each cell its own
    audit row, written in one statement, with who, why, when and what it held before."""
    agr, cells, user = _block(4, 3)
    agr.status = Agreement.Status.DECIDED
    agr.save(update_fields=["status"])
    empty = cells[1::2]
    for area, _ in empty:
        area.agreement = agr
    changes = [CellChange(a, r, D("1234.56"), 0) for a, r in empty]
    with CaptureQueriesContext(connection) as queries:
        allocations_set_many(changes=changes, user=user, reason="Omfördelning efter beslut")
    inserts = [q["sql"] for q in queries.captured_queries if "allocationchange" in q["sql"]]
    assert len(inserts) == 1
    trail = AllocationChange.objects.filter(allocation__priority_area__agreement=agr)
    rows = list(
        trail.values_list(
            "allocation__recipient_id",
            "allocation__priority_area_id",
            "old_amount",
            "new_amount",
            "changed_by",
            "reason",
            "is_amendment",
            "source",
        )
    )
    assert sorted(rows) == sorted(
        (r.pk, a.pk, None, D("1234.56"), user.pk, "Omfördelning efter beslut", True, "")
        for a, r in empty
    )
    assert len(set(trail.values_list("changed_at", flat=True))) == 1
    assert Allocation.objects.filter(priority_area__agreement=agr, version=1).count() == len(cells)


def test_one_stale_cell_refuses_the_whole_pasted_block(client):
    agr, cells, user = _block(10, 5)
    client.force_login(user)
    area, rec = cells[0]  # holds 1 000 kr at version 1
    Allocation.objects.filter(priority_area=area, recipient=rec).update(
        amount=D("7000.00"), version=2
    )
    stored = {
        (a.priority_area_id, a.recipient_id): a.version
        for a in Allocation.objects.filter(priority_area__agreement=agr)
    }
    rows = [
        [
            f"{a.pk}-{r.pk}",
            "2 500",
            "1" if (a, r) == (area, rec) else str(stored.get((a.pk, r.pk), 0)),
        ]
        for a, r in cells
    ]
    response = client.post(matrix_url(agr), {"celler": json.dumps(rows)})
    assert response.status_code == 422
    body = response.content.decode().replace("\xa0", " ")
    assert "Någon annan har ändrat beloppet till 7 000 kr medan du redigerade." in body
    assert "Inget sparades." in body
    assert not AllocationChange.objects.filter(allocation__priority_area__agreement=agr).exists()
    assert Allocation.objects.filter(priority_area__agreement=agr).count() == len(cells[::2])


@pytest.mark.django_db(transaction=True)
def test_two_batches_over_the_same_cells_on_two_connections_cannot_both_win():
    """Two threads (two connections) save overlapping blocks from the same versions, one
    of them creating cells: the ordered lock serialises them, one saves, the other is
    refused whole, and nobody deadlocks."""
    agr, cells, user = _block(6, 3)
    areas = {a.pk: a for a, _ in cells}
    for area in areas.values():
        area.agreement = agr
    barrier = threading.Barrier(2)
    outcomes = []

    def batch(amount, block):
        try:
            changes = [CellChange(a, r, D(amount), 1 if i % 2 == 0 else 0) for i, (a, r) in block]
            barrier.wait()
            allocations_set_many(changes=changes, user=user)
            outcomes.append("saved")
        except CellRefused as refused:
            assert isinstance(refused.error, AllocationConflict)
            outcomes.append("refused")
        finally:
            connection.close()

    numbered = list(enumerate(cells))
    threads = [
        threading.Thread(target=batch, args=("200", numbered)),
        threading.Thread(target=batch, args=("300", numbered[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert len(set(Allocation.objects.values_list("amount", flat=True))) == 1
    assert AllocationChange.objects.count() == len(cells)


def test_a_cell_s_markup_is_at_most_200_bytes(client):
    """300 × 8 cells, every one filled with a seven-figure amount and its version: the page
    minus the same page with no rows, per cell, rows and their headings included."""
    agr, cells, user = _block(300, 8)
    Allocation.objects.filter(priority_area__agreement=agr).delete()
    Allocation.objects.bulk_create(
        Allocation(priority_area=a, recipient=r, amount=D("1234567.00"), version=12)
        for a, r in cells
    )
    client.force_login(user)
    page = client.get(matrix_url(agr)).content
    body = page.decode()
    assert body.count('name="amount-') == len(cells) and 'value="1 234 567"' in body
    assert 'value="12"' in body
    empty = client.get(matrix_url(agr) + "?typ=other").content  # no recipient of that kind
    per_cell = (len(page) - len(empty)) / len(cells)
    assert 100 < per_cell <= 200, per_cell
    # Compressed when the browser asks for it.
    zipped = client.get(matrix_url(agr), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) < len(page) / 10
