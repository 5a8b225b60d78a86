"""axe-core on every page a coordinator can reach, in the states that change its markup
(errors, warnings, a saved cell, a decided or closed year): zero WCAG 2.1 A/AA violations,
at desktop width and at 320 px. At 320 px no page is wider than the viewport (what is wider
scrolls inside its own region), a list table is cards (no cell narrower than 48 px, none
scrolling sideways, but in a table wide by nature), and no page shows English interface words.

Screens that need the same data share one test (one data load), and each screen is a
subtest, so one page's violations never hide another's. A new URL fails
`test_every_page_is_checked` until it has a screen here, or a line in NOT_PAGES saying why
it is not a page.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from funds.allocation.workflows import agreement_decide, allocation_set
from funds.models import Allocation, CountyGrant, FollowUp, Membership, Organisation
from reporting.demo import decision_demo_load
from tests.browser.support import (
    BROMMA,
    CODE,
    DESKTOP,
    IMPORT_COLUMNS,
    agreement,
    area,
    broken_words,
    cell_id,
    describe_violations,
    matrix_url,
    narrow_cells,
    paste_into_cell,
    recipient,
    run_axe,
    sign_in,
    type_into_cell,
)

pytestmark = pytest.mark.browser

# URL names that answer with no page of their own, and where their output is checked.
NOT_PAGES = {
    "open_data_allocations_csv_semicolon": "CSV (tests/reporting/test_opendata_catalogue.py)",
    "open_data_catalogue_ttl": "Turtle (tests/reporting/test_opendata_catalogue.py)",
    "open_data_catalogue_rdf": "RDF/XML (tests/reporting/test_opendata_catalogue.py)",
    "open_data_schema": "CSVW JSON (tests/reporting/test_opendata_catalogue.py)",
    "open_data_csvw_metadata": "CSVW JSON (tests/reporting/test_opendata_cache.py)",
    "allocation_undo": "POST only; redirects to the matrix (matrix-2024-undo-and-comment-dialog)",
    "allocation_reason": "POST only; its fragment: matrix-2024-decided-reason-given",
    "decision_docx": "a Word file (tests/reporting/test_decision_seed.py)",
    "organisation_logo": "an image (tests/reporting/test_organisation_settings.py)",
    "health": "JSON for the load balancer (tests/config/test_health.py)",
    "logout": "POST only; redirects to the login page",
    "allocation_cell": "POST only (htmx); its fragments: matrix-after-a-cell-save, -cell-error",
    "recipient_add": "POST only; redirects to the matrix",
    "allocation_export": "an .xlsx file (test_matrix_excel.py)",
    "recipient_import_template": "an .xlsx file (tests/funds/test_recipient_template.py)",
    "allocation_import_template": "an .xlsx file (tests/funds/test_allocation_template.py)",
    "followup_review": "POST only; redirects to the follow-up",
    "followup_deadline": "POST only; redirects to the status board",
    "decision_pdf": "a PDF",
    "decision_version_pdf": "a PDF",
    "decision_issue": "POST only; redirects to the preview",
    "decision_new_version": "POST only; redirects to the edit form",
    "survey_download": "an .xlsx file (tests/reporting/test_survey_views.py)",
    "open_data_allocations_csv": "CSV (tests/reporting/test_opendata.py)",
    "open_data_allocations_json": "JSON (tests/reporting/test_opendata.py)",
    "plan_list": "axe in tests/browser/test_plans_axe.py",
    "plan_create": "axe in tests/browser/test_plans_axe.py",
    "plan_detail": "axe in tests/browser/test_plans_axe.py",
    "plan_edit": "axe in tests/browser/test_plans_axe.py",
    "goal_area_create": "axe in tests/browser/test_plans_axe.py",
    "goal_area_edit": "axe in tests/browser/test_plans_axe.py",
    "priority_create": "axe in tests/browser/test_plans_axe.py",
    "priority_edit": "axe in tests/browser/test_plans_axe.py",
    "activity_create": "axe in tests/browser/test_plans_axe.py",
    "activity_edit": "axe in tests/browser/test_plans_axe.py",
    "goal_create": "axe in tests/browser/test_plans_axe.py",
    "goal_edit": "axe in tests/browser/test_plans_axe.py",
    "indicator_create": "axe in tests/browser/test_plans_axe.py",
    "indicator_edit": "axe in tests/browser/test_plans_axe.py",
    "indicator_detail": "axe in tests/browser/test_plans_axe.py",
    "coverage": "axe in tests/browser/test_plans_axe.py",
    "oidc_authentication_init": "redirects to the identity provider (test_signin_oidc.py)",
    "oidc_authentication_callback": "redirects home or to signin_refused (test_signin_oidc.py)",
    # --- calls for applications ---
    "call_public_list": "axe and 320 px in tests/browser/test_calls.py",
    "call_public_detail": "axe and 320 px in tests/browser/test_calls.py",
    "applicant_register": "axe and 320 px in tests/browser/test_calls.py",
    "applicant_verify": "axe and 320 px in tests/browser/test_calls.py",
    "application_list": "axe and 320 px in tests/browser/test_calls.py",
    "application_edit": "axe and 320 px in tests/browser/test_calls.py",
    "call_list": "axe and 320 px in tests/browser/test_calls.py",
    "call_create": "axe and 320 px in tests/browser/test_calls.py",
    "call_edit": "axe and 320 px in tests/browser/test_calls.py",
    "call_detail": "axe and 320 px in tests/browser/test_calls.py",
    "call_application": "axe and 320 px in tests/browser/test_calls.py",
    "call_application_link": "axe and 320 px in tests/browser/test_calls.py",
    "call_ranking": "axe and 320 px in tests/browser/test_calls.py",
    "call_decision": "axe and 320 px in tests/browser/test_calls.py",
    "review_list": "axe and 320 px in tests/browser/test_calls.py",
    "review_application": "axe and 320 px in tests/browser/test_calls.py",
    "application_start": "POST only; redirects to the application",
    "attachment_upload": "POST only; redirects to the application",
    "attachment_delete": "POST only; redirects to the application",
    "attachment_download": "a PDF (tests/calls/test_attachments.py)",
    "application_letter": "a PDF (tests/calls/test_end_to_end.py)",
    "call_status": "POST only; redirects to the call",
    "call_reviewers": "POST only; redirects to the call",
    "call_export_xlsx": "an .xlsx file (tests/calls/test_workflows.py)",
    "call_export_pdf": "a PDF (tests/calls/test_workflows.py)",
    # --- the analysis (analysis/) ---
    "analysis_organisation_pdf": "a PDF/UA (tests/analysis/test_lagesrapport.py)",
    "analysis_organisation_docx": "a Word file (tests/analysis/test_lagesrapport.py)",
    "analysis_organisation_csv": "CSV (tests/analysis/test_demo_analysis.py)",
    "analysis_county_pdf": "a PDF/UA (tests/analysis/test_lagesrapport.py)",
    "analysis_county_docx": "a Word file, as the organisation's",
    "analysis_county_csv": "CSV (tests/analysis/test_public_analysis.py)",
    "analysis_nation_pdf": "a PDF/UA, as the county's",
    "analysis_nation_docx": "a Word file, as the organisation's",
    "analysis_nation_csv": "CSV, as the county's",
    "analysis_organisation_csv_semicolon": "CSV (tests/analysis/test_years.py)",
    "analysis_county_csv_semicolon": "CSV, as the organisation's",
    "analysis_nation_csv_semicolon": "CSV, as the organisation's",
    "analysis_organisation_years_csv": "CSV (tests/analysis/test_years.py)",
    "analysis_organisation_years_csv_semicolon": "CSV (tests/analysis/test_years.py)",
    "analysis_county_years_csv": "CSV, as the organisation's",
    "analysis_county_years_csv_semicolon": "CSV (tests/analysis/test_years.py)",
    "analysis_nation_years_csv": "CSV, as the organisation's",
    "analysis_nation_years_csv_semicolon": "CSV, as the organisation's",
    "analysis_county_coordinator_pdf": "a PDF/UA, as the county's",
    "analysis_county_coordinator_docx": "a Word file, as the organisation's",
    "analysis_county_coordinator_csv": "CSV (tests/analysis/test_county_coordinator.py)",
    "analysis_county_coordinator_csv_semicolon": "CSV (tests/analysis/test_county_coordinator.py)",
    "analysis_county_coordinator_years_csv": "CSV (tests/analysis/test_county_coordinator.py)",
    "analysis_county_coordinator_years_csv_semicolon": "CSV, as the county's",
}
REFLOW = {"width": 320, "height": 800}
# Screens of a signed-in member without the year menu: error pages say what went wrong and
# link home, wherever the request came from.
NO_MENU = re.compile(r"^(not-found|forbidden|bad-request|server-error|csrf)")
# A common laptop width, where the broken words were first counted.
WIDE = {"width": 1366, "height": 800}
# English interface words a Swedish page must never show: Django's and the browser's defaults,
# English month and weekday names. Case-sensitive whole words ("april" is Swedish too).
ENGLISH_UI = re.compile(
    r"\b(Select|Choose File|No file chosen|Not Found|Server Error|Forbidden|Bad Request|"
    r"Page not found|This field is required|January|February|March|April|June|July|"
    r"August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b"
)
PAGE_TEXT = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[aria-label], [placeholder], [title], option')].map(
    e => [e.getAttribute('aria-label'), e.getAttribute('placeholder'), e.getAttribute('title'),
          e.tagName === 'OPTION' ? e.textContent : ''].join(' '))].join('\\n')"""
# Django's admin has its own templates and its own login; coordinators are not staff.
SKIP_PREFIXES = ("admin/",)


# --- The data states ---------------------------------------------------------------------


def change(
    area_number: int, name: str, amount: str, reason: str = "", username: str | None = "samordnare"
) -> Allocation:
    """Change one 2024 cell the way the app does, so the audit trail has a row. Without a
    username, as `manage.py import_allocations` does when it is given no --user."""
    cell_area, cell_recipient = area(2024, area_number), recipient(name)
    current = Allocation.objects.filter(priority_area=cell_area, recipient=cell_recipient).first()
    return allocation_set(
        area=cell_area,
        recipient=cell_recipient,
        amount=Decimal(amount),
        expected_version=current.version if current else 0,
        user=User.objects.get(username=username) if username else None,
        reason=reason,
    ).allocation


def as_loaded() -> None:
    """The demo as `load_demo` leaves it: 2023 closed and followed up, 2024 a draft."""


def edited_and_over_allocated() -> None:
    change(1, BROMMA, "100000")
    change(1, BROMMA, "150000")
    # Written by no user: what `manage.py import_allocations` without --user records.
    change(2, BROMMA, "50000", reason="Import från Excel", username=None)
    change(4, "Streetminds", "7000000")


def decided_with_an_amendment() -> None:
    change(1, BROMMA, "100000")
    agreement_decide(
        agreement=agreement(2024),
        registry_number="SOF 2024/123",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Socialdirektören genom delegation från socialnämnden",
    )
    change(1, BROMMA, "150000", reason="Omfördelning efter dialog med stadsdelen")


def without_allocations_in_2024() -> None:
    # The rollover form shows only for a year without allocations. The demo's draft
    # allocations have no audit rows yet, so they can still be deleted.
    Allocation.objects.filter(priority_area__agreement=agreement(2024)).delete()


def sign_ins_locked() -> None:
    """An account locked by its failures and an address locked by a password spray."""
    for username, address, failures in [
        ("samordnare", "203.0.113.5", 5),
        (None, "198.51.100.7", 30),
    ]:
        AccessAttempt.objects.create(
            username=username,
            ip_address=address,
            failures_since_start=failures,
            attempt_time=timezone.now(),
            **dict.fromkeys(
                ["user_agent", "get_data", "post_data", "http_accept", "path_info"], ""
            ),
        )


def county_partnership_granted() -> None:
    """A county partnership in the demo kommun's county, the demo's coordinator also its
    länssamordnare, and the demo kommun's grant to it in force."""
    kommun = Organisation.objects.get(code=CODE)
    partnership = Organisation.objects.create(
        name="Länets gemensamma satsning",
        kind=Organisation.Kind.COUNTY_PARTNERSHIP,
        code=f"L{CODE[:2]}",
    )
    user = User.objects.get(username="samordnare")
    Membership.objects.create(
        user=user, organisation=partnership, role=Membership.Role.COUNTY_COORDINATOR
    )
    CountyGrant.objects.create(organisation=kommun, partnership=partnership, granted_by=user)


@dataclass(frozen=True)
class State:
    user: str | None
    prepare: Callable[[], None]


STATES = {
    "anonymous": State(None, as_loaded),
    "reporter": State("rapportor", as_loaded),
    "as-loaded": State("samordnare", as_loaded),
    "2024-edited": State("samordnare", edited_and_over_allocated),
    "2024-decided": State("samordnare", decided_with_an_amendment),
    "2024-empty": State("samordnare", without_allocations_in_2024),
    "sign-ins-locked": State("admin", sign_ins_locked),
    "admin": State("admin", as_loaded),
    "documents": State("samordnare", lambda: decision_demo_load()),
    "county-granted": State("samordnare", county_partnership_granted),
}


# --- The screens -------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    name: str
    state: str
    covers: tuple[str, ...]  # URL names
    show: Callable[[Page, Path], object]  # brings the browser to the page in its state


SCREENS: list[Screen] = []


def screen(name: str, state: str, *covers: str):
    assert state in STATES, state

    def register(show: Callable[[Page, Path], object]) -> Callable:
        SCREENS.append(Screen(name, state, covers, show))
        return show

    return register


def bromma_cell(area_number: int) -> str:
    return cell_id(area(2024, area_number), recipient(BROMMA))


def import_file(tmp_path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    workbook.active.title = "Import"
    workbook.active.append(IMPORT_COLUMNS)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "import.xlsx"
    workbook.save(path)
    return path


def upload(page: Page, path: Path) -> None:
    page.goto(f"{matrix_url(2024)}import/")
    page.get_by_label("Excel-fil (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Förhandsgranska").click()


@screen("login", "anonymous", "login")
def _login(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/")


@screen("login-wrong-password", "anonymous", "login")
def _login_error(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("home-is-year-overview-2024", "as-loaded", "home", "year_overview")
def _home(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/0180/2024/$"))


@screen("year-overview-2023-closed", "as-loaded", "year_overview")
def _overview_2023(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/")


@screen("matrix-2024-draft", "as-loaded", "allocation_matrix")
def _matrix(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))


@screen("matrix-2024-cell-error", "as-loaded", "allocation_matrix", "allocation_cell")
def _matrix_error(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    type_into_cell(page, bromma_cell(1), "1.500.000")
    expect(page.locator(".cell-error")).to_be_visible()


@screen("matrix-2023-closed", "as-loaded", "allocation_matrix")
def _matrix_closed(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2023))


@screen("history-2023-read-in", "as-loaded", "allocation_history")
def _history_read_in(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2023)}historik/")


@screen("decision-form", "as-loaded", "agreement_decision")
def _decision(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}beslut/")


@screen("decision-form-errors", "as-loaded", "agreement_decision")
def _decision_errors(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}beslut/")
    page.get_by_label("Diarienummer").fill("")
    page.get_by_label("Beslutat av").fill("")
    page.get_by_role("button", name="Besluta").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("reopen-2023-closed", "as-loaded", "agreement_reopen")
def _reopen(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2023)}oppna-igen/")


@screen("reopen-2023-without-reason", "as-loaded", "agreement_reopen")
def _reopen_errors(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2023)}oppna-igen/")
    page.get_by_role("button", name="Öppna året igen").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("close-2023-already-closed", "as-loaded", "agreement_close")
def _close_refused(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2023)}avsluta/")


@screen("follow-up-start-2024-draft", "as-loaded", "agreement_follow_up_start")
def _follow_up_start_refused(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}starta-uppfoljning/")


@screen("area-proposals-2024-none-waiting", "as-loaded", "agreement_area_proposals")
def _area_proposals(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/omraden/forslag/")


@screen("import-upload-form", "as-loaded", "allocation_import")
def _import(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}import/")


@screen("import-upload-without-a-file", "as-loaded", "allocation_import")
def _import_no_file(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}import/")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.locator(".error-summary, .errorlist").first).to_be_visible()


@screen("import-preview-with-problems", "as-loaded", "allocation_import")
def _import_problems(page: Page, tmp_path: Path) -> None:
    area_1, area_2, area_4 = (area(2024, number).name for number in (1, 2, 4))
    district = "Stadsdelsförvaltning"
    path = import_file(
        tmp_path,
        [
            [BROMMA, district, area_1, 250000, "Går att spara"],
            ["Okänd förvaltning", "Fackförvaltning", area_1, 1000, ""],
            [BROMMA, district, "Okänt område", 1000, ""],
            [BROMMA, district, area_2, "1.500.000", ""],
            [BROMMA, district, area_1, 250000, "Dubblett"],
            ["Equal", "Förening", area_4, 99000000, "Mer än tilldelat"],
        ],
    )
    upload(page, path)
    expect(page.locator(".error-summary").first).to_be_visible()


@screen("import-preview-ready-to-save", "as-loaded", "allocation_import")
def _import_ready(page: Page, tmp_path: Path) -> None:
    upload(page, import_file(tmp_path, [[BROMMA, "Stadsdelsförvaltning", area(2024, 1).name, 1]]))
    expect(page.get_by_role("button", name="Spara ändringarna", exact=True)).to_be_visible()


@screen("rollover-refused", "as-loaded", "allocation_rollover")
def _rollover_refused(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}nytt-ar/")


@screen("followup-list-2023", "as-loaded", "followup_list")
def _followups_2023(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/redovisning/")


@screen("followup-2023-approved", "as-loaded", "followup_edit")
def _followup_2023(page: Page, tmp_path: Path) -> None:
    follow_up = FollowUp.objects.filter(
        allocation__priority_area__agreement=agreement(2023), interventions__isnull=False
    ).first()
    page.goto(f"/0180/2023/redovisning/{follow_up.allocation_id}/")


@screen("followup-board-2023", "as-loaded", "followup_board")
def _board_2023(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/uppfoljning/")


@screen("repayments-2023", "as-loaded", "repayments")
def _repayments(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/aterbetalningar/")


@screen("decision-document-2023", "as-loaded", "decision_preview")
def _document_2023(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/tjansteutlatande/")


@screen("decision-document-2023-edit", "as-loaded", "decision_edit")
def _document_2023_edit(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/tjansteutlatande/redigera/")


@screen("decision-document-2024", "as-loaded", "decision_preview")
def _document_2024(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/tjansteutlatande/")


@screen("survey-check-2023-ready", "as-loaded", "survey_check")
def _survey_2023(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/enkat/")


@screen("survey-check-2024-problems", "as-loaded", "survey_check")
def _survey_2024(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/enkat/")


@screen("not-found", "as-loaded")
def _not_found(page: Page, tmp_path: Path) -> None:
    response = page.goto("/0180/2031/")
    assert response is not None and response.status == 404


@screen("year-overview-2024-over-allocated", "2024-edited", "year_overview")
def _overview_over(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/")


@screen("matrix-2024-over-allocated", "2024-edited", "allocation_matrix")
def _matrix_over(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    expect(page.locator("#warnings .warning-box")).to_be_visible()


@screen("matrix-2024-after-a-cell-save", "2024-edited", "allocation_matrix", "allocation_cell")
def _matrix_saved(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    type_into_cell(page, bromma_cell(2), "1 250 000")


@screen("history-2024", "2024-edited", "allocation_history")
def _history(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}historik/")


@screen("history-2024-one-cell", "2024-edited", "allocation_cell_history")
def _cell_history(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}historik/{area(2024, 1).pk}/{recipient(BROMMA).pk}/")


@screen("matrix-2024-decided", "2024-decided", "allocation_matrix")
def _matrix_decided(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    expect(page.locator("#id_reason")).to_be_visible()


@screen("history-2024-with-an-amendment", "2024-decided", "allocation_history")
def _history_amended(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}historik/")


@screen("followup-list-2024-decided", "2024-decided", "followup_list")
def _followups_2024(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/redovisning/")


@screen("followup-2024-submitted-empty", "2024-decided", "followup_edit")
def _followup_2024(page: Page, tmp_path: Path) -> None:
    allocation = Allocation.objects.get(priority_area=area(2024, 1), recipient=recipient(BROMMA))
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")
    page.get_by_role("button", name="Skicka in").click()
    expect(page.locator(".error-summary").first).to_be_visible()


@screen("followup-board-2024-decided", "2024-decided", "followup_board")
def _board_2024(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/uppfoljning/")


@screen("repayments-2024-form-errors", "2024-decided", "repayments")
def _repayments_errors(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/aterbetalningar/")
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator(".error-summary, .errorlist").first).to_be_visible()


@screen("rollover-form", "2024-empty", "allocation_rollover")
def _rollover(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}nytt-ar/")
    expect(page.get_by_role("button", name="Skapa fördelningen för 2024")).to_be_visible()


# --- Onboarding: organisations, recipients, members, accounts ---------------------------

# The demo's "admin" is a site administrator (superuser) and administrator of 0180.
STATES["site-admin"] = State("admin", as_loaded)
NOT_PAGES.update(
    {
        "member_remove": "POST only; redirects to the member list",
        "invitation_resend": "POST only; redirects to the member list",
        "invitation_withdraw": "POST only; redirects to the member list",
        "mail_resend": "POST only; redirects to the list of sent mail (mail-list)",
    }
)


def _recipient_sheet(tmp_path: Path) -> Path:
    workbook = Workbook()
    workbook.active.append(["namn", "typ", "organisationsnummer", "giltig från", "giltig till"])
    workbook.active.append(["Ny förvaltning", "Fackförvaltning", "", "", ""])
    workbook.active.append(["Förening utan nummer", "Förening", "", "", ""])
    workbook.active.append([BROMMA, "Stadsdelsförvaltning", "", "", ""])
    path = tmp_path / "mottagare.xlsx"
    workbook.save(path)
    return path


def _invitation_path() -> str:
    """An open invitation to the demo organisation, and its link."""
    from funds.models import Invitation, Organisation
    from funds.onboarding.invitations import _hash

    token = "tillganglighet-" + str(Invitation.objects.count())
    Invitation.objects.create(
        organisation=Organisation.objects.get(code=CODE),
        email=f"inbjuden{Invitation.objects.count()}@example.se",
        role="reader",
        token_hash=_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    return f"/konto/inbjudan/{token}/"


@screen("organisation-list", "site-admin", "organisation_list")
def _organisations(page: Page, tmp_path: Path) -> None:
    page.goto("/organisationer/")


@screen("organisation-create-errors", "site-admin", "organisation_create")
def _organisation_create(page: Page, tmp_path: Path) -> None:
    page.goto("/organisationer/ny/")
    page.locator("#id_code").fill("9999")
    page.get_by_role("button", name="Lägg upp organisationen").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("organisation-overview", "site-admin", "organisation_overview")
def _organisation_overview(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/organisation/")


@screen("agreement-create", "site-admin", "agreement_create")
def _agreement_create(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/ny-overenskommelse/")


@screen("agreement-create-errors", "site-admin", "agreement_create")
def _agreement_create_errors(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/ny-overenskommelse/")
    page.locator("#id_year").fill("2024")
    page.locator("#id_omrade-0-name").fill("Utan belopp")
    page.get_by_role("button", name="Spara överenskommelsen").click()
    # The agreement's and the first area's forms each summarise their own errors.
    expect(page.locator(".error-summary").first).to_be_visible()


@screen("recipient-list", "site-admin", "recipient_list")
def _recipients(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/mottagare/")


@screen("recipient-create-errors", "site-admin", "recipient_create")
def _recipient_create(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/mottagare/ny/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("recipient-edit", "site-admin", "recipient_edit")
def _recipient_edit(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/mottagare/{recipient(BROMMA).pk}/")


@screen("recipient-import-form", "site-admin", "recipient_import")
def _recipient_import(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/mottagare/import/")


@screen("recipient-import-preview-with-problems", "site-admin", "recipient_import")
def _recipient_import_preview(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/mottagare/import/")
    page.get_by_label("Fil (.xlsx eller .csv)").set_input_files(_recipient_sheet(tmp_path))
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_text("Filen har fel på 1 rader")).to_be_visible()


@screen("member-list", "site-admin", "member_list")
def _members(page: Page, tmp_path: Path) -> None:
    _invitation_path()
    page.goto(f"/{CODE}/anvandare/")
    expect(page.get_by_text("Inbjudningar som inte är använda")).to_be_visible()


@screen("mail-list", "site-admin", "mail_list")
def _mail_list(page: Page, tmp_path: Path) -> None:
    from funds.models import MailDelivery, Organisation

    MailDelivery.objects.create(
        organisation=Organisation.objects.get(code=CODE),
        kind="reminder",
        to="rapportor@example.se",
        subject="Påminnelse: redovisningen",
        body="Text",
        state="failed",
        attempts=5,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    page.goto(f"/{CODE}/utskick/")
    expect(page.get_by_role("button", name=re.compile("Skicka igen"))).to_be_visible()


@screen("member-invite-errors", "site-admin", "member_invite")
def _member_invite(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/anvandare/bjud-in/")
    page.locator("#id_role").select_option("reporter")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("member-edit", "site-admin", "member_edit")
def _member_edit(page: Page, tmp_path: Path) -> None:
    from funds.models import Membership

    membership = Membership.objects.get(user__username="lasare", organisation__code=CODE)
    page.goto(f"/{CODE}/anvandare/{membership.pk}/")


@screen("password-change-errors", "as-loaded", "password_change")
def _password_change(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/losenord/")
    page.get_by_role("button", name="Byt lösenord").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("password-change-done", "as-loaded", "password_change_done")
def _password_change_done(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/losenord/klart/")


@screen("password-reset", "anonymous", "password_reset")
def _password_reset(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/aterstall/")


@screen("password-reset-done", "anonymous", "password_reset_done")
def _password_reset_done(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/aterstall/skickat/")


@screen("password-reset-link-broken", "anonymous", "password_reset_confirm")
def _password_reset_confirm(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/aterstall/MQ/fel-token/")


@screen("password-reset-complete", "anonymous", "password_reset_complete")
def _password_reset_complete(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/aterstall/klart/")


@screen("invitation-accept", "anonymous", "invitation_accept")
def _invitation_accept(page: Page, tmp_path: Path) -> None:
    page.goto(_invitation_path())
    expect(page.get_by_role("button", name="Spara lösenordet och gå med")).to_be_visible()


@screen("invitation-link-broken", "anonymous", "invitation_accept")
def _invitation_broken(page: Page, tmp_path: Path) -> None:
    page.goto("/konto/inbjudan/fel-token/")


# --- Sign-in ---


@screen("login-with-single-sign-on", "anonymous", "login")
def _login_sso(page: Page, tmp_path: Path) -> None:
    with override_settings(OIDC_ENABLED=True, OIDC_BUTTON_LABEL="Logga in med kommunens konto"):
        page.goto("/logga-in/")
    expect(page.get_by_role("link", name="Logga in med kommunens konto")).to_be_visible()


@screen("signin-refused", "anonymous", "signin_refused")
def _signin_refused(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/nekad/")


@screen("login-locked-out", "anonymous", "login")
def _login_locked(page: Page, tmp_path: Path) -> None:
    for _ in range(5):  # the account limit
        page.goto("/logga-in/")
        page.get_by_label("Användarnamn").fill("obefintlig")
        page.get_by_label("Lösenord").fill("fel")
        page.get_by_role("button", name="Logga in").click()
        expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_role("heading", name="Inloggningen är spärrad")).to_be_visible()


@screen("signin-locks", "sign-ins-locked", "signin_locks")
def _signin_locks(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/sparrar/")
    expect(page.get_by_role("button", name="Lås upp kontot samordnare")).to_be_visible()


@screen("signin-locks-after-unlock", "sign-ins-locked", "signin_locks")
def _signin_unlocked(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/sparrar/")
    page.get_by_role("button", name="Lås upp kontot samordnare").click()
    expect(page.get_by_text("Kontot samordnare är upplåst.")).to_be_visible()


# --- Year set-up: areas and mapping, starting a year, IOP, plan priorities, reference data ---


@screen("agreement-areas-2024", "as-loaded", "agreement_areas")
def _areas(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/omraden/")
    expect(page.get_by_role("heading", name="Prioriterade områden 2024")).to_be_visible()


@screen("agreement-area-edit-errors", "as-loaded", "agreement_area_edit")
def _area_edit(page: Page, tmp_path: Path) -> None:
    page.goto(f"/0180/2024/omraden/{area(2024, 1).pk}/")
    page.get_by_label("Nationellt område").select_option("own")
    page.get_by_label("Skäl till egen prioritering").fill("")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("agreement-area-add", "as-loaded", "agreement_area_add")
def _area_add(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/omraden/nytt/")


@screen("year-start-preview", "as-loaded", "year_start")
def _year_start(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/nytt-ar/")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning: 2025 från 2024")).to_be_visible()


@screen("partnership-list-and-form-errors", "as-loaded", "partnership_list", "partnership_add")
def _partnerships(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/iop/")
    page.goto("/0180/iop/nytt/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("partnership-edit", "as-loaded", "partnership_edit")
def _partnership_edit(page: Page, tmp_path: Path) -> None:
    from funds.models import Partnership

    streetminds = recipient("Streetminds")
    partnership = Partnership.objects.create(
        organisation=streetminds.organisation,
        recipient=streetminds,
        area_description="Suicidprevention",
        first_year=2024,
        last_year=2026,
        yearly_amount=Decimal("500000"),
    )
    page.goto(f"/0180/iop/{partnership.pk}/")


@screen("allocation-priorities", "as-loaded", "allocation_priorities")
def _allocation_priorities(page: Page, tmp_path: Path) -> None:
    allocation = Allocation.objects.filter(priority_area__agreement=agreement(2024)).first()
    page.goto(f"/0180/2024/fordelning/{allocation.pk}/prioriteringar/")


@screen("reference-data", "site-admin", "reference_data", "reference_categories")
def _reference_data(page: Page, tmp_path: Path) -> None:
    page.goto("/referensdata/")
    page.goto("/referensdata/2099/kategorier/")


@screen("reference-data-add-errors", "site-admin", "reference_data_add")
def _reference_data_add(page: Page, tmp_path: Path) -> None:
    page.goto("/referensdata/nytt-ar/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()


# --- Tjänsteutlåtande: organisation settings and review of carried prose ---


@screen("organisation-settings", "admin", "organisation_settings")
def _settings(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/installningar/")


@screen("organisation-settings-errors", "admin", "organisation_settings")
def _settings_errors(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/installningar/")
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')
    page.get_by_label("Logotyp", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()


@screen("decision-document-2024-review-marked-edit", "documents", "decision_edit")
def _document_2024_review_edit(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/tjansteutlatande/redigera/")
    expect(page.get_by_text("Från 2023 – granska").first).to_be_visible()


@screen("decision-document-2024-review-marked-preview", "documents", "decision_preview")
def _document_2024_review_preview(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2024/tjansteutlatande/")
    expect(page.get_by_text("Från 2023 – granska").first).to_be_visible()


@screen("decision-document-2023-footnotes", "documents", "decision_preview")
def _document_2023_footnotes(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/tjansteutlatande/")


# --- look: error pages, the reporter's form and rows, Swedish-only ----------------------


@screen("bad-request-400", "anonymous")
def _bad_request(page: Page, tmp_path: Path) -> None:
    # The handler's page (config/errors.py) for a request Django refuses, on the site's origin.
    page.goto("/logga-in/")
    page.set_content(render_to_string("400.html"))
    expect(page.get_by_role("heading", name="Sidan kunde inte visas")).to_be_visible()


@screen("accessibility-statement", "anonymous", "accessibility_statement")
def _accessibility_statement(page: Page, tmp_path: Path) -> None:
    page.goto("/tillganglighet/")
    expect(page.get_by_role("heading", name="Hur tillgänglig är webbplatsen?")).to_be_visible()


@screen("privacy-notice", "anonymous", "privacy_notice")
def _privacy_notice(page: Page, tmp_path: Path) -> None:
    page.goto("/personuppgifter/")
    expect(page.get_by_role("heading", name="Hur länge sparas uppgifterna?")).to_be_visible()


@screen("server-error-500", "anonymous")
def _server_error(page: Page, tmp_path: Path) -> None:
    # No URL fails on purpose: the 500 page as the handler renders it, on the site's origin.
    page.goto("/logga-in/")
    page.set_content(render_to_string("500.html"))
    expect(page.get_by_role("heading", name="Något gick fel")).to_be_visible()


@screen("csrf-failure-403", "anonymous", "login")
def _csrf_failure(page: Page, tmp_path: Path) -> None:
    page.goto("/logga-in/")
    page.context.clear_cookies()
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Formuläret kunde inte skickas")).to_be_visible()


@screen("forbidden-403-for-a-reporter", "reporter")
def _forbidden(page: Page, tmp_path: Path) -> None:
    response = page.goto(matrix_url(2024))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Ingen behörighet")).to_be_visible()


@screen("not-found-404-for-a-reporter", "reporter")
def _not_found_reporter(page: Page, tmp_path: Path) -> None:
    response = page.goto("/ingen-sida-alls/")
    assert response is not None and response.status == 404


@screen("followup-list-2023-reporter", "reporter", "followup_list")
def _followups_reporter(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/redovisning/")


@screen("followup-2023-reporter", "reporter", "followup_edit")
def _followup_reporter(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/redovisning/")
    page.locator("table a").first.click()
    expect(page.get_by_role("heading", name="Insatser")).to_be_visible()


# --- matrix spreadsheet ---


@screen("matrix-2024-pasted-block-saved", "as-loaded", "allocation_matrix")
def _matrix_pasted(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    with page.expect_navigation():  # a paste saves at once
        paste_into_cell(page, bromma_cell(1), [["1 000", "2 000"], ["3 000", "4 000"]])
    expect(page.locator("#undo-button")).to_be_visible()


@screen("matrix-2024-paste-refused", "as-loaded", "allocation_matrix")
def _matrix_paste_refused(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    with page.expect_navigation():
        paste_into_cell(page, bromma_cell(1), [["1 000", "1.500.000"]])
    expect(page.locator(".cell-error")).to_be_visible()
    expect(page.locator("#pending")).to_be_visible()
    paste_into_cell(page, bromma_cell(4), [["1", "2"]])
    expect(page.locator("#paste-error")).to_be_visible()


@screen("matrix-2024-undo-and-comment-dialog", "as-loaded", "allocation_matrix")
def _matrix_undo_comment(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    type_into_cell(page, bromma_cell(2), "1 000")
    expect(page.locator("#undo-button")).to_be_visible()
    page.locator(f"#amount-{bromma_cell(3)}").focus()
    page.keyboard.press("Shift+F2")
    expect(page.locator("#comment-dialog")).to_be_visible()


@screen("matrix-2024-sorted-and-filtered", "as-loaded", "allocation_matrix")
def _matrix_sorted(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}?ordning=summa&typ=association")


@screen("comment-page", "as-loaded", "allocation_comment")
def _comment_page(page: Page, tmp_path: Path) -> None:
    page.goto(f"{matrix_url(2024)}kommentar/{area(2024, 3).pk}/{recipient(BROMMA).pk}/")


@screen("matrix-2024-decided-reason-given", "2024-decided", "allocation_matrix")
def _matrix_reason(page: Page, tmp_path: Path) -> None:
    page.goto(matrix_url(2024))
    type_into_cell(page, bromma_cell(2), "2 000")
    expect(page.locator(".cell-error")).to_be_visible()
    page.get_by_label("Skäl till ändringar").fill("Omfördelning")
    page.get_by_role("button", name="Använd skälet").click()
    expect(page.locator("#reason .reason-status")).to_contain_text("Skälet används")


# --- survey: open data and the three-state enkät questions ---


@screen("open-data-index", "as-loaded", "open_data_index")
def _open_data_index(page: Page, tmp_path: Path) -> None:
    page.goto("/oppna-data/")
    expect(page.get_by_role("heading", name="Stockholms stad")).to_be_visible()


# --- the analysis: the organisation's year, and the public county and nation ---


@screen("analysis-2023", "documents", "analysis_organisation")
def _analysis(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/analys/")
    expect(page.get_by_role("heading", name="Iakttagelser")).to_be_visible()


@screen("analysis-2023-filter-refused", "documents", "analysis_organisation")
def _analysis_refused(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/2023/analys/?mottagartyp=okand")
    expect(page.locator(".error-summary")).to_be_visible()


@screen("analysis-county-01-2023", "anonymous", "analysis_county")
def _analysis_county(page: Page, tmp_path: Path) -> None:
    page.goto("/lan/01/2023/analys/")
    expect(page.get_by_role("heading", name="Vilka organisationer som ingår")).to_be_visible()


@screen("analysis-nation-2023", "anonymous", "analysis_nation")
def _analysis_nation(page: Page, tmp_path: Path) -> None:
    page.goto("/analys/2023/")


@screen("analysis-years", "as-loaded", "analysis_organisation_years")
def _analysis_years(page: Page, tmp_path: Path) -> None:
    page.goto("/0180/analys/ar/")
    expect(page.get_by_role("heading", name="Åren i korthet")).to_be_visible()


@screen("analysis-county-01-years", "anonymous", "analysis_county_years")
def _analysis_county_years(page: Page, tmp_path: Path) -> None:
    page.goto("/lan/01/analys/ar/")
    expect(page.get_by_role("heading", name="Typ av insats")).to_be_visible()


@screen("analysis-nation-years", "anonymous", "analysis_nation_years")
def _analysis_nation_years(page: Page, tmp_path: Path) -> None:
    page.goto("/analys/ar/")


@screen("county-grant-in-force", "county-granted", "county_grant")
def _county_grant(page: Page, tmp_path: Path) -> None:
    page.goto(f"/{CODE}/lanets-samordnare/")
    expect(page.get_by_role("button", name=re.compile("Återkalla medgivandet"))).to_be_visible()


@screen("analysis-county-coordinator-2024", "county-granted", "analysis_county_coordinator")
def _analysis_county_coordinator(page: Page, tmp_path: Path) -> None:
    page.goto(f"/lan/{CODE[:2]}/2024/analys/samordnare/")
    expect(page.get_by_text("med medgivande (året är inte beslutat)")).to_be_visible()


@screen(
    "analysis-county-coordinator-years",
    "county-granted",
    "analysis_county_coordinator_years",
)
def _analysis_county_coordinator_years(page: Page, tmp_path: Path) -> None:
    page.goto(f"/lan/{CODE[:2]}/analys/ar/samordnare/?mottagartyp=district")
    expect(page.get_by_role("heading", name="Åren i korthet")).to_be_visible()


@screen("followup-2024-three-state-questions", "2024-decided", "followup_intervention_new")
def _followup_three_state(page: Page, tmp_path: Path) -> None:
    allocation = Allocation.objects.get(priority_area=area(2024, 1), recipient=recipient(BROMMA))
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")
    page.get_by_role("link", name="Lägg till insats").click()
    expect(page.get_by_text("Perspektiv: besvarad").first).to_be_visible()


@screen("insats-2024-saved-then-errors", "2024-decided", "followup_intervention_edit")
def _insats_errors(page: Page, tmp_path: Path) -> None:
    # The screen before opened a new insats's page: save it, open it from the report's list,
    # then save it with errors.
    page.locator("#id_insats-name").fill("Samtalsgrupper")
    page.get_by_role("button", name="Spara insatsen").click()
    expect(page.get_by_text("”Samtalsgrupper”, är sparad")).to_be_visible()
    page.locator("#insats-1 a").click()
    page.locator("#id_insats-name").fill("")
    page.locator("#id_insats-amount_spent").fill("1.500.000")
    page.get_by_role("button", name="Spara insatsen").click()
    expect(page.locator(".error-summary")).to_be_focused()


@screen("insats-2024-delete-confirmation", "2024-decided", "followup_intervention_delete")
def _insats_delete(page: Page, tmp_path: Path) -> None:
    page.get_by_role("link", name="Ta bort insatsen").click()
    expect(page.get_by_role("heading", name="Ta bort insatsen ”Samtalsgrupper”?")).to_be_visible()


# --- The tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_pages_have_no_wcag_violations(
    page: Page, live_server, demo, state: str, subtests, tmp_path: Path
):
    STATES[state].prepare()
    if STATES[state].user:
        sign_in(page, live_server.url, STATES[state].user)
    server_errors: list[str] = []
    page.on(
        "response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else 0
    )
    for each in (s for s in SCREENS if s.state == state):
        with subtests.test(msg=each.name):
            server_errors.clear()
            each.show(page, tmp_path)
            assert not server_errors, f"{each.name}: the server failed: {server_errors}"
            menus = page.locator("nav.year-nav").count()
            report = axe_report(page, tmp_path / f"{each.name}.png")
            english = sorted(set(ENGLISH_UI.findall(page.evaluate(PAGE_TEXT))))
            page.set_viewport_size(WIDE)
            broken = {WIDE["width"]: broken_words(page)}
            # WCAG 1.4.10: at 320 CSS px (1280 px zoomed to 400 %) the page reflows: nothing
            # but a deliberate scroll region (reachable from the keyboard) scrolls sideways.
            page.set_viewport_size(REFLOW)
            try:
                narrow = axe_report(page, tmp_path / f"{each.name}-320.png")
                width = page.evaluate("document.documentElement.scrollWidth")
                broken[REFLOW["width"]] = broken_words(page)
                cells = narrow_cells(page)
            finally:
                page.set_viewport_size(DESKTOP)
            if narrow:
                report = f"{report}\nAt {REFLOW['width']} px wide:\n{narrow}".strip()
            assert not report, f"axe on {each.name} ({page.url}):\n{report}"
            assert width <= REFLOW["width"], f"{each.name} is {width} px wide at 320 px"
            assert not english, f"{each.name} shows English words: {english}"
            # One navigation on every screen of a signed-in member (error pages excepted).
            if STATES[state].user and not NO_MENU.search(each.name):
                assert menus == 1, f"{each.name}: {menus} year menus on {page.url}"
            # Words wrap between words only (a word longer than its column is hyphenated).
            assert not any(broken.values()), f"{each.name}: words broken inside: {broken}"
            # At 320 px a list is cards: no cell squeezed, none scrolled out of view, but in a
            # table wide by nature (the matrix).
            assert not cells, f"{each.name}: {len(cells)} cells do not read at 320 px: {cells[:8]}"


def axe_report(page: Page, screenshot: Path, rules: list[str] | None = None) -> str:
    """The violations as text, and a screenshot of the page beside them when there are any."""
    report = describe_violations(run_axe(page, rules))
    if report:
        page.screenshot(path=screenshot, full_page=True)
        report += f"\n  (screenshot: {screenshot})"
    return report


def _url_names(patterns=None, prefix: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _url_names(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield entry.name


def test_every_page_is_checked():
    covered = {name for each in SCREENS for name in each.covers}
    unchecked = set(_url_names()) - covered - set(NOT_PAGES)
    assert not unchecked, (
        f"URLs without an axe screen: {sorted(unchecked)}. Add a @screen for each page "
        "(and its error states), or a line in NOT_PAGES if it answers with no page."
    )
