"""The public call list and a call's page name who calls, whom to ask and the deadline."""

import pytest
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    organisation = f.organisation(name="Exempelby kommun", administration="Socialförvaltningen")
    return f.call(
        f.area(f.agreement(organisation, 2024)),
        contact_name="Kim Handläggare",
        contact_email="kim@exempelby.se",
        contact_phone="010-123 45 67",
    )


def test_the_list_names_the_municipality_the_contact_and_the_deadline(client, call):
    text = client.get("/utlysningar/").content.decode()
    assert "Exempelby kommun, Socialförvaltningen" in text
    assert 'Kim Handläggare, <a href="mailto:kim@exempelby.se">' in text
    deadline = timezone.localtime(call.closes_at)
    assert f"{deadline.day} " in text and f"kl. {deadline:%H:%M}" in text


def test_the_calls_page_names_the_contact_with_the_phone(client, call):
    text = client.get(f"/utlysningar/{call.pk}/").content.decode()
    assert "Exempelby kommun, Socialförvaltningen" in text
    assert "kim@exempelby.se</a>, 010-123 45 67" in text
    assert "Sista ansökningstid" in text
