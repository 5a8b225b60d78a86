"""The year set-up pages: priority areas and their mapping, IOP partnerships, an allocation's
plan priorities, national reference data; access and query counts for each; the state-aware
repayments and follow-up pages."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from funds.allocation.workflows import agreement_decide
from funds.models import (
    Agreement,
    NationalAgreement,
    NationalArea,
    Partnership,
    PriorityArea,
    Recipient,
    SurveyCategory,
    SurveyCategorySet,
)
from funds.year.areas import AreaConflict, AreaInput, priority_area_save
from funds.year.lineage import area_predecessor
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    org = f.organisation(name="Årskommunen")
    agr = f.agreement(org, 2024)
    area = f.area(agr, "1000000.00", name="Suicidprevention", own_priority_reason="")
    rec = f.recipient(org, name="Norra stadsdelen")
    alloc = f.allocation(area, rec, "400000.00")
    return org, agr, area, alloc


def national(number: int, year: int = 2024) -> NationalArea:
    return NationalArea.objects.get(national_agreement__year=year, number=number)


def area_data(area: PriorityArea, **overrides) -> dict:
    data = {
        "number": area.number,
        "name": area.name,
        "description": area.description,
        "granted": "1 000 000",
        "national": str(national(5).pk),
        "own_priority_reason": "",
        "previous_area": "",
        "version": area.version,
    }
    data.update(overrides)
    return data


# --- Areas and their national mapping ------------------------------------------------------


def test_the_areas_page_lists_mapping_route_and_category_origin(client, year):
    org, agr, area, _ = year
    client.force_login(f.user(org, "reader"))
    body = client.get(reverse("agreement_areas", args=[org.code, 2024])).content.decode()
    assert "1. Suicidprevention" in body and "Ej kopplat" in body
    assert "Nationella referensdata 2024" in body
    assert "Ändra" not in body  # a reader reads
    area.national_area = national(5)
    area.save()
    body = client.get(reverse("agreement_areas", args=[org.code, 2024])).content.decode()
    assert "5. Suicidprevention (Länsdialog)" in body and "Ej kopplat" not in body


def test_a_coordinator_maps_an_area_and_deciding_is_then_allowed(client, year):
    org, agr, area, _ = year
    client.force_login(f.user(org, "coordinator"))
    with pytest.raises(Exception, match="1. Suicidprevention saknar nationellt område"):
        agreement_decide(
            agreement=agr, registry_number="X", decided_on="2024-02-01", decided_by="Y"
        )
    url = reverse("agreement_area_edit", args=[org.code, 2024, area.pk])
    form = client.get(url).content.decode()
    assert "5. Suicidprevention (Länsdialog)" in form and "Egen prioritering" in form
    response = client.post(url, area_data(area, granted="1,2 mnkr"))
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.national_area, area.granted, area.version) == (
        national(5),
        Decimal("1200000.00"),
        2,
    )
    agreement_decide(agreement=agr, registry_number="X", decided_on="2024-02-01", decided_by="Y")


def test_own_priority_needs_a_reason_and_other_years_areas_are_refused(client, year):
    org, agr, area, _ = year
    client.force_login(f.user(org, "coordinator"))
    url = reverse("agreement_area_edit", args=[org.code, 2024, area.pk])
    response = client.post(url, area_data(area, national="own"))
    assert response.status_code == 422
    assert "Ange varför området är en egen prioritering." in response.content.decode()
    response = client.post(url, area_data(area, national=str(national(1, 2025).pk)))
    assert response.status_code == 422
    response = client.post(url, area_data(area, granted="-5"))
    assert response.status_code == 422 and "negativ" in response.content.decode().lower()


def test_after_the_decision_only_the_mapping_changes(client, year):
    org, agr, area, _ = year
    area.national_area = national(5)
    area.save()
    agreement_decide(agreement=agr, registry_number="X", decided_on="2024-02-01", decided_by="Y")
    client.force_login(f.user(org, "coordinator"))
    url = reverse("agreement_area_edit", args=[org.code, 2024, area.pk])
    response = client.post(
        url, area_data(area, name="Nytt namn", granted="5", national=str(national(3).pk))
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.granted, area.national_area) == (
        "Suicidprevention",
        Decimal("1000000.00"),
        national(3),
    )
    assert client.get(reverse("agreement_area_add", args=[org.code, 2024])).status_code == 302


def test_a_stale_save_is_refused_and_nothing_is_lost(client, year):
    org, agr, area, _ = year
    client.force_login(f.user(org, "coordinator"))
    url = reverse("agreement_area_edit", args=[org.code, 2024, area.pk])
    assert client.post(url, area_data(area, national=str(national(5).pk))).status_code == 302
    stale = client.post(url, area_data(area, national=str(national(3).pk), version=1))
    assert stale.status_code == 409
    assert "Någon annan har ändrat området" in stale.content.decode()
    area.refresh_from_db()
    assert area.national_area == national(5)


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_saving_at_once_do_not_both_win():
    org = f.organisation()
    agr = f.agreement(org, 2024)
    area = f.area(agr)
    barrier = threading.Barrier(2)
    results = []

    def save(number: int) -> None:
        try:
            barrier.wait()
            priority_area_save(
                agreement=agr,
                area=area,
                expected_version=1,
                data=AreaInput(
                    national_area=national(number), own_priority_reason="", previous_area=None
                ),
            )
            results.append("saved")
        except AreaConflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in (3, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "saved"]
    area.refresh_from_db()
    assert area.version == 2


def test_a_new_area_is_added_in_a_draft_year(client, year):
    org, agr, _, _ = year
    client.force_login(f.user(org, "admin"))
    url = reverse("agreement_area_add", args=[org.code, 2024])
    response = client.post(
        url,
        {
            "number": 2,
            "name": "Barn och unga",
            "description": "",
            "granted": "500 tkr",
            "national": "own",
            "own_priority_reason": "Lokalt beslut.",
            "previous_area": "",
        },
    )
    assert response.status_code == 302
    created = agr.priority_areas.get(number=2)
    assert created.granted == Decimal("500000.00") and created.is_mapped


def test_the_coordinator_picks_the_predecessor(client, year):
    org, agr, area, _ = year
    earlier = f.agreement(org, 2023)
    old = f.area(earlier, name="Gamla namnet")
    assert area_predecessor(area) is None
    client.force_login(f.user(org, "coordinator"))
    url = reverse("agreement_area_edit", args=[org.code, 2024, area.pk])
    assert client.post(url, area_data(area, previous_area=old.pk)).status_code == 302
    area.refresh_from_db()
    assert area_predecessor(area) == old


def test_the_national_lineage_links_areas_across_renumbering(year):
    org, agr, area, _ = year
    earlier = f.agreement(org, 2023)
    # 2023's national area 4 (suicidprevention) continues as 2024's area 5.
    old = f.area(earlier, name="Ett annat namn", national_area=national(4, 2023))
    area.national_area = national(5)
    area.save()
    assert area_predecessor(area) == old


@pytest.mark.parametrize("areas", [2, 20])
def test_the_areas_page_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries, areas
):
    org = f.organisation()
    agr = f.agreement(org, 2024)
    previous = f.agreement(org, 2023)
    for number in range(1, areas + 1):
        old = f.area(previous, national_area=national(1, 2023) if number == 1 else None)
        f.area(agr, national_area=national(number % 6 + 1), previous_area=old)
    client.force_login(f.user(org))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("agreement_areas", args=[org.code, 2024])).status_code == 200


# --- IOP partnerships ---------------------------------------------------------------------


def test_partnerships_are_listed_created_and_edited(client, year):
    org, _, _, _ = year
    association = f.recipient(
        org, name="Förening Ett", kind=Recipient.Kind.ASSOCIATION, organisation_number="8020000004"
    )
    client.force_login(f.user(org, "coordinator"))
    assert (
        "Inga partnerskap"
        in client.get(reverse("partnership_list", args=[org.code])).content.decode()
    )
    data = {
        "recipient": association.pk,
        "national_area": national(5).pk,
        "area_description": "",
        "first_year": 2024,
        "last_year": 2026,
        "yearly_amount": "750 000",
        "registry_number": "SOF 2023/1",
        "note": "",
    }
    response = client.post(reverse("partnership_add", args=[org.code]), data)
    assert response.status_code == 302
    partnership = Partnership.objects.get(organisation=org)
    assert partnership.yearly_amount == Decimal("750000.00")
    bad = client.post(
        reverse("partnership_edit", args=[org.code, partnership.pk]),
        {**data, "last_year": 2020, "national_area": "", "yearly_amount": "abc"},
    )
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Sista år ligger före första år." in body
    assert "Ange det nationella området eller beskriv det lokala området." in body
    listing = client.get(reverse("partnership_list", args=[org.code])).content.decode()
    assert "Förening Ett" in listing and "750\u00a0000\u00a0kr" in listing


def test_another_organisations_association_cannot_be_chosen(client, year):
    org, _, _, _ = year
    other = f.recipient(
        f.organisation(), kind=Recipient.Kind.ASSOCIATION, organisation_number="8020000004"
    )
    client.force_login(f.user(org, "coordinator"))
    response = client.post(
        reverse("partnership_add", args=[org.code]),
        {
            "recipient": other.pk,
            "area_description": "X",
            "first_year": 2024,
            "last_year": 2024,
            "yearly_amount": "1",
        },  # fmt: skip
    )
    assert response.status_code == 422 and not Partnership.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_the_partnership_list_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    org = f.organisation()
    for index in range(count):
        rec = f.recipient(org, kind=Recipient.Kind.ASSOCIATION, organisation_number="8020000004")
        f.partnership(org, rec, national_area=national(index % 6 + 1))
    client.force_login(f.user(org))
    with django_assert_max_num_queries(5):
        assert client.get(reverse("partnership_list", args=[org.code])).status_code == 200


# --- An allocation's plan priorities ------------------------------------------------------


def test_an_allocation_is_linked_to_plan_priorities_and_coverage_counts_it(client, year):
    org, agr, area, alloc = year
    plan = pf.plan(org)
    priority = pf.priority(pf.goal_area(plan))
    client.force_login(f.user(org, "coordinator"))
    url = reverse("allocation_priorities", args=[org.code, 2024, alloc.pk])
    assert priority.name in client.get(url).content.decode()
    assert client.post(url, {"priorities": [priority.pk]}).status_code == 302
    assert list(alloc.plan_priorities.all()) == [priority]
    coverage = client.get(reverse("coverage", args=[org.code, 2024])).content.decode()
    assert "400\u00a0000" in coverage
    # The plan shows the linked allocation with a link back to manage it.
    detail = client.get(reverse("plan_detail", args=[org.code, plan.pk])).content.decode()
    assert "Norra stadsdelen" in detail and url in detail
    # The cell's history page links here.
    history = client.get(
        reverse("allocation_cell_history", args=[org.code, 2024, area.pk, alloc.recipient_id])
    ).content.decode()
    assert url in history


def test_another_organisations_priorities_cannot_be_linked(client, year):
    org, _, _, alloc = year
    foreign = pf.priority(pf.goal_area(pf.plan(f.organisation())))
    client.force_login(f.user(org, "coordinator"))
    url = reverse("allocation_priorities", args=[org.code, 2024, alloc.pk])
    assert client.post(url, {"priorities": [foreign.pk]}).status_code == 422
    assert not alloc.plan_priorities.exists()


def test_a_reader_sees_but_cannot_change_the_links(client, year):
    org, _, _, alloc = year
    pf.priority(pf.goal_area(pf.plan(org)))
    client.force_login(f.user(org, "reader"))
    url = reverse("allocation_priorities", args=[org.code, 2024, alloc.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"priorities": []}).status_code == 403


@pytest.mark.parametrize("priorities", [2, 20])
def test_the_plan_with_linked_allocations_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries, year, priorities
):
    org, _, _, alloc = year
    plan = pf.plan(org)
    goal_area = pf.goal_area(plan)
    for _ in range(priorities):
        alloc.plan_priorities.add(pf.priority(goal_area))
    client.force_login(f.user(org))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plan_detail", args=[org.code, plan.pk])).status_code == 200


# --- National reference data --------------------------------------------------------------


def test_reference_data_shows_file_years_read_only(client):
    staff = f.user(None, is_staff=True)
    client.force_login(staff)
    body = client.get(reverse("reference_data")).content.decode()
    assert "2024: Insatser inom området psykisk hälsa" in body and "(skrivskyddad)" in body
    response = client.get(reverse("reference_categories", args=[2024]))
    assert "ändras i datafilerna" in response.content.decode()
    count = SurveyCategory.objects.filter(year=2024).count()
    client.post(reverse("reference_categories", args=[2024]), {"goal": "Nytt"})
    assert SurveyCategory.objects.filter(year=2024).count() == count


def test_an_administrator_adds_a_year_and_its_categories(client):
    client.force_login(f.user(None, is_superuser=True))
    data = {
        "year": 2026,
        "title": "Överenskommelse 2026",
        "total": "",
        "source": "Regeringsbeslut",
        "omrade-TOTAL_FORMS": 2,
        "omrade-INITIAL_FORMS": 0,
        "omrade-MIN_NUM_FORMS": 0,
        "omrade-MAX_NUM_FORMS": 20,
        "omrade-0-number": 1,
        "omrade-0-short_name": "Suicidprevention",
        "omrade-0-name": "Stärkt suicidpreventivt arbete",
        "omrade-0-previous_number": 4,
        "omrade-0-huvudman": "kommuner",
        "omrade-0-route": "kommun_enkat",
        "omrade-0-amount": "100 mnkr",
        "omrade-0-youth_clinics": "on",
        "omrade-1-huvudman": "kommuner",
        "omrade-1-route": "kommun_enkat",
    }
    response = client.post(reverse("reference_data_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = NationalAgreement.objects.get(year=2026)
    assert added.origin == NationalAgreement.Origin.ADMINISTRATOR
    area = added.areas.get()
    assert area.previous_number == 4 and area.youth_clinics
    assert area.fundings.get().amount == Decimal("100000000.00")
    listed = client.get(reverse("reference_data")).content.decode()
    assert listed.count("Öronmärkt för ungdomsmottagningarna") == 2  # 2023's area 5 and this
    again = client.post(reverse("reference_data_add"), data)
    assert again.status_code == 422 and "Det finns redan" in again.content.decode()

    url = reverse("reference_categories", args=[2026])
    response = client.post(
        url, {"activity_type": "Utbildning\nSamverkan\n\nUtbildning", "goal": "Ökad kvalitet"}
    )
    assert response.status_code == 302
    labels = list(
        SurveyCategory.objects.filter(year=2026, group="activity_type").values_list(
            "label", flat=True
        )
    )
    assert labels == ["Utbildning", "Samverkan"]
    assert SurveyCategorySet.objects.get(year=2026).origin == "administrator"


def test_reference_data_is_for_site_administrators_only(client, year):
    org, _, _, _ = year
    client.force_login(f.user(org, "admin"))
    for url in (
        reverse("reference_data"),
        reverse("reference_data_add"),
        reverse("reference_categories", args=[2026]),
    ):
        assert client.get(url).status_code == 403


def test_the_reference_data_page_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    client.force_login(f.user(None, is_staff=True))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("reference_data")).status_code == 200


# --- Access to every new page -------------------------------------------------------------


def _urls(org, agr, area, alloc, partnership):
    code = org.code
    return [
        reverse("agreement_areas", args=[code, agr.year]),
        reverse("agreement_area_add", args=[code, agr.year]),
        reverse("agreement_area_edit", args=[code, agr.year, area.pk]),
        reverse("allocation_priorities", args=[code, agr.year, alloc.pk]),
        reverse("year_start", args=[code]),
        reverse("partnership_list", args=[code]),
        reverse("partnership_add", args=[code]),
        reverse("partnership_edit", args=[code, partnership.pk]),
    ]


def test_new_pages_send_anonymous_visitors_to_login(client, year):
    org, agr, area, alloc = year
    urls = _urls(org, agr, area, alloc, f.partnership(org))
    urls += [reverse("reference_data"), reverse("reference_data_add")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_new_pages_are_not_found_for_another_organisation(client, year):
    org, agr, area, alloc = year
    client.force_login(f.user(f.organisation(), "admin"))
    for url in _urls(org, agr, area, alloc, f.partnership(org)):
        assert client.get(url).status_code == 404, url


def test_new_pages_are_forbidden_to_a_reporter(client, year):
    org, agr, area, alloc = year
    client.force_login(f.user(org, "reporter", recipient=alloc.recipient))
    for url in _urls(org, agr, area, alloc, f.partnership(org)):
        assert client.get(url).status_code == 403, url


def test_a_partnership_of_another_organisation_is_not_found(client, year):
    org, _, _, _ = year
    other = f.partnership(f.organisation())
    client.force_login(f.user(org, "coordinator"))
    assert client.get(reverse("partnership_edit", args=[org.code, other.pk])).status_code == 404


# --- Pages that know the year's state -----------------------------------------------------


def test_a_draft_years_repayment_page_lists_no_repayment_problems(client, year):
    org, agr, _, _ = year
    client.force_login(f.user(org, "coordinator"))
    body = client.get(reverse("repayments", args=[org.code, 2024])).content.decode()
    assert "räknas fram efter uppföljningen" in body
    assert "Kvar att få in från mottagare" not in body
    assert "Kvar att betala till staten" not in body


def test_the_reporter_is_told_why_the_form_cannot_be_submitted(client, year):
    org, agr, _, alloc = year
    SurveyCategory.objects.filter(year=2024).delete()
    SurveyCategorySet.objects.filter(year=2024).delete()
    client.force_login(f.user(org, "reporter", recipient=alloc.recipient))
    body = client.get(reverse("followup_edit", args=[org.code, 2024, alloc.pk])).content.decode()
    # Before the decision: one message with every reason, and no form.
    assert "Redovisningen öppnar när fördelningen är beslutad" in body
    assert "Redovisningen kan inte skickas in än" not in body and "<fieldset" not in body
    assert "Fördelningen för 2024 är inte beslutad än" in body
    assert "Enkätkategorierna för 2024 saknas" in body
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.DECIDED)
    body = client.get(reverse("followup_edit", args=[org.code, 2024, alloc.pk])).content.decode()
    assert "inte beslutad" not in body and "Enkätkategorierna för 2024 saknas" in body


@pytest.mark.parametrize(
    ("committee", "delegate", "expected"),
    [
        (
            "Kommunstyrelsen",
            "kommundirektören",
            "Kommundirektören genom delegation från kommunstyrelsen",
        ),
        ("", "", ""),
    ],
)
def test_the_decision_form_takes_its_delegate_from_the_organisation(
    client, committee, delegate, expected
):
    org = f.organisation(committee=committee, delegate=delegate)
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))
    page = client.get(reverse("agreement_decision", args=[org.code, 2024])).content.decode()
    assert f'name="decided_by" value="{expected}"' in page or (
        not expected and 'name="decided_by" value=' not in page
    )
    assert "Socialdirektören" not in page and "SOF" not in page
    assert "Till exempel 2025/123" in page
