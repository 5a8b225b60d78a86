"""Walks the whole URL configuration: no page shows or changes an organisation's data to an
anonymous visitor or to a user of another organisation.

A new view is covered the day it is added. If its URL takes a parameter this test does not
know, the test fails and asks for a sample value, so nobody can forget it.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from funds.models import Invitation, MailDelivery, Membership
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
    # A county's and the nation's analysis (analysis/): sums per enkät answer over years that
    # are already public (decided, in follow-up or closed, as the open data), never a draft,
    # and no insats or person named; the authorities' lägesrapport is public in the same way.
    # They name the organisations covered and missing (tests/analysis/test_public_analysis.py).
    "analysis_county",
    "analysis_county_pdf",
    "analysis_county_docx",
    "analysis_county_csv",
    "analysis_nation",
    "analysis_nation_pdf",
    "analysis_nation_docx",
    "analysis_nation_csv",
    # Their CSV files for a Swedish spreadsheet, and the same across the public years
    # (tests/analysis/test_years.py).
    "analysis_county_csv_semicolon",
    "analysis_nation_csv_semicolon",
    "analysis_county_years",
    "analysis_county_years_csv",
    "analysis_county_years_csv_semicolon",
    "analysis_nation_years",
    "analysis_nation_years_csv",
    "analysis_nation_years_csv_semicolon",
    # A year's CSVW metadata: 404 for a draft year like its files (below).
    "open_data_csvw_metadata",
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
    report = f.follow_up(alloc, "100.00")
    from funds.models import Intervention

    intervention = Intervention.objects.create(follow_up=report, name="Offerinsatsen")
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
        "intervention_id": intervention.pk,
        "partnership_id": f.partnership(org).pk,
        "pk": alloc.pk,
        "version": 1,
        "n": 1,
        # Onboarding (funds/onboarding/): a member of the victim organisation.
        "membership_id": Membership.objects.create(
            user=f.user(), organisation=org, role=Membership.Role.READER
        ).pk,
        # An open invitation and a queued mail of the victim organisation.
        "invitation_id": Invitation.objects.create(
            organisation=org,
            email="bjuden@example.se",
            role=Membership.Role.READER,
            token_hash="0" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        ).pk,
        "delivery_id": MailDelivery.objects.create(
            organisation=org, kind="receipt", to="a@example.se", subject="Offerkommunen", body="x"
        ).pk,
        "call_id": call.pk,
        "application_id": application.pk,
        "attachment_id": attachment.pk,
        # The analysis (analysis/): a table's key for its CSV, a county for the county pages.
        "dimension": "activity_type",
        "county": org.code[:2],
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
        "open_data_csvw_metadata",
    ):
        url = reverse(name, args=[victim["code"], victim["year"]])
        assert client.get(url).status_code == 404, name


def _walk_refused(client, samples, allowed: set[str] = frozenset()) -> None:
    """Every URL answers 403/404/405 to `client` (GET and POST), except the route names in
    `allowed` (the caller's own pages, checked by the test itself)."""
    for pattern, route in _patterns():
        if pattern.name in PUBLIC or pattern.name in allowed:
            continue
        names = list(pattern.pattern.converters)
        url = reverse(pattern.name, kwargs={k: samples[k] for k in names})
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (route, method, response.status_code)


def test_a_removed_member_sees_nothing_any_more(client, victim):
    """A reviewer of the victim's call, cleared of jäv, whose membership is then removed."""
    from calls.models import Application, ConflictDeclaration, ReviewerAssignment

    org_id = Application.objects.get(pk=victim["application_id"]).call.agreement.organisation_id
    reviewer = f.user()
    membership = Membership.objects.create(
        user=reviewer, organisation_id=org_id, role=Membership.Role.READER
    )
    assignment = ReviewerAssignment.objects.create(call_id=victim["call_id"], reviewer=reviewer)
    ConflictDeclaration.objects.create(
        assignment=assignment, application_id=victim["application_id"], has_conflict=False
    )
    client.force_login(reviewer)
    attachment = f"/ansokningar/{victim['application_id']}/bilagor/{victim['attachment_id']}/"
    assert client.get(attachment).status_code == 200
    membership.delete()
    _walk_refused(client, victim)


def test_a_coordinator_with_jav_reaches_nothing_of_that_application(client, victim):
    from calls.models import Application, ConflictDeclaration, ReviewerAssignment

    application = Application.objects.get(pk=victim["application_id"])
    coordinator = f.user(application.call.agreement.organisation, "coordinator")
    assignment = ReviewerAssignment.objects.create(call_id=victim["call_id"], reviewer=coordinator)
    ConflictDeclaration.objects.create(
        assignment=assignment, application=application, has_conflict=True, explanation="Jäv"
    )
    client.force_login(coordinator)
    for pattern, route in _patterns():
        names = list(pattern.pattern.converters)
        if "application_id" not in names:
            continue
        url = reverse(pattern.name, kwargs={k: victim[k] for k in names})
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (route, method, response.status_code)
            assert application.description not in response.content.decode(errors="replace")


def test_a_grantee_matched_by_number_reaches_only_the_grant(client, victim):
    """An applicant who applied with the victim recipient's organisationsnummer and was
    granted money in another area: the grant's follow-up and nothing else."""
    import datetime
    from decimal import Decimal

    from calls.models import Call
    from calls.workflows import Outcome, call_decide
    from funds.models import Agreement, Recipient

    recipient = Recipient.objects.get(pk=victim["recipient_id"])
    recipient.organisation_number = f.luhn_number("802333333")
    recipient.save()
    agreement = Agreement.objects.get(organisation__code=victim["code"], year=victim["year"])
    call = f.call(f.area(agreement, "1000.00"), "100.00")
    application = f.application(
        call,
        organisation_number=recipient.organisation_number,
        recipient=recipient,
        amount_requested=Decimal("100.00"),
    )
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    call_decide(
        call=call,
        outcomes=[Outcome(application.pk, True, Decimal("100.00"), "Bra")],
        registry_number="Dnr 1",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Förvaltningschefen",
        user=f.user(agreement.organisation, "coordinator"),
    )
    client.force_login(application.applicant)
    # The list of the year's reports answers (it lists the grant); the recipient's own
    # allocation, the sample, is 404 on every follow-up page. As an applicant the account
    # still lists its own applications and may apply to the open call.
    _walk_refused(
        client, victim, allowed={"followup_list", "application_list", "application_start"}
    )
    listing = client.get(reverse("followup_list", args=[victim["code"], victim["year"]]))
    assert f"/redovisning/{victim['allocation_id']}/" not in listing.content.decode()
