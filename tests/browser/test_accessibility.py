"""axe-core on every page a coordinator can reach, in the states that change its markup
(errors, warnings, a saved cell, a decided or closed year): zero WCAG 2.1 A/AA violations.

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
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from funds.allocations import agreement_decide, allocation_set
from funds.models import Allocation, FollowUp
from tests.browser.support import (
    BROMMA,
    DESKTOP,
    IMPORT_COLUMNS,
    agreement,
    area,
    cell_id,
    describe_violations,
    matrix_url,
    recipient,
    run_axe,
    sign_in,
    type_into_cell,
)

pytestmark = pytest.mark.browser

# URL names that answer with no page of their own, and where their output is checked.
NOT_PAGES = {
    "logout": "POST only; redirects to the login page",
    "allocation_cell": "POST only (htmx); its fragments: matrix-after-a-cell-save, -cell-error",
    "agreement_status": "POST only; redirects to the matrix",
    "recipient_add": "POST only; redirects to the matrix",
    "allocation_export": "an .xlsx file (test_matrix_excel.py)",
    "followup_review": "POST only; redirects to the follow-up",
    "followup_deadline": "POST only; redirects to the status board",
    "decision_pdf": "a PDF",
    "decision_version_pdf": "a PDF",
    "decision_issue": "POST only; redirects to the preview",
    "decision_new_version": "POST only; redirects to the edit form",
    "survey_download": "an .xlsx file (tests/reporting/test_survey_views.py)",
    "open_data_allocations_csv": "CSV (tests/reporting/test_opendata.py)",
    "open_data_allocations_json": "JSON (tests/reporting/test_opendata.py)",
    "open_data_allocations_csv_semicolon": "CSV (tests/reporting/test_opendata_catalogue.py)",
    "open_data_catalogue_ttl": "Turtle (tests/reporting/test_opendata_catalogue.py)",
    "open_data_catalogue_rdf": "RDF/XML (tests/reporting/test_opendata_catalogue.py)",
    "open_data_schema": "CSVW JSON (tests/reporting/test_opendata_catalogue.py)",
    "plan_list": "axe in tests/plans/test_axe.py",
    "plan_create": "axe in tests/plans/test_axe.py",
    "plan_detail": "axe in tests/plans/test_axe.py",
    "plan_edit": "axe in tests/plans/test_axe.py",
    "goal_area_create": "axe in tests/plans/test_axe.py",
    "goal_area_edit": "axe in tests/plans/test_axe.py",
    "priority_create": "axe in tests/plans/test_axe.py",
    "priority_edit": "axe in tests/plans/test_axe.py",
    "activity_create": "axe in tests/plans/test_axe.py",
    "activity_edit": "axe in tests/plans/test_axe.py",
    "goal_create": "axe in tests/plans/test_axe.py",
    "goal_edit": "axe in tests/plans/test_axe.py",
    "indicator_create": "axe in tests/plans/test_axe.py",
    "indicator_edit": "axe in tests/plans/test_axe.py",
    "indicator_detail": "axe in tests/plans/test_axe.py",
    "coverage": "axe in tests/plans/test_axe.py",
}
REFLOW = {"width": 320, "height": 800}
LAYOUT_RULES = ["scrollable-region-focusable"]
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


@dataclass(frozen=True)
class State:
    user: str | None
    prepare: Callable[[], None]


STATES = {
    "anonymous": State(None, as_loaded),
    "as-loaded": State("samordnare", as_loaded),
    "2024-edited": State("samordnare", edited_and_over_allocated),
    "2024-decided": State("samordnare", decided_with_an_amendment),
    "2024-empty": State("samordnare", without_allocations_in_2024),
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


@screen("history-2023-empty", "as-loaded", "allocation_history")
def _history_empty(page: Page, tmp_path: Path) -> None:
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
    expect(page.get_by_role("button", name="Spara", exact=True)).to_be_visible()


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


# --- survey: open data and the three-state enkät questions ---


@screen("open-data-index", "as-loaded", "open_data_index")
def _open_data_index(page: Page, tmp_path: Path) -> None:
    page.goto("/oppna-data/")
    expect(page.get_by_role("heading", name="Stockholms stad")).to_be_visible()


@screen("followup-2024-three-state-questions", "2024-decided", "followup_edit")
def _followup_three_state(page: Page, tmp_path: Path) -> None:
    allocation = Allocation.objects.get(priority_area=area(2024, 1), recipient=recipient(BROMMA))
    page.goto(f"/0180/2024/redovisning/{allocation.pk}/")
    expect(page.get_by_text("Perspektiv: besvarad").first).to_be_visible()


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
            report = axe_report(page, tmp_path / f"{each.name}.png")
            # WCAG 1.4.10: at 320 CSS px (1280 px zoomed to 400 %) what has to scroll
            # sideways must still be reachable from the keyboard.
            page.set_viewport_size(REFLOW)
            try:
                narrow = axe_report(page, tmp_path / f"{each.name}-320.png", rules=LAYOUT_RULES)
            finally:
                page.set_viewport_size(DESKTOP)
            if narrow:
                report = f"{report}\nAt {REFLOW['width']} px wide:\n{narrow}".strip()
            assert not report, f"axe on {each.name} ({page.url}):\n{report}"


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
