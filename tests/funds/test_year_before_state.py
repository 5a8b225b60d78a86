"""A year started before the state's agreement: its areas wait for their national successor,
allocation goes on, the areas page says what waits; when the national data arrives the lineage
proposes the mappings, which a coordinator accepts in one step; carried own-priority reasons
are marked for review; the area form offers the year's own national areas and warns when one
does not fund the organisation's kind of huvudman."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funds.allocation.workflows import allocation_set
from funds.models import Agreement, AgreementStatusChange, NationalArea, PriorityArea
from funds.year.proposals import national_proposals_accept
from funds.year.reference import national_agreement_add
from funds.year.start import year_start
from funds.year.status import agreement_status_change, status_change_plan
from tests import factories as f

pytestmark = pytest.mark.django_db

OWN_REASON = "Lokal satsning på äldres psykiska hälsa under 2025."


def national_2025(number: int) -> NationalArea:
    return NationalArea.objects.get(national_agreement__year=2025, number=number)


@pytest.fixture
def started():
    """A kommun's 2025 (barn och unga, suicidprevention, one own priority) and 2026 started
    from it while the state has no 2026 agreement."""
    org = f.organisation(name="Förekommunen")
    f.agreement(org, 2025)
    source = Agreement.objects.get(organisation=org, year=2025)
    f.area(source, "500000.00", name="Unga", national_area=national_2025(2))
    f.area(source, "300000.00", name="Suicid", national_area=national_2025(4))
    f.area(source, "200000.00", name="Äldre", own_priority_reason=OWN_REASON)
    coordinator = f.user(org, "coordinator")
    agreement, _ = year_start(organisation=org, year=2026, from_year=2025, user=coordinator)
    return agreement, coordinator


def areas_of(agreement: Agreement) -> dict[str, PriorityArea]:
    return {area.name: area for area in agreement.priority_areas.all()}


def add_national_2026() -> None:
    """The state's 2026 agreement: 2025's 2 and 4 carry on as 2026's 1 and 2; area 2 funds
    the län only."""
    national_agreement_add(
        year=2026,
        title="Överenskommelse 2026",
        total=None,
        source="Testdata",
        areas=[
            {
                "number": 1,
                "name": "Barn och unga",
                "short_name": "Barn och unga",
                "previous_number": 2,
                "huvudman": "kommuner",
                "route": "kommun_enkat",
            },
            {
                "number": 2,
                "name": "Suicidprevention",
                "short_name": "Suicidprevention",
                "previous_number": 4,
                "huvudman": "lansgemensamt",
                "route": "lansdialog",
            },
        ],
    )


def url(name: str, agreement: Agreement, *more) -> str:
    return reverse(name, args=[agreement.organisation.code, agreement.year, *more])


def test_the_new_year_waits_for_the_state_and_says_so(client, started):
    agreement, coordinator = started
    areas = areas_of(agreement)
    assert areas["Unga"].awaiting_successor_of == national_2025(2)
    assert areas["Suicid"].awaiting_successor_of == national_2025(4)
    assert areas["Unga"].national_area is None and not areas["Unga"].is_mapped
    assert areas["Äldre"].awaiting_successor_of is None
    assert (areas["Äldre"].own_priority_reason, areas["Äldre"].reason_carried_from_year) == (
        OWN_REASON,
        2025,
    )
    client.force_login(coordinator)
    body = client.get(url("agreement_areas", agreement)).content.decode()
    assert "Det här väntar på statens överenskommelse 2026" in body
    assert "Väntar på det område 2026 som fortsätter 2025: 2. Barn och unga." in body
    assert "Fördelningen kan göras under tiden." in body
    assert "Från 2025 – granska" in body
    proposals = client.get(url("agreement_area_proposals", agreement)).content.decode()
    assert "finns inte i referensdata än" in proposals and "Godta förslagen" not in proposals


def test_allocation_proceeds_but_deciding_waits(started):
    agreement, coordinator = started
    area = areas_of(agreement)["Unga"]
    recipient = f.recipient(agreement.organisation)
    allocation_set(
        area=area, recipient=recipient, amount=Decimal("1000.00"), expected_version=0, user=None
    )
    plan = status_change_plan(agreement, "decide")
    assert [o.message for o in plan.hard][:1] == [
        "1. Unga saknar nationellt område: det väntar på statens överenskommelse för 2026."
    ]


def test_national_data_brings_proposals_accepted_in_one_step(client, started):
    agreement, coordinator = started
    add_national_2026()
    client.force_login(coordinator)
    page = url("agreement_area_proposals", agreement)
    body = client.get(page).content.decode()
    assert "1. Barn och unga (Kommunenkät)" in body
    assert "2. Suicidprevention (Länsdialog)" in body
    assert "ger inga medel direkt till kommuner" in body
    assert areas_of(agreement)["Unga"].national_area is None  # the GET changed nothing
    areas = client.get(url("agreement_areas", agreement)).content.decode()
    assert "2 av 2 områden har ett föreslaget nationellt område" in areas

    response = client.post(page)
    assert response.status_code == 302
    areas = areas_of(agreement)
    assert areas["Unga"].national_area.number == 1
    assert areas["Suicid"].national_area.number == 2
    assert areas["Unga"].national_area.national_agreement.year == 2026
    assert areas["Unga"].awaiting_successor_of is None and areas["Unga"].version == 2
    # A second post finds nothing left to accept.
    assert client.post(page).status_code == 422


def test_a_carried_reason_needs_review_or_a_reason_to_decide(client, started):
    agreement, coordinator = started
    add_national_2026()
    national_proposals_accept(agreement=agreement)
    plan = status_change_plan(agreement, "decide")
    assert plan.hard == []
    assert [o.message for o in plan.soft] == [
        "3. Äldre: skälet till egen prioritering är hämtat ordagrant från 2025 och inte granskat."
    ]
    # Saving the area is its review.
    area = areas_of(agreement)["Äldre"]
    client.force_login(coordinator)
    response = client.post(
        url("agreement_area_edit", agreement, area.pk),
        {
            "number": 3,
            "name": "Äldre",
            "description": "",
            "granted": "0",
            "national": "own",
            "own_priority_reason": "Lokal satsning på äldres psykiska hälsa under 2026.",
            "previous_area": area.previous_area_id,
            "version": area.version,
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.reason_carried_from_year is None
    assert status_change_plan(agreement, "decide").soft == []
    agreement_status_change(
        agreement=agreement,
        change="decide",
        expected_status="draft",
        user=coordinator,
        decision={"registry_number": "SN 2026/1", "decided_on": "2026-01-15", "decided_by": "X"},
    )
    assert AgreementStatusChange.objects.get(agreement=agreement).to_status == "decided"


def test_the_area_form_offers_the_years_own_national_areas_only(client, started):
    agreement, coordinator = started
    area = areas_of(agreement)["Suicid"]
    client.force_login(coordinator)
    edit = url("agreement_area_edit", agreement, area.pk)
    before = client.get(edit).content.decode()
    assert "Nationellt område ej fastställt – väntar på efterföljaren till 2025: 4." in before
    assert "4. Suicidprevention (" not in before  # 2025's areas are not offered to map to
    assert f'value="awaiting-{national_2025(4).pk}" selected' in before

    add_national_2026()
    after = client.get(edit).content.decode()
    assert "ej fastställt" not in after
    assert "1. Barn och unga (Kommunenkät)" in after
    assert "2. Suicidprevention (Länsdialog)" in after
    assert "(Ej fastställd)" not in after  # none of 2025's areas
    assert "2. Suicidprevention ger inga medel direkt till kommuner" in after
    assert "följs upp genom länsdialog" in after


def test_outsiders_and_readers_cannot_use_the_proposals(client, started):
    agreement, _ = started
    add_national_2026()
    page = url("agreement_area_proposals", agreement)
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(page).status_code == 404 and client.post(page).status_code == 404
    client.force_login(f.user(agreement.organisation, "reader"))
    assert client.get(page).status_code == 403 and client.post(page).status_code == 403
    assert all(area.national_area_id is None for area in list(areas_of(agreement).values())[:2])
