"""Calls in Chromium: every page passes axe (WCAG 2.1 A/AA) at desktop width and fits 320 px,
and an applicant completes and submits an application with the keyboard only.

The shared suite (tests/browser/test_accessibility.py) lists these pages in NOT_PAGES with a
pointer here, so its coverage guard still fails for a new calls page without a screen.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from calls.accounts import email_verification_token
from calls.models import (
    ApplicantProfile,
    Application,
    Call,
    ConflictDeclaration,
    ReviewerAssignment,
)
from calls.workflows import review_submit
from funds.models import Membership, Recipient, SurveyCategory
from tests import factories as f
from tests.browser.support import (
    DESKTOP,
    area,
    describe_violations,
    narrow_cells,
    run_axe,
    sign_in,
)

pytestmark = pytest.mark.browser

REFLOW = {"width": 320, "height": 800}


def _check(screen: Page, name: str) -> list[str]:
    """axe at desktop width; at 320 px the scroll regions, no sideways page scroll and lists
    as cards."""
    problems = describe_violations(run_axe(screen))
    screen.set_viewport_size(REFLOW)
    try:
        narrow = describe_violations(run_axe(screen, ["scrollable-region-focusable"]))
        width = screen.evaluate("document.documentElement.scrollWidth")
        if width > REFLOW["width"]:
            narrow += f"\nthe page is {width} px wide at 320 px"
        cells = narrow_cells(screen)
        if cells:
            narrow += f"\n{len(cells)} cells do not read at 320 px (not cards): {cells[:8]}"
    finally:
        screen.set_viewport_size(DESKTOP)
    return [f"{name} ({screen.url}):\n{text}" for text in (problems, narrow) if text.strip()]


def _world(demo_org):
    """A published call in the demo's 2024 area 1 with one submitted and one draft
    application, two reviewers (one has scored) and an applicant account."""
    pa = area(2024, 1)
    call = f.call(pa, "250000.00", title="Stöd till föreningar 2024")
    call.questions = ["Hur samarbetar ni med andra?"]
    call.save(update_fields=["questions"])
    submitted = f.application(call, organisation_name="Föreningen Inskickad")
    submitted.target_groups.add(
        SurveyCategory.objects.filter(year=2024, group="target_group").first()
    )
    submitted.answers = ["Med skolorna."]
    submitted.save(update_fields=["answers"])
    applicant = f.applicant("sokande@example.se")
    applicant.first_name, applicant.last_name = "Sara", "Sökande"
    applicant.save()
    reviewer = User.objects.get(username="lasare")
    coordinator = User.objects.get(username="samordnare")
    for user in (reviewer, coordinator):
        ReviewerAssignment.objects.get_or_create(call=call, reviewer=user)
    assignment = ReviewerAssignment.objects.get(call=call, reviewer=coordinator)
    ConflictDeclaration.objects.create(
        assignment=assignment, application=submitted, has_conflict=False
    )
    review_submit(
        assignment=assignment,
        application=submitted,
        scores={c.pk: (4, "Tydlig plan.") for c in call.criteria.all()},
    )
    return call, submitted, applicant


def test_call_pages_have_no_wcag_violations_and_fit_320_px(
    page: Page,  # noqa: F811
    live_server,
    demo,  # noqa: F811
):
    call, submitted, applicant = _world(demo)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(r.url) if r.status >= 500 else 0)
    problems: list[str] = []
    base = f"/0180/2024/utlysningar/{call.pk}/"

    def visit(name: str, url: str, status: int = 200) -> None:
        response = page.goto(url)
        assert response.status == status, (name, url, response.status)
        problems.extend(_check(page, name))

    # Anonymous visitors.
    visit("public-list", "/utlysningar/")
    visit("public-detail", f"/utlysningar/{call.pk}/")
    visit("register", "/utlysningar/konto/")
    page.get_by_role("button", name="Skapa konto").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "register-errors")
    pending = User.objects.create_user("ny@example.se", "ny@example.se", "x", is_active=False)
    ApplicantProfile.objects.create(user=pending)
    uid = urlsafe_base64_encode(force_bytes(pending.pk))
    token = email_verification_token.make_token(pending)
    visit("verify", f"/utlysningar/konto/bekrafta/{uid}/{token}/")
    visit("verify-failed", f"/utlysningar/konto/bekrafta/{uid}/fel-1/", status=400)

    # The applicant.
    sign_in(page, live_server.url, applicant.username)
    visit("public-detail-as-applicant", f"/utlysningar/{call.pk}/")
    page.get_by_role("button", name="Börja ansöka").click()
    page.wait_for_url("**/ansokningar/*/")
    problems += _check(page, "application-draft")
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "application-cannot-be-submitted")
    visit("application-list", "/ansokningar/")
    mine = Application.objects.get(applicant=applicant)
    Application.objects.filter(pk=mine.pk).update(
        status="granted",
        submitted_at=timezone.now(),
        amount_requested=Decimal("1000.00"),
        granted_amount=Decimal("1000.00"),
    )
    visit("application-receipt", f"/ansokningar/{mine.pk}/")
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now())
    Application.objects.filter(pk=mine.pk).update(status="draft")
    visit("application-after-deadline", f"/ansokningar/{mine.pk}/")
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + datetime.timedelta(days=3))
    page.context.clear_cookies()

    # The coordinator.
    sign_in(page, live_server.url, "samordnare")
    visit("call-list", "/0180/2024/utlysningar/")
    visit("year-overview-with-reservation", "/0180/2024/")
    visit("call-create", "/0180/2024/utlysningar/ny/")
    page.get_by_role("button", name="Spara utlysningen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "call-create-errors")
    draft = f.call(area(2024, 2), "1000.00", status=Call.Status.DRAFT, title="Utkast")
    visit("call-edit", f"/0180/2024/utlysningar/{draft.pk}/redigera/")
    visit("call-detail-draft", f"/0180/2024/utlysningar/{draft.pk}/")
    visit("call-detail", base)
    visit("call-application", f"{base}ansokningar/{submitted.pk}/")
    # The same organisationsnummer as a recipient the municipality has: a warning, and the
    # page that links the account to it.
    matched = Recipient.objects.filter(organisation=call.agreement.organisation).first()
    Application.objects.filter(pk=submitted.pk).update(recipient=matched)
    visit("call-application-matched", f"{base}ansokningar/{submitted.pk}/")
    visit("call-application-link", f"{base}ansokningar/{submitted.pk}/koppla/")
    visit("call-ranking", f"{base}rangordning/")
    page.get_by_label(f"Föreslaget belopp till {submitted}").fill("999 999 999")
    page.get_by_role("button", name="Spara förslagen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "call-ranking-refused")
    visit("call-decision", f"{base}beslut/")
    page.get_by_role("button", name="Registrera beslutet och skicka breven").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "call-decision-errors")
    visit("review-score-submitted", f"{base}bedomning/{submitted.pk}/")
    page.context.clear_cookies()

    # A reviewer: the jäv question, then the score form.
    sign_in(page, live_server.url, "lasare")
    visit("review-list", f"{base}bedomning/")
    visit("review-conflict", f"{base}bedomning/{submitted.pk}/")
    page.get_by_label("Nej, jag är inte jävig").check()
    page.get_by_role("button", name="Spara svaret").click()
    expect(page.get_by_role("button", name="Skicka in bedömningen")).to_be_visible()
    problems += _check(page, "review-score-form")
    page.get_by_role("button", name="Skicka in bedömningen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += _check(page, "review-score-errors")

    assert not server_errors, server_errors
    assert not problems, "\n".join(problems)


def _tab_to(screen: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if screen.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        screen.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_an_applicant_applies_with_the_keyboard_only(page: Page, live_server, demo):  # noqa: F811
    pa = area(2024, 1)
    call = f.call(pa, "250000.00", title="Tangentbordsutlysningen")
    applicant = f.applicant("tangent@example.se")
    sign_in(page, live_server.url, applicant.username)
    page.goto(f"/utlysningar/{call.pk}/")
    _tab_to(page, "form[action$='/ansok/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ansokningar/*/")

    def type_into(selector: str, text: str) -> None:
        _tab_to(page, selector)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)

    number = f.luhn_number("802700000")
    type_into("#id_organisation_name", "Tangentföreningen")
    type_into("#id_organisation_number", number)
    _tab_to(page, "#id_organisation_kind")
    page.keyboard.press("ArrowDown")  # the first eligible kind
    type_into("#id_project_title", "Samtal på kvällstid")
    type_into("#id_description", "Samtalsgrupper för unga vuxna.")
    type_into("#id_expected_results", "Minskad ensamhet.")
    _tab_to(page, "#id_target_groups_0")
    page.keyboard.press("Space")
    type_into("#id_amount_requested", "40 000")
    type_into("#id_budget-0-item", "Samtalsledare")
    type_into("#id_budget-0-amount", "40 000")
    # Save the draft first, as over several visits, then come back and submit.
    _tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Utkastet är sparat")).to_be_visible()
    _tab_to(page, "button[value=submit]", limit=120)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Kvitto")).to_be_visible()
    application = Application.objects.get(applicant=applicant)
    assert application.status == "submitted"
    assert application.organisation_number == number
    assert application.amount_requested == Decimal("40000.00")
    assert application.budget_total == Decimal("40000.00")
    assert not Membership.objects.filter(user=applicant).exists()


def test_an_applicant_uploads_between_two_edits_and_keeps_both(
    page: Page, live_server, demo, tmp_path
):
    from tests.calls.pdfs import pdf

    call = f.call(area(2024, 1), "250000.00", title="Bilageutlysningen")
    applicant = f.applicant("bilaga@example.se")
    application = f.application(call, applicant, status="draft", submitted_at=None)
    sign_in(page, live_server.url, applicant.username)
    page.goto(f"/ansokningar/{application.pk}/")
    # The first edit, never saved by "Spara utkast": the upload must keep it.
    page.get_by_label("Projektets namn").fill("Första ändringen")
    file = tmp_path / "plan.pdf"
    file.write_bytes(pdf())
    page.get_by_label("Bilaga (PDF, högst 5 MB)").set_input_files(str(file))
    page.get_by_role("button", name="Ladda upp bilagan").click()
    expect(page.get_by_text("Utkastet och bilagan plan.pdf är sparade")).to_be_visible()
    expect(page.get_by_label("Projektets namn")).to_have_value("Första ändringen")
    # The second edit, after the upload, saved as usual.
    page.get_by_label("Beskriv verksamheten ni söker för").fill("Andra ändringen")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat")).to_be_visible()
    application.refresh_from_db()
    assert (application.project_title, application.description) == (
        "Första ändringen",
        "Andra ändringen",
    )
    assert [a.name for a in application.attachments.all()] == ["plan.pdf"]


def test_text_that_cannot_be_saved_stays_and_the_summary_has_focus(
    page: Page, live_server, demo, tmp_path
):
    from tests.calls.pdfs import pdf

    call = f.call(area(2024, 1), "250000.00", title="Felutlysningen")
    applicant = f.applicant("fel@example.se")
    application = f.application(call, applicant, status="draft", submitted_at=None)
    sign_in(page, live_server.url, applicant.username)
    page.goto(f"/ansokningar/{application.pk}/")
    page.get_by_label("Organisationsnummer").fill("802000-0000")
    page.get_by_label("Projektets namn").fill("Texten finns kvar")
    file = tmp_path / "plan.pdf"
    file.write_bytes(pdf())
    page.get_by_label("Bilaga (PDF, högst 5 MB)").set_input_files(str(file))
    page.get_by_role("button", name="Ladda upp bilagan").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Projektets namn")).to_have_value("Texten finns kvar")
    assert not application.attachments.exists()
