"""Who sees what of a call: applicants only their own applications and attachments, reviewers
only what they are assigned and not jävig for, other organisations nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from calls.models import Attachment, ConflictDeclaration, ReviewerAssignment
from tests import factories as f
from tests.calls.pdfs import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = f.organisation(name="Ägarkommunen")
    area = f.area(f.agreement(org, 2024))
    call = f.call(area)
    mine = f.application(call, organisation_name="Min förening")
    theirs = f.application(call, organisation_name="Deras förening")
    for application in (mine, theirs):
        Attachment.objects.create(
            application=application, name="plan.pdf", content=pdf(), size=10, sha256="x"
        )
    return {"org": org, "call": call, "mine": mine, "theirs": theirs}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _application_urls(application) -> list[str]:
    attachment = application.attachments.get()
    return [
        f"/ansokningar/{application.pk}/",
        f"/ansokningar/{application.pk}/bilagor/{attachment.pk}/",
    ]


def test_an_applicant_sees_only_their_own(world):
    client = _client(world["mine"].applicant)
    for url in _application_urls(world["mine"]):
        assert client.get(url).status_code == 200, url
    for url in _application_urls(world["theirs"]):
        assert client.get(url).status_code == 404, url
    other = world["theirs"]
    attachment = other.attachments.get()
    assert (
        client.post(f"/ansokningar/{other.pk}/bilagor/{attachment.pk}/ta-bort/").status_code == 404
    )
    assert client.post(f"/ansokningar/{other.pk}/bilagor/", {"file": pdf()}).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    listing = client.get("/ansokningar/").content.decode()
    assert world["call"].title in listing
    # Applicants do not reach the coordinators' pages of the organisation.
    code = world["org"].code
    assert client.get(f"/{code}/2024/utlysningar/{world['call'].pk}/").status_code == 404


def test_reviewers_see_only_what_they_are_assigned_and_cleared_for(world):
    call, mine, theirs = world["call"], world["mine"], world["theirs"]
    base = f"/{world['org'].code}/2024/utlysningar/{call.pk}/"
    unassigned = _client(f.user(world["org"], "reader"))
    assert unassigned.get(f"{base}bedomning/").status_code == 403
    assert unassigned.get(f"{base}bedomning/{mine.pk}/").status_code == 403
    assert unassigned.get(_application_urls(mine)[1]).status_code == 404

    reviewer = f.user(world["org"], "reader")
    assignment = ReviewerAssignment.objects.create(call=call, reviewer=reviewer)
    client = _client(reviewer)
    # Before declaring jäv the reviewer sees only the jäv question, not the attachments.
    page = client.get(f"{base}bedomning/{mine.pk}/").content.decode()
    assert "Är du jävig" in page and mine.description not in page
    assert client.get(_application_urls(mine)[1]).status_code == 404
    ConflictDeclaration.objects.create(assignment=assignment, application=mine, has_conflict=False)
    ConflictDeclaration.objects.create(
        assignment=assignment, application=theirs, has_conflict=True, explanation="Styrelsen"
    )
    assert client.get(_application_urls(mine)[1]).status_code == 200
    assert client.get(f"{base}bedomning/{theirs.pk}/").status_code == 403
    assert client.get(_application_urls(theirs)[1]).status_code == 404
    # Reviewers are not coordinators.
    assert client.get(base).status_code == 403
    assert client.get(f"{base}ansokningar/{mine.pk}/").status_code == 403
    assert client.get(f"{base}diarium.xlsx").status_code == 403


@pytest.mark.parametrize("role", ["admin", "coordinator", "reader"])
def test_another_organisation_sees_nothing(world, role):
    neighbour = f.organisation(name="Grannkommunen")
    client = _client(f.user(neighbour, role))
    call, mine = world["call"], world["mine"]
    base = f"/{world['org'].code}/2024/utlysningar/"
    urls = [
        base,
        f"{base}{call.pk}/",
        f"{base}{call.pk}/rangordning/",
        f"{base}{call.pk}/beslut/",
        f"{base}{call.pk}/bedomning/",
        f"{base}{call.pk}/ansokningar/{mine.pk}/",
        f"{base}{call.pk}/diarium.pdf",
        *_application_urls(mine),
        f"/ansokningar/{mine.pk}/beslut.pdf",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert "Min förening" not in response.content.decode(errors="replace")


def test_the_coordinator_sees_submitted_applications_but_not_drafts(world):
    coordinator = _client(f.user(world["org"], "coordinator"))
    draft = f.application(world["call"], status="draft", submitted_at=None)
    Attachment.objects.create(application=draft, name="d.pdf", content=pdf(), size=1, sha256="x")
    assert coordinator.get(_application_urls(world["mine"])[1]).status_code == 200
    assert coordinator.get(_application_urls(draft)[1]).status_code == 404
    base = f"/{world['org'].code}/2024/utlysningar/{world['call'].pk}/"
    assert coordinator.get(f"{base}ansokningar/{draft.pk}/").status_code == 404
    assert coordinator.get(f"{base}ansokningar/{world['mine'].pk}/").status_code == 200


def test_an_applicant_who_signs_in_without_a_destination_finds_their_applications(client, db):
    client.force_login(f.applicant())
    body = client.get("/", follow=True).content.decode()
    assert "Ditt konto är ett konto för sökande" in body
    assert 'href="/ansokningar/"' in body
