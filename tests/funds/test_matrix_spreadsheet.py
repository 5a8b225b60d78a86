"""The matrix as a spreadsheet, on the server: saving many cells at once (all or nothing),
undo, the decided year's reason and its length limit, comments, sorting and filtering, the
national areas in the header, and query counts that do not grow with the matrix."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.test import Client
from django.urls import reverse

from funds.allocation.workflows import REASON_MAX_LENGTH, allocation_set
from funds.models import Agreement, Allocation, AllocationChange, NationalAgreement, Recipient
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


def url(agr, name, *args):
    return reverse(name, args=[agr.organisation.code, agr.year, *args])


def cells(*entries):
    """Form data for cells: (area, recipient, typed, version) each."""
    data = {}
    for area, rec, typed, version in entries:
        data[f"amount-{area.pk}-{rec.pk}"] = typed
        data[f"version-{area.pk}-{rec.pk}"] = str(version)
    return data


def amounts(agr):
    return {
        (a.priority_area_id, a.recipient_id): a.amount
        for a in Allocation.objects.filter(priority_area__agreement=agr)
    }


# --- Many cells at once ----------------------------------------------------------------


def test_a_batch_saves_every_cell_each_as_an_audited_change(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    data = cells(
        (areas[0], bromma, "650 000", 1),
        (areas[1], bromma, "100 tkr", 0),
        (areas[1], kultur, "0,2 mnkr", 0),
    )
    response = client.post(url(agr, "allocation_matrix") + "?ordning=summa", data)
    assert response.status_code == 302 and response["Location"].endswith("?ordning=summa")
    assert amounts(agr) == {
        (areas[0].pk, bromma.pk): D("650000"),
        (areas[0].pk, kultur.pk): D("400000"),
        (areas[1].pk, bromma.pk): D("100000"),
        (areas[1].pk, kultur.pk): D("200000"),
    }
    assert AllocationChange.objects.count() == 3
    assert set(AllocationChange.objects.values_list("changed_by", flat=True)) == {coordinator.pk}
    assert "3 belopp sparades." in client.get(url(agr, "allocation_matrix")).content.decode()


def test_a_batch_with_one_bad_value_saves_nothing_and_names_the_cell(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    before = amounts(agr)
    data = cells(
        (areas[0], bromma, "650 000", 1),
        (areas[1], kultur, "1.500.000", 0),
        (areas[1], bromma, "100", 0),
    )
    response = client.post(url(agr, "allocation_matrix"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Inget sparades. Kulturförvaltningen × 2. Område 2: Punkt är tvetydigt" in body
    # Every typed value stays on the page to correct; only the bad one is marked.
    assert 'value="650 000" data-saved="600 000"' in body and 'value="1.500.000"' in body
    assert body.count('aria-invalid="true"') == 1
    assert amounts(agr) == before and not AllocationChange.objects.exists()


def test_a_batch_is_rolled_back_when_a_later_cell_conflicts(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    # Someone else saved Kulturförvaltningen's cell after the page was loaded (version 1).
    allocation_set(
        area=areas[0], recipient=kultur, amount=D("1"), expected_version=1, user=coordinator
    )
    before = amounts(agr)
    changes = AllocationChange.objects.count()
    data = cells(
        (areas[1], bromma, "100", 0),  # saved first inside the transaction…
        (areas[0], kultur, "450 000", 1),  # …then this one conflicts
    )
    response = client.post(url(agr, "allocation_matrix"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Inget sparades. Kulturförvaltningen × 1. Suicidprevention: Någon annan" in body
    assert amounts(agr) == before and AllocationChange.objects.count() == changes
    assert not Allocation.objects.filter(priority_area=areas[1]).exists()


def test_a_batch_refuses_a_cell_outside_the_matrix(client, year):
    agr, areas, bromma, _, coordinator = year
    stranger = f.recipient(f.organisation())
    client.force_login(coordinator)
    data = cells((areas[0], bromma, "1", 1), (areas[0], stranger, "1", 0))
    response = client.post(url(agr, "allocation_matrix"), data)
    assert response.status_code == 302
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")
    assert "En cell finns inte i tabellen" in client.get(response["Location"]).content.decode()
    bad = client.post(url(agr, "allocation_matrix"), {"amount-x-1": "1"})
    assert bad.status_code == 302 and not AllocationChange.objects.exists()


# --- Undo --------------------------------------------------------------------------------


def test_undo_puts_back_the_last_batch_as_new_audited_changes(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    before = amounts(agr)
    client.post(
        url(agr, "allocation_matrix"),
        cells((areas[0], bromma, "1", 1), (areas[1], kultur, "2", 0)),
    )
    assert 'id="undo-button"' in client.get(url(agr, "allocation_matrix")).content.decode()
    response = client.post(url(agr, "allocation_undo"))
    assert response.status_code == 302
    after = amounts(agr)
    assert after[areas[0].pk, bromma.pk] == before[areas[0].pk, bromma.pk]
    assert after[areas[1].pk, kultur.pk] == D("0")  # money is never deleted: back to 0 kr
    undone = AllocationChange.objects.order_by("-pk")[:2]
    assert [c.reason for c in undone] == ["Ångrar föregående ändring"] * 2
    assert AllocationChange.objects.count() == 4
    body = client.get(url(agr, "allocation_matrix")).content.decode()
    assert "Ångrade ändringen av 2 celler." in body and 'id="undo-button"' not in body
    # Nothing left to undo.
    client.post(url(agr, "allocation_undo"))
    assert AllocationChange.objects.count() == 4


def test_undo_of_a_single_cell_save(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    key = f"{areas[0].pk}-{bromma.pk}"
    answer = client.post(
        url(agr, "allocation_cell", areas[0].pk, bromma.pk),
        {f"amount-{key}": "700 000", f"version-{key}": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="undo-button"' in answer.content.decode()  # shown at once, out of band
    client.post(url(agr, "allocation_undo"))
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("600000")


def test_undo_is_refused_when_someone_changed_the_cell_since(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    client.post(url(agr, "allocation_matrix"), cells((areas[0], bromma, "700 000", 1)))
    allocation_set(
        area=areas[0], recipient=bromma, amount=D("800000"), expected_version=2, user=None
    )
    changes = AllocationChange.objects.count()
    response = client.post(url(agr, "allocation_undo"), follow=True)
    body = response.content.decode()
    assert "Ångra gick inte: Bromma stadsdelsförvaltning × 1. Suicidprevention har ändrats" in body
    assert "Inget ändrades." in body
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("800000")
    assert AllocationChange.objects.count() == changes


def test_undo_is_per_session(client, year):
    agr, areas, bromma, _, coordinator = year
    client.force_login(coordinator)
    client.post(url(agr, "allocation_matrix"), cells((areas[0], bromma, "700 000", 1)))
    other = Client()
    other.force_login(coordinator)
    other.post(url(agr, "allocation_undo"))
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).amount == D("700000")


# --- The decided year's reason -----------------------------------------------------------


def test_the_reason_is_given_once_per_session_and_used_for_every_save(client, year):
    agr, areas, bromma, kultur, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="decided")
    client.force_login(coordinator)
    refused = client.post(url(agr, "allocation_matrix"), cells((areas[0], bromma, "1", 1)))
    assert refused.status_code == 422 and "ange ett skäl" in refused.content.decode()
    client.post(url(agr, "allocation_reason"), {"reason": "Omfördelning efter dialog"})
    assert (
        'value="Omfördelning efter dialog"'
        in client.get(url(agr, "allocation_matrix")).content.decode()
    )
    client.post(url(agr, "allocation_matrix"), cells((areas[0], bromma, "1", 1)))
    client.post(url(agr, "allocation_matrix"), cells((areas[0], kultur, "2", 1)))
    assert (
        list(AllocationChange.objects.values_list("reason", "is_amendment"))
        == [("Omfördelning efter dialog", True)] * 2
    )
    # A new session starts without it.
    later = Client()
    later.force_login(coordinator)
    later.post(url(agr, "allocation_matrix"), cells((areas[1], bromma, "3", 0)))
    assert AllocationChange.objects.count() == 2
    # An empty reason clears it.
    client.post(url(agr, "allocation_reason"), {"reason": " "})
    client.post(url(agr, "allocation_matrix"), cells((areas[1], bromma, "3", 0)))
    assert AllocationChange.objects.count() == 2


def test_a_too_long_reason_is_refused_in_swedish_and_nothing_is_saved(client, year):
    agr, areas, bromma, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="decided")
    client.force_login(coordinator)
    too_long = "x" * (REASON_MAX_LENGTH + 1)
    answer = client.post(
        url(agr, "allocation_reason"), {"reason": too_long}, HTTP_HX_REQUEST="true"
    )
    assert "Skälet får vara högst 500 tecken (nu 501)." in answer.content.decode()
    assert "HX-Trigger" not in answer
    response = client.post(url(agr, "allocation_reason"), {"reason": too_long}, follow=True)
    assert "Skälet sparades inte: Skälet får vara högst 500 tecken" in response.content.decode()
    assert not client.session.get(f"matrix-reason-{agr.pk}")
    client.post(url(agr, "allocation_matrix"), cells((areas[0], bromma, "1", 1)))
    assert not AllocationChange.objects.exists()


def test_the_workflow_and_the_database_refuse_a_too_long_reason(year):
    agr, areas, bromma, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="decided")
    areas[0].agreement.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        allocation_set(
            area=areas[0],
            recipient=bromma,
            amount=D("1"),
            expected_version=1,
            user=coordinator,
            reason="x" * 501,
        )
    assert refused.value.code == "reason_too_long"
    assert refused.value.messages == ["Skälet får vara högst 500 tecken (nu 501)."]
    allocation = Allocation.objects.get(priority_area=areas[0], recipient=bromma)
    assert allocation.amount == D("600000") and allocation.version == 1
    with pytest.raises(DataError), transaction.atomic():
        AllocationChange.objects.create(
            allocation=allocation, new_amount=D("1"), reason="x" * 501, is_amendment=True
        )
    assert not AllocationChange.objects.exists()


# --- Comments ----------------------------------------------------------------------------


def test_a_comment_is_saved_shown_and_bounded(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    comment_url = url(agr, "allocation_comment", areas[0].pk, bromma.pk)
    assert client.get(comment_url).status_code == 200
    answer = client.post(comment_url, {"comment": "Två tjänster"}, HTTP_HX_REQUEST="true")
    assert 'title="Två tjänster"' in answer.content.decode()
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).comment == (
        "Två tjänster"
    )
    body = client.get(url(agr, "allocation_matrix")).content.decode()
    assert f'aria-describedby="comment-{areas[0].pk}-{bromma.pk}"' in body
    assert "Kommentar: Två tjänster" in body
    # An empty cell gets an allocation of 0 kr to hold its comment; versions are untouched.
    client.post(url(agr, "allocation_comment", areas[1].pk, kultur.pk), {"comment": "Ansökt"})
    empty = Allocation.objects.get(priority_area=areas[1], recipient=kultur)
    assert (empty.amount, empty.comment, empty.version) == (D("0"), "Ansökt", 1)
    too_long = client.post(comment_url, {"comment": "x" * 2001}, HTTP_HX_REQUEST="true")
    assert too_long.status_code == 422
    assert "Kommentaren får vara högst 2000 tecken" in too_long.content.decode()
    assert not AllocationChange.objects.exists()


def test_comments_check_access(client, year):
    agr, areas, bromma, _, _ = year
    comment_url = url(agr, "allocation_comment", areas[0].pk, bromma.pk)
    client.force_login(f.user(agr.organisation, "reader"))
    assert client.post(comment_url, {"comment": "x"}).status_code == 403
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.post(comment_url, {"comment": "x"}).status_code == 404
    assert Allocation.objects.get(priority_area=areas[0], recipient=bromma).comment == ""


# --- Sorting, filtering, the header ------------------------------------------------------


def test_rows_sort_by_total_and_filter_by_kind(client, year):
    agr, areas, bromma, kultur, coordinator = year
    small = f.recipient(agr.organisation, name="Alby stadsdelsförvaltning")
    f.allocation(areas[1], small, "1.00")
    client.force_login(coordinator)
    by_name = client.get(url(agr, "allocation_matrix")).content.decode()
    assert by_name.index("Alby") < by_name.index("Bromma")
    by_total = client.get(url(agr, "allocation_matrix") + "?ordning=summa").content.decode()
    assert by_total.index("Bromma") < by_total.index("Alby")
    districts = client.get(url(agr, "allocation_matrix") + "?typ=district").content.decode()
    assert "Bromma" in districts and f"amount-{areas[0].pk}-{kultur.pk}" not in districts
    assert "bara stadsdelsförvaltningar" in districts
    # The footer still counts every recipient.
    assert f'id="coltotal-{areas[0].pk}" class="num">1\u00a0000\u00a0000\u00a0kr' in districts
    ignored = client.get(url(agr, "allocation_matrix") + "?typ=okänd&ordning=x")
    # Recipient names carry soft hyphens (funds/templatetags/words.py); read them without.
    text = ignored.content.decode().replace("\u00ad", "")
    assert ignored.status_code == 200 and "Kulturförvaltningen" in text


def test_the_header_names_each_area_s_national_area(client, year):
    agr, areas, _, _, coordinator = year
    national_area = NationalAgreement.objects.get(year=2024).areas.order_by("number").first()
    areas[0].national_area = national_area
    areas[0].own_priority_reason = ""  # the test factory's default: one or the other
    areas[0].save()
    areas[1].own_priority_reason = "Lokalt behov"
    areas[1].save()
    client.force_login(coordinator)
    body = client.get(url(agr, "allocation_matrix")).content.decode()
    assert f"Nationellt område {national_area.number}: {national_area.short_name}" in body
    assert "Egen prioritering" in body


# --- Work that does not grow with the matrix ---------------------------------------------


def _organisation_of_size(recipients: int, areas: int):
    org = f.organisation()
    agr = f.agreement(org, 2024)
    area_rows = [f.area(agr) for _ in range(areas)]
    kinds = list(Recipient.Kind.values)
    recipient_rows = [f.recipient(org, kind=kinds[i % 4]) for i in range(recipients)]
    Allocation.objects.bulk_create(
        Allocation(priority_area=a, recipient=r, amount=D("1000.00"))
        for a in area_rows
        for r in recipient_rows
    )
    return agr, area_rows, recipient_rows, f.user(org)


@pytest.mark.parametrize("size", [(4, 2), (40, 6)])
def test_page_and_cell_save_use_a_constant_number_of_queries(
    client, django_assert_num_queries, size
):
    agr, area_rows, recipient_rows, user = _organisation_of_size(*size)
    client.force_login(user)
    # session, user, agreement with role, areas, sums per kind and area, recipients,
    # allocations
    with django_assert_num_queries(7):
        assert client.get(url(agr, "allocation_matrix")).status_code == 200
    area, rec = area_rows[0], recipient_rows[0]
    key = f"{area.pk}-{rec.pk}"
    # session, user, agreement, area, recipient; in the save's transaction the lock, the
    # update and the audit row; the column's sums and the row's sum; the session saved (the
    # undo record) in its own transaction. The same at both sizes.
    with django_assert_num_queries(15):
        response = client.post(
            url(agr, "allocation_cell", area.pk, rec.pk),
            {f"amount-{key}": "2 000", f"version-{key}": "1"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200 and b"hx-swap-oob" in response.content
    # The agreement-wide totals the page asks for next: one aggregate.
    with django_assert_num_queries(5):
        client.get(url(agr, "allocation_matrix") + "?del=summor", HTTP_HX_REQUEST="true")


def test_the_script_posts_only_the_changed_cells_as_one_field(client, year):
    agr, areas, bromma, kultur, coordinator = year
    client.force_login(coordinator)
    changed = [
        [f"{areas[0].pk}-{bromma.pk}", "650 000", "1"],
        [f"{areas[1].pk}-{kultur.pk}", "2,5 mnkr", "0"],
    ]
    response = client.post(url(agr, "allocation_matrix"), {"celler": json.dumps(changed)})
    assert response.status_code == 302
    assert amounts(agr)[areas[1].pk, kultur.pk] == D("2500000")
    assert AllocationChange.objects.count() == 2
    for malformed in ["{", "[1, 2]", '{"a": 1}', '[["1-2", "3"]]', '[["x-y", "1", "0"]]']:
        response = client.post(url(agr, "allocation_matrix"), {"celler": malformed}, follow=True)
        assert "Formuläret var ofullständigt" in response.content.decode(), malformed
    assert AllocationChange.objects.count() == 2
