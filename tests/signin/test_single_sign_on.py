"""Who single sign-on lets in (the claim rules of signin.backends.InvitedStaffBackend), and
that its URLs refuse in Swedish instead of failing. The whole protocol, against a real
provider in Chromium, is in tests/browser/test_signin_oidc.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory

from signin.backends import REFUSAL_SESSION_KEY, InvitedStaffBackend
from tests import factories as f

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the provider is down.
DOWN = "http://127.0.0.1:1"


@pytest.fixture
def sso(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "stimulansmedel"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{DOWN}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{DOWN}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{DOWN}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{DOWN}/jwks"
    settings.OIDC_TIMEOUT = 2
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "signin.backends.InvitedStaffBackend",
    ]


@pytest.fixture
def backend(sso) -> InvitedStaffBackend:
    backend = InvitedStaffBackend()
    backend.request = RequestFactory().get("/oidc/callback/")
    backend.request.session = SessionStore()
    return backend


def signs_in(backend: InvitedStaffBackend, **claims) -> User | None:
    """What the backend makes of these (already signature-checked) claims."""
    claims = {"sub": "abc", "email_verified": True, **claims}
    if not backend.verify_claims(claims):
        return None
    users = backend.filter_users_by_claims(claims)
    return users[0] if len(users) == 1 else None


def refusal(backend: InvitedStaffBackend) -> str | None:
    return backend.request.session.get(REFUSAL_SESSION_KEY, {}).get("reason")


def test_an_invited_user_is_matched_by_address_whatever_its_case(backend):
    user = f.user(f.organisation(), email="anna@kommun.se")

    assert signs_in(backend, email="Anna@Kommun.SE") == user


def test_a_superuser_without_memberships_may_sign_in(backend):
    admin = User.objects.create_superuser("chef", email="chef@kommun.se", password="pw")

    assert signs_in(backend, email="chef@kommun.se") == admin


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "ny@kommun.se"}, "unknown"),
        ({"email": "anna@kommun.se", "email_verified": False}, "unverified"),
        ({"email": "anna@kommun.se", "email_verified": "true"}, "unverified"),
        ({"email": "anna@kommun.se", "email_verified": None}, "unverified"),
        ({"email": ""}, "no_email"),
        ({"email": ["anna@kommun.se"]}, "no_email"),
        ({"email": "a" * 250 + "@kommun.se"}, "no_email"),
    ],
)
def test_unknown_and_unverified_addresses_are_refused(backend, claims, reason):
    f.user(f.organisation(), email="anna@kommun.se")

    assert signs_in(backend, **claims) is None
    assert refusal(backend) == reason


def test_entra_ids_domain_owner_claim_counts_as_verified(backend):
    user = f.user(f.organisation(), email="anna@kommun.se")

    assert signs_in(backend, email="anna@kommun.se", email_verified=None, xms_edov=True) == user


def test_a_user_without_memberships_or_inactive_is_refused(backend):
    f.user(None, email="utan@kommun.se")
    f.user(f.organisation(), email="slutat@kommun.se", is_active=False)

    assert signs_in(backend, email="utan@kommun.se") is None
    assert signs_in(backend, email="slutat@kommun.se") is None
    assert refusal(backend) == "unknown"


def test_two_users_with_one_address_are_refused(backend):
    org = f.organisation()
    f.user(org, email="delad@kommun.se")
    f.user(org, email="delad@kommun.se")

    assert signs_in(backend, email="delad@kommun.se") is None
    assert refusal(backend) == "ambiguous"


def test_it_never_creates_users(backend):
    with pytest.raises(SuspiciousOperation):
        backend.create_user({"email": "ny@kommun.se"})
    assert not User.objects.exists()


def test_a_provider_that_is_down_gets_a_swedish_refusal_not_an_error(client, sso):
    session = client.session
    session["oidc_states"] = {"s1": {"nonce": "n1", "code_verifier": "v" * 64}}
    session.save()

    answer = client.get("/oidc/callback/?code=c1&state=s1", follow=True)

    assert answer.redirect_chain == [("/logga-in/nekad/", 302)]
    assert answer.status_code == 403
    assert "Inloggningstjänsten svarade inte som den skulle" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_refusal_page_without_a_reason_says_the_sign_in_did_not_finish(client):
    answer = client.get("/logga-in/nekad/")

    assert "Inloggningen avbröts eller kunde inte slutföras" in answer.content.decode()


def test_a_password_post_with_a_code_in_its_address_does_not_call_the_provider(client, sso):
    f.user(f.organisation(), username="anna")

    answer = client.post("/logga-in/?code=c1&state=s1", {"username": "anna", "password": "pw"})

    assert answer.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_login_page_offers_single_sign_on_when_it_is_on(client, sso, settings):
    settings.OIDC_BUTTON_LABEL = "Logga in med kommunens konto"

    page = client.get("/logga-in/?next=/0180/2024/").content.decode()

    assert "Logga in med kommunens konto" in page
    assert 'href="/oidc/authenticate/?next=/0180/2024/"' in page
    assert 'name="password"' in page


def test_the_start_redirects_to_the_provider(client, sso):
    answer = client.get("/oidc/authenticate/")

    assert answer.status_code == 302
    assert answer.url.startswith(f"{DOWN}/auth?")
    assert "code_challenge=" in answer.url


def test_with_single_sign_on_off_its_urls_are_not_found_and_there_is_no_button(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=c&state=s").status_code == 404
    assert "/oidc/" not in client.get("/logga-in/").content.decode()
