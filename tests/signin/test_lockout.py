"""Repeated failed sign-ins lock the account, and more of them the address (django-axes)."""

from __future__ import annotations

import datetime
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from signin.lockout import client_ip
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/logga-in/"
LOCKED = "För många misslyckade inloggningsförsök"


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(client):
    f.user(f.organisation(), username="anna")
    started = time.monotonic()

    answers = [log_in(client, "anna", f"fel{n}") for n in range(20)]
    right = log_in(client, "anna", "pw")

    assert time.monotonic() - started < 10
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert {a.status_code for a in answers[4:]} == {429}
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "spärrat i 15 minuter" in right.content.decode()
    assert not signed_in(client)


def test_a_superuser_unlocks_the_account_and_then_the_right_password_works(client):
    f.user(f.organisation(), username="anna")
    for n in range(6):
        log_in(client, "anna", f"fel{n}")
    admin = Client()
    admin.force_login(User.objects.create_superuser("chef", password="pw"))

    page = admin.get(reverse("signin_locks"))
    assert "anna" in page.content.decode()
    unlocked = admin.post(
        reverse("signin_locks"), {"kind": "account", "value": "anna"}, follow=True
    )

    assert "Kontot anna är upplåst." in unlocked.content.decode()
    assert "Inga konton är spärrade." in unlocked.content.decode()
    assert log_in(client, "anna", "pw").status_code == 302
    assert signed_in(client)


def test_the_lock_ends_by_itself_after_the_lockout_time(client):
    f.user(f.organisation(), username="anna")
    for n in range(5):
        log_in(client, "anna", f"fel{n}")
    assert log_in(client, "anna", "pw").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )

    assert log_in(client, "anna", "pw").status_code == 302


def test_one_account_locked_leaves_the_others_on_that_address_alone(client):
    org = f.organisation()
    f.user(org, username="anna")
    f.user(org, username="bertil")
    for n in range(5):
        log_in(client, "anna", f"fel{n}")

    assert log_in(Client(), "bertil", "pw").status_code == 302


def test_many_failures_from_one_address_lock_the_address_but_not_others(client, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 12
    f.user(f.organisation(), username="anna")
    # Password spraying: a few tries each at many accounts, below the account limit.
    for n in range(12):
        log_in(client, f"konto{n // 3}", "Sommar2024!", address="198.51.100.7")

    assert log_in(Client(), "anna", "pw", address="198.51.100.7").status_code == 429
    assert log_in(Client(), "anna", "pw", address="198.51.100.8").status_code == 302


def test_the_locks_page_is_for_superusers(client):
    org = f.organisation()
    assert client.get(reverse("signin_locks")).url.startswith(reverse("login"))
    client.force_login(f.user(org, role="admin"))
    assert client.get(reverse("signin_locks")).status_code == 403
    assert (
        client.post(reverse("signin_locks"), {"kind": "account", "value": "x"}).status_code == 403
    )


def test_a_superuser_unlocks_an_address(client, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        log_in(client, f"konto{n}", "fel", address="198.51.100.7")
    client.force_login(User.objects.create_superuser("chef", password="pw"))

    assert "198.51.100.7" in client.get(reverse("signin_locks")).content.decode()
    done = client.post(
        reverse("signin_locks"), {"kind": "address", "value": "198.51.100.7"}, follow=True
    )

    assert "Adressen 198.51.100.7 är upplåst." in done.content.decode()
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.7").exists()


def test_an_unlock_without_an_account_is_refused_in_swedish(client):
    client.force_login(User.objects.create_superuser("chef", password="pw"))

    answer = client.post(reverse("signin_locks"), {"kind": "konto"}, follow=True)

    assert "Ange ett konto eller en adress att låsa upp." in answer.content.decode()


def test_refused_single_sign_ons_do_not_lock_single_sign_on_for_everyone():
    # Single sign-on failures have no username. Counted per username, ten refused people on
    # ten addresses would add up to a lock on "no username" for everybody's single sign-on.
    for n in range(10):
        AccessAttempt.objects.create(
            username=None,
            ip_address=f"198.51.100.{n}",
            failures_since_start=5,
            attempt_time=datetime.datetime.now(datetime.UTC),
            **dict.fromkeys(
                ["user_agent", "get_data", "post_data", "http_accept", "path_info"], ""
            ),
        )
    request = RequestFactory().get("/oidc/callback/", REMOTE_ADDR="203.0.113.1")
    AxesProxyHandler.update_request(request)

    assert AxesProxyHandler.is_allowed(request, {"nonce": "n1"})


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own say
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry left of the proxy's
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not trusted
        (1, "inte-en-adress", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_honours_the_trusted_proxy_count(settings, proxies, forwarded, expected):
    settings.SIGNIN_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


@pytest.mark.parametrize("username", ["a" * 1000, "nul\x00tecken", ""])
def test_a_hostile_username_is_refused_without_an_error(client, username):
    started = time.monotonic()

    answer = log_in(client, username, "fel")

    assert answer.status_code == 200
    assert time.monotonic() - started < 1
    assert not signed_in(client)
