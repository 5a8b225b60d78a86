"""Keyboard and screen reader users start at the error summary after a failed submit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from funds.allocation.workflows import agreement_decide
from funds.models import Allocation, Intervention
from tests import factories as f
from tests.browser.support import agreement, area, sign_in

pytestmark = pytest.mark.browser


def test_a_reporters_failed_submit_focuses_the_error_summary(page: Page, live_server, demo):
    agreement_decide(
        agreement=agreement(2024),
        registry_number="DNR 2024/1",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Delegaten",
    )
    allocation = Allocation.objects.filter(
        priority_area__agreement=agreement(2024), recipient__memberships__user__username="rapportor"
    ).first()
    sign_in(page, live_server.url, "rapportor")
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")
    page.get_by_role("button", name="Skicka in").click()
    expect(page.locator(".error-summary")).to_be_focused()


def test_before_the_year_is_decided_the_reporter_sees_one_message_and_no_form(
    page: Page, live_server, demo
):
    allocation = Allocation.objects.filter(
        priority_area__agreement=agreement(2024), recipient__memberships__user__username="rapportor"
    ).first()
    sign_in(page, live_server.url, "rapportor")
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")
    expect(
        page.get_by_role("heading", name="Redovisningen öppnar när fördelningen är beslutad")
    ).to_be_visible()
    assert page.locator("main form fieldset").count() == 0
    assert page.locator("main :disabled").count() == 0


# Elements the Tab key stops at (what a keyboard user walks through).
TABBABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary"
)


def test_a_saved_insats_is_one_tab_stop_until_it_is_opened(page: Page, live_server, demo):
    agreement_decide(
        agreement=agreement(2024),
        registry_number="DNR 2024/1",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Delegaten",
    )
    allocation = Allocation.objects.filter(
        priority_area__agreement=agreement(2024), recipient__memberships__user__username="rapportor"
    ).first()
    report = f.follow_up(allocation, "150000.00")
    for name, amount in (("Kuratorer", "100000.00"), ("Samtalsgrupp", "50000.00")):
        Intervention.objects.create(follow_up=report, name=name, amount_spent=Decimal(amount))
    sign_in(page, live_server.url, "rapportor")
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")

    first = page.locator("#insats-1-fold > summary")
    expect(first).to_contain_text("Insats 1: Kuratorer")
    first.focus()
    page.keyboard.press("Tab")
    expect(page.locator("#insats-2-fold > summary")).to_be_focused()

    # Opened from the keyboard, the insats shows its fields; closed, they are skipped.
    open_stops = page.locator(f"#insats-1-fold :is({TABBABLE})")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_insats-0-name")).to_be_visible()
    visible = [el for el in open_stops.all() if el.is_visible()]
    assert len(visible) > 20  # what every saved insats cost in Tab presses before
    page.keyboard.press("Tab")
    expect(page.locator("#id_insats-0-name")).to_be_focused()


def tab_presses(page: Page, selector: str, limit: int = 60) -> int:
    """How many Tab presses, from the top of the page, bring the focus to `selector`."""
    page.evaluate("document.activeElement?.blur()")
    for presses in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"{limit} Tab presses never reached {selector} on {page.url}")


def test_tab_presses_to_the_first_thing_on_three_screens(page: Page, live_server, demo):
    """The Tab presses issue 22 counted, as bounds: the skip link is the first stop on every
    page, then the menus, then the main content."""
    call = f.call(area(2024, 1), "250000.00", title="Tangentbordsutlysningen")
    applicant = f.applicant("tangent@example.se")
    # The public call list: skip link, brand, the two account links, the first call.
    page.goto("/utlysningar/")
    assert tab_presses(page, f"main a[href='/utlysningar/{call.pk}/']") <= 5

    sign_in(page, live_server.url, applicant.username)
    page.goto(f"/utlysningar/{call.pk}/")
    page.get_by_role("button", name="Börja ansöka").click()
    page.wait_for_url("**/ansokningar/*/")
    # The application: its first field after the two skip links and the menus; the upload,
    # after the whole form (29 presses), from the second skip link.
    assert tab_presses(page, "#id_organisation_name") <= 9
    page.reload()
    assert tab_presses(page, "a.skip-link[href='#bilagor']") == 2
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#bilagor input[type=file]")).to_be_focused()

    # The coordinator's year overview: the year menu's Fördelning, before the page's text.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "samordnare")
    page.goto("/0180/2024/")
    assert tab_presses(page, "a[href='/0180/2024/fordelning/']") <= 6
