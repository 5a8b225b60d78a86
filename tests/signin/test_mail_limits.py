"""No enumeration and no mail floods: sign-up and password reset answer the same whether an
address has an account or not, and send at most a few mails per address and per client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db

NEUTRAL = "Om adressen"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _sign_up(client: Client, email: str):
    return client.post(
        "/utlysningar/konto/",
        {
            "name": "Sam Sökande",
            "email": email,
            "phone": "",
            "password": "en lång fras att minnas",
            "password_again": "en lång fras att minnas",
        },
    )


def _main(response) -> str:
    """The page's own content (the layout around it carries a per-request nonce)."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_sign_up_answers_the_same_for_an_existing_address():
    staff = f.user(f.organisation(), "coordinator", email="samordnare@kommun.se")
    new = _sign_up(Client(), "ny@example.se")
    taken = _sign_up(Client(), "Samordnare@Kommun.se")
    assert new.status_code == taken.status_code == 200
    body_new = _main(new).replace("ny@example.se", "X")
    body_taken = _main(taken).replace("samordnare@kommun.se", "X")
    assert NEUTRAL in body_new and body_new == body_taken
    assert "redan ett konto med den här" not in body_taken
    # The owner of the taken address hears about it; no second account, no link.
    assert User.objects.filter(email__iexact="samordnare@kommun.se").get() == staff
    (link_mail, note) = mail.outbox
    assert link_mail.to == ["ny@example.se"] and "/utlysningar/konto/bekrafta/" in link_mail.body
    assert note.to == ["samordnare@kommun.se"] and "/konto/aterstall/" in note.body
    assert "/utlysningar/konto/bekrafta/" not in note.body


def test_password_reset_answers_the_same_and_is_limited_per_address(settings):
    settings.MAIL_LIMIT_PER_ADDRESS = 3
    f.user(email="anna@example.se", username="anna")
    client = Client()
    for _ in range(16):
        response = client.post("/konto/aterstall/", {"email": "anna@example.se"}, follow=True)
        assert response.status_code == 200 and NEUTRAL in response.content.decode()
    assert len(mail.outbox) == 3
    unknown = Client().post("/konto/aterstall/", {"email": "ingen@example.se"}, follow=True)
    assert unknown.status_code == 200 and NEUTRAL in unknown.content.decode()
    assert len(mail.outbox) == 3


def test_reset_and_sign_up_mails_are_limited_per_client(settings):
    settings.MAIL_LIMIT_PER_ADDRESS = 100
    settings.MAIL_LIMIT_PER_CLIENT = 5
    for n in range(8):
        f.user(email=f"person{n}@example.se", username=f"person{n}")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(8):
        client.post("/konto/aterstall/", {"email": f"person{n}@example.se"})
    assert len(mail.outbox) == 5
    for n in range(8):
        response = _sign_up(client, f"ny{n}@example.se")
        assert response.status_code == 200 and NEUTRAL in response.content.decode()
    assert len(mail.outbox) == 10
    assert User.objects.filter(username__startswith="ny").count() == 5
    # Another client is not held back by the first one.
    _sign_up(Client(REMOTE_ADDR="198.51.100.9"), "annan@example.se")
    assert len(mail.outbox) == 11
