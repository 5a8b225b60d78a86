"""The year's status changes as confirmation pages: what they show, what refuses, what needs a
reason, the audit trail, reopening, and that nothing changes by a GET or without the page."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.urls import reverse

from funds.models import Agreement, AgreementStatusChange, FollowUp
from funds.year.status import agreement_status_change, status_change_plan
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ("agreement_decision", "agreement_follow_up_start", "agreement_close", "agreement_reopen")


@pytest.fixture
def year():
    """A year in follow-up: one allocation of 400 000 kr reported but not approved, one
    reporter for its recipient, and nothing repaid."""
    org = f.organisation(name="Statuskommunen")
    agr = f.agreement(org, 2024, status=Agreement.Status.FOLLOW_UP)
    area = f.area(agr, "400000.00", name="Suicidprevention")
    rec = f.recipient(org, name="Norra stadsdelen")
    alloc = f.allocation(area, rec, "400000.00")
    f.follow_up(alloc, "400000.00", status=FollowUp.Status.SUBMITTED)
    f.user(org, "reporter", recipient=rec)
    return agr, alloc, f.user(org, "coordinator")


def url(name: str, agr: Agreement) -> str:
    return reverse(name, args=[agr.organisation.code, agr.year])


def test_the_close_page_says_what_closing_does_and_what_stands_in_the_way(client, year):
    agr, _, coordinator = year
    client.force_login(coordinator)
    response = client.get(url("agreement_close", agr))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 rapportör för 1 mottagare stängs ute" in body
    assert "Öppna data för 2024 visar status Avslutad" in body
    assert "0 av 1 redovisningar är inte godkända" not in body
    assert "1 av 1 redovisningar är inte godkända." in body
    assert '<button type="submit" class="button">Avsluta året</button>' in body
    assert 'name="reason"' in body and "required" in body
    agr.refresh_from_db()
    assert agr.status == "follow_up" and not AgreementStatusChange.objects.exists()


def test_closing_with_unapproved_reports_needs_a_reason_which_is_audited(client, year):
    agr, _, coordinator = year
    client.force_login(coordinator)
    page = url("agreement_close", agr)
    refused = client.post(page, {"expected_status": "follow_up", "reason": "  "})
    assert refused.status_code == 422
    agr.refresh_from_db()
    assert agr.status == "follow_up" and not AgreementStatusChange.objects.exists()

    reason = "Nämnden har beslutat att avsluta året; rapporten granskas i efterhand."
    response = client.post(page, {"expected_status": "follow_up", "reason": reason})
    assert response.status_code == 302
    agr.refresh_from_db()
    assert agr.status == "closed"
    change = AgreementStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        "follow_up",
        "closed",
        coordinator,
        reason,
    )
    assert "1 av 1 redovisningar är inte godkända." in change.overridden
    # The repayment check ran too: the 400 000 kr were spent, so nothing is owed.
    assert "återbetal" not in change.overridden


def test_approving_the_reports_removes_that_obstacle(year):
    agr, alloc, _ = year
    before = [obstacle.message for obstacle in status_change_plan(agr, "close").soft]
    FollowUp.objects.filter(allocation=alloc).update(status=FollowUp.Status.APPROVED)
    after = [obstacle.message for obstacle in status_change_plan(agr, "close").soft]
    assert before[0] == "1 av 1 redovisningar är inte godkända."
    # The enkät check counts the unapproved report too: one problem fewer there as well.
    assert len(after) == len(before) - 1
    assert not any("redovisningar" in message for message in after)


def test_a_year_without_obstacles_changes_without_a_reason(year):
    agr, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="draft")
    agr.refresh_from_db()
    assert status_change_plan(agr, "decide").soft == []
    agreement_status_change(
        agreement=agr, change="decide", expected_status="draft", user=coordinator
    )
    change = AgreementStatusChange.objects.get()
    assert (change.to_status, change.reason, change.overridden) == ("decided", "", "")


def test_unsettled_repayments_and_enkat_problems_are_soft_obstacles(year):
    agr, alloc, _ = year
    FollowUp.objects.filter(allocation=alloc).update(spent="300000.00")
    messages = [obstacle.message for obstacle in status_change_plan(agr, "close").soft]
    assert any("100\xa0000\xa0kr oförbrukat som inte är återbetalt" in m for m in messages), (
        messages
    )
    assert any(m.startswith("Enkätkontrollen visar") for m in messages), messages


def test_over_allocation_refuses_even_with_a_reason(client, year):
    agr, alloc, coordinator = year
    type(alloc).objects.filter(pk=alloc.pk).update(amount="400000.01")
    client.force_login(coordinator)
    page = url("agreement_close", agr)
    body = client.get(page).content.decode()
    assert "Det här stoppar ändringen" in body and "0,01\xa0kr för mycket" in body
    assert 'name="reason"' not in body  # no form while something stops the change
    response = client.post(page, {"expected_status": "follow_up", "reason": "Ändå"})
    assert response.status_code == 422
    agr.refresh_from_db()
    assert agr.status == "follow_up" and not AgreementStatusChange.objects.exists()


def test_reopening_a_closed_year_is_audited_and_changes_the_open_data(client, year):
    agr, _, coordinator = year
    agreement_status_change(
        agreement=agr, change="close", expected_status="follow_up", user=coordinator, reason="Klar"
    )
    client.force_login(coordinator)
    page = url("agreement_reopen", agr)
    body = client.get(page).content.decode()
    assert "kan ändra och skicka in redovisningar igen" in body
    assert client.post(page, {"expected_status": "closed", "reason": ""}).status_code == 422
    agr.refresh_from_db()
    assert agr.status == "closed"

    closed_at = AgreementStatusChange.objects.get().changed_at
    response = client.post(page, {"expected_status": "closed", "reason": "En rapport saknades."})
    assert response.status_code == 302
    agr.refresh_from_db()
    assert agr.status == "follow_up"
    reopening = AgreementStatusChange.objects.order_by("pk").last()
    assert (reopening.from_status, reopening.to_status, reopening.reason) == (
        "closed",
        "follow_up",
        "En rapport saknades.",
    )
    assert reopening.is_reopening and reopening.changed_at > closed_at
    # The trail shows both changes, the reopening marked.
    history = client.get(url("allocation_history", agr)).content.decode()
    assert "Öppnat igen" in history and "Klar" in history and "En rapport saknades." in history
    # The open data says the year changed: its modification date is the reopening.
    catalogue = client.get(reverse("open_data_catalogue_ttl")).content.decode()
    assert reopening.changed_at.strftime("%Y-%m-%dT%H:%M") in catalogue
    published = json.loads(client.get(url("open_data_allocations_json", agr)).content)
    assert published["agreement_status"] == "follow_up"


def test_reopening_a_decided_year_takes_it_off_the_open_data(client, year):
    agr, _, coordinator = year
    Agreement.objects.filter(pk=agr.pk).update(status="decided")
    agr.refresh_from_db()
    client.force_login(coordinator)
    page = url("agreement_reopen", agr)
    assert "tas bort från öppna data" in client.get(page).content.decode()
    client.post(page, {"expected_status": "decided", "reason": "Fel belopp i beslutet."})
    agr.refresh_from_db()
    assert agr.status == "draft"
    assert client.get(url("open_data_allocations_json", agr)).status_code == 404


def test_no_state_change_by_a_get_or_without_the_confirmation_page(client, year):
    agr, _, coordinator = year
    client.force_login(coordinator)
    for name in PAGES:
        assert client.get(url(name, agr) + "?reason=x&expected_status=follow_up").status_code in (
            200,
            422,
        )
    # A post that did not come from the page (no status it was shown for) changes nothing,
    # and the old one-click address is gone.
    without_page = client.post(url("agreement_close", agr), {"reason": "x"})
    assert without_page.status_code == 422
    summary = without_page.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert "Sidan saknade årets status" in summary and "expected_status" not in summary
    assert client.post(f"/{agr.organisation.code}/2024/fordelning/status/").status_code == 404
    # A page shown for another status (stale, or a second click) changes nothing either.
    stale = client.post(url("agreement_reopen", agr), {"expected_status": "closed", "reason": "x"})
    assert stale.status_code == 422
    agr.refresh_from_db()
    assert agr.status == "follow_up" and not AgreementStatusChange.objects.exists()


def test_the_matrix_links_to_the_pages_and_has_no_one_click_status_button(client, year):
    agr, _, coordinator = year
    client.force_login(coordinator)
    body = client.get(url("allocation_matrix", agr)).content.decode()
    assert f'href="{url("agreement_close", agr)}"' in body
    assert "fordelning/status/" not in body


def test_outsiders_and_other_roles_are_refused(client, year):
    agr, alloc, _ = year
    client.force_login(f.user(f.organisation(), "coordinator"))
    for name in PAGES:
        assert client.get(url(name, agr)).status_code == 404
        assert client.post(url(name, agr), {"expected_status": "follow_up"}).status_code == 404
    for role in ("reader", "reporter"):
        recipient = alloc.recipient if role == "reporter" else None
        member = f.user(agr.organisation, role, recipient=recipient)
        client.force_login(member)
        for name in PAGES:
            assert client.get(url(name, agr)).status_code == 403
            response = client.post(url(name, agr), {"expected_status": "follow_up", "reason": "x"})
            assert response.status_code == 403
    agr.refresh_from_db()
    assert agr.status == "follow_up" and not AgreementStatusChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_closing_at_once_close_the_year_once():
    org = f.organisation()
    agr = f.agreement(org, 2024, status=Agreement.Status.FOLLOW_UP)
    f.area(agr)
    barrier = threading.Barrier(2)
    results = []

    def close() -> None:
        try:
            barrier.wait()
            agreement_status_change(
                agreement=agr, change="close", expected_status="follow_up", user=None, reason="x"
            )
            results.append("closed")
        except Exception as error:  # the loser's refusal
            results.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["closed", "stale"]
    assert AgreementStatusChange.objects.filter(agreement=agr).count() == 1
