"""Two coordinators edit the same cell in two browsers: the second save is refused with the
current value, and the first one's amount stays."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from funds.models import Allocation, Membership
from funds.money import format_kr
from tests.browser.support import (
    BROMMA,
    DEMO_PASSWORD,
    area,
    cell_id,
    log_in,
    matrix_url,
    recipient,
    type_into_cell,
)

pytestmark = pytest.mark.browser


def test_the_second_save_of_a_stale_cell_shows_the_conflict_and_keeps_the_first(new_context, demo):
    colleague = User.objects.create_user(
        "samordnare2", password=DEMO_PASSWORD, first_name="Lena", last_name="Berg"
    )
    Membership.objects.create(user=colleague, organisation=demo, role=Membership.Role.COORDINATOR)
    area_3, bromma = area(2024, 3), recipient(BROMMA)
    cell = cell_id(area_3, bromma)
    first, second = new_context().new_page(), new_context().new_page()
    log_in(first, "samordnare")
    log_in(second, "samordnare2")
    first.goto(matrix_url(2024))
    second.goto(matrix_url(2024))

    type_into_cell(first, cell, "400 000")
    expect(first.locator(f"#amount-{cell}")).to_have_value("400 000")
    type_into_cell(second, cell, "500 000")

    error = second.locator(f"td:has(> #amount-{cell}) .cell-error")
    expect(error).to_contain_text(
        f"Någon annan har ändrat beloppet till {format_kr(Decimal('400000'))}"
    )
    expect(error).to_contain_text("Ditt värde (500 000) sparades inte.")
    expect(second.locator(f"#amount-{cell}")).to_have_attribute("aria-invalid", "true")
    allocation = Allocation.objects.get(priority_area=area_3, recipient=bromma)
    assert allocation.amount == Decimal("400000.00")
    assert list(allocation.changes.values_list("changed_by__username", flat=True)) == ["samordnare"]
