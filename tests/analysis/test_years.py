"""The analysis across years (issue 24): each year's insatser and money side by side for an
organisation (its members), a county and the nation (public years only); every year's money
column sums to that year's spent money to the öre; CSV files in two variants that parse back;
findings computed from the data; a query count that does not grow with years or members."""

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Q, Sum

from analysis.tables import DIMENSIONS
from analysis.years import organisation_years, public_years
from funds.balance import agreement_balance
from funds.models import Agreement, FollowUp, Intervention, Organisation, SurveyCategory
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db
DECIDED = Agreement.Status.DECIDED


def _year(org, year, insatser, *, not_on_insats="0.00", status=DECIDED) -> Agreement:
    """An agreement with one approved report holding `insatser` ([(amount, [activity type
    labels])]) and `not_on_insats` more, and a report not yet approved (never counted)."""
    agreement = f.agreement(org, year, status=status)
    area = f.area(agreement, "100000.00")
    spent = sum((Decimal(amount) for amount, _ in insatser), Decimal(not_on_insats))
    f.follow_up(f.allocation(area, f.recipient(org), "1000.00"), "999.00")  # a draft report
    if not spent:
        return agreement
    follow_up = f.follow_up(
        f.allocation(area, f.recipient(org), "50000.00"), spent, status=FollowUp.Status.APPROVED
    )
    for number, (amount, labels) in enumerate(insatser):
        insats = Intervention.objects.create(
            follow_up=follow_up, name=f"Insats {year} {number}", amount_spent=Decimal(amount)
        )
        insats.categories.add(
            *SurveyCategory.objects.filter(year=year, group="activity_type", label__in=labels)
        )
    return agreement


def _approved_spent(agreements) -> dict[int, Decimal]:
    rows = (
        FollowUp.objects.filter(
            allocation__priority_area__agreement__in=agreements, status=FollowUp.Status.APPROVED
        )
        .values_list("allocation__priority_area__agreement__year")
        .annotate(spent=Sum("spent"))
    )
    return dict(rows)


@pytest.fixture
def kommun():
    org = f.organisation(name="Alfa kommun", code="0114")
    komp, samv = "Kompetensutveckling", "Samverkan"
    return [
        _year(org, 2023, [("1000.10", [komp]), ("3000.33", [samv])], not_on_insats="0.01"),
        _year(org, 2024, [("3000.00", [komp]), ("500.50", [komp, samv]), ("0.25", [])]),
        _year(org, 2025, [], status=Agreement.Status.DRAFT),  # only a draft report
    ]


def _parse(response, delimiter: str) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_each_years_money_sums_to_the_years_spent_money_to_the_ore(kommun):
    across = organisation_years(organisation=kommun[0].organisation)
    spent = _approved_spent(kommun)
    assert spent == {2023: Decimal("4000.44"), 2024: Decimal("3500.75")}
    assert across.years == [2023, 2024]
    assert across.without_data == [2025]
    assert [total.spent for total in across.totals] == [spent[2023], spent[2024]]
    assert [total.insatser for total in across.totals] == [2, 3]
    assert [table.key for table in across.tables] == [key for key, _ in DIMENSIONS]
    for table in across.tables:
        assert table.money_sums == [spent[2023], spent[2024]], table.key
    # Everything in 2023's and 2024's reports is approved but the draft: the balance agrees
    # once the draft's 999,00 kr is taken away.
    for agreement in kommun[:2]:
        balance = agreement_balance(agreement).total.spent
        assert balance - Decimal("999.00") == spent[agreement.year]


def test_the_activity_types_side_by_side_and_the_finding_from_them(kommun, client):
    across = organisation_years(organisation=kommun[0].organisation)
    table = across.table("activity_type")
    rows = {row.label: row for row in table.rows}
    komp, samv = rows["Kompetensutveckling"], rows["Samverkan"]
    assert [cell.money for cell in komp.cells] == [Decimal("1000.10"), Decimal("3250.25")]
    assert [cell.count for cell in komp.cells] == [1, 2]
    assert [cell.money for cell in samv.cells] == [Decimal("3000.33"), Decimal("250.25")]
    assert rows["Inget alternativ valt"].cells[1].money == Decimal("0.25")
    assert rows["Förbrukat men inte fört på någon insats"].cells[0].money == Decimal("0.01")
    # Shares from the data: 1000,10 of 4000,44 is 25 %, 3250,25 of 3500,75 is 93 %.
    share = [
        round(Decimal("1000.10") * 100 / Decimal("4000.44")),
        round(Decimal("3250.25") * 100 / Decimal("3500.75")),
    ]
    texts = [finding.text for finding in across.findings]
    assert (
        f"Typ av insats: Kompetensutveckling har ökat mest som andel av medlen, från "
        f"{share[0]} procent 2023 till {share[1]} procent 2024." in texts[1]
    )
    assert "Samverkan har minskat mest, från 75 procent till 7 procent." in texts[1]
    assert texts[0] == (
        "Från 2023 till 2024 har antalet insatser gått från 2 till 3, och medlen i godkända "
        "redovisningar från 4\u00a0000,44\u00a0kr till 3\u00a0500,75\u00a0kr."
    )
    client.force_login(f.user(kommun[0].organisation, "reader"))
    page = client.get("/0114/analys/ar/").content.decode()
    assert texts[1] in page
    assert '<th scope="col">Andel av medlen 2024</th>' in page
    assert "<caption" in page and "År utan godkända redovisningar visas inte: 2025." in page
    assert 'href="/0114/analys/ar/activity_type-semikolon.csv"' in page
    assert 'href="/0114/2023/analys/"' in page


def test_the_csv_files_parse_back_to_the_years_money(kommun, client):
    client.force_login(f.user(kommun[0].organisation, "reader"))
    spent = _approved_spent(kommun)
    comma = client.get("/0114/analys/ar/activity_type.csv")
    semicolon = client.get("/0114/analys/ar/activity_type-semikolon.csv")
    assert semicolon.content.startswith(b"\xef\xbb\xbf")
    assert (
        'filename="analys-0114-over-aren-activity_type-semikolon.csv"'
        in (semicolon["Content-Disposition"])
    )
    for rows, number in (
        (_parse(comma, ","), Decimal),
        (_parse(semicolon, ";"), lambda text: Decimal(text.replace(",", "."))),
    ):
        assert rows[0][:4] == [
            "Typ av insats",
            "Insatser 2023",
            "Medel 2023 (kr, delat lika mellan valda alternativ)",
            "Andel av medlen 2023 (procent)",
        ]
        body, summa = rows[1:-1], rows[-1]
        for column, year in ((2, 2023), (5, 2024)):
            assert sum(number(row[column]) for row in body) == spent[year]
            assert number(summa[column]) == spent[year]
        for row in body:  # 2024's shares, from the money, in percent with one decimal
            share = number(row[5]) * 100 / spent[2024]
            assert number(row[6]) == share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    line = semicolon.content.decode("utf-8-sig").splitlines()[1]
    assert line == "Kompetensutveckling;1;1000,10;25,0;2;3250,25;92,8"


def test_a_years_csv_has_its_semicolon_variant_too(kommun, client):
    client.force_login(f.user(kommun[0].organisation, "reader"))
    page = client.get("/0114/2024/analys/").content.decode()
    assert 'href="/0114/2024/analys/activity_type-semikolon.csv"' in page
    assert "som CSV för Excel på svenska" in page
    assert 'href="/0114/analys/ar/"' in page
    response = client.get("/0114/2024/analys/activity_type-semikolon.csv")
    rows = _parse(response, ";")
    assert rows[-1] == ["Summa", "3", "", "3500,75", "", ""]
    assert rows[1][3] == "3250,25" and rows[1][2] == "66,7"


def test_a_label_that_looks_like_a_formula_stays_text(kommun, client):
    category = SurveyCategory.objects.create(
        year=2024, group="activity_type", label="=HYPERLINK(1)", position=99
    )
    Intervention.objects.filter(name="Insats 2024 0").get().categories.set([category])
    client.force_login(f.user(kommun[0].organisation, "reader"))
    for url in ("/0114/analys/ar/activity_type.csv", "/0114/2024/analys/activity_type.csv"):
        text = client.get(url).content.decode("utf-8-sig")
        assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text


def test_the_demo_years_reconcile_with_the_balance(client):
    demo_restore()
    org = Organisation.objects.get(code="0180")
    agreement = Agreement.objects.get(organisation=org, year=2023)
    across = organisation_years(organisation=org)
    assert across.years == [2023] and across.without_data == [2024]
    spent = agreement_balance(agreement).total.spent
    assert spent == Decimal("43700000.00")
    assert all(table.money_sums == [spent] for table in across.tables)
    assert across.findings == []
    client.force_login(f.user(org, "reader"))
    page = client.get("/0180/analys/ar/").content.decode()
    assert "Det behövs minst två år med godkända redovisningar för att jämföra åren." in page


# --- the county and the nation: public years only ------------------------------------------


@pytest.fixture
def county():
    alfa = f.organisation(name="Alfa kommun", code="0114")
    beta = f.organisation(name="Beta kommun", code="0115")
    delta = f.organisation(name="Delta kommun", code="0380")
    return [
        _year(alfa, 2023, [("100.10", ["Kompetensutveckling"])]),
        _year(alfa, 2024, [("200.20", ["Samverkan"])], status=Agreement.Status.CLOSED),
        _year(beta, 2024, [("300.30", ["Samverkan"])], status=Agreement.Status.FOLLOW_UP),
        _year(beta, 2023, [("5000.00", ["Samverkan"])], status=Agreement.Status.DRAFT),
        _year(delta, 2023, [("400.40", ["Kompetensutveckling"])]),
    ]


def test_the_county_adds_up_only_public_years(county, client):
    across = public_years(title="Län 01", members=Q(code__startswith="01"))
    assert across.years == [2023, 2024]
    assert [t.spent for t in across.totals] == [Decimal("100.10"), Decimal("500.50")]
    assert [t.organisations for t in across.totals] == [1, 2]
    assert all(
        table.money_sums == [Decimal("100.10"), Decimal("500.50")] for table in across.tables
    )
    texts = [finding.text for finding in across.findings]
    assert "Jämför med försiktighet: 2023 ingår 1 organisationer och 2024 ingår 2." in texts
    page = client.get("/lan/01/analys/ar/").content.decode()  # anonymous: public
    assert "5\u00a0000" not in page and "500,50" in page
    assert 'href="/lan/01/2023/analys/"' in page
    rows = _parse(client.get("/lan/01/analys/ar/activity_type-semikolon.csv"), ";")
    assert rows[-1] == ["Summa", "1", "100,10", "", "2", "500,50", ""]
    nation = public_years(title="Hela landet", members=Q())
    assert [t.spent for t in nation.totals] == [Decimal("500.50"), Decimal("500.50")]
    assert client.get("/analys/ar/").status_code == 200
    assert 'href="/analys/ar/"' in client.get("/analys/2023/").content.decode()
    assert 'href="/lan/01/analys/ar/"' in client.get("/lan/01/2023/analys/").content.decode()


def test_nonsense_is_refused_with_404(county, client):
    assert client.get("/lan/99/analys/ar/").status_code == 404
    assert client.get("/lan/01/analys/ar/hackare.csv").status_code == 404
    assert client.get("/analys/ar/hackare-semikolon.csv").status_code == 404


def test_the_organisations_years_are_for_its_members(county, client):
    url = "/0114/analys/ar/"
    files = ("", "activity_type.csv", "activity_type-semikolon.csv")
    for suffix in files:
        response = client.get(url + suffix)
        assert response.status_code == 302 and response.url.startswith("/logga-in/")
    client.force_login(f.user(county[2].organisation, "admin"))  # Beta kommun's
    for suffix in files:
        response = client.get(url + suffix)
        assert response.status_code == 404 and b"Alfa" not in response.content
    alfa = county[0].organisation
    client.force_login(f.user(alfa, "reporter", recipient=f.recipient(alfa)))
    assert client.get(url).status_code == 403
    client.force_login(f.user(alfa, "reader"))
    for suffix in files:
        assert client.get(url + suffix).status_code == 200
    # The member's own page reads drafts too (no other organisation's year).
    assert organisation_years(organisation=alfa).years == [2023, 2024]


# --- the query count does not grow with the years or the organisations -------------------


def _grow(organisations: int, years: range) -> None:
    for number in range(organisations):
        org = f.organisation(name=f"Kommun {number}", code=f"01{number + 40}")
        for year in years:
            _year(org, year, [("10.00", ["Samverkan"]), ("5.55", ["Kompetensutveckling"])])


@pytest.mark.parametrize(
    ("organisations", "years"), [(2, range(2023, 2025)), (6, range(2023, 2026))]
)
def test_the_query_count_is_constant(client, django_assert_max_num_queries, organisations, years):
    _grow(organisations, years)
    user = f.user(Organisation.objects.get(code="0140"), "reader")
    # The agreements, the insatser, their routes, their answers, the money, the enkät's
    # order: six; a public page adds the two of its cache's version (analysis/cache.py) when
    # cold and needs only the filter's area names when warm, and a member's adds the
    # session, the user, the organisation and the year menu's organisation.
    with django_assert_max_num_queries(6):
        across = public_years(title="Riket", members=Q())
    assert len(across.years) == len(years) and across.totals[0].organisations == organisations
    with django_assert_max_num_queries(6):
        public_years(title="Län 01", members=Q(code__startswith="01"))
    with django_assert_max_num_queries(8):
        assert client.get("/analys/ar/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/lan/01/analys/ar/activity_type-semikolon.csv").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/lan/01/analys/ar/activity_type-semikolon.csv").status_code == 200
    client.force_login(user)
    with django_assert_max_num_queries(10):
        assert client.get("/0140/analys/ar/").status_code == 200
