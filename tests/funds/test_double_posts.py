"""Double-clicked "Spara" on the forms that create: a new recipient and a new IOP. Two
requests over two real database connections, 20 rounds: one row, never a 500."""

from __future__ import annotations

import pytest

from funds.models import Partnership, Recipient
from tests import factories as f
from tests.calls.test_races import ROUNDS, _logged_in, _together

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_clicked_new_recipient_makes_one_and_answers_in_swedish():
    org = f.organisation()
    coordinator = f.user(org, "coordinator")
    one, two = _logged_in(coordinator), _logged_in(coordinator)
    for round_ in range(ROUNDS):
        data = {"name": f"Stadsdelsförvaltning {round_}", "kind": Recipient.Kind.DISTRICT}
        url = f"/{org.code}/mottagare/ny/"
        first, second = _together(lambda: one.post(url, data), lambda: two.post(url, data))

        codes = sorted([first.status_code, second.status_code])
        assert codes in ([302, 302], [302, 422]), (round_, codes)
        for response in (first, second):
            if response.status_code == 422:
                assert "Det finns redan en mottagare som heter" in response.content.decode()
        assert Recipient.objects.filter(organisation=org, name=data["name"]).count() == 1


def test_a_double_clicked_new_partnership_makes_one():
    org = f.organisation()
    coordinator = f.user(org, "coordinator")
    association = f.recipient(org, name="Föreningen Fyren", kind=Recipient.Kind.ASSOCIATION)
    one, two = _logged_in(coordinator), _logged_in(coordinator)
    for round_ in range(ROUNDS):
        data = {
            "recipient": association.pk,
            "area_description": f"Stödsamtal {round_}",
            "first_year": 2025,
            "last_year": 2027,
            "yearly_amount": "250 000",
        }
        url = f"/{org.code}/iop/nytt/"
        first, second = _together(lambda: one.post(url, data), lambda: two.post(url, data))

        assert first.status_code == second.status_code == 302, (round_, first, second)
        same = Partnership.objects.filter(
            organisation=org, area_description=data["area_description"]
        )
        assert same.count() == 1, round_


def test_the_same_partnership_entered_again_says_so_and_saves_nothing(client):
    org = f.organisation()
    client.force_login(f.user(org, "coordinator"))
    association = f.recipient(org, name="Föreningen Fyren", kind=Recipient.Kind.ASSOCIATION)
    data = {
        "recipient": association.pk,
        "area_description": "Stödsamtal",
        "first_year": 2025,
        "last_year": 2027,
        "yearly_amount": "250 000",
    }
    client.post(f"/{org.code}/iop/nytt/", data)
    page = client.post(f"/{org.code}/iop/nytt/", data, follow=True).content.decode()

    assert "Partnerskapet med Föreningen Fyren fanns redan. Inget nytt sparades." in page
    assert Partnership.objects.filter(organisation=org).count() == 1
    # Other years with the same association are a partnership of their own.
    client.post(f"/{org.code}/iop/nytt/", {**data, "first_year": 2028, "last_year": 2029})
    assert Partnership.objects.filter(organisation=org).count() == 2
