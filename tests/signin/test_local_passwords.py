"""Local passwords can be switched off (DJANGO_LOCAL_PASSWORDS_ENABLED=0)."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def passwords_off(settings):
    settings.LOCAL_PASSWORDS_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "signin.backends.InvitedStaffBackend",
    ]
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "stimulansmedel"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"http://127.0.0.1:1/{name.lower()}")


def test_a_password_post_is_refused_in_swedish(client, passwords_off):
    f.user(f.organisation(), username="anna")

    answer = client.post("/logga-in/", {"username": "anna", "password": "pw"})

    assert answer.status_code == 403
    assert "Inloggning med lösenord är avstängd här" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_refuses_passwords_too(client, passwords_off):
    from django.contrib.auth.models import User

    User.objects.create_superuser("chef", password="pw")

    client.post("/admin/login/", {"username": "chef", "password": "pw"})

    assert "_auth_user_id" not in client.session


def test_the_login_page_shows_only_the_single_sign_on_button(client, passwords_off):
    page = client.get("/logga-in/").content.decode()

    assert "/oidc/authenticate/" in page
    assert 'name="password"' not in page


def test_passwords_are_on_by_default(client):
    f.user(f.organisation(), username="anna")

    assert client.post("/logga-in/", {"username": "anna", "password": "pw"}).status_code == 302
