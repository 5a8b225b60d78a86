from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    org = f.organisation(name="Stockholms stad")
    agr = f.agreement(org, 2023, registry_number="SOF 2023/567")
    f.area(agr, "18463210.00", name="Utvecklingsarbete")
    f.area(agr, "26736790.00", name="Övrigt")
    return agr


def url(agr):
    return reverse("year_overview", args=[agr.organisation.code, agr.year])


@pytest.mark.smoke
def test_it_works(client, year):
    client.force_login(f.user(year.organisation, "reader"))
    response = client.get(url(year))
    assert response.status_code == 200
    body = response.content.decode()
    assert "45,2\u00a0mnkr" in body
    assert "1. Utvecklingsarbete" in body
    assert "18\u00a0463\u00a0210\u00a0kr" in body
    assert "Dnr SOF 2023/567" in body
    assert '<html lang="sv">' in body
    assert '<th scope="col" class="num">Tilldelat</th>' in body


@pytest.mark.smoke
def test_it_sends_anonymous_visitors_to_login(client, year):
    response = client.get(url(year))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_checks_ownership(client, year):
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(url(year)).status_code == 404


def test_it_answers_404_for_a_year_without_agreement(client, year):
    client.force_login(f.user(year.organisation))
    assert (
        client.get(reverse("year_overview", args=[year.organisation.code, 2031])).status_code == 404
    )


def test_a_user_without_membership_sees_nothing(client, year):
    client.force_login(f.user())
    assert client.get(url(year)).status_code == 404
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Ingen överenskommelse" in response.content.decode()


def test_home_takes_a_member_to_the_latest_year(client, year):
    f.agreement(year.organisation, 2024)
    client.force_login(f.user(year.organisation))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("year_overview", args=[year.organisation.code, 2024])


def test_it_flags_an_over_allocated_area(client, year):
    area = year.priority_areas.first()
    f.allocation(area, f.recipient(year.organisation), area.granted + Decimal("0.01"))
    client.force_login(f.user(year.organisation))
    body = client.get(url(year)).content.decode()
    assert "Överfördelat" in body


@pytest.mark.parametrize("areas", [2, 30])
def test_it_uses_a_constant_number_of_queries(client, django_assert_num_queries, areas):
    org = f.organisation()
    agr = f.agreement(org)
    for _ in range(areas):
        pa = f.area(agr)
        f.allocation(pa, f.recipient(org), "1.00")
    client.force_login(f.user(org))
    # session, user, agreement (with its organisation check), years, balance, areas with
    # their national areas (own priorities here, so no fundings to prefetch), calls'
    # reservations, and the follow-up progress (one aggregate)
    with django_assert_num_queries(8):
        assert client.get(url(agr)).status_code == 200


def test_it_sets_a_content_security_policy_with_a_nonce(client, year):
    client.force_login(f.user(year.organisation))
    response = client.get(url(year))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_a_reporter_is_taken_to_their_follow_ups_and_kept_from_the_overview(client, year):
    rec = f.recipient(year.organisation)
    client.force_login(f.user(year.organisation, "reporter", recipient=rec))
    response = client.get(reverse("home"))
    assert response.url == reverse("followup_list", args=[year.organisation.code, year.year])
    assert client.get(url(year)).status_code == 403


def test_pages_link_to_every_part_of_the_year(client, year):
    client.force_login(f.user(year.organisation, "coordinator"))
    body = client.get(url(year)).content.decode()
    for name in [
        "allocation_matrix",
        "followup_board",
        "followup_list",
        "repayments",
        "decision_preview",
    ]:
        assert reverse(name, args=[year.organisation.code, year.year]) in body, name


def test_errors_are_in_swedish(client, year):
    client.force_login(f.user(year.organisation, "reader"))
    response = client.get("/finns-inte/alls/")
    assert response.status_code == 404 and "Sidan finns inte" in response.content.decode()
