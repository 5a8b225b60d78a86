"""The reporter from the keyboard: the error summary takes the focus after a failed submit, a
saved insats is one Tab stop on the report, and a whole report is made without a mouse."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from funds.allocation.workflows import agreement_decide
from funds.models import Allocation, FollowUp, Intervention
from tests import factories as f
from tests.browser.support import agreement, area, sign_in

pytestmark = pytest.mark.browser


def test_a_reporters_failed_submit_focuses_the_error_summary(page: Page, live_server, demo):
    allocation = _decided_allocation()
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


def _decided_allocation() -> Allocation:
    agreement_decide(
        agreement=agreement(2024),
        registry_number="DNR 2024/1",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Delegaten",
    )
    return Allocation.objects.filter(
        priority_area__agreement=agreement(2024), recipient__memberships__user__username="rapportor"
    ).first()


def test_a_saved_insats_is_one_tab_stop_on_the_report(page: Page, live_server, demo):
    """Issue 22: one insats cost 82 Tab stops on the old form, and 200 of them 4 s of server
    time. The report lists each saved insats as one row with one link; its fields are on its
    own page, where the Tab stops are paid once, for the insats being edited."""
    allocation = _decided_allocation()
    report = f.follow_up(allocation, "150000.00")
    for name, amount in (("Kuratorer", "100000.00"), ("Samtalsgrupp", "50000.00")):
        Intervention.objects.create(follow_up=report, name=name, amount_spent=Decimal(amount))
    sign_in(page, live_server.url, "rapportor")
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")

    rows = page.locator("tr[id^=insats-]")
    expect(rows).to_have_count(2)
    for row in rows.all():
        assert row.locator(f":is({TABBABLE})").count() == 1
    first = page.locator("#insats-1 a")
    expect(first).to_contain_text("Ändra")
    first.focus()
    page.keyboard.press("Tab")
    expect(page.locator("#insats-2 a")).to_be_focused()
    assert page.locator(f"main :is({TABBABLE})").count() < 30  # the whole report page

    # Enter opens the insats's own page, with every field of the enkät.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Insats 1: Kuratorer")).to_be_visible()
    stops = [el for el in page.locator(f"#insats-form :is({TABBABLE})").all() if el.is_visible()]
    assert len(stops) > 20  # what every saved insats cost on the report page before


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


def _tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_reporter_reports_with_the_keyboard_only(page: Page, live_server, demo):
    allocation = _decided_allocation()
    sign_in(page, live_server.url, "rapportor")
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")

    def type_into(selector: str, text: str) -> None:
        _tab_to(page, selector)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)

    _tab_to(page, "a[href$='/ny-insats/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ny insats")).to_be_visible()
    type_into("#id_insats-name", "Kuratorer i skolan")
    type_into("#id_insats-responsible_unit", "Elevhälsan")
    type_into("#id_insats-amount_spent", "100 000")
    type_into("#id_insats-description", "Två kuratorer till.")
    for group in ("activity_type", "goal", "target_group"):
        _tab_to(page, f"#id_insats-cat_{group}_0")
        page.keyboard.press("Space")
    type_into("#id_insats-results", "Kortare väntetid.")
    _tab_to(page, "#insats-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Insats 1, ”Kuratorer i skolan”, är sparad.")).to_be_visible()
    expect(page.locator("#insats-1")).to_contain_text("Kan skickas in")

    type_into("#id_spent", "100 000")
    type_into("#id_results", "Fler elever fick samtal.")
    _tab_to(page, "button[name=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Redovisningen är inskickad till samordnaren.")).to_be_visible()
    report = FollowUp.objects.get(allocation=allocation)
    assert (report.status, report.spent) == ("submitted", Decimal("100000"))
    assert list(report.interventions.values_list("name", flat=True)) == ["Kuratorer i skolan"]
