"""Money tables end with a total row where the column sums: the year's areas, the
coordinator's board and the reporter's list, over the rows shown."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from funds.models import Agreement, Allocation, FollowUp, Organisation, PriorityArea
from funds.money import format_kr
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


def tfoot(body: str) -> str:
    return body[body.index("<tfoot>") : body.index("</tfoot>")]


def test_the_areas_page_sums_what_was_granted(client):
    demo_restore()
    client.force_login(f.user(Organisation.objects.get(code="0180"), "reader"))
    granted = PriorityArea.objects.filter(
        agreement__organisation__code="0180", agreement__year=2023
    ).aggregate(total=Sum("granted"))["total"]

    body = client.get(reverse("agreement_areas", args=["0180", 2023])).content.decode()

    assert format_kr(granted) in tfoot(body)


def test_the_board_sums_the_rows_it_shows(client):
    demo_restore()
    stockholm = Organisation.objects.get(code="0180")
    client.force_login(f.user(stockholm, "coordinator"))
    shown = Allocation.objects.filter(priority_area__agreement__year=2023, priority_area__number=1)
    reported = FollowUp.objects.filter(allocation__in=shown, spent__isnull=False)
    spent = reported.aggregate(total=Sum("spent"))["total"]
    unspent = sum((r.allocation.amount - r.spent for r in reported), Decimal(0))
    area = PriorityArea.objects.get(
        agreement__organisation=stockholm, agreement__year=2023, number=1
    )

    url = reverse("followup_board", args=["0180", 2023])
    footer = tfoot(client.get(url, {"area": area.pk}).content.decode())

    assert format_kr(shown.aggregate(total=Sum("amount"))["total"]) in footer
    assert format_kr(spent) in footer and format_kr(unspent) in footer


def test_the_reporters_list_sums_the_reporters_allocations(client):
    org = f.organisation()
    agreement = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    recipient = f.recipient(org)
    first = f.allocation(f.area(agreement, "900000.00", name="A"), recipient, "300000.00")
    f.allocation(f.area(agreement, "900000.00", name="B"), recipient, "200000.50")
    f.follow_up(first, "120000.25")
    client.force_login(f.user(org, "reporter", recipient=recipient))

    footer = tfoot(client.get(reverse("followup_list", args=[org.code, 2024])).content.decode())

    assert format_kr(Decimal("500000.50")) in footer
    assert format_kr(Decimal("120000.25")) in footer
