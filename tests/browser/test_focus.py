"""Keyboard and screen reader users start at the error summary after a failed submit."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from funds.allocation.workflows import agreement_decide
from funds.models import Allocation
from tests.browser.support import agreement, sign_in

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
