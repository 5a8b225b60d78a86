"""The matrix as a spreadsheet in real Chromium: pasting a block from Excel, arrow keys,
Ctrl+Z, comments, sticky headers while scrolling, and the decided year's reason."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from funds.allocation.workflows import agreement_decide, allocation_set
from funds.models import Allocation, AllocationChange, PriorityArea, Recipient
from tests.browser.support import (
    BROMMA,
    CELL_SAVE,
    ENSKEDE,
    agreement,
    area,
    cell_id,
    matrix_url,
    paste_into_cell,
    recipient,
    sign_in,
    type_into_cell,
)

pytestmark = pytest.mark.browser


def district_rows(count: int, first: str = BROMMA) -> list[Recipient]:
    """`count` district rows from `first` down, in the matrix's order (by name)."""
    districts = list(
        Recipient.objects.filter(organisation__code="0180", kind=Recipient.Kind.DISTRICT)
        .valid_in_year(2024)
        .order_by("name")
    )
    start = [r.name for r in districts].index(first)
    return districts[start : start + count]


def amount(cell_area: PriorityArea, cell_recipient: Recipient) -> Decimal | None:
    found = Allocation.objects.filter(priority_area=cell_area, recipient=cell_recipient).first()
    return found.amount if found else None


def test_a_pasted_block_is_saved_at_once_like_a_typed_value(page: Page, live_server, demo):
    areas = [area(2024, 1), area(2024, 2)]
    rows = district_rows(3)
    changes_before = AllocationChange.objects.count()
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    expect(page.locator("#save-model")).to_have_text(
        "Varje ändring sparas direkt, både det du skriver och det du klistrar in, och kan "
        "ångras med Ctrl+Z eller knappen Ångra."
    )
    # The no-script button that would wait for a click is gone.
    expect(page.get_by_role("button", name="Spara ändringarna")).to_have_count(0)
    block = [["100 000", "200 000"], ["300 000", "400 000,50"], ["1,5 mnkr", "600 tkr"]]

    with page.expect_navigation():
        paste_into_cell(page, cell_id(areas[0], rows[0]), block)

    expect(page.locator(".messages")).to_contain_text("6 belopp sparades.")
    # The focus is back on the cell the block was pasted into.
    expect(page.locator(f"#amount-{cell_id(areas[0], rows[0])}")).to_be_focused()
    expected = [["100000", "200000"], ["300000", "400000.50"], ["1500000", "600000"]]
    for row, values in zip(rows, expected, strict=True):
        for cell_area, value in zip(areas, values, strict=True):
            assert amount(cell_area, row) == Decimal(value)
    assert AllocationChange.objects.count() == changes_before + 6
    expect(page.locator(f"#amount-{cell_id(areas[0], rows[2])}")).to_have_value("1 500 000")
    expect(page.locator("#pending")).to_be_hidden()
    expect(page.locator("#undo-button")).to_contain_text("6 celler")


def test_a_paste_with_a_bad_value_saves_nothing_and_names_the_cell(page: Page, live_server, demo):
    areas = [area(2024, 1), area(2024, 2)]
    rows = district_rows(3)
    before = {(a.pk, r.pk): amount(a, r) for a in areas for r in rows}
    changes_before = AllocationChange.objects.count()
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    block = [["100 000", "200 000"], ["300 000", "1.500.000"], ["500 000", "600 000"]]
    with page.expect_navigation():
        paste_into_cell(page, cell_id(areas[0], rows[0]), block)

    bad = f"{rows[1].name} × {areas[1].number}. {areas[1].name}"
    expect(page.locator(".messages")).to_contain_text(f"Inget sparades. {bad}: Punkt är tvetydigt")
    bad_input = page.locator(f"#amount-{cell_id(areas[1], rows[1])}")
    expect(bad_input).to_have_attribute("aria-invalid", "true")
    expect(bad_input).to_have_value("1.500.000")
    # What was pasted is still there to correct, and still counted as unsaved.
    expect(page.locator(f"#amount-{cell_id(areas[0], rows[2])}")).to_have_value("500 000")
    expect(page.locator("#pending-summary")).to_have_text("6 celler ändrade")
    assert {(a.pk, r.pk): amount(a, r) for a in areas for r in rows} == before
    assert AllocationChange.objects.count() == changes_before

    # "Ta bort ändringarna" puts every cell back.
    page.locator("#pending-cancel").click()
    expect(page.locator("td.pending")).to_have_count(0)
    expect(page.locator(f"#amount-{cell_id(areas[0], rows[2])}")).to_have_value(
        page.locator(f"#amount-{cell_id(areas[0], rows[2])}").get_attribute("data-saved")
    )


def test_a_paste_that_runs_past_the_matrix_says_where_and_changes_nothing(
    page: Page, live_server, demo
):
    last = PriorityArea.objects.filter(agreement=agreement(2024)).order_by("number").last()
    bromma = recipient(BROMMA)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    paste_into_cell(page, cell_id(last, bromma), [["1", "2"]])

    error = page.locator("#paste-error")
    expect(error).to_contain_text("Inklistringen får inte plats")
    expect(error).to_contain_text(f"från {BROMMA} × {last.number}. {last.name}")
    expect(page.locator("td.pending")).to_have_count(0)
    expect(page.locator("#pending")).to_be_hidden()


def test_arrow_keys_move_between_cells_and_ctrl_z_undoes_the_last_save(
    page: Page, live_server, demo
):
    area_1, area_2 = area(2024, 1), area(2024, 2)
    bromma, enskede = recipient(BROMMA), recipient(ENSKEDE)
    before = amount(area_2, enskede)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    page.locator(f"#amount-{cell_id(area_1, bromma)}").click()
    page.keyboard.press("ArrowRight")  # an empty cell: its text's edge
    expect(page.locator(f"#amount-{cell_id(area_2, bromma)}")).to_be_focused()
    page.keyboard.press("ArrowDown")
    target = page.locator(f"#amount-{cell_id(area_2, enskede)}")
    expect(target).to_be_focused()
    page.keyboard.type("123 456")
    page.keyboard.press("ArrowLeft")  # the caret moves inside the text, not to another cell
    expect(target).to_be_focused()
    page.keyboard.press("End")
    with page.expect_response(lambda response: CELL_SAVE in response.url):
        page.keyboard.press("ArrowUp")  # leaving the cell saves it
    expect(page.locator(f"#amount-{cell_id(area_2, bromma)}")).to_be_focused()
    expect(target).to_have_value("123 456")
    assert amount(area_2, enskede) == Decimal("123456")
    changes = AllocationChange.objects.count()

    expect(page.locator("#undo-button")).to_contain_text("1 cell")
    with page.expect_navigation():
        page.keyboard.press("Control+z")
    expect(page.locator(".messages")).to_contain_text("Ångrade ändringen av 1 cell.")
    # The focus comes back to the cell it was in when Ctrl+Z was pressed.
    expect(page.locator(f"#amount-{cell_id(area_2, bromma)}")).to_be_focused()
    assert amount(area_2, enskede) == (before or Decimal(0))
    undo = AllocationChange.objects.order_by("-pk").first()
    assert AllocationChange.objects.count() == changes + 1
    assert undo.reason == "Ångrar föregående ändring" and undo.old_amount == Decimal("123456")
    expect(page.locator("#undo-button")).to_have_count(0)


def test_undo_is_refused_when_someone_changed_the_cell_since(page: Page, live_server, demo):
    area_1, bromma = area(2024, 1), recipient(BROMMA)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    type_into_cell(page, cell_id(area_1, bromma), "10 000")
    stored = Allocation.objects.get(priority_area=area_1, recipient=bromma)
    allocation_set(
        area=area_1, recipient=bromma, amount=Decimal(20000), expected_version=stored.version,
        user=None,
    )  # fmt: skip
    with page.expect_navigation():
        page.locator("#undo-button").click()
    expect(page.locator(".messages")).to_contain_text("Ångra gick inte")
    expect(page.locator(".messages")).to_contain_text("har ändrats av någon annan")
    assert amount(area_1, bromma) == Decimal(20000)


def test_a_comment_is_shown_and_edited_from_the_keyboard(page: Page, live_server, demo):
    area_3, bromma = area(2024, 3), recipient(BROMMA)
    cell = cell_id(area_3, bromma)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    page.locator(f"#amount-{cell}").focus()
    page.keyboard.press("Shift+F2")
    dialog = page.locator("#comment-dialog")
    expect(dialog).to_be_visible()
    text = dialog.get_by_label("Kommentar")
    expect(text).to_be_focused()
    # The demo's comment from the Excel file is there to edit.
    existing = Allocation.objects.get(priority_area=area_3, recipient=bromma).comment
    expect(text).to_have_value(existing)
    page.keyboard.press("Control+A")
    page.keyboard.type("Avser två tjänster")
    dialog.get_by_role("button", name="Spara kommentar").click()

    expect(dialog).to_be_hidden()
    expect(page.locator(f"#amount-{cell}")).to_be_focused()
    expect(page.locator(f"td:has(> #amount-{cell}) .comment-mark")).to_have_attribute(
        "title", "Avser två tjänster"
    )
    expect(page.locator(f"#amount-{cell}")).to_have_attribute("aria-describedby", f"comment-{cell}")
    assert Allocation.objects.get(priority_area=area_3, recipient=bromma).comment == (
        "Avser två tjänster"
    )
    page.reload()
    expect(page.locator(f"#comment-{cell}")).to_have_text("Kommentar: Avser två tjänster")


def test_typed_but_unsaved_values_warn_before_leaving(page: Page, live_server, demo):
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    page.locator(f"#amount-{cell_id(area(2024, 1), recipient(BROMMA))}").click()
    page.keyboard.type("5")
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.evaluate("window.sameDocument = true")
    page.locator(".year-nav").get_by_role("link", name="Översikt 2024").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.evaluate("window.sameDocument === true")


def test_the_header_recipient_and_summa_columns_stay_in_view(page: Page, live_server, demo):
    # An over-allocated area puts an "Överfördelat" badge in the footer.
    streetminds = recipient("Streetminds")
    allocation_set(
        area=area(2024, 4), recipient=streetminds, amount=Decimal("7000000"),
        expected_version=Allocation.objects.get(
            priority_area=area(2024, 4), recipient=streetminds
        ).version if amount(area(2024, 4), streetminds) is not None else 0,
        user=None,
    )  # fmt: skip
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    expect(page.locator(".badge", has_text="Överfördelat")).to_be_visible()
    region = page.locator(".matrix-scroll")
    box = region.bounding_box()
    summa = page.locator("table.matrix thead th.sum")

    def inside(locator) -> bool:
        inner = locator.bounding_box()
        return (
            inner is not None
            and inner["x"] >= box["x"] - 1
            and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
            and inner["y"] >= box["y"] - 1
            and inner["y"] + inner["height"] <= box["y"] + box["height"] + 1
        )

    assert inside(summa), (summa.bounding_box(), box)

    # Narrower, so the table scrolls both ways inside its region.
    page.set_viewport_size({"width": 900, "height": 600})
    box = region.bounding_box()
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.evaluate("element => element.scrollTo(element.scrollWidth, element.scrollHeight / 2)")
    page.wait_for_timeout(100)
    assert region.evaluate("element => element.scrollTop > 0 && element.scrollLeft > 0")
    headers = page.locator("table.matrix thead th")
    area_header = headers.nth(headers.count() - 2)  # the last area, beside Summa
    corner = page.locator("table.matrix thead th").first
    visible_rows = [
        row
        for row in page.locator("table.matrix tbody th[scope=row]").all()
        if box["y"] + 80 < row.bounding_box()["y"] < box["y"] + box["height"] - 40
    ]
    assert visible_rows, "no recipient row in the middle of the region"
    for locator in (area_header, corner, summa, visible_rows[0]):
        assert inside(locator), (locator.bounding_box(), box)
    # The header row at the region's top, the recipient column at its left edge, Summa at
    # its right edge.
    assert abs(area_header.bounding_box()["y"] - box["y"]) < 3
    assert abs(visible_rows[0].bounding_box()["x"] - box["x"]) < 3
    summa_box = summa.bounding_box()
    assert abs(summa_box["x"] + summa_box["width"] - (box["x"] + box["width"])) < 20


def test_a_decided_year_asks_for_the_reason_once_and_retries_the_save(
    page: Page, new_context, live_server, demo
):
    agreement_decide(
        agreement=agreement(2024),
        registry_number="SOF 2024/123",
        decided_on=datetime.date(2024, 2, 1),
        decided_by="Socialdirektören",
    )
    area_1, bromma = area(2024, 1), recipient(BROMMA)
    cell = cell_id(area_1, bromma)
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))

    type_into_cell(page, cell, "250 000")
    expect(page.locator(f"td:has(> #amount-{cell}) .cell-error")).to_contain_text("ange ett skäl")
    assert amount(area_1, bromma) is None

    reason = page.get_by_label("Skäl till ändringar")
    reason.fill("Omfördelning efter dialog med stadsdelen")
    with page.expect_response(lambda response: CELL_SAVE in response.url) as retried:
        reason.press("Tab")  # leaving the field gives the reason; the refused cell is retried
    assert retried.value.status == 200
    expect(page.locator(f"td:has(> #amount-{cell}) .cell-error")).to_have_count(0)
    expect(page.locator("#reason .reason-status")).to_contain_text("Skälet används")
    assert amount(area_1, bromma) == Decimal("250000")
    change = AllocationChange.objects.get(
        allocation__priority_area=area_1, allocation__recipient=bromma
    )
    assert change.is_amendment and change.reason == "Omfördelning efter dialog med stadsdelen"

    # The next cell needs no new reason in this session...
    type_into_cell(page, cell_id(area(2024, 2), bromma), "1 000")
    assert amount(area(2024, 2), bromma) == Decimal("1000")
    # ...but a later session starts without it.
    later = new_context().new_page()
    sign_in(later, live_server.url, "samordnare")
    later.goto(matrix_url(2024))
    expect(later.get_by_label("Skäl till ändringar")).to_have_value("")
    type_into_cell(later, cell_id(area(2024, 3), bromma), "2 000")
    later_cell = f"td:has(> #amount-{cell_id(area(2024, 3), bromma)})"
    expect(later.locator(f"{later_cell} .cell-error")).to_contain_text("ange ett skäl")


def test_rows_sort_by_total_and_filter_by_kind(page: Page, live_server, demo):
    # A plain GET form: the server sorts and filters (the query string is the state).
    sign_in(page, live_server.url, "samordnare")
    page.goto(matrix_url(2024))
    page.locator("#id_ordning").select_option("summa")
    page.locator("#id_typ").select_option("association")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"ordning=summa&typ=association"))
    groups = page.locator("table.matrix tr.group-head")
    expect(groups).to_have_count(1)
    expect(groups).to_have_text("Civilsamhället (föreningar)")
    totals = [
        Decimal(text.replace("\u00a0", "").replace("kr", "").replace(",", "."))
        for text in page.locator("table.matrix tbody td.total").all_text_contents()
    ]
    assert totals == sorted(totals, reverse=True) and len(totals) > 3
