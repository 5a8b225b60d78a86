"""The calls' money tables end with a Summa row where the column sums: the reservations per
area, the applications on the call's page, the ranking and the record PDF; each total
against the database's sum, and the pages' queries do not grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.exports import record_applications
from calls.letters import record_pdf
from calls.models import Application, Call
from calls.workflows import Outcome, call_decide
from funds.models import Allocation, PriorityArea
from funds.money import format_kr
from tests import factories as f
from tests.reporting.pdfs import flat, pdf_layout_text

pytestmark = pytest.mark.django_db


def tfoot(body: str) -> str:
    return body[body.index("<tfoot>") : body.index("</tfoot>")]


@pytest.fixture
def agreement():
    org = f.organisation(name="Kommunen", administration="Socialförvaltningen")
    agreement = f.agreement(org, 2024)
    first = f.area(agreement, "1000000.00")
    second = f.area(agreement, "500000.50")
    f.allocation(first, f.recipient(org), "600000.25")
    f.call(first, "100000.10")
    f.call(first, "50000.00", status=Call.Status.DRAFT)
    f.call(second, "250000.00")
    return agreement


def _decided_call(agreement, applications: int) -> Call:
    area = agreement.priority_areas.get(number=1)
    call = f.call(area, "300000.00", title="Beslutad")
    outcomes = []
    for index in range(applications):
        application = f.application(call, amount_requested=Decimal(f"{40000 + index}.35"))
        granted = index % 3 != 2  # every third is rejected
        amount = Decimal(f"{20000 + index}.40") if granted else Decimal(0)
        outcomes.append(Outcome(application.pk, granted, amount, "Motivering."))
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    call_decide(
        call=call,
        outcomes=outcomes,
        registry_number="2024/9",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Nämnden",
        user=None,
    )
    return call


def _sums(call: Call) -> tuple[Decimal, Decimal]:
    submitted = Application.objects.filter(call=call).exclude(status=Application.Status.DRAFT)
    requested = submitted.aggregate(total=Sum("amount_requested"))["total"]
    granted = submitted.filter(status=Application.Status.GRANTED).aggregate(
        total=Sum("granted_amount")
    )["total"]
    return requested, granted


def test_the_reservations_table_sums_unallocated_reserved_and_free(client, agreement):
    client.force_login(f.user(agreement.organisation, "coordinator"))
    granted = PriorityArea.objects.filter(agreement=agreement).aggregate(t=Sum("granted"))["t"]
    allocated = Allocation.objects.filter(priority_area__agreement=agreement).aggregate(
        t=Sum("amount")
    )["t"]
    reserved = (
        Call.objects.filter(agreement=agreement)
        .exclude(status=Call.Status.DECIDED)
        .aggregate(t=Sum("amount"))["t"]
    )

    url = reverse("call_list", args=[agreement.organisation.code, 2024])
    footer = tfoot(client.get(url).content.decode())

    assert '<th scope="row">Summa</th>' in footer
    assert format_kr(granted - allocated) in footer  # 900 000,25 kr
    assert format_kr(reserved) in footer  # 400 000,10 kr
    assert format_kr(granted - allocated - reserved) in footer


def test_the_year_overview_sums_the_reservations(client, agreement):
    client.force_login(f.user(agreement.organisation, "coordinator"))
    reserved = (
        Call.objects.filter(agreement=agreement)
        .exclude(status=Call.Status.DECIDED)
        .aggregate(t=Sum("amount"))["t"]
    )
    page = client.get(f"/{agreement.organisation.code}/2024/").content.decode()
    assert f"Summa reserverat: {format_kr(reserved)}" in page


def test_the_calls_page_and_its_record_sum_what_was_applied_for_and_granted(client, agreement):
    call = _decided_call(agreement, 4)
    requested, granted = _sums(call)
    client.force_login(f.user(agreement.organisation, "coordinator"))

    url = reverse("call_detail", args=[agreement.organisation.code, 2024, call.pk])
    footer = tfoot(client.get(url).content.decode())
    record = pdf_layout_text(record_pdf(call, record_applications(call)))

    assert format_kr(requested) in footer and format_kr(granted) in footer
    # The record's last table row, as laid out on the page: Summa, applied for, granted.
    (row,) = [flat(line).strip() for line in record.splitlines() if "Summa" in line]
    assert row == f"Summa {format_kr(requested)} {format_kr(granted)}".replace("\u00a0", " ")


def test_the_ranking_sums_what_was_applied_for_and_proposed(client, agreement):
    area = agreement.priority_areas.get(number=1)
    call = f.call(area, "300000.00", status=Call.Status.CLOSED)
    for index in range(3):
        f.application(
            call,
            amount_requested=Decimal(f"{1000 + index}.11"),
            proposed_amount=Decimal(f"{500 + index}.05"),
        )
    client.force_login(f.user(agreement.organisation, "coordinator"))
    sums = Application.objects.filter(call=call).aggregate(
        requested=Sum("amount_requested"), proposed=Sum("proposed_amount")
    )

    url = reverse("call_ranking", args=[agreement.organisation.code, 2024, call.pk])
    footer = tfoot(client.get(url).content.decode())

    assert format_kr(sums["requested"]) in footer and format_kr(sums["proposed"]) in footer


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_calls_page_counts_the_same_queries_for_2_and_8_applications(client, agreement):
    client.force_login(f.user(agreement.organisation, "coordinator"))
    code = agreement.organisation.code
    small, large = _decided_call(agreement, 2), _decided_call(agreement, 8)
    assert _queries(client, reverse("call_detail", args=[code, 2024, small.pk])) == _queries(
        client, reverse("call_detail", args=[code, 2024, large.pk])
    )
