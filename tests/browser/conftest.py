"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

They need /usr/bin/chromium and node_modules/axe-core; `scripts/browser_deps.sh` installs
both (`make test` runs it). Playwright's own browser download is never used.

The live server answers from another thread, so every test uses a transactional database
that is emptied after it. The demo data is built in code by `load_demo` once per run and
dumped to a temporary file; each test starts from a fresh copy of that dump (0.3 s, where a
load takes 1 s with the fast hasher and 2 s without).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from funds.models import (
    NationalAgreement,
    NationalArea,
    NationalAreaFunding,
    Organisation,
    SurveyCategory,
    SurveyCategorySet,
)
from tests.browser.support import DESKTOP

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The demo users' passwords are hashed with this in the tests: PBKDF2 costs a second a load.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TIMEOUT_MS = 10_000
# Everything but what migrations and requests make: whatever `load_demo` writes is kept.
NOT_DEMO = ("contenttypes", "auth.permission", "sessions", "admin")


# One browser for the whole browser suite, closed when it ends: while Playwright runs, the
# main thread has a running event loop, which would break async_to_sync in later tests.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: run scripts/browser_deps.sh (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[[], BrowserContext]]:
    """Open a fresh browser context (own cookies, own session) per call; closed afterwards."""
    contexts: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


REFERENCE_MODELS = (
    SurveyCategorySet,
    SurveyCategory,
    NationalAreaFunding,
    NationalArea,
    NationalAgreement,
)


@pytest.fixture(scope="session")
def demo_dump(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """The demo data as loaded by `load_demo`, dumped once; the database is left empty."""
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", stdout=io.StringIO())
        call_command("dumpdata", exclude=list(NOT_DEMO), output=str(path), verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    return path


@pytest.fixture
def demo(demo_dump: Path, transactional_db, settings) -> Organisation:
    """Stockholms stad's demo data, fresh for this test (the live server sees it too)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The flush before each test reloads the national reference data (post_migrate); the dump
    # carries the same rows with the keys the demo points at, so they make way for it.
    for model in REFERENCE_MODELS:
        model.objects.all().delete()
    call_command("loaddata", str(demo_dump), verbosity=0)
    return Organisation.objects.get(code="0180")
