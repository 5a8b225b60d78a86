"""Issue 20 item 1 over HTTP: site staff create an organisation and invite its first
coordinator; from then on the organisation manages itself — the coordinator invites a
colleague, a reporter and a reviewer, sets the committee and logo — with no site-staff step,
and every page each person lands on is true for their memberships."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from funds.models import Invitation, MailDelivery, Membership, Organisation

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
