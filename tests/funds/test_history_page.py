"""The history page says how the amounts arrived: the demo's amounts were read in when the
year was set up and have no change rows; changes made afterwards are in the table."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from funds.allocation.workflows import allocation_set
from funds.models import Allocation, Organisation
from funds.money import format_kr
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


def test_the_demo_years_history_says_its_amounts_were_read_in(client):
    demo_restore()
    stockholm = Organisation.objects.get(code="0180")
    client.force_login(f.user(stockholm, "reader"))
    loaded = Allocation.objects.filter(
        priority_area__agreement__organisation=stockholm,
        priority_area__agreement__year=2023,
        amount__gt=0,
    )
    count, total = loaded.count(), loaded.aggregate(total=Sum("amount"))["total"]

    page = client.get(reverse("allocation_history", args=["0180", 2023])).content.decode()

    assert count > 0
    assert f"{count} belopp, sammanlagt {format_kr(total)}, lästes in när året lades upp" in page
    assert "Inga ändringar sedan beloppen lästes in." in page
    assert "Inga ändringar är registrerade" not in page


def test_a_cell_changed_after_the_read_in_shows_the_change_and_no_read_in_note(client):
    demo_restore()
    stockholm = Organisation.objects.get(code="0180")
    coordinator = f.user(stockholm, "coordinator")
    client.force_login(coordinator)
    cell = (
        Allocation.objects.filter(priority_area__agreement__year=2024, amount__gt=0)
        .select_related("priority_area__agreement", "recipient")
        .order_by("pk")
        .first()
    )
    allocation_set(
        area=cell.priority_area,
        recipient=cell.recipient,
        amount=cell.amount + Decimal("1000.00"),
        expected_version=cell.version,
        user=coordinator,
    )
    url = reverse(
        "allocation_cell_history", args=["0180", 2024, cell.priority_area.pk, cell.recipient.pk]
    )

    page = client.get(url).content.decode()

    assert format_kr(cell.amount + Decimal("1000.00")) in page
    assert "lästes in när året lades upp" not in page


def test_a_year_without_amounts_says_so(client):
    org = f.organisation()
    agreement = f.agreement(org, 2025)
    f.area(agreement, "1000.00")
    client.force_login(f.user(org, "reader"))
    page = client.get(reverse("allocation_history", args=[org.code, 2025])).content.decode()
    assert "Inga belopp är ändrade ännu." in page
    assert "lästes in" not in page
