"""Issue 20 over HTTP: site staff create an organisation and invite its first coordinator;
from then on the organisation manages itself — the coordinator invites a colleague, a reporter
and a reviewer, sets the committee and logo, and runs a year started before the state's
agreement through to its decision — with no site-staff step, and every page each person lands
on is true for their memberships."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from funds.models import (
    Agreement,
    AgreementStatusChange,
    Allocation,
    Invitation,
    MailDelivery,
    Membership,
    NationalArea,
    Organisation,
)
from funds.year.reference import national_agreement_add

pytestmark = pytest.mark.django_db
PASSWORD = "Ett-langt-losenord-2026"
CODE = "0305"


def _link(message) -> str:
    return re.search(r"(?:https?://[^/\s]+)?(/konto/inbjudan/\S+/)", message.body).group(1)


def _accept(message, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(
        _link(message), {"new_password1": password, "new_password2": password}, follow=True
    )
    assert response.status_code == 200
    return client


def _png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (64, 32), (0, 82, 155)).save(output, "PNG")
    return SimpleUploadedFile("logo.png", output.getvalue())


def test_an_organisation_manages_itself_after_its_first_invitation():
    _organisation_managing_itself()


def _organisation_managing_itself() -> tuple[Client, Organisation]:
    """Site staff's one step (the organisation and its first invitation), then everything the
    organisation does itself; the coordinator's client and the organisation."""
    staff = Client()
    get_user_model().objects.create_superuser("webbadmin", "webb@example.se", PASSWORD)
    staff.force_login(get_user_model().objects.get(username="webbadmin"))
    response = staff.post(
        reverse("organisation_create"),
        {
            "name": "Håbo kommun",
            "kind": "kommun",
            "code": CODE,
            "organisation_number": "212000-0142",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(code=CODE)
    staff.post(
        reverse("member_invite", args=[CODE]),
        {"email": "sam@habo.se", "first_name": "Sam", "role": "coordinator"},
    )
    (first,) = mail.outbox
    assert "har bjudit in dig till Håbo kommun" in first.body and "webbadmin" not in first.body

    # The coordinator accepts and lands on a page that is true: no agreement yet.
    coordinator = _accept(first)
    home = coordinator.get(reverse("home")).content.decode()
    assert "Du är samordnare i Håbo kommun" in home and "inte kopplat" not in home
    user = get_user_model().objects.get(email="sam@habo.se")
    user.first_name, user.last_name = "Sam", "Samordnare"
    user.save()

    # Settings, committee and logo: the coordinator's own.
    response = coordinator.post(
        reverse("organisation_settings", args=[CODE]),
        {"committee": "Socialnämnden", "delegate": "socialchefen", "logo_file": _png()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.committee == "Socialnämnden" and organisation.logo

    # A recipient, then a colleague, a reporter and a reviewer (a reader who reviews calls).
    coordinator.post(
        reverse("recipient_create", args=[CODE]), {"name": "Fritid", "kind": "department"}
    )
    recipient = organisation.recipients.get()
    invite = reverse("member_invite", args=[CODE])
    for data in (
        {"email": "kollega@habo.se", "role": "coordinator"},
        {"email": "rapport@habo.se", "role": "reporter", "recipient": recipient.pk},
        {"email": "granskare@habo.se", "role": "reader"},
    ):
        assert coordinator.post(invite, data).status_code == 302
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 3
    for message in mail.outbox[1:]:
        assert "Sam Samordnare har bjudit in dig till Håbo kommun" in message.body
    assert MailDelivery.objects.filter(organisation=organisation, state="sent").count() == 4
    reporter = _accept(mail.outbox[2], PASSWORD + "r")
    home = reporter.get(reverse("home")).content.decode()
    assert "Du är rapportör för Fritid i Håbo kommun" in home
    for message in (mail.outbox[1], mail.outbox[3]):
        _accept(message)
    assert dict(
        Membership.objects.filter(organisation=organisation).values_list("user__email", "role")
    ) == {
        "sam@habo.se": "coordinator",
        "kollega@habo.se": "coordinator",
        "rapport@habo.se": "reporter",
        "granskare@habo.se": "reader",
    }
    # The mail list shows the five deliveries to the coordinator.
    page = coordinator.get(reverse("mail_list", args=[CODE])).content.decode()
    assert page.count("Inbjudan") >= 4 and "skickad" in page
    return coordinator, organisation


def _first_agreement(coordinator: Client) -> None:
    """The coordinator registers 2025, the last year with the state's agreement: two areas
    on 2025's national areas 2 and 4."""
    national = dict(
        NationalArea.objects.filter(national_agreement__year=2025).values_list("number", "pk")
    )
    data = {
        "year": 2025,
        "title": "Överenskommelse 2025",
        "agreed_on": "2024-12-12",
        "granted_total": "2 mnkr",
        "omrade-TOTAL_FORMS": 2,
        "omrade-INITIAL_FORMS": 0,
        "omrade-MIN_NUM_FORMS": 0,
        "omrade-MAX_NUM_FORMS": 12,
    }
    for index, (name, number) in enumerate((("Unga", 2), ("Suicidprevention", 4))):
        data |= {
            f"omrade-{index}-number": index + 1,
            f"omrade-{index}-name": name,
            f"omrade-{index}-granted": "1 mnkr",
            f"omrade-{index}-national_area": national[number],
        }
    response = coordinator.post(reverse("agreement_create", args=[CODE]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def _national_2026_arrives() -> None:
    """The state's 2026 agreement reaches the reference data (its data file or /referensdata/):
    2025's areas 2 and 4 carry on as 2026's 1 and 2."""
    areas = [
        {"number": 1, "name": "Barn och unga", "previous_number": 2},
        {"number": 2, "name": "Suicidprevention", "previous_number": 4},
    ]
    national_agreement_add(
        year=2026,
        title="Överenskommelse 2026",
        total=None,
        source="Testdata",
        areas=[
            area | {"short_name": area["name"], "huvudman": "kommuner", "route": "kommun_enkat"}
            for area in areas
        ],
    )


def test_a_new_organisation_runs_a_year_before_the_states_agreement_to_its_decision():
    coordinator, organisation = _organisation_managing_itself()
    _first_agreement(coordinator)

    # 2026 starts while the state has no 2026 agreement: the areas wait, allocation goes on.
    response = coordinator.post(
        reverse("year_start", args=[CODE]),
        {"year": 2026, "from_year": 2025, "total": "2 mnkr", "start": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get(organisation=organisation, year=2026)
    areas = {area.number: area for area in agreement.priority_areas.all()}
    assert all(area.awaiting_successor_of_id and not area.is_mapped for area in areas.values())
    page = coordinator.get(reverse("agreement_areas", args=[CODE, 2026])).content.decode()
    assert "Det här väntar på statens överenskommelse 2026" in page
    recipient = organisation.recipients.get()
    key = f"{areas[1].pk}-{recipient.pk}"
    response = coordinator.post(
        reverse("allocation_cell", args=[CODE, 2026, areas[1].pk, recipient.pk]),
        {f"amount-{key}": "250 000", f"version-{key}": 0},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "cell-error" not in response.content.decode()
    decide = reverse("agreement_decision", args=[CODE, 2026])
    assert "väntar på statens överenskommelse" in coordinator.get(decide).content.decode()

    # The state's data arrives; the coordinator accepts the proposed mappings in one step.
    _national_2026_arrives()
    proposals = reverse("agreement_area_proposals", args=[CODE, 2026])
    assert "Godta förslagen" in coordinator.get(proposals).content.decode()
    assert coordinator.post(proposals).status_code == 302
    mapped = {a.number: a.national_area.number for a in agreement.priority_areas.all()}
    assert mapped == {1: 1, 2: 2}

    # And decides, on the confirmation page.
    response = coordinator.post(
        decide,
        {
            "registry_number": "2026/7",
            "decided_on": "2026-02-02",
            "decided_by": "Socialchefen",
            "expected_status": "draft",
            "reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode().split("<main", 1)[-1][:4000]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DECIDED
    assert Allocation.objects.get(priority_area=areas[1]).amount == Decimal("250000.00")
    change = AgreementStatusChange.objects.get(agreement=agreement)
    assert (change.from_status, change.to_status, change.changed_by.email) == (
        "draft",
        "decided",
        "sam@habo.se",
    )
