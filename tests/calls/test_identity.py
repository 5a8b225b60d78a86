"""Identity is proved, never inferred: a matching organisationsnummer is a suggestion, a grant
gives the grant only, removed members lose every access, and jäv binds coordinators too."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from calls.models import (
    AccountLink,
    Application,
    Attachment,
    Call,
    ConflictDeclaration,
    ReviewerAssignment,
)
from calls.workflows import Outcome, call_decide
from funds.models import Membership
from tests import factories as f
from tests.calls.pdfs import pdf
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _decide(call, outcomes, user):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    return call_decide(
        call=call,
        outcomes=outcomes,
        registry_number="Dnr 2024/9",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Förvaltningschefen",
        user=user,
    )


@pytest.fixture
def matched():
    """An association with money in two years and a plan; someone else applies with its
    (public) organisationsnummer in a call of another area."""
    org = f.organisation(name="Kommunen")
    coordinator = f.user(org, "coordinator")
    number = f.luhn_number("802111111")
    association = f.recipient(org, name="Föreningen Ankaret", kind="association")
    association.organisation_number = number
    association.save()
    earlier = f.allocation(f.area(f.agreement(org, 2023)), association, "40000.00")
    f.follow_up(earlier, "40000.00")
    agreement = f.agreement(org, 2024)
    other_area = f.area(agreement, "500000.00")
    other = f.allocation(other_area, association, "60000.00")
    call_area = f.area(agreement, "500000.00")
    call = f.call(call_area, "100000.00")
    application = f.application(
        call, organisation_name="Föreningen Ankaret", organisation_number=number
    )
    application.recipient = association
    application.save()
    return {
        "org": org,
        "coordinator": coordinator,
        "association": association,
        "earlier": earlier,
        "other": other,
        "call": call,
        "application": application,
        "plan": pf.plan(org),
    }


def test_a_grant_to_a_matched_number_gives_that_grant_only(matched):
    application, org = matched["application"], matched["org"]
    _decide(
        matched["call"],
        [Outcome(application.pk, True, Decimal("50000.00"), "Bra plan")],
        matched["coordinator"],
    )
    membership = Membership.objects.get(user=application.applicant, organisation=org)
    assert membership.role == Membership.Role.GRANTEE and membership.recipient is None
    (granted,) = membership.granted_allocations.all()
    assert granted.recipient == matched["association"] and granted.amount == Decimal("50000.00")

    client = _client(application.applicant)
    assert client.get(f"/{org.code}/2024/redovisning/{granted.pk}/").status_code == 200
    listing = client.get(f"/{org.code}/2024/redovisning/").content.decode()
    assert f"/redovisning/{granted.pk}/" in listing
    assert f"/redovisning/{matched['other'].pk}/" not in listing
    # The recipient's other money this year, its earlier year, plans and money pages: no.
    assert client.get(f"/{org.code}/2024/redovisning/{matched['other'].pk}/").status_code == 404
    assert client.get(f"/{org.code}/2023/redovisning/{matched['earlier'].pk}/").status_code == 404
    assert "Ankaret" not in client.get(f"/{org.code}/2023/redovisning/").content.decode()
    assert client.get(f"/{org.code}/planer/").status_code == 403
    assert client.get(f"/{org.code}/planer/{matched['plan'].pk}/").status_code == 403
    assert client.get(f"/{org.code}/2024/").status_code == 403
    assert client.get(f"/{org.code}/2024/fordelning/").status_code == 403


def test_the_match_is_a_warning_until_a_coordinator_links_the_account(matched):
    application, org, call = matched["application"], matched["org"], matched["call"]
    coordinator = _client(matched["coordinator"])
    page_url = f"/{org.code}/2024/utlysningar/{call.pk}/ansokningar/{application.pk}/"
    page = coordinator.get(page_url).content.decode()
    assert "finns redan hos mottagaren Föreningen Ankaret" in page
    assert "bara ett förslag" in page
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    decision = coordinator.get(f"/{org.code}/2024/utlysningar/{call.pk}/beslut/").content.decode()
    assert "finns redan hos mottagaren Föreningen Ankaret" in decision

    link_url = f"{page_url}koppla/"
    confirm = coordinator.get(link_url)
    assert confirm.status_code == 200 and "blir rapportör för Föreningen Ankaret" in (
        confirm.content.decode()
    )
    assert not Membership.objects.filter(user=application.applicant).exists()
    # An applicant cannot link themselves.
    assert _client(application.applicant).post(link_url).status_code == 404
    assert coordinator.post(link_url).status_code == 302
    membership = Membership.objects.get(user=application.applicant)
    assert membership.role == Membership.Role.REPORTER
    assert membership.recipient == matched["association"]
    link = AccountLink.objects.get()
    assert link.linked_by == matched["coordinator"] and link.recipient == matched["association"]
    page = coordinator.get(page_url).content.decode()
    assert "bara ett förslag" not in page and "kopplades till Föreningen Ankaret" in page
    # Linked: the recipient's earlier years are the account's now.
    client = _client(application.applicant)
    assert client.get(f"/{org.code}/2023/redovisning/{matched['earlier'].pk}/").status_code == 200
    # A second link is refused in Swedish, and nothing more is written.
    again = coordinator.post(link_url)
    assert again.status_code == 400 and "redan rollen rapportör" in again.content.decode()
    assert AccountLink.objects.count() == 1


def test_linking_needs_a_coordinator_without_jav(matched):
    application, call = matched["application"], matched["call"]
    assignment = ReviewerAssignment.objects.create(call=call, reviewer=matched["coordinator"])
    ConflictDeclaration.objects.create(
        assignment=assignment, application=application, has_conflict=True, explanation="Styrelse"
    )
    base = f"/{matched['org'].code}/2024/utlysningar/{call.pk}/ansokningar/{application.pk}/"
    assert _client(matched["coordinator"]).post(f"{base}koppla/").status_code == 403
    assert not Membership.objects.filter(user=application.applicant).exists()


@pytest.fixture
def reviewed():
    org = f.organisation(name="Kommunen")
    call = f.call(f.area(f.agreement(org, 2024)), "100000.00")
    application = f.application(call, organisation_name="Föreningen Bojen")
    attachment = Attachment.objects.create(
        application=application, name="plan.pdf", content=pdf(), size=10, sha256="x"
    )
    return {
        "org": org,
        "call": call,
        "application": application,
        "url": f"/ansokningar/{application.pk}/bilagor/{attachment.pk}/",
    }


def test_a_removed_reviewer_loses_the_attachments_at_once(reviewed):
    reviewer = f.user(reviewed["org"], "reader")
    assignment = ReviewerAssignment.objects.create(call=reviewed["call"], reviewer=reviewer)
    ConflictDeclaration.objects.create(
        assignment=assignment, application=reviewed["application"], has_conflict=False
    )
    client = _client(reviewer)
    assert client.get(reviewed["url"]).status_code == 200
    Membership.objects.filter(user=reviewer).delete()
    assert client.get(reviewed["url"]).status_code == 404
    base = f"/{reviewed['org'].code}/2024/utlysningar/{reviewed['call'].pk}/bedomning/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{reviewed['application'].pk}/").status_code == 404


def test_a_coordinator_with_jav_neither_sees_scores_nor_decides(reviewed):
    org, call, application = reviewed["org"], reviewed["call"], reviewed["application"]
    javig, other = f.user(org, "coordinator"), f.user(org, "coordinator")
    kajen = f.application(call, organisation_name="Föreningen Kajen")
    assignment = ReviewerAssignment.objects.create(call=call, reviewer=javig)
    ConflictDeclaration.objects.create(
        assignment=assignment, application=application, has_conflict=True, explanation="Ordförande"
    )
    base = f"/{org.code}/2024/utlysningar/{call.pk}/"
    client = _client(javig)
    assert client.get(f"{base}ansokningar/{application.pk}/").status_code == 403
    assert client.get(reviewed["url"]).status_code == 404
    ranking = client.get(f"{base}rangordning/").content.decode()
    assert "Jäv" in ranking and "En annan samordnare måste" in ranking
    # Last in the table, so its place tells nothing about its score.
    assert ranking.index(f"ansokningar/{application.pk}/") > ranking.index(
        f"ansokningar/{kajen.pk}/"
    )
    posted = client.post(f"{base}rangordning/", {f"amount_{application.pk}": "1000"})
    assert posted.status_code == 400
    application.refresh_from_db()
    assert application.proposed_amount is None

    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    page = client.get(f"{base}beslut/").content.decode()
    assert "Du har anmält jäv för Föreningen Bojen" in page and "En annan samordnare" in page
    assert "Registrera beslutet" not in page
    with pytest.raises(ValidationError, match="En annan samordnare"):
        _decide(call, [Outcome(application.pk, False, Decimal("0"), "Nej")], javig)
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    # Another coordinator decides.
    outcomes = [
        Outcome(a.pk, False, Decimal("0"), "Utanför syftet") for a in call.applications.all()
    ]
    _decide(call, outcomes, other)
    assert Application.objects.get(pk=application.pk).status == Application.Status.REJECTED
