"""The coordinator's status board: states, deadline, overdue, filters, constant queries."""

import datetime

import pytest
from django.urls import reverse

from funds.models import Agreement, FollowUp, Recipient
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    org = f.organisation()
    agr = f.agreement(
        org,
        2024,
        status=Agreement.Status.FOLLOW_UP,
        follow_up_deadline=datetime.date(2025, 2, 15),
    )
    suicid = f.area(agr, name="Suicidprevention")
    samsjuk = f.area(agr, name="Samsjuklighet")
    bromma = f.recipient(org, name="Bromma")
    kultur = f.recipient(org, name="Kulturförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    mansjouren = f.recipient(
        org, name="Mansjouren", kind=Recipient.Kind.ASSOCIATION, organisation_number=""
    )
    f.allocation(suicid, bromma, "100000.00")  # not started
    f.follow_up(f.allocation(samsjuk, bromma, "50000.00"), None)  # draft
    f.follow_up(f.allocation(suicid, kultur, "70000.00"), "70000.00", status="submitted")
    f.follow_up(f.allocation(suicid, mansjouren, "30000.00"), "25000.00", status="approved")
    f.follow_up(f.allocation(samsjuk, kultur, "10000.00"), "1.00", status="returned")
    return agr, suicid, samsjuk


def board_url(agr, **params):
    url = reverse("followup_board", args=[agr.organisation.code, agr.year])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_shows_every_state(client, year):
    agr, _, _ = year
    client.force_login(f.user(agr.organisation, "coordinator"))
    body = client.get(board_url(agr)).content.decode()
    for label in ("Ej påbörjad", "Utkast", "Inskickad", "Återsänd", "Godkänd"):
        assert f"{label}: <strong>1</strong>" in body
    assert "2025-02-15" in body
    assert "5\u00a0000\u00a0kr" in body  # Mansjouren's unspent, computed


def test_overdue_is_flagged_after_the_deadline(client, year, monkeypatch):
    agr, _, _ = year
    client.force_login(f.user(agr.organisation, "coordinator"))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2025, 2, 15))
    assert "Försenad" not in client.get(board_url(agr)).content.decode()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2025, 2, 16))
    body = client.get(board_url(agr)).content.decode()
    # Not started, draft and returned are late; submitted and approved are not.
    assert body.count('<span class="badge">Försenad</span>') == 3
    assert "Försenade: 3" in body


def test_it_filters_by_recipient_kind_and_area(client, year):
    agr, suicid, samsjuk = year
    client.force_login(f.user(agr.organisation, "reader"))
    # Recipient names carry soft hyphens (funds/templatetags/words.py); read them without.
    body = client.get(board_url(agr, kind="department")).content.decode().replace("\u00ad", "")
    assert "Kulturförvaltningen" in body and "Bromma" not in body and "Mansjouren" not in body
    body = client.get(board_url(agr, area=samsjuk.pk)).content.decode()
    assert "2 fördelningar" in body and "Mansjouren" not in body
    body = client.get(board_url(agr, kind="district", area=suicid.pk)).content.decode()
    assert "1 fördelningar" in body
    # A bad filter value shows everything rather than failing.
    assert "5 fördelningar" in client.get(board_url(agr, area="x")).content.decode()


def test_htmx_gets_only_the_board(client, year):
    agr, _, _ = year
    client.force_login(f.user(agr.organisation, "coordinator"))
    body = client.get(board_url(agr, kind="association"), HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="board"') and "<html" not in body
    assert "Mansjouren" in body and "Bromma" not in body


def test_the_coordinator_sets_the_deadline(client, year):
    agr, _, _ = year
    url = reverse("followup_deadline", args=[agr.organisation.code, agr.year])
    client.force_login(f.user(agr.organisation, "coordinator"))
    assert client.post(url, {"deadline": "2025-03-01"}).status_code == 302
    agr.refresh_from_db()
    assert agr.follow_up_deadline == datetime.date(2025, 3, 1)
    client.post(url, {"deadline": "2023-12-31"})  # before the year: refused
    client.post(url, {"deadline": "igår"})
    agr.refresh_from_db()
    assert agr.follow_up_deadline == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("count", [5, 40])
def test_it_uses_a_constant_number_of_queries(client, django_assert_num_queries, count):
    org = f.organisation()
    agr = f.agreement(org, 2024, status="follow_up")
    areas = [f.area(agr) for _ in range(3)]
    for i in range(count):
        rec = f.recipient(org, kind=list(Recipient.Kind.values)[i % 3])
        alloc = f.allocation(areas[i % 3], rec, "1000.00")
        if i % 2:
            f.follow_up(alloc, "900.00", status=list(FollowUp.Status.values)[i % 4])
    client.force_login(f.user(org))
    # session, user, agreement with role, areas, allocations with recipients and follow-ups
    with django_assert_num_queries(5):
        response = client.get(board_url(agr, kind="district"))
    assert response.status_code == 200
