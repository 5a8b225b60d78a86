"""A county partnership's own money (issue 24, seed 002's länsgemensamma medel): its own
agreement, whose recipients are member kommuner and the region; its analysis is that
organisation's, and in the county's and the nation's aggregates its money is under a
länsgemensam route. Nothing is counted twice: each organisation's own agreements are added,
and the money the partnership passes on is the partnership's, reported on its allocation."""

from decimal import Decimal

import pytest
from django.db.models import Q

from analysis.data import Filters
from analysis.report import county_members, organisation_analysis, public_analysis
from funds.models import (
    Agreement,
    FollowUp,
    Intervention,
    NationalArea,
    Organisation,
    Recipient,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
DECIDED = Agreement.Status.DECIDED


def _national(number: int) -> NationalArea:
    return NationalArea.objects.get(national_agreement__year=2024, number=number)


def _spend(area, recipient, amount: str) -> None:
    follow_up = f.follow_up(
        f.allocation(area, recipient, amount), amount, status=FollowUp.Status.APPROVED
    )
    Intervention.objects.create(
        follow_up=follow_up, name=f"Insats hos {recipient}", amount_spent=Decimal(amount)
    )


@pytest.fixture
def county():
    alfa = f.organisation(name="Alfa kommun", code="0114")
    beta = f.organisation(name="Beta kommun", code="0115")
    partnership = f.organisation(
        name="Länsgemensamt 01", code="L01", kind=Organisation.Kind.COUNTY_PARTNERSHIP
    )
    # Each kommun's own agreement: what the state gave it.
    alfa_area = f.area(
        f.agreement(alfa, 2024, status=DECIDED), "5000.00", national_area=_national(3)
    )
    _spend(alfa_area, f.recipient(alfa), "1000.00")
    beta_area = f.area(
        f.agreement(beta, 2024, status=DECIDED), "5000.00", national_area=_national(5)
    )
    _spend(beta_area, f.recipient(beta), "500.00")
    # The partnership's set-aside: to Alfa kommun (area 2, samsjuklighet) and the region (its
    # own joint priority). Alfa reports the money on the partnership's allocation.
    joint = f.agreement(partnership, 2024, status=DECIDED)
    other = Recipient.Kind.OTHER
    _spend(
        f.area(joint, "640.00", national_area=_national(2)),
        f.recipient(partnership, name="Alfa kommun", kind=other),
        "300.00",
    )
    _spend(
        f.area(joint, "640.00", name="Gemensam satsning"),
        f.recipient(partnership, name="Region Ett", kind=other),
        "200.00",
    )
    return {"alfa": alfa, "beta": beta, "partnership": partnership, "joint": joint}


def _money(table) -> dict[str, Decimal]:
    return {row.label: row.money for row in table.rows if row.money}


def test_the_county_counts_each_organisations_own_money_once(county):
    analysis = public_analysis(
        title="Län 01", members=county_members("01"), year=2024, filters=Filters()
    )
    assert [org.name for org in analysis.covered] == [
        "Alfa kommun",
        "Beta kommun",
        "Länsgemensamt 01",
    ]
    assert analysis.money.approved == Decimal("2000.00")  # 1000 + 500 + 300 + 200
    own = [
        organisation_analysis(agreement=agreement, filters=Filters()).money.approved
        for agreement in Agreement.objects.filter(year=2024)
    ]
    assert sorted(own) == [Decimal("500.00"), Decimal("500.00"), Decimal("1000.00")]
    assert sum(own) == analysis.money.approved  # the parts add up to the whole: no overlap
    assert _money(analysis.table("route")) == {
        "Kommunenkät": Decimal("1000.00"),
        "Länsdialog": Decimal("500.00"),
        "Länsgemensam enkät": Decimal("500.00"),  # the partnership's, its own area included
    }
    nation = public_analysis(title="Riket", members=Q(), year=2024, filters=Filters())
    assert nation.money.approved == analysis.money.approved


def test_the_partnerships_analysis_is_its_own_money_under_the_county_route(client, county):
    analysis = organisation_analysis(agreement=county["joint"], filters=Filters())
    assert analysis.reconciled and analysis.money.approved == Decimal("500.00")
    assert _money(analysis.table("route")) == {"Länsgemensam enkät": Decimal("500.00")}
    alfa = organisation_analysis(
        agreement=Agreement.objects.get(organisation=county["alfa"]), filters=Filters()
    )
    assert alfa.money.approved == Decimal("1000.00")  # the partnership's 300 is not Alfa's
    client.force_login(f.user(county["partnership"], "reader"))
    page = client.get("/L01/2024/analys/").content.decode()
    assert "Länsgemensam enkät" in page and "500,00" in page
