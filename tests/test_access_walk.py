"""Walks the whole URL configuration: no page shows or changes an organisation's data to an
anonymous visitor or to a user of another organisation.

A new view is covered the day it is added. If its URL takes a parameter this test does not
know, the test fails and asks for a sample value, so nobody can forget it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from funds.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

# Pages that are meant for everyone (they show no organisation's data).
PUBLIC = {
    # The load balancer's health check says only whether the database answers
    # (tests/config/test_health.py).
    "health",
    "login",
    "logout",
    "home",
    # Sign-in: the single sign-on start and callback (a redirect to the identity provider, or
    # 404 while it is off) and the page that says why it refused; tests/signin/.
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "signin_refused",
    # Open data: who got what is public (reporting/opendata/); tested in test_opendata.py.
    "open_data_allocations_csv",
    "open_data_allocations_json",
    # Accounts: a forgotten password and an invitation are used logged out; the links carry
    # Django's one-time token (tests/test_accounts.py, tests/funds/test_onboarding_pages.py).
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    # The caller's own password: no organisation's data; that it needs a login is tested in
    # tests/test_accounts.py.
    "password_change",
    "password_change_done",
    # Calls for applications: open calls are published for anyone, and applicants create
    # their accounts before they can log in (tests/calls/test_access.py).
    "call_public_list",
    "call_public_detail",
    "applicant_register",
    "applicant_verify",
    # The Swedish-spreadsheet CSV of the same public rows; tested in test_opendata_catalogue.py.
    "open_data_allocations_csv_semicolon",
    # The public open-data index and its DCAT-AP-SE catalogue and CSVW schema, for data
    # portals to harvest without an account: they list decided, followed-up and closed years
    # only (test_public_open_data_pages_show_no_draft_year below).
    "open_data_index",
    "open_data_catalogue_ttl",
    "open_data_catalogue_rdf",
    "open_data_schema",
    # The accessibility statement and the personal data notice the law asks every visitor be
    # shown; they name the organisations, nothing of their data (tests/config/test_statements.py).
    "accessibility_statement",
    "privacy_notice",
}
# Paths that are checked by their own machinery (Django's admin has its own login).
SKIP_PREFIXES = ("admin/", "static/")


def _patterns(resolvers=None, prefix=""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if route.startswith(SKIP_PREFIXES):
                continue
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if not route.startswith(SKIP_PREFIXES):
                yield entry, route


@pytest.fixture
def victim():
    """An organisation with a little of everything, owned by someone else than the caller."""
    org = f.organisation(name="Offerkommunen")
    agr = f.agreement(org, 2024)
    area = f.area(agr, "1000.00")
    rec = f.recipient(org)
    alloc = f.allocation(area, rec, "500.00")
    f.follow_up(alloc, "100.00")
    from tests.plans import factories as pf

    call = f.call(area, "100.00")
    application = f.application(call)
    from calls.models import Attachment

    attachment = Attachment.objects.create(
        application=application, name="a.pdf", content=b"%PDF-1.4", size=8, sha256="0"
    )
    plan = pf.plan(org)
    goal_area = pf.goal_area(plan)
    priority = pf.priority(goal_area)
    return {
        "plan_id": plan.pk,
        "goal_area_id": goal_area.pk,
        "priority_id": priority.pk,
        "activity_id": pf.activity(priority).pk,
        "goal_id": pf.goal(priority).pk,
        "indicator_id": pf.indicator(priority).pk,
        "code": org.code,
        "year": agr.year,
        "area_id": area.pk,
        "recipient_id": rec.pk,
        "allocation_id": alloc.pk,
        "partnership_id": f.partnership(org).pk,
        "pk": alloc.pk,
        "version": 1,
        "n": 1,
        # Onboarding (funds/onboarding/): a member of the victim organisation.
        "membership_id": Membership.objects.create(
            user=f.user(), organisation=org, role=Membership.Role.READER
        ).pk,
        "call_id": call.pk,
        "application_id": application.pk,
        "attachment_id": attachment.pk,
    }


def _urls(samples):
    urls = []
    for pattern, route in _patterns():
        if pattern.name in PUBLIC:
            continue
        names = list(pattern.pattern.converters) or list(
            getattr(pattern.pattern, "regex").groupindex
        )
        missing = [name for name in names if name not in samples]
        assert not missing, f"add a sample value for {missing} (route {route!r}) to this test"
        urls.append((route, reverse(pattern.name, kwargs={k: samples[k] for k in names})))
    return urls


def test_every_url_is_walked(victim):
    routes = [route for route, _ in _urls(victim)]
    assert any("fordelning" in route for route in routes)
    assert len(routes) >= 8


def test_an_anonymous_visitor_is_sent_to_login(client, victim):
    for route, url in _urls(victim):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 403, 404, 405), (
                route,
                method,
                response.status_code,
            )
            if response.status_code == 302:
                assert response.url.startswith(reverse("login")), (route, response.url)


@pytest.mark.parametrize("role", ["admin", "coordinator", "reader", "reporter"])
def test_a_user_of_another_organisation_sees_nothing(client, victim, role):
    neighbour = f.organisation(name="Grannkommunen")
    recipient = f.recipient(neighbour) if role == "reporter" else None
    client.force_login(f.user(neighbour, role, recipient=recipient))
    for route, url in _urls(victim):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (route, method, response.status_code)
            assert "Offerkommunen" not in response.content.decode(errors="replace"), route


def test_public_open_data_pages_show_no_draft_year(client, victim):
    """The victim's year is a draft: the public index and catalogue must not name it."""
    for name in ("open_data_index", "open_data_catalogue_ttl", "open_data_catalogue_rdf"):
        response = client.get(reverse(name))  # anonymous
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Offerkommunen" not in body and f"{victim['code']}-{victim['year']}" not in body
    for name in (
        "open_data_allocations_csv",
        "open_data_allocations_csv_semicolon",
        "open_data_allocations_json",
    ):
        url = reverse(name, args=[victim["code"], victim["year"]])
        assert client.get(url).status_code == 404, name
