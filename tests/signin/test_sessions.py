"""Sessions end when the browser closes or after SESSION_IDLE_MINUTES without a request."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org))
    return client


def is_signed_in(client) -> bool:
    answer = client.get("/")
    return answer.status_code == 302 and "/logga-in/" not in answer.url


def test_the_session_cookie_ends_with_the_browser(client):
    f.user(f.organisation(), username="anna")

    answer = client.post("/logga-in/", {"username": "anna", "password": "pw"})

    cookie = answer.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["expires"] == "" and cookie["max-age"] == ""


def test_the_defaults_are_an_hour_and_browser_close():
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_AGE == 60 * 60


def test_an_idle_session_ends(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 2
    assert is_signed_in(signed_in)

    time.sleep(2.5)

    assert not is_signed_in(signed_in)


def test_a_session_in_use_stays_alive_past_the_idle_time(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 2
    for _ in range(4):
        time.sleep(1)
        assert is_signed_in(signed_in)
    # 4 s after the first request, with 2 s idle allowed: each request slid the expiry.


def test_the_expiry_is_not_written_on_every_request(signed_in):
    signed_in.get("/")
    key = signed_in.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    signed_in.get("/")
    signed_in.get("/")

    assert Session.objects.get(session_key=key).expire_date == first
