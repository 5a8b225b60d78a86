"""The demo's 2023 analysed (issue 24): findings from data, every table summing to the
year's spent money to the öre, reconciled with funds' agreement_balance."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.charts import table_chart
from analysis.data import Filters
from analysis.report import organisation_analysis
from analysis.tables import DIMENSIONS
from funds.balance import agreement_balance
from funds.models import Agreement, FollowUp, Intervention, Organisation
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    demo_restore()
    org = Organisation.objects.get(code="0180")
    client.force_login(f.user(org, "reader"))
    return Agreement.objects.select_related("organisation").get(organisation=org, year=2023)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_every_table_sums_to_the_years_spent_money_to_the_ore(demo):
    analysis = organisation_analysis(agreement=demo, filters=Filters())
    spent = agreement_balance(demo).total.spent
    assert spent == Decimal("43700000.00")
    assert not FollowUp.objects.filter(
        allocation__priority_area__agreement=demo, spent__isnull=False
    ).exclude(status=FollowUp.Status.APPROVED)
    assert [table.key for table in analysis.tables] == [key for key, _ in DIMENSIONS]
    for table in analysis.tables:
        assert table.money_sum == spent, table.key
        assert table.spent == spent
    assert analysis.balance_spent == spent and analysis.reconciled


def test_the_page_says_the_analysis_agrees_with_the_balance(demo, client):
    page = _text(client.get("/0180/2023/analys/").content.decode())
    assert "Det stämmer med årets balans: förbrukat enligt alla redovisningar är " in page
    assert "43 700 000,00 kr." in page


def test_the_findings_name_the_most_common_activity_type_from_the_data(demo, client):
    insatser = list(
        Intervention.objects.filter(follow_up__allocation__priority_area__agreement=demo)
        .prefetch_related("categories")
        .order_by("pk")
    )
    counts: dict[str, int] = {}
    money: dict[str, Decimal] = {}
    for insats in insatser:
        types = [c.label for c in insats.categories.all() if c.group == "activity_type"]
        for label in types:
            counts[label] = counts.get(label, 0) + 1
            money[label] = money.get(label, Decimal(0)) + insats.amount_spent / len(types)
    top = max(counts, key=counts.get)
    assert sorted(counts.values())[-2] < counts[top]  # one clear winner in the demo
    count_share = round(Decimal(counts[top]) * 100 / len(insatser))
    money_share = round(money[top] * 100 / Decimal("43700000"))

    page = _text(client.get("/0180/2023/analys/").content.decode())

    assert f"{top} är den vanligaste typen av insats ({count_share} procent av insatserna)" in page
    assert f"fått {money_share} procent av medlen" in page


def test_the_findings_give_the_money_where_ungdomsmottagning_is_responsible(demo, client):
    responsible = Intervention.objects.filter(
        follow_up__allocation__priority_area__agreement=demo,
        categories__group="responsible_unit",
        categories__label="Ungdomsmottagning",
    )
    amount = sum(i.amount_spent for i in responsible)
    assert responsible.count() == 3 and amount > 0
    kronor = f"{int(amount):,}".replace(",", " ")
    total = Intervention.objects.filter(
        follow_up__allocation__priority_area__agreement=demo
    ).count()

    html = client.get("/0180/2023/analys/").content.decode()
    page = _text(html)

    assert (
        f"Totalt har {kronor} kr lagts på insatser med ansvarig verksamhet ”Ungdomsmottagning”, "
        f"ensamt eller tillsammans med andra verksamheter (3 av {total} insatser)." in page
    )
    assert 'href="#tabell-responsible-unit"' in html


def test_every_chart_is_an_image_with_a_title_and_its_table(demo, client):
    page = client.get("/0180/2023/analys/").content.decode()
    assert page.count('role="img"') == len(DIMENSIONS)
    assert page.count("<title id=") == len(DIMENSIONS)
    assert page.count("<desc id=") == len(DIMENSIONS)
    assert page.count('<th scope="col">Medel i insatser där alternativet ingår</th>') == len(
        DIMENSIONS
    )


def test_a_tables_csv_sums_to_the_spent_money(demo, client):
    response = client.get("/0180/2023/analys/activity_type.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Typ av insats,Insatser,")
    assert lines[-1].split(",")[3] == "43700000.00"
    rows = [line.split(",") for line in lines[1:-1]]
    assert sum(Decimal(row[3]) for row in rows) == Decimal("43700000.00")


def test_the_filters_narrow_to_a_kind_of_recipient_and_an_area(demo):
    area = demo.priority_areas.get(name="Ungdomsmottagningar")
    narrowed = organisation_analysis(
        agreement=demo, filters=Filters(recipient_kind="district", area_number=area.number)
    )
    spent = sum(
        fu.spent
        for fu in FollowUp.objects.filter(
            allocation__priority_area=area, allocation__recipient__kind="district"
        )
    )
    assert narrowed.money.approved == spent > 0
    assert all(table.money_sum == spent for table in narrowed.tables)


def test_a_filter_outside_the_choices_shows_everything_with_a_message(demo, client):
    response = client.get("/0180/2023/analys/?mottagartyp=hackare&omrade=99999999999")
    assert response.status_code == 200
    assert "Det finns fel att rätta" in response.content.decode()


def test_the_query_count_does_not_grow_with_the_data(demo):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            organisation_analysis(agreement=demo, filters=Filters())
        return len(captured)

    before = queries()
    follow_up = FollowUp.objects.filter(allocation__priority_area__agreement=demo).first()
    for number in range(20):
        insats = Intervention.objects.create(follow_up=follow_up, name=f"Extra {number}")
        insats.categories.set(Intervention.objects.exclude(pk=insats.pk).first().categories.all())
    f.agreement(demo.organisation, 2022)
    assert queries() == before


def test_a_chart_draws_the_options_chosen_and_names_the_others(demo, client):
    """No row of "0,0 %" bars: an option no insats chose is named under the chart, and the
    table still lists it."""
    table = organisation_analysis(agreement=demo, filters=Filters()).table("activity_type")
    chart = table_chart(table)
    nobody = [row.label for row in table.rows if not (row.count or row.money)]
    assert nobody and list(chart.empty) == nobody
    assert [row.label for row in chart.rows] == [
        row.label for row in table.rows if row.count or row.money
    ]
    page = _text(client.get("/0180/2023/analys/").content.decode())
    assert f"Ingen insats valde {', '.join(nobody)}." in page
