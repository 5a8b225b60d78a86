"""The länssamordnare (issue 24): the county's analysis with the years members granted it
before they are public; no grant, nothing beyond public data; another county's grants never;
everyone else 403/404 on the coordinator's pages and the public aggregate as before."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funds.models import (
    Agreement,
    CountyGrant,
    FollowUp,
    Intervention,
    Membership,
    Organisation,
    SurveyCategory,
)
from tests import factories as f
from tests.reporting.pdfs import flat, pdf_text

pytestmark = pytest.mark.django_db
DECIDED, DRAFT = Agreement.Status.DECIDED, Agreement.Status.DRAFT
PAGES = ("", "activity_type.csv", "activity_type-semikolon.csv", "lagesrapport.pdf")


def _kommun(name: str, code: str, spent: str, status: str) -> Organisation:
    org = f.organisation(name=name, code=code)
    area = f.area(f.agreement(org, 2023, status=status), "100000.00")
    follow_up = f.follow_up(
        f.allocation(area, f.recipient(org), spent), spent, status=FollowUp.Status.APPROVED
    )
    insats = Intervention.objects.create(
        follow_up=follow_up, name=f"Insats i {name}", amount_spent=Decimal(spent)
    )
    insats.categories.add(
        SurveyCategory.objects.get(year=2023, group="activity_type", label="Kompetensutveckling")
    )
    return org


def _partnership(county: str) -> Organisation:
    return f.organisation(
        name=f"Länsgemensamt {county}", code=f"L{county}", kind=Organisation.Kind.COUNTY_PARTNERSHIP
    )


def _grant(org: Organisation, partnership: Organisation) -> CountyGrant:
    return CountyGrant.objects.create(
        organisation=org, partnership=partnership, granted_by=f.user(org, "coordinator")
    )


@pytest.fixture
def counties():
    alfa = _kommun("Alfa kommun", "0114", "100.10", DECIDED)
    beta = _kommun("Beta kommun", "0115", "200.20", DRAFT)  # granted: in for its länssamordnare
    gamma = _kommun("Gamma kommun", "0117", "300.30", DRAFT)  # no grant: never in
    delta = _kommun("Delta kommun", "0380", "400.40", DRAFT)  # another county, granted there
    l01, l03 = _partnership("01"), _partnership("03")
    _grant(beta, l01)
    _grant(delta, l03)
    return {
        "alfa": alfa,
        "beta": beta,
        "gamma": gamma,
        "delta": delta,
        "l01": l01,
        "l03": l03,
        "coordinator": f.user(l01, Membership.Role.COUNTY_COORDINATOR),
        "coordinator_03": f.user(l03, Membership.Role.COUNTY_COORDINATOR),
    }


def _summa(client, url: str) -> list[str]:
    return client.get(url).content.decode("utf-8-sig").splitlines()[-1].split(",")


def test_the_coordinator_sees_public_years_and_the_granted_draft(client, counties):
    client.force_login(counties["coordinator"])
    page = client.get("/lan/01/2023/analys/samordnare/").content.decode()
    assert "Analysen omfattar 2 av 4 organisationer som använder tjänsten i länet." in page
    assert "<li>Alfa kommun: offentliga uppgifter (beslutat år)</li>" in page
    assert "<li>Beta kommun: med medgivande (året är inte beslutat)</li>" in page
    assert "Gamma kommun, Länsgemensamt 01." in page  # missing: no decided year, no grant
    assert _summa(client, "/lan/01/2023/analys/samordnare/activity_type.csv") == [
        "Summa", "2", "", "300.30", "", ""
    ]  # fmt: skip
    years = client.get("/lan/01/analys/ar/samordnare/").content.decode()
    assert "Med medgivande, före beslut: Beta kommun 2023." in years
    assert _summa(client, "/lan/01/analys/ar/samordnare/activity_type.csv")[2] == "300.30"


def test_the_public_page_stays_public_for_the_coordinator_and_links_on(client, counties):
    client.force_login(counties["coordinator"])
    page = client.get("/lan/01/2023/analys/").content.decode()
    assert "Analysen omfattar 1 av 4 organisationer" in page
    assert 'href="/lan/01/2023/analys/samordnare/"' in page
    assert _summa(client, "/lan/01/2023/analys/activity_type.csv")[3] == "100.10"
    assert (
        'href="/lan/01/analys/ar/samordnare/"' in client.get("/lan/01/analys/ar/").content.decode()
    )
    client.logout()
    assert "samordnare/" not in client.get("/lan/01/2023/analys/").content.decode()


def test_without_a_grant_nothing_beyond_public_data(client, counties):
    grant = CountyGrant.objects.get(organisation=counties["beta"])
    grant.revoked_at, grant.revoked_by = timezone.now(), grant.granted_by
    grant.save()
    client.force_login(counties["coordinator"])
    assert _summa(client, "/lan/01/2023/analys/samordnare/activity_type.csv")[3] == "100.10"
    page = client.get("/lan/01/analys/ar/samordnare/").content.decode()
    assert "Inga år ingår genom medgivande: alla år är offentliga uppgifter." in page


def test_a_coordinator_of_county_a_never_sees_county_bs_grants(client, counties):
    client.force_login(counties["coordinator"])
    for suffix in PAGES:
        assert client.get(f"/lan/03/2023/analys/samordnare/{suffix}").status_code == 404
    assert client.get("/lan/03/analys/ar/samordnare/").status_code == 404
    assert "400,40" not in client.get("/lan/03/2023/analys/").content.decode()
    client.force_login(counties["coordinator_03"])
    assert _summa(client, "/lan/03/2023/analys/samordnare/activity_type.csv")[3] == "400.40"
    assert client.get("/lan/01/2023/analys/samordnare/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),
        ("kommun coordinator of another county", 404),
        ("kommun coordinator of the county", 404),
        ("reader of the partnership", 403),
        ("administrator of the partnership", 403),
    ],
)
def test_the_coordinators_pages_refuse_everyone_else(client, counties, who, status):
    user = {
        "outsider": lambda: f.user(),
        "kommun coordinator of another county": lambda: f.user(counties["delta"]),
        "kommun coordinator of the county": lambda: f.user(counties["beta"]),
        "reader of the partnership": lambda: f.user(counties["l01"], "reader"),
        "administrator of the partnership": lambda: f.user(counties["l01"], "admin"),
    }[who]()
    client.force_login(user)
    for suffix in PAGES:
        response = client.get(f"/lan/01/2023/analys/samordnare/{suffix}")
        assert response.status_code == status, suffix
        assert "200,20" not in response.content.decode(errors="replace")
    assert client.get("/lan/01/analys/ar/samordnare/").status_code == status
    assert client.get("/lan/01/analys/ar/samordnare/activity_type.csv").status_code == status


def test_an_anonymous_visitor_is_sent_to_login(client, counties):
    response = client.get("/lan/01/2023/analys/samordnare/")
    assert response.status_code == 302 and response.url.startswith("/logga-in/")


def test_the_partnerships_own_analysis_is_open_to_its_coordinator(client, counties):
    f.agreement(counties["l01"], 2023, status=DECIDED)
    client.force_login(counties["coordinator"])
    assert client.get("/L01/2023/analys/").status_code == 200
    assert client.get("/L01/analys/ar/").status_code == 200
    assert client.get("/0115/2023/analys/").status_code == 404  # a member's own page: no


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_county_pages_query_count_does_not_grow(client, counties):
    client.force_login(counties["coordinator"])
    urls = [
        "/lan/01/2023/analys/samordnare/",
        "/lan/01/analys/ar/samordnare/",
        "/lan/01/2023/analys/",
        "/lan/01/analys/ar/",
    ]
    before = [_queries(client, url) for url in urls]
    for number in range(4):
        org = _kommun(f"Ny kommun {number}", f"01{number + 40}", "10.00", DRAFT)
        _grant(org, counties["l01"])
        _kommun(f"Beslutad kommun {number}", f"01{number + 60}", "10.00", DECIDED)
    assert _summa(client, "/lan/01/2023/analys/samordnare/activity_type.csv")[3] == "380.30"
    assert [_queries(client, url) for url in urls] == before


def test_home_and_the_menu_lead_a_coordinator_to_the_countys_analysis(client, counties):
    f.agreement(counties["l01"], 2023, status=DECIDED)
    client.force_login(counties["coordinator"])
    assert client.get("/").url == "/lan/01/2023/analys/samordnare/"
    page = client.get("/lan/01/2023/analys/samordnare/").content.decode()
    assert 'href="/lan/01/analys/ar/samordnare/">Länets analys över åren</a>' in page
    assert 'href="/lan/01/2023/analys/samordnare/" aria-current="page">Länets analys 2023' in page
    assert "/L01/2023/fordelning/" not in page  # no menu item the role cannot open


def test_the_coordinators_lagesrapport_says_which_years_are_in_through_a_grant(client, counties):
    client.force_login(counties["coordinator"])
    response = client.get("/lan/01/2023/analys/samordnare/lagesrapport.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert "Omfattar 2 av 4 organisationer som använder tjänsten i länet." in text
    assert "Med medgivande till länets samordnare, före beslut: Beta kommun." in text
