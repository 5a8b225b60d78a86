"""Recording repayments: from a recipient for its allocation, to the state per area; never
more than is owed, never deleted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

import funds.urls
from funds.balance import agreement_balance
from funds.models import Agreement, Repayment
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def year():
    org = f.organisation()
    agr = f.agreement(org, 2024, status=Agreement.Status.FOLLOW_UP)
    area = f.area(agr, "1000000.00", name="Suicidprevention")
    farsta = f.recipient(org, name="Farsta")
    bromma = f.recipient(org, name="Bromma")
    f.follow_up(f.allocation(area, farsta, "600000.00"), "550000.00", status="approved")
    f.follow_up(f.allocation(area, bromma, "399999.99"), "399999.99", status="approved")
    # 0,01 kr is unallocated.
    coordinator = f.user(org, "coordinator")
    return agr, area, farsta, bromma, coordinator


def post(client, agr, **data):
    url = reverse("repayments", args=[agr.organisation.code, agr.year])
    defaults = {"paid_on": "2025-01-31", "reference": "Faktura 12"}
    return client.post(url, {**defaults, **data})


def test_the_books_balance_after_recording_what_is_owed(client, year):
    agr, area, farsta, _, coordinator = year
    client.force_login(coordinator)
    response = post(
        client, agr, kind="from_recipient", area=area.pk, recipient=farsta.pk, amount="50 000"
    )
    assert response.status_code == 302
    response = post(client, agr, kind="to_state", area=area.pk, amount="50 000,01")
    assert response.status_code == 302
    repayment = Repayment.objects.get(kind="to_state")
    assert repayment.recorded_by == coordinator and repayment.recorded_at is not None
    assert repayment.paid_on == datetime.date(2025, 1, 31)
    line = agreement_balance(agr).lines[0]
    assert line.reconciles and line.repaid_to_state == D("50000.01")
    body = client.get(reverse("repayments", args=[agr.organisation.code, 2024])).content
    assert "Går ihop" in body.decode() and "Faktura 12" in body.decode()


def test_more_than_owed_is_refused(client, year):
    agr, area, farsta, bromma, coordinator = year
    client.force_login(coordinator)
    response = post(
        client, agr, kind="from_recipient", area=area.pk, recipient=farsta.pk, amount="50 000,01"
    )
    assert response.status_code == 422
    assert "Farsta har 50\u00a0000\u00a0kr kvar att betala tillbaka" in response.content.decode()
    response = post(
        client, agr, kind="from_recipient", area=area.pk, recipient=bromma.pk, amount="1"
    )
    assert response.status_code == 422
    response = post(client, agr, kind="to_state", area=area.pk, amount="0,02")
    assert response.status_code == 422
    assert not Repayment.objects.exists()


def test_the_form_refuses_bad_input(client, year):
    agr, area, farsta, _, coordinator = year
    client.force_login(coordinator)
    cases = [
        {"kind": "from_recipient", "area": area.pk, "amount": "1"},  # no recipient
        {"kind": "to_state", "area": area.pk, "recipient": farsta.pk, "amount": "0,01"},
        {"kind": "to_state", "area": area.pk, "amount": "-1"},
        {"kind": "to_state", "area": area.pk, "amount": "0"},
        {"kind": "to_state", "area": 999999, "amount": "0,01"},
        {"kind": "to_state", "area": area.pk, "amount": "0,01", "paid_on": "igår"},
    ]
    for data in cases:
        assert post(client, agr, **data).status_code == 422, data
    assert not Repayment.objects.exists()


def test_a_recipient_without_an_allocation_in_the_area_cannot_repay(client, year):
    agr, area, farsta, _, coordinator = year
    other_area = f.area(agr, "10.00", name="Annat")
    client.force_login(coordinator)
    response = post(
        client, agr, kind="from_recipient", area=other_area.pk, recipient=farsta.pk, amount="1"
    )
    assert response.status_code == 422
    assert "ingen fördelning inom Annat" in response.content.decode()


def test_a_closed_year_takes_no_repayments(client, year):
    agr, area, _, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.CLOSED)
    client.force_login(coordinator)
    assert post(client, agr, kind="to_state", area=area.pk, amount="0,01").status_code == 422
    assert not Repayment.objects.exists()


def test_repayments_are_protected(year):
    from django.db.models import ProtectedError

    agr, area, farsta, _, _ = year
    f.repayment(area, "1.00", farsta)
    with pytest.raises(ProtectedError):
        area.delete()
    # And no page deletes one: corrections are new rows, the money stays on record.
    names = [p.name for p in _routes(funds.urls.urlpatterns) if "aterbetal" in str(p.pattern)]
    assert names == ["repayments"]


def _routes(patterns):
    """Every route, those of included url lists too."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns)
        else:
            yield pattern


def test_every_money_table_has_a_total_row(client, year):
    """The balance table sums to the year's total; the list of repayments sums per kind."""
    agr, area, farsta, bromma, coordinator = year
    second = f.area(agr, "200000.00", name="Samsjuklighet")
    f.follow_up(f.allocation(second, bromma, "200000.00"), "162345.67", status="approved")
    f.repayment(area, "50000.00", farsta)
    f.repayment(second, "37654.33", bromma)
    f.repayment(area, "0.01")
    client.force_login(coordinator)
    body = client.get(reverse("repayments", args=[agr.organisation.code, 2024])).content.decode()
    foot = body.split("<tfoot>")
    assert len(foot) == 3  # the balance table and the list of repayments
    balance_total = foot[1].split("</tfoot>")[0]
    for amount in (
        "1\u00a0199\u00a0999,99\u00a0kr",
        "1\u00a0112\u00a0345,66\u00a0kr",
        "87\u00a0654,33",
    ):
        assert amount in balance_total, amount
    listed_total = foot[2].split("</tfoot>")[0]
    assert (
        "Summa återbetalt av mottagare" in listed_total and "87\u00a0654,33\u00a0kr" in listed_total
    )
    assert "Summa återbetalt till staten" in listed_total and "0,01\u00a0kr" in listed_total


def test_the_overview_shows_small_repayments_in_kronor(client, year):
    agr, area, *_, coordinator = year
    f.repayment(area, "37654.33")
    client.force_login(coordinator)
    body = client.get(reverse("year_overview", args=[agr.organisation.code, 2024])).content.decode()
    assert "<dt>Återbetalt till staten</dt><dd>37\u00a0654,33\u00a0kr</dd>" in body
    assert "0,0\u00a0mnkr" not in body
    assert "<dt>Tilldelat</dt><dd>1,0\u00a0mnkr</dd>" in body
