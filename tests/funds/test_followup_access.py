"""Roles × pages of the follow-up: every page answers every role as intended.

anonymous → login; another organisation → 404; a reporter sees only their recipient's
lineage (404 for others) and none of the coordinator's pages (403); a reader reads but
changes nothing (403); coordinators and administrators may do everything.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from funds.models import Agreement, FollowUp, Intervention
from tests import factories as f
from tests.followup_posts import delete_url, insats_data, insats_url

pytestmark = pytest.mark.django_db


OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, "login", 403, 404


@pytest.fixture
def world():
    org = f.organisation(name="Hemkommunen")
    agr = f.agreement(org, 2024, status=Agreement.Status.FOLLOW_UP)
    area = f.area(agr, "1000000.00")
    own = f.recipient(org, name="Egna stadsdelen")
    other = f.recipient(org, name="Andra stadsdelen")
    own_alloc = f.allocation(area, own, "300000.00")
    other_alloc = f.allocation(area, other, "200000.00")
    own_report = f.follow_up(own_alloc, "100000.00", status=FollowUp.Status.SUBMITTED)
    Intervention.objects.create(follow_up=own_report, name="Egna insatsen")
    other_report = f.follow_up(other_alloc, None)
    Intervention.objects.create(follow_up=other_report, name="Andra insatsen")
    users = {
        "anonymous": None,
        "outsider": f.user(f.organisation(name="Grannkommunen"), "coordinator"),
        "reporter": f.user(org, "reporter", recipient=own),
        "other_reporter": f.user(org, "reporter", recipient=other),
        "reader": f.user(org, "reader"),
        "coordinator": f.user(org, "coordinator"),
        "admin": f.user(org, "admin"),
        "superuser": User.objects.create_superuser("root", password="pw"),
    }
    return agr, own_alloc, other_alloc, users


def pages(agr, own_alloc, other_alloc):
    code, year = agr.organisation.code, agr.year
    own_insats = Intervention.objects.get(follow_up__allocation=own_alloc)
    other_insats = Intervention.objects.get(follow_up__allocation=other_alloc)
    other_version = other_insats.follow_up.version
    return {
        "insats": ("get", insats_url(own_alloc, own_insats), {}),
        "insats_other": ("get", insats_url(other_alloc, other_insats), {}),
        "new_other": ("get", insats_url(other_alloc), {}),
        "save_insats_other": (
            "post",
            insats_url(other_alloc, other_insats),
            insats_data({"name": "Ändrad"}, other_version),
        ),
        "add_insats_other": (
            "post",
            insats_url(other_alloc),
            insats_data({"name": "Tillagd"}, other_version),
        ),
        "delete_other": ("get", delete_url(other_alloc, other_insats), {}),
        "remove_other": (
            "post",
            delete_url(other_alloc, other_insats),
            {"version": other_version},
        ),
        "list": ("get", reverse("followup_list", args=[code, year]), {}),
        "form": ("get", reverse("followup_edit", args=[code, year, own_alloc.pk]), {}),
        "form_other": ("get", reverse("followup_edit", args=[code, year, other_alloc.pk]), {}),
        "save_other": (
            "post",
            reverse("followup_edit", args=[code, year, other_alloc.pk]),
            {"version": other_version, "spent": "1"},
        ),
        "review": (
            "post",
            reverse("followup_review", args=[code, year, own_alloc.pk]),
            {"action": "return", "version": 1, "comment": "Rätta."},
        ),
        "board": ("get", reverse("followup_board", args=[code, year]), {}),
        "deadline": (
            "post",
            reverse("followup_deadline", args=[code, year]),
            {"deadline": "2025-02-15"},
        ),
        "repayments": ("get", reverse("repayments", args=[code, year]), {}),
        "repay": (
            "post",
            reverse("repayments", args=[code, year]),
            {
                "kind": "to_state",
                "area": own_alloc.priority_area_id,
                "amount": "1 000",
                "paid_on": "2025-03-01",
            },
        ),
    }


ROLES = ("outsider", "reporter", "other_reporter", "reader", "coordinator")
# page → expected answer per role above; admins and superusers answer like coordinators.
# "save_other" is a real save for the other recipient's reporter and for coordinators.
TABLE = {
    "insats": (NOT_FOUND, OK, NOT_FOUND, OK, OK),
    "insats_other": (NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "new_other": (NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, OK),
    "save_insats_other": (NOT_FOUND, NOT_FOUND, REDIRECT, FORBIDDEN, REDIRECT),
    "add_insats_other": (NOT_FOUND, NOT_FOUND, REDIRECT, FORBIDDEN, REDIRECT),
    "delete_other": (NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, OK),
    "remove_other": (NOT_FOUND, NOT_FOUND, REDIRECT, FORBIDDEN, REDIRECT),
    "list": (NOT_FOUND, OK, OK, OK, OK),
    "form": (NOT_FOUND, OK, NOT_FOUND, OK, OK),
    "form_other": (NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "save_other": (NOT_FOUND, NOT_FOUND, REDIRECT, FORBIDDEN, REDIRECT),
    "review": (NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    "board": (NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, OK),
    "deadline": (NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    "repayments": (NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, OK),
    "repay": (NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
}
MATRIX = {
    page: {
        "anonymous": LOGIN,
        **dict(zip(ROLES, row, strict=True)),
        "admin": row[-1],
        "superuser": row[-1],
    }
    for page, row in TABLE.items()
}
CASES = [(page, role) for page, row in MATRIX.items() for role in row]


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_roles_x_pages(client, world, page, role):
    agr, own_alloc, other_alloc, users = world
    if users[role] is not None:
        client.force_login(users[role])
    method, url, data = pages(agr, own_alloc, other_alloc)[page]
    response = getattr(client, method)(url, data)
    expected = MATRIX[page][role]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content.decode()[:500]
    if expected in (NOT_FOUND, FORBIDDEN, LOGIN):
        body = response.content.decode()
        assert "Andra stadsdelen" not in body and "Andra insatsen" not in body


def test_nothing_changed_for_refused_requests(client, world):
    agr, own_alloc, other_alloc, users = world
    for role in ("anonymous", "outsider", "reporter", "reader"):
        client.logout()
        if users[role]:
            client.force_login(users[role])
        for page in (
            "save_other",
            "review",
            "deadline",
            "repay",
            "save_insats_other",
            "add_insats_other",
            "remove_other",
        ):
            method, url, data = pages(agr, own_alloc, other_alloc)[page]
            getattr(client, method)(url, data)
    agr.refresh_from_db()
    assert agr.follow_up_deadline is None
    other = FollowUp.objects.get(allocation=other_alloc)
    assert other.spent is None and other.changes.count() == 0
    assert list(other.interventions.values_list("name", flat=True)) == ["Andra insatsen"]
    assert FollowUp.objects.get(allocation=own_alloc).status == "submitted"
    assert not agr.priority_areas.get().repayments.exists()


def test_the_reporters_list_shows_only_their_lineage(client, world):
    agr, own_alloc, other_alloc, users = world
    client.force_login(users["reporter"])
    body = client.get(reverse("followup_list", args=[agr.organisation.code, 2024])).content
    assert "Egna stadsdelen" in body.decode() and "Andra stadsdelen" not in body.decode()


def test_an_allocation_of_another_organisation_is_not_found_under_ones_own_code(client, world):
    agr, own_alloc, _, users = world
    foreign = f.allocation(
        f.area(f.agreement(users["outsider"].memberships.get().organisation, 2024)),
        f.recipient(users["outsider"].memberships.get().organisation),
        "1.00",
    )
    client.force_login(users["coordinator"])
    url = reverse("followup_edit", args=[agr.organisation.code, 2024, foreign.pk])
    assert client.get(url).status_code == NOT_FOUND
    url = reverse("followup_review", args=[agr.organisation.code, 2024, foreign.pk])
    assert client.post(url, {"action": "approve", "version": 0}).status_code == NOT_FOUND


def test_a_reader_gets_no_buttons(client, world):
    agr, own_alloc, _, users = world
    client.force_login(users["reader"])
    body = client.get(reverse("followup_edit", args=[agr.organisation.code, 2024, own_alloc.pk]))
    text = body.content.decode()
    assert "Skicka in" not in text and "Godkänn" not in text and "Skicka tillbaka till" not in text


def test_a_grantee_reaches_the_insatser_of_the_grant_and_nothing_else(client, world):
    """A grantee's membership names the allocations their granted applications made."""
    from funds.models import Membership

    agr, own_alloc, other_alloc, users = world
    grantee = f.user()
    membership = Membership.objects.create(
        user=grantee, organisation=agr.organisation, role=Membership.Role.GRANTEE
    )
    membership.granted_allocations.add(other_alloc)
    client.force_login(grantee)
    other_insats = Intervention.objects.get(follow_up__allocation=other_alloc)
    own_insats = Intervention.objects.get(follow_up__allocation=own_alloc)
    assert client.get(insats_url(other_alloc, other_insats)).status_code == OK
    assert client.get(insats_url(other_alloc)).status_code == OK
    assert client.get(insats_url(own_alloc, own_insats)).status_code == NOT_FOUND
    assert client.get(insats_url(own_alloc)).status_code == NOT_FOUND
    assert client.get(delete_url(own_alloc, own_insats)).status_code == NOT_FOUND
    refused = client.post(delete_url(own_alloc, own_insats), {"version": 1})
    assert refused.status_code == NOT_FOUND
    # Another report's insats under the grant's URL is not found either.
    assert client.get(insats_url(other_alloc, own_insats)).status_code == NOT_FOUND
    assert Intervention.objects.filter(pk=own_insats.pk).exists()
