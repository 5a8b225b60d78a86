"""A county's and the nation's analysis (issue 24): only published years, never a draft;
the organisations covered and missing; and an organisation's own page for its members only."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from analysis.data import Filters
from analysis.report import county_members, public_analysis
from funds.models import Agreement, FollowUp, Intervention, SurveyCategory
from tests import factories as f

pytestmark = pytest.mark.django_db


def _kommun_year(name: str, code: str, spent: str, *, status: str) -> Agreement:
    org = f.organisation(name=name, code=code)
    agreement = f.agreement(org, 2023, status=status)
    area = f.area(agreement, spent)
    follow_up = f.follow_up(
        f.allocation(area, f.recipient(org), spent), spent, status=FollowUp.Status.APPROVED
    )
    insats = Intervention.objects.create(
        follow_up=follow_up, name=f"Insats i {name}", amount_spent=Decimal(spent)
    )
    insats.categories.add(
        SurveyCategory.objects.get(year=2023, group="activity_type", label="Kompetensutveckling")
    )
    return agreement


@pytest.fixture
def kommuner():
    return {
        "a": _kommun_year("Alfa kommun", "0114", "100.10", status=Agreement.Status.DECIDED),
        "b": _kommun_year("Beta kommun", "0115", "200.20", status=Agreement.Status.CLOSED),
        "c": _kommun_year("Gamma kommun", "0117", "300.30", status=Agreement.Status.FOLLOW_UP),
        "other": _kommun_year("Delta kommun", "0380", "400.40", status=Agreement.Status.DECIDED),
        "draft": _kommun_year("Utkastkommun", "0120", "5000.00", status=Agreement.Status.DRAFT),
    }


def test_the_county_covers_exactly_its_three_decided_years(kommuner):
    analysis = public_analysis(
        title="Län 01", members=county_members("01"), year=2023, filters=Filters()
    )
    assert [org.name for org in analysis.covered] == ["Alfa kommun", "Beta kommun", "Gamma kommun"]
    assert [org.name for org in analysis.missing] == ["Utkastkommun"]
    assert analysis.insatser == 3
    assert analysis.money.approved == Decimal("600.60")
    assert all(table.money_sum == Decimal("600.60") for table in analysis.tables)


def test_the_nation_covers_all_four_and_never_the_draft(kommuner):
    analysis = public_analysis(title="Hela landet", members=Q(), year=2023, filters=Filters())
    assert len(analysis.covered) == 4
    assert analysis.insatser == 4
    assert analysis.money.approved == Decimal("1001.00")
    assert [org.name for org in analysis.missing] == ["Utkastkommun"]


def test_a_draft_year_is_in_no_public_analysis(client, kommuner):
    page = client.get("/lan/01/2023/analys/").content.decode()
    assert "5 000" not in page and "Insats i Utkastkommun" not in page
    assert "Analysen omfattar 3 av 4 organisationer som använder tjänsten i länet." in page
    assert "Saknas (inget beslutat 2023): Utkastkommun." in page
    national = client.get("/analys/2023/").content.decode()
    assert "Analysen omfattar 4 av 5 organisationer som använder tjänsten." in national
    assert "5 000" not in national


def test_the_public_pages_answer_anyone_and_refuse_nonsense_with_404(client, kommuner):
    assert client.get("/lan/01/2023/analys/").status_code == 200
    assert client.get("/analys/2023/").status_code == 200
    assert client.get("/lan/99/2023/analys/").status_code == 404
    assert client.get("/analys/1999/").status_code == 404
    assert client.get("/lan/01/2023/analys/hackare.csv").status_code == 404
    csv = client.get("/lan/01/2023/analys/activity_type.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[-1] == "Summa,3,,600.60,,"


def test_an_organisations_own_page_is_for_its_members(client, kommuner):
    agreement = kommuner["a"]
    url = "/0114/2023/analys/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(f.user(kommuner["b"].organisation, "admin"))
    for suffix in ("", "lagesrapport.pdf", "lagesrapport.docx", "activity_type.csv"):
        assert client.get(url + suffix).status_code == 404
    reporter_unit = f.recipient(agreement.organisation)
    client.force_login(f.user(agreement.organisation, "reporter", recipient=reporter_unit))
    assert client.get(url).status_code == 403
    client.force_login(f.user(agreement.organisation, "reader"))
    assert client.get(url).status_code == 200


def test_the_query_count_does_not_grow_with_the_organisations(kommuner):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            public_analysis(title="Riket", members=Q(), year=2023, filters=Filters())
        return len(captured)

    before = queries()
    for number in range(5):
        _kommun_year(f"Ny kommun {number}", f"05{number + 80}", "10.00", status="decided")
    assert queries() == before


def test_a_year_without_approved_reports_says_so(client):
    org = f.organisation()
    area = f.area(f.agreement(org, 2024), "1000.00")
    f.follow_up(f.allocation(area, f.recipient(org), "500.00"), "120.50")  # a draft
    client.force_login(f.user(org, "coordinator"))
    page = client.get(f"/{org.code}/2024/analys/").content.decode()
    assert "Det finns inga insatser i godkända redovisningar att dra slutsatser av." in page
    assert "1 redovisning är inte godkänd än och ingår inte: 120,50" in page
    assert "Det stämmer med årets balans: förbrukat enligt alla redovisningar är 120,50" in page
