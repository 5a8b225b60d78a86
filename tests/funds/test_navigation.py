"""The year menu on every page of a signed-in member, with the current place marked."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def menu(body: str) -> str:
    start = body.find('<nav class="year-nav"')
    return body[start : body.index("</nav>", start)] if start >= 0 else ""


def test_an_organisation_page_without_a_year_shows_the_latest_years_menu(client):
    org = f.organisation()
    f.agreement(org, 2023)
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))
    nav = menu(client.get(reverse("recipient_list", args=[org.code])).content.decode())
    assert f'href="/{org.code}/2024/fordelning/"' in nav
    assert f'<a href="/{org.code}/mottagare/" aria-current="page">Mottagare</a>' in nav


def test_a_deep_page_marks_its_section(client):
    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))
    nav = menu(client.get(f"/{org.code}/2024/fordelning/historik/").content.decode())
    assert f'<a href="/{org.code}/2024/fordelning/" aria-current="true">Fördelning</a>' in nav


def test_a_reporter_sees_only_their_items(client):
    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org, "reporter", recipient=f.recipient(org)))
    nav = menu(client.get(reverse("plan_list", args=[org.code])).content.decode())
    assert "Redovisning" in nav and "Handlingsplaner" in nav
    assert "Fördelning" not in nav and "Mottagare" not in nav


def test_nobody_sees_another_organisations_menu(client):
    mine, theirs = f.organisation(), f.organisation()
    f.agreement(theirs, 2024)
    client.force_login(f.user(mine, "coordinator"))
    body = client.get(reverse("recipient_list", args=[theirs.code])).content.decode()
    assert menu(body) == ""
    assert theirs.name not in body


def test_an_organisation_without_an_agreement_shows_its_own_items(client):
    org = f.organisation()
    client.force_login(f.user(org, "admin"))
    nav = menu(client.get(reverse("member_list", args=[org.code])).content.decode())
    assert "Handlingsplaner" in nav and "Användare" in nav and "Fördelning" not in nav
