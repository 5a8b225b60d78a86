"""The county's and the nation's analysis need no login and read every published insats, so
they are built once per change (analysis/cache.py): a warm page reads no insats and not even
the version (kept a moment, forgotten by the saves that change it), a lägesrapport is
rendered once and revalidated with 304, and every change the analysis reads (a year
decided, a report approved, an organisation joining) shows at once."""

from decimal import Decimal

import pytest

from analysis import pages
from funds.models import Agreement, FollowUp, FollowUpChange, Intervention, SurveyCategory
from tests import factories as f

pytestmark = pytest.mark.django_db


def _kommun_year(name: str, code: str, spent: str, *, status: str) -> FollowUp:
    org = f.organisation(name=name, code=code)
    area = f.area(f.agreement(org, 2023, status=status), spent)
    follow_up = f.follow_up(
        f.allocation(area, f.recipient(org), spent), spent, status=FollowUp.Status.SUBMITTED
    )
    insats = Intervention.objects.create(
        follow_up=follow_up, name=f"Insats i {name}", amount_spent=Decimal(spent)
    )
    insats.categories.add(
        SurveyCategory.objects.get(year=2023, group="activity_type", label="Kompetensutveckling")
    )
    return follow_up


def _approve(follow_up: FollowUp) -> None:
    """Approved as follow_up_approve does it (the status and a line in the trail), without
    the completeness rules the report form enforces (tests/funds cover those)."""
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.APPROVED)
    FollowUpChange.objects.create(follow_up=follow_up, action=FollowUpChange.Action.APPROVED)


@pytest.fixture
def alfa():
    follow_up = _kommun_year("Alfa kommun", "0114", "100.10", status=Agreement.Status.DECIDED)
    _approve(follow_up)
    return follow_up


def test_a_warm_page_costs_the_version_s_queries_only(client, alfa, django_assert_num_queries):
    assert "100,10" in client.get("/lan/01/2023/analys/").content.decode()
    # The filter form's national areas only: the version is kept a moment (analysis/cache.py)
    # and no insats is read.
    with django_assert_num_queries(1):
        body = client.get("/lan/01/2023/analys/").content.decode()
    assert "100,10" in body


def test_an_approved_report_and_a_decided_year_show_at_once(client, alfa):
    assert "100,10" in client.get("/analys/2023/").content.decode()
    beta = _kommun_year("Beta kommun", "0115", "200.20", status=Agreement.Status.DECIDED)
    assert "300,30" not in client.get("/analys/2023/").content.decode()  # not approved yet
    _approve(beta)
    assert "300,30" in client.get("/analys/2023/").content.decode()
    gamma = _kommun_year("Gamma kommun", "0117", "1.00", status=Agreement.Status.DRAFT)
    _approve(gamma)
    assert "301,30" not in client.get("/analys/2023/").content.decode()  # a draft year
    decided = Agreement.objects.get(organisation__code="0117")
    decided.status = Agreement.Status.DECIDED
    decided.save(update_fields=["status"])
    assert "301,30" in client.get("/analys/2023/").content.decode()


def test_the_lagesrapport_is_rendered_once_and_revalidated(client, alfa, monkeypatch):
    rendered = []
    real = pages.render_pdf
    monkeypatch.setattr(pages, "render_pdf", lambda html: rendered.append(1) or real(html))
    first = client.get("/analys/2023/lagesrapport.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    again = client.get("/analys/2023/lagesrapport.pdf")
    assert again.content == first.content and len(rendered) == 1
    revalidated = client.get("/analys/2023/lagesrapport.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304 and len(rendered) == 1
    _approve(_kommun_year("Beta kommun", "0115", "200.20", status=Agreement.Status.DECIDED))
    changed = client.get("/analys/2023/lagesrapport.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert len(rendered) == 2


def test_filters_are_cached_apart_and_junk_in_the_query_adds_no_entry(client, alfa):
    from django.core.cache import cache

    client.get("/analys/2023/activity_type.csv")
    keys = set(cache._cache)  # the test settings' per-process memory cache
    for junk in range(5):
        client.get(f"/analys/2023/activity_type.csv?skräp={junk}")
    assert set(cache._cache) == keys
    filtered = client.get("/analys/2023/activity_type.csv?mottagartyp=association")
    assert filtered.status_code == 200 and set(cache._cache) != keys


def test_an_organisation_s_own_files_are_never_cached(client, alfa):
    client.force_login(f.user(alfa.allocation.recipient.organisation, "reader"))
    response = client.get("/0114/2023/analys/activity_type.csv")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")
