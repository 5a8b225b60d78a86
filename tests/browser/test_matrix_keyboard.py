"""A coordinator edits the 2024 matrix from the keyboard in real Chromium: Tab and Enter save
in place (htmx, no reload), Escape cancels, a bad amount is refused at the cell."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from playwright.sync_api import Page, expect

from funds.models import Allocation, AllocationChange, PriorityArea, Recipient
from funds.money import format_kr, format_percent, parse_amount
from tests.browser.support import (
    BROMMA,
    CELL_SAVE,
    ENSKEDE,
    area,
    cell_id,
    log_in,
    matrix_url,
    recipient,
    sign_in,
    type_into_cell,
)

pytestmark = pytest.mark.browser


def allocated(**filters) -> Decimal:
    """What the database holds for 2024, summed over the allocations that match."""
    rows = Allocation.objects.filter(
        priority_area__agreement__organisation__code="0180",
        priority_area__agreement__year=2024,
        **filters,
    )
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def mark_document(page: Page) -> None:
    """A marker that survives only while nothing reloads the page."""
    page.evaluate("window.sameDocument = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.sameDocument === true")


def test_tab_saves_the_cell_and_updates_every_total_in_place(page: Page, demo):
    area_1, area_2 = area(2024, 1), area(2024, 2)
    bromma = recipient(BROMMA)
    log_in(page, "samordnare")
    page.goto(matrix_url(2024))
    mark_document(page)

    page.locator(f"#amount-{cell_id(area_1, bromma)}").click()
    page.keyboard.type("1 250 000")
    with page.expect_response(lambda response: CELL_SAVE in response.url) as saved:
        page.keyboard.press("Tab")
    assert saved.value.status == 200

    assert Allocation.objects.get(priority_area=area_1, recipient=bromma).amount == Decimal(
        "1250000.00"
    )
    expect(page.locator(f"#amount-{cell_id(area_1, bromma)}")).to_have_value("1 250 000")
    expect(page.locator(f"#amount-{cell_id(area_2, bromma)}")).to_be_focused()
    expect(page.locator(f"#rowtotal-{bromma.pk}")).to_have_text(
        format_kr(allocated(recipient=bromma))
    )
    expect(page.locator(f"#coltotal-{area_1.pk}")).to_have_text(format_kr(Decimal("1250000")))
    expect(page.locator(f"#remaining-{area_1.pk}")).to_have_text(
        format_kr(area_1.granted - Decimal("1250000"))
    )
    expect(page.locator("#grand-allocated")).to_have_text(format_kr(allocated()))
    # The row keeps its shape: the recipient, one cell per area, the row total.
    expect(page.locator(f"#rowtotal-{bromma.pk}").locator("xpath=../*")).to_have_count(
        PriorityArea.objects.filter(agreement=area_1.agreement).count() + 2
    )
    districts = allocated(recipient__kind=Recipient.Kind.DISTRICT)
    split_row = page.locator("#split tbody tr", has_text="Stadsdelsförvaltningar")
    expect(split_row.locator("td")).to_have_text(
        [format_kr(districts), format_percent(districts, allocated())]
    )
    expect(page.locator("#split tfoot td").first).to_have_text(format_kr(allocated()))
    assert still_same_document(page)


def test_enter_saves_and_moves_down_the_column(page: Page, live_server, demo):
    area_1 = area(2024, 1)
    bromma, enskede = recipient(BROMMA), recipient(ENSKEDE)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    mark_document(page)

    type_into_cell(page, cell_id(area_1, bromma), "2,5 mnkr", key="Enter")

    expect(page.locator(f"#amount-{cell_id(area_1, enskede)}")).to_be_focused()
    expect(page.locator(f"#amount-{cell_id(area_1, bromma)}")).to_have_value("2 500 000")
    expect(page.locator(f"#coltotal-{area_1.pk}")).to_have_text(format_kr(Decimal("2500000")))
    assert Allocation.objects.get(priority_area=area_1, recipient=bromma).amount == Decimal(
        "2500000.00"
    )
    assert still_same_document(page)


def test_escape_puts_back_the_saved_value_and_saves_nothing(page: Page, live_server, demo):
    area_3, area_4 = area(2024, 3), area(2024, 4)
    bromma = recipient(BROMMA)
    before = Allocation.objects.get(priority_area=area_3, recipient=bromma)
    changes_before = AllocationChange.objects.count()
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    saves: list[str] = []
    page.on("request", lambda request: saves.append(request.url) if CELL_SAVE in request.url else 0)

    cell = page.locator(f"#amount-{cell_id(area_3, bromma)}")
    expect(cell).to_have_value("333 681")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("999")
    page.keyboard.press("Escape")
    expect(cell).to_have_value("333 681")
    page.keyboard.press("Tab")
    expect(page.locator(f"#amount-{cell_id(area_4, bromma)}")).to_be_focused()
    # A save that has to happen: any save the Escape let through would be sent before it.
    type_into_cell(page, cell_id(area_4, bromma), "100", key="Enter")

    assert [url.split(CELL_SAVE)[1] for url in saves] == [f"{area_4.pk}/{bromma.pk}/"]
    after = Allocation.objects.get(pk=before.pk)
    assert (after.amount, after.version) == (before.amount, before.version)
    assert AllocationChange.objects.count() == changes_before + 1
    expect(cell).to_have_value("333 681")


def test_a_bad_amount_shows_the_message_at_the_cell_and_saves_nothing(
    page: Page, live_server, demo
):
    area_1 = area(2024, 1)
    bromma = recipient(BROMMA)
    with pytest.raises(ValidationError) as refused:
        parse_amount("1.500.000")
    changes_before = AllocationChange.objects.count()
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    mark_document(page)

    type_into_cell(page, cell_id(area_1, bromma), "1.500.000")

    cell = page.locator(f"td:has(> #amount-{cell_id(area_1, bromma)})")
    error = cell.locator(".cell-error")
    expect(error).to_have_text(refused.value.messages[0])
    expect(error).to_have_attribute("role", "alert")
    amount = cell.locator('input[name^="amount-"]')
    expect(amount).to_have_value("1.500.000")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_attribute("aria-describedby", f"error-{cell_id(area_1, bromma)}")
    expect(page.locator(f"#coltotal-{area_1.pk}")).to_have_text(format_kr(Decimal(0)))
    assert not Allocation.objects.filter(priority_area=area_1, recipient=bromma).exists()
    assert AllocationChange.objects.count() == changes_before
    assert still_same_document(page)


def test_skip_link_cell_edit_history_and_back_from_the_keyboard(page: Page, live_server, demo):
    """The keyboard path of a coordinator: the skip link (the second Tab stop) to the table,
    a cell edited and saved, its history opened with Shift+F3 and left with the browser's
    Back, the focus back on the cell; the history also behind a reachable button."""
    area_1, area_2 = area(2024, 1), area(2024, 2)
    bromma = recipient(BROMMA)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.locator("#skip-to-table")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Hoppa till fördelningstabellen")
    page.keyboard.press("Enter")
    first = page.locator("table.matrix input[name^='amount-']").first
    expect(first).to_be_focused()

    cell = page.locator(f"#amount-{cell_id(area_1, bromma)}")
    cell.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1 750 000")
    with page.expect_response(lambda response: CELL_SAVE in response.url):
        page.keyboard.press("Tab")
    expect(page.locator(f"#amount-{cell_id(area_2, bromma)}")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(cell).to_be_focused()
    expect(page.locator("#cell-tools-name")).to_have_text(f"{BROMMA} × 1. {area_1.name}")

    with page.expect_navigation():
        page.keyboard.press("Shift+F3")
    assert f"/{area_1.pk}/{bromma.pk}/" in page.url
    expect(page.locator("main")).to_contain_text("1 750 000")
    page.go_back()
    expect(cell).to_be_focused()
    expect(cell).to_have_value("1 750 000")

    # The same history behind a button that Tab reaches (no tabindex="-1").
    button = page.locator("#cell-history")
    assert button.get_attribute("tabindex") is None
    expect(button).to_have_attribute("href", re.compile(rf"/{area_1.pk}/{bromma.pk}/$"))
    button.focus()
    expect(button).to_be_focused()
    comment = page.locator("#cell-comment")
    assert comment.get_attribute("tabindex") is None
    comment.press("Enter")
    expect(page.locator("#comment-dialog")).to_be_visible()
    expect(page.locator("#comment-cell")).to_have_text(f"{BROMMA} × 1. {area_1.name}")


def test_the_focus_stays_on_the_cell_after_a_save_in_place(page: Page, live_server, demo):
    """Enter in the last row saves the cell where it is: after the answer replaces the
    cell's markup, the focus is still in it."""
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    last = page.evaluate(
        """() => {
            const rows = [...document.querySelectorAll("table.matrix tbody tr")]
                .filter(row => row.querySelector("input[name^='amount-']"));
            return rows[rows.length - 1].querySelector("input[name^='amount-']").id;
        }"""
    )
    cell = page.locator(f"#{last}")
    cell.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("4 321")
    with page.expect_response(lambda response: CELL_SAVE in response.url):
        page.keyboard.press("Enter")
    expect(cell).to_have_value("4 321")
    expect(page.locator(f"#{last}")).to_be_focused()
    _, area_id, recipient_id = last.split("-")
    assert Allocation.objects.get(
        priority_area_id=area_id, recipient_id=recipient_id
    ).amount == Decimal("4321")
