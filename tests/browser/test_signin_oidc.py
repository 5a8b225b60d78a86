"""Single sign-on end to end: Chromium, the app, and a real OpenID provider (oidc-provider
under node, tests/oidc/provider.mjs) started for these tests. Nothing of the protocol is
mocked: the browser is redirected to the provider, signs in on its login page, and the app
exchanges the code, checks the ID token's signature against the provider's keys and reads
userinfo, over loopback HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.oidc.provider import provider_running

pytestmark = pytest.mark.browser

BUTTON = "Logga in med kommunens konto"
ACCOUNTS = {
    # The demo's coordinator, invited by e-mail.
    "anna": {"email": "Anna.Samordnare@stockholm.se", "email_verified": True},
    # A real account at the provider that nobody invited.
    "okand": {"email": "okand@stockholm.se", "email_verified": True},
    # The demo's reader, whose address the provider has not verified.
    "lasse": {"email": "lasare@stockholm.se", "email_verified": False},
}


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory) -> Iterator[dict]:
    config = {
        "client_id": "stimulansmedel",
        "client_secret": "test-only-client-secret",
        "redirect_uri": f"{live_server.url}/oidc/callback/",
        "accounts": ACCOUNTS,
    }
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with provider_running(config, log) as discovery:
        yield discovery


@pytest.fixture
def sso(provider: dict, settings, demo) -> None:
    """Single sign-on switched on and pointed at the provider, as the DJANGO_OIDC_* variables
    do; the demo users get the addresses the provider knows."""
    settings.OIDC_ENABLED = True
    settings.OIDC_BUTTON_LABEL = BUTTON
    settings.OIDC_RP_CLIENT_ID = "stimulansmedel"
    settings.OIDC_RP_CLIENT_SECRET = "test-only-client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "signin.backends.InvitedStaffBackend",
    ]
    User.objects.filter(username="samordnare").update(email="anna.samordnare@stockholm.se")
    User.objects.filter(username="lasare").update(email="lasare@stockholm.se")


def sign_in_at_provider(page: Page, login: str) -> None:
    """From the app's login page through the provider's own login and consent pages."""
    page.goto("/logga-in/")
    page.get_by_role("link", name=BUTTON).click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("vad som helst")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_an_invited_user_signs_in_and_lands_on_their_start_page(page: Page, sso):
    sign_in_at_provider(page, "anna")

    expect(page).to_have_url(re.compile(r"/0180/2024/$"))
    expect(page.get_by_text("Inloggad som")).to_be_visible()


def test_an_account_nobody_invited_is_refused(page: Page, sso):
    sign_in_at_provider(page, "okand")

    expect(page).to_have_url(re.compile(r"/logga-in/nekad/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Det gick inte att logga in")
    expect(
        page.get_by_text("Det finns inget konto i tjänsten för okand@stockholm.se")
    ).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/$"))


def test_an_address_the_provider_has_not_verified_is_refused(page: Page, sso):
    sign_in_at_provider(page, "lasse")

    expect(page).to_have_url(re.compile(r"/logga-in/nekad/$"))
    expect(
        page.get_by_text("har inte bekräftat e-postadressen lasare@stockholm.se")
    ).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/$"))


def test_with_local_passwords_off_only_single_sign_on_is_offered(page: Page, sso, settings):
    settings.LOCAL_PASSWORDS_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "signin.backends.InvitedStaffBackend",
    ]

    page.goto("/logga-in/")
    expect(page.get_by_label("Lösenord")).to_have_count(0)
    sign_in_at_provider(page, "anna")

    expect(page).to_have_url(re.compile(r"/0180/2024/$"))
