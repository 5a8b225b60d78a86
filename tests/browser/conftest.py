"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

They need /usr/bin/chromium and node_modules/axe-core; `scripts/browser_deps.sh` installs
both (`make test` runs it). Playwright's own browser download is never used.

The live server answers from another thread, so every test uses a transactional database
that is emptied after it. The demo data is loaded once per test database and each test starts
from a fresh copy of it (tests/demo_image.py: 30 ms, where a load takes 2.5 s).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from funds.models import Organisation
from tests.browser.support import DESKTOP
from tests.demo_image import FAST_HASHERS, demo_restore

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


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


@pytest.fixture
def demo(transactional_db, settings) -> Organisation:
    """Stockholms stad's demo data, fresh for this test (the live server sees it too)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    demo_restore()
    return Organisation.objects.get(code="0180")
