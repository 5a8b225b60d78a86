"""Starting a year: 2025 from the demo's 2024 with `start_year`, the preview, refusals, the
browser page, IOP proposals, and a reporter who reports on the new year."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from funds.allocation.workflows import agreement_decide, allocation_set
from funds.models import (
    Agreement,
    Allocation,
    AllocationChange,
    FollowUp,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
    SurveyCategory,
    SurveyCategorySet,
)
from funds.year.lineage import area_predecessor
from funds.year.start import year_start_plan
from tests import factories as f
from tests.demo_image import demo_restore
from tests.followup_posts import insats_url, report_in
from tests.funds import demo_names as demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_data(django_db_setup, django_db_blocker):
    """The demo once for the module, rolled back at the end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_restore()
        yield
        transaction.set_rollback(True)


def stockholm() -> Organisation:
    return Organisation.objects.get(code="0180")


def start(*args: str) -> str:
    out = StringIO()
    call_command("start_year", "--organisation", "0180", "--year", "2025", *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple:
    return (
        Agreement.objects.count(),
        PriorityArea.objects.count(),
        Allocation.objects.count(),
        AllocationChange.objects.count(),
        SurveyCategory.objects.count(),
    )


def test_start_year_creates_2025_from_2024_with_national_mappings():
    start("--from", "2024")
    agreement = Agreement.objects.get(organisation__code="0180", year=2025)
    assert agreement.status == Agreement.Status.DRAFT
    areas = list(agreement.priority_areas.select_related("national_area__national_agreement"))
    assert len(areas) == 4
    by_name = {area.name: area for area in areas}
    mapped = {
        name: (area.national_area.number if area.national_area else None)
        for name, area in by_name.items()
    }
    # 2024's national areas 5 (suicid), 1 (barn och unga), 2 (samsjuklighet) carry on as
    # 2025's 4, 2 and 3; 2024's area 3 (kunskapsbaserad vård) has no 2025 successor.
    assert mapped == {
        demo.SUICIDPREVENTION: 4,
        demo.BARN_OCH_UNGA: 2,
        demo.SAMSJUKLIGHET: 3,
        demo.KUNSKAPSBASERAD: None,
    }
    assert all(
        area.national_area.national_agreement.year == 2025 for area in areas if area.national_area
    )
    assert not by_name[demo.KUNSKAPSBASERAD].is_mapped
    # Granted amounts are left to fill in; each area continues its 2024 namesake.
    assert all(area.granted == 0 for area in areas)
    for area in areas:
        assert area.previous_area.agreement.year == 2024
        assert area.previous_area.name == area.name
        assert area_predecessor(area) == area.previous_area
    # The 2025 categories are the national reference data's, not a copy of 2024's.
    category_set = SurveyCategorySet.objects.get(year=2025)
    assert category_set.origin == SurveyCategorySet.Origin.DATA_FILE
    assert SurveyCategory.objects.filter(year=2025, group="activity_type").exists()


def test_running_again_exits_non_zero_and_changes_nothing():
    start()
    before = snapshot()
    with pytest.raises(CommandError, match="redan en överenskommelse för 2025"):
        start("--from", "2024", "--total", "40 mnkr")
    assert snapshot() == before


def test_dry_run_shows_what_needs_attention_and_writes_nothing():
    before = snapshot()
    out = start("--dry-run")
    assert snapshot() == before
    assert "Provkörning: inget sparades." in out
    assert "Enkätkategorier: Nationella referensdata 2025" in out
    assert "Tilldelat belopp för 2025 saknas" in out
    assert f"{demo.KUNSKAPSBASERAD} (var 3. Kunskapsbaserad och säker vård och omsorg 2024)" in out


def test_a_new_total_is_split_exactly_in_proportion():
    start("--total", "30 mnkr")
    areas = PriorityArea.objects.filter(agreement__organisation__code="0180", agreement__year=2025)
    assert sum(area.granted for area in areas) == Decimal("30000000.00")
    # 2024's largest area stays the largest.
    largest = max(areas, key=lambda area: area.granted)
    assert largest.name == demo.KUNSKAPSBASERAD


def test_bad_total_and_unknown_organisation_are_refused_in_swedish():
    with pytest.raises(CommandError, match="--total"):
        start("--total", "1.500.000")
    with pytest.raises(CommandError, match="ingen organisation"):
        call_command("start_year", "--organisation", "9999", "--year", "2025", stdout=StringIO())
    assert not Agreement.objects.filter(year=2025).exists()


def test_recipients_gone_in_the_new_year_are_listed():
    järva = Recipient.objects.get(organisation__code="0180", name=demo.JARVA)
    järva.valid_to = "2024-12-31"
    järva.save()
    plan = year_start_plan(organisation=stockholm(), year=2025)
    assert any(
        line.startswith(f"Mottagaren {demo.JARVA} finns inte 2025") for line in plan.attention
    )


def test_iop_partnerships_become_draft_allocations_in_the_matching_area():
    org = stockholm()
    streetminds = Recipient.objects.get(organisation=org, name="Streetminds")
    suicid_2024 = NationalArea.objects.get(national_agreement__year=2024, number=5)
    f.partnership(
        org, streetminds, national_area=suicid_2024, area_description="", registry_number="SOF 1"
    )
    ambiguous = Recipient.objects.filter(organisation=org, kind="association").exclude(
        pk=streetminds.pk
    )[0]
    f.partnership(org, ambiguous, area_description="Något helt annat")
    start()
    allocation = Allocation.objects.get(recipient=streetminds, priority_area__agreement__year=2025)
    assert allocation.priority_area.name == demo.SUICIDPREVENTION
    assert allocation.amount == Decimal("500000.00")
    assert allocation.changes.get().reason == "Förslag från IOP 2024–2026, Dnr SOF 1"
    assert not Allocation.objects.filter(recipient=ambiguous, priority_area__agreement__year=2025)
    plan = year_start_plan(organisation=org, year=2026, from_year=2025)
    assert any("inget område passar" in line for line in plan.attention)


def test_a_reporter_of_2025_sees_categories_and_can_submit_once_decided(client):
    start()
    agreement = Agreement.objects.get(organisation__code="0180", year=2025)
    area = agreement.priority_areas.get(name=demo.SUICIDPREVENTION)
    järva = Recipient.objects.get(organisation__code="0180", name=demo.JARVA)
    coordinator = User.objects.get(username="samordnare")
    allocation = allocation_set(
        area=area, recipient=järva, amount=Decimal("100000"), expected_version=0, user=coordinator
    ).allocation
    area.granted = Decimal("100000")
    area.save()
    reporter = User.objects.get(username="rapportor")
    client.force_login(reporter)
    url = reverse("followup_edit", args=["0180", 2025, allocation.pk])
    body = client.get(url).content.decode()
    # Before the decision one message says why, and no form stands greyed out.
    assert "Fördelningen för 2025 är inte beslutad än" in body
    assert "cat_activity_type" not in body

    # The coordinator cannot decide while an area is unmapped; the message names it.
    client.force_login(coordinator)
    decide = reverse("agreement_decision", args=["0180", 2025])
    refused = client.post(
        decide,
        {"registry_number": "SOF 2025/1", "decided_on": "2025-01-20", "decided_by": "Direktören"},
    )
    assert refused.status_code == 422
    assert f"1. {demo.KUNSKAPSBASERAD} saknar nationellt område" in refused.content.decode()
    unmapped = agreement.priority_areas.get(name=demo.KUNSKAPSBASERAD)
    edit = reverse("agreement_area_edit", args=["0180", 2025, unmapped.pk])
    response = client.post(
        edit,
        {
            "number": 1,
            "name": unmapped.name,
            "description": unmapped.description,
            "granted": "0",
            "national": "own",
            "own_priority_reason": "Kunskapsbaserad socialtjänst fortsätter med egna medel.",
            "previous_area": unmapped.previous_area_id,
            "version": unmapped.version,
        },
    )
    assert response.status_code == 302
    agreement_decide(
        agreement=agreement,
        registry_number="SOF 2025/1",
        decided_on="2025-01-20",
        decided_by="Direktören",
    )

    client.force_login(reporter)
    new = insats_url(allocation)
    assert "cat_activity_type" in client.get(new).content.decode()  # 2025's categories
    categories = {
        group: SurveyCategory.objects.filter(year=2025, group=group).first().pk
        for group in ("activity_type", "goal", "target_group")
    }
    item = {
        "name": "Utbildning i suicidprevention",
        "description": "Utbildning för personal i socialtjänsten.",
        "responsible_unit": "Socialtjänsten",
        "amount_spent": "100 000",
        "results": "40 utbildade.",
        "cat_activity_type": [categories["activity_type"]],
        "cat_goal": [categories["goal"]],
        "cat_target_group": [categories["target_group"]],
    }
    results = "Utbildade 40 medarbetare."
    response = report_in(client, allocation, "100 000", [item], results=results)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert FollowUp.objects.get(allocation=allocation).status == FollowUp.Status.SUBMITTED


def test_the_page_previews_then_starts_the_year(client):
    client.force_login(User.objects.get(username="samordnare"))
    url = reverse("year_start", args=["0180"])
    page = client.get(url).content.decode()
    assert 'value="2025"' in page
    preview = client.post(
        url, {"year": "2025", "from_year": "2024", "total": "32,3 mnkr", "preview": ""}
    )
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Förhandsgranskning: 2025 från 2024" in body and "Att åtgärda" in body
    assert "32\u00a0300\u00a0000" in body
    assert not Agreement.objects.filter(year=2025).exists()
    created = client.post(
        url, {"year": "2025", "from_year": "2024", "total": "32300000", "start": ""}
    )
    assert created.status_code == 302
    assert created.url == reverse("agreement_areas", args=["0180", 2025])
    again = client.post(url, {"year": "2025", "from_year": "2024", "start": ""})
    assert again.status_code == 409
    assert "redan en överenskommelse för 2025" in again.content.decode()


def test_the_overview_offers_the_next_year_only_on_the_latest_year(client):
    client.force_login(User.objects.get(username="samordnare"))
    latest = client.get(reverse("year_overview", args=["0180", 2024])).content.decode()
    earlier = client.get(reverse("year_overview", args=["0180", 2023])).content.decode()
    assert "Starta nästa år (2025)" in latest
    assert "Starta nästa år" not in earlier
    # The national area of each line, with its follow-up route for a kommun.
    assert "5. Suicidprevention (Länsdialog)" in latest


def test_the_page_explains_an_organisation_without_years(client):
    org = f.organisation()
    client.force_login(f.user(org, "coordinator"))
    body = client.get(reverse("year_start", args=[org.code])).content.decode()
    assert "inget tidigare år att utgå från" in body
