"""Password change and reset for everyone (Django's views, Swedish pages and e-mail), and the
"Du är utloggad" message after a logout."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
NEW = "Nytt-losenord-2024"


def test_a_user_changes_their_password(client):
    user = f.user(f.organisation(), "reader", email="l@example.se")
    client.force_login(user)
    page = client.get(reverse("password_change")).content.decode()
    assert "Byt lösenord" in page and "Gammalt lösenord" in page
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200 and "Lösenordet kunde inte bytas" in wrong.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Lösenordet är bytt" in response.content.decode()
    assert Client().login(request=HttpRequest(), username=user.username, password=NEW)


def test_the_password_change_needs_a_login(client):
    assert client.get(reverse("password_change")).url.startswith(reverse("login"))


def test_a_forgotten_password_is_reset_by_e_mail(client):
    user = f.user(f.organisation(), "coordinator", email="glomsk@example.se")
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login
    response = client.post(reverse("password_reset"), {"email": "GLOMSK@example.se"}, follow=True)
    assert "Kolla din e-post" in response.content.decode()
    (message,) = mail.outbox
    assert message.subject == "Nytt lösenord till Stimulansmedel psykisk hälsa"
    assert "Någon (förhoppningsvis du) har bett om ett nytt lösenord" in message.body
    link = re.search(r"https?://[^/\s]+(/konto/aterstall/\S+/)", message.body).group(1)
    form_url = client.get(link).url
    assert "Välj nytt lösenord" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Lösenordet är sparat" in done.content.decode()
    assert Client().login(request=HttpRequest(), username=user.username, password=NEW)
    assert "Länken fungerar inte" in Client().get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "ingen@example.se"}, follow=True)
    assert "Kolla din e-post" in response.content.decode() and not mail.outbox


def test_the_login_page_says_you_are_logged_out(client):
    client.force_login(f.user(f.organisation(), "reader"))
    header = client.get(reverse("password_change")).content.decode()
    assert "Byt lösenord" in header
    response = client.post(reverse("logout"), follow=True)
    assert response.request["PATH_INFO"] == reverse("login")
    assert "Du är utloggad." in response.content.decode()
    # Once only.
    assert "Du är utloggad." not in client.get(reverse("login")).content.decode()


def test_site_administrators_see_the_organisations_link():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.se", "pw"))
    body = client.get(reverse("password_change")).content.decode()
    assert f'href="{reverse("organisation_list")}"' in body


def test_the_password_change_done_page_needs_a_login(client):
    assert client.get(reverse("password_change_done")).url.startswith(reverse("login"))
