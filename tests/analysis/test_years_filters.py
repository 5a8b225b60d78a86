"""Filters on the pages across years (issue 24): the per-year page's filters (kind of
recipient, area) applied to every year; an area is chosen by its name, which stays from year
to year. The filtered tables sum, year by year, to the filtered money; the CSVs too."""

import csv
import io
from decimal import Decimal

import pytest
from django.db.models import Sum

from analysis.data import Filters
from analysis.report import county_members
from analysis.years import organisation_years, public_years
from funds.models import Agreement, FollowUp, Intervention, NationalArea, Recipient
from tests import factories as f

pytestmark = pytest.mark.django_db
DISTRICT, ASSOCIATION = Recipient.Kind.DISTRICT, Recipient.Kind.ASSOCIATION


def _spend(area, recipient, amount: str) -> None:
    follow_up = f.follow_up(
        f.allocation(area, recipient, amount), amount, status=FollowUp.Status.APPROVED
    )
    Intervention.objects.create(follow_up=follow_up, name="Insats", amount_spent=Decimal(amount))


@pytest.fixture
def kommun():
    org = f.organisation(name="Alfa kommun", code="0114")
    district = f.recipient(org, kind=DISTRICT)
    association = f.recipient(org, kind=ASSOCIATION, organisation_number="802000-0004")
    amounts = {  # year -> area name -> (district, association)
        2023: {"Suicidprevention": ("100.10", "20.02"), "Barn och unga": ("300.00", "4.04")},
        2024: {"Barn och unga": ("50.05", "600.00"), "Suicidprevention": ("7.00", "0.70")},
    }
    for year, areas in amounts.items():
        agreement = f.agreement(org, year, status=Agreement.Status.DECIDED)
        # 2024 numbers the areas the other way round: the filter follows the name.
        for number, (name, (to_district, to_association)) in enumerate(areas.items(), 1):
            national = NationalArea.objects.get(national_agreement__year=year, number=number)
            area = f.area(agreement, "10000.00", name=name, number=number, national_area=national)
            _spend(area, district, to_district)
            _spend(area, association, to_association)
    return org


def _filtered_spent(org, **lookups) -> dict[int, Decimal]:
    rows = (
        FollowUp.objects.filter(
            allocation__priority_area__agreement__organisation=org,
            status=FollowUp.Status.APPROVED,
            **lookups,
        )
        .values_list("allocation__priority_area__agreement__year")
        .annotate(spent=Sum("spent"))
    )
    return dict(rows)


@pytest.mark.parametrize(
    ("filters", "lookups"),
    [
        (Filters(recipient_kind=ASSOCIATION), {"allocation__recipient__kind": ASSOCIATION}),
        (
            Filters(area_name="Suicidprevention"),
            {"allocation__priority_area__name": "Suicidprevention"},
        ),
        (
            Filters(recipient_kind=DISTRICT, area_name="Barn och unga"),
            {
                "allocation__recipient__kind": DISTRICT,
                "allocation__priority_area__name": "Barn och unga",
            },
        ),
    ],
)
def test_the_filtered_tables_sum_to_the_filtered_money_each_year(kommun, filters, lookups):
    across = organisation_years(organisation=kommun, filters=filters)
    spent = _filtered_spent(kommun, **lookups)
    assert across.years == [2023, 2024]
    assert [total.spent for total in across.totals] == [spent[2023], spent[2024]]
    for table in across.tables:
        assert table.money_sums == [spent[2023], spent[2024]], table.key
    unfiltered = organisation_years(organisation=kommun)
    assert unfiltered.totals[0].spent > spent[2023]


def test_the_page_and_its_csv_honour_the_filters(client, kommun):
    client.force_login(f.user(kommun, "reader"))
    query = "?mottagartyp=association&omrade=Suicidprevention"
    page = client.get(f"/0114/analys/ar/{query}").content.decode()
    assert (
        "Analysen är avgränsad med filter: typ av mottagare Förening, "
        "område Suicidprevention, samma för varje år." in page
    )
    assert '<option value="Suicidprevention" selected>' in page
    assert (
        'href="/0114/analys/ar/activity_type.csv?mottagartyp=association&amp;omrade=Suicidprevention"'
        in page
    )
    text = client.get(f"/0114/analys/ar/activity_type.csv{query}").content.decode("utf-8-sig")
    summa = list(csv.reader(io.StringIO(text)))[-1]
    assert (summa[2], summa[5]) == ("20.02", "0.70")


def test_a_county_filters_by_the_national_areas_name(client, kommun):
    across = public_years(
        title="Län 01",
        members=county_members("01"),
        filters=Filters(area_field="national_area__number", area_name="Suicidprevention"),
    )
    # 2023's national area 4 and 2024's area 5 are both "Suicidprevention": the kommun's
    # areas point at 1 and 2, so the filter finds none of them.
    assert across.totals == []
    first = NationalArea.objects.get(national_agreement__year=2023, number=1).short_name
    text = client.get(f"/lan/01/analys/ar/activity_type.csv?omrade={first}").content.decode(
        "utf-8-sig"
    )
    assert list(csv.reader(io.StringIO(text)))[-1][2] == "120.12"  # 2023's area 1 only


def test_a_value_not_among_the_choices_is_refused_and_everything_shown(client, kommun):
    client.force_login(f.user(kommun, "reader"))
    response = client.get("/0114/analys/ar/?omrade=" + "x" * 5000 + "&mottagartyp=okand")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Välj ett giltigt alternativ" in page
    assert "Analysen är avgränsad" not in page
