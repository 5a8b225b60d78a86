"""The länssamordnare role and a member's grant to it (issue 24): the role only in a county
partnership (forms, the invitation workflow, the model); the grant given and revoked by the
member's coordinators with POST from its page, never on GET, kept as a record."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from funds.models import CountyGrant, Invitation, Membership, Organisation
from funds.onboarding.forms import InviteForm, MembershipForm
from funds.onboarding.invitations import member_invite
from tests import factories as f

pytestmark = pytest.mark.django_db
COUNTY_COORDINATOR = Membership.Role.COUNTY_COORDINATOR


@pytest.fixture
def county():
    return {
        "kommun": f.organisation(name="Alfa kommun", code="0114"),
        "region": f.organisation(name="Region Ett", code="01", kind=Organisation.Kind.REGION),
        "partnership": f.organisation(
            name="Länsgemensamt 01", code="L01", kind=Organisation.Kind.COUNTY_PARTNERSHIP
        ),
    }


# --- The role: only in a county partnership ------------------------------------------------


def test_the_role_is_offered_and_accepted_only_in_a_county_partnership(county):
    data = {"email": "lan@example.se", "role": COUNTY_COORDINATOR}
    refused = InviteForm(data, organisation=county["kommun"])
    assert not refused.is_valid() and "role" in refused.errors
    assert COUNTY_COORDINATOR not in dict(refused.fields["role"].choices)
    assert InviteForm(data, organisation=county["partnership"]).is_valid()
    member = Membership.objects.create(
        user=f.user(), organisation=county["region"], role=Membership.Role.READER
    )
    assert not MembershipForm({"role": COUNTY_COORDINATOR}, instance=member).is_valid()
    member.role = COUNTY_COORDINATOR
    with pytest.raises(ValidationError, match="länsgemensam"):
        member.full_clean()


def test_the_invitation_workflow_refuses_the_role_outside_a_partnership(county):
    with pytest.raises(ValidationError, match="länsgemensam"):
        member_invite(
            organisation=county["kommun"],
            email="lan@example.se",
            role=COUNTY_COORDINATOR,
            recipient=None,
            invited_by=None,
        )
    assert not Invitation.objects.exists()
    invitation = member_invite(
        organisation=county["partnership"],
        email="lan@example.se",
        role=COUNTY_COORDINATOR,
        recipient=None,
        invited_by=None,
    )
    assert invitation.get_role_display() == "Länssamordnare"


def test_a_partnership_administrator_invites_a_lanssamordnare(client, county):
    client.force_login(f.user(county["partnership"], "admin"))
    url = reverse("member_invite", args=["L01"])
    assert "Länssamordnare" in client.get(url).content.decode()
    response = client.post(url, {"email": "lan@example.se", "role": COUNTY_COORDINATOR})
    assert response.status_code == 302
    assert Invitation.objects.get().role == COUNTY_COORDINATOR
    client.force_login(f.user(county["kommun"], "admin"))
    response = client.post(
        reverse("member_invite", args=["0114"]),
        {"email": "x@example.se", "role": "county_coordinator"},
    )
    assert response.status_code == 422 and Invitation.objects.count() == 1


# --- The grant -----------------------------------------------------------------------------


def _url(org) -> str:
    return reverse("county_grant", args=[org.code])


def test_a_coordinator_gives_and_revokes_the_grant_with_post_and_it_is_kept(client, county):
    kommun = county["kommun"]
    user = f.user(kommun, "coordinator", first_name="Kim", last_name="Samordnare")
    client.force_login(user)
    page = client.get(_url(kommun)).content.decode()
    assert "Inget medgivande gäller." in page and "Länsgemensamt 01" in page
    assert not CountyGrant.objects.exists()  # the page changed nothing
    assert client.post(_url(kommun), {"action": "give"}).status_code == 302
    grant = CountyGrant.objects.get()
    assert (grant.organisation, grant.partnership, grant.granted_by) == (
        kommun,
        county["partnership"],
        user,
    )
    page = client.get(_url(kommun)).content.decode()
    assert "Medgivandet gäller sedan" in page and "givet av Kim Samordnare" in page
    client.post(_url(kommun), {"action": "give"})  # a double submit gives no second grant
    assert CountyGrant.objects.count() == 1
    client.post(_url(kommun), {"action": "revoke"})
    grant.refresh_from_db()
    assert grant.revoked_by == user and grant.revoked_at >= grant.granted_at
    page = client.get(_url(kommun)).content.decode()
    assert "Inget medgivande gäller." in page and "Gäller</td>" not in page
    client.post(_url(kommun), {"action": "give"})
    assert CountyGrant.objects.filter(revoked_at__isnull=True).count() == 1
    assert CountyGrant.objects.count() == 2  # the revoked one is the record


def test_a_region_grants_its_own_countys_partnership(client, county):
    client.force_login(f.user(county["region"], "admin"))
    client.post(_url(county["region"]), {"action": "give"})
    assert CountyGrant.objects.get().partnership == county["partnership"]


def test_without_a_partnership_in_the_county_there_is_nothing_to_grant(client, county):
    other = f.organisation(name="Delta kommun", code="0380")
    client.force_login(f.user(other, "admin"))
    assert "Ingen länsgemensam organisation" in client.get(_url(other)).content.decode()
    client.post(_url(other), {"action": "give"})
    assert not CountyGrant.objects.exists()


def test_readers_outsiders_and_the_anonymous_cannot_grant(client, county):
    kommun = county["kommun"]
    assert client.get(_url(kommun)).status_code == 302
    for user, status in (
        (f.user(kommun, "reader"), 403),
        (f.user(f.organisation(), "admin"), 404),
        (f.user(county["partnership"], COUNTY_COORDINATOR), 404),
    ):
        client.force_login(user)
        assert client.get(_url(kommun)).status_code == status
        assert client.post(_url(kommun), {"action": "give"}).status_code == status
    assert not CountyGrant.objects.exists()


def test_the_database_keeps_one_grant_in_force_and_none_to_itself(county):
    CountyGrant.objects.create(organisation=county["kommun"], partnership=county["partnership"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CountyGrant.objects.create(organisation=county["kommun"], partnership=county["partnership"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CountyGrant.objects.create(
            organisation=county["partnership"], partnership=county["partnership"]
        )
