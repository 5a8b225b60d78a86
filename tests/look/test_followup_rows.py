"""The reporter's form: "Lägg till insats" adds a row without saving (htmx and without
JavaScript), and a post that declares too many rows is refused before any form is built."""

import time

import pytest
from django.urls import reverse

from funds.followup.forms import MAX_INTERVENTIONS, InterventionForm
from funds.models import Agreement, FollowUp, FollowUpChange, Intervention
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = f.organisation()
    agr = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    rec = f.recipient(org)
    alloc = f.allocation(f.area(agr), rec, "400000.00")
    return alloc, f.user(org, "reporter", recipient=rec), f.user(org, "reader")


def urls(alloc):
    args = [alloc.priority_area.agreement.organisation.code, 2024, alloc.pk]
    return reverse("followup_edit", args=args), reverse("followup_intervention_new", args=args)


def test_a_hostile_count_is_refused_before_any_form_is_built(client, world, monkeypatch):
    alloc, reporter, _ = world
    client.force_login(reporter)
    edit, _ = urls(alloc)
    built = []
    original = InterventionForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(InterventionForm, "__init__", counting)
    body = (
        "version=0&insats-TOTAL_FORMS=1200&insats-INITIAL_FORMS=0"
        "&insats-MIN_NUM_FORMS=0&insats-MAX_NUM_FORMS=1000&save=1"
    )
    assert len(body.encode()) <= 114
    started = time.perf_counter()
    response = client.post(edit, body, content_type="application/x-www-form-urlencoded")
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert elapsed < 0.5, elapsed
    assert len(response.content) < 10_000
    assert f"högst {MAX_INTERVENTIONS} insatser" in response.content.decode()
    assert built == []
    assert not FollowUp.objects.exists() and not FollowUpChange.objects.exists()


def test_exactly_the_limit_is_still_a_form(client, world):
    alloc, reporter, _ = world
    client.force_login(reporter)
    edit, new = urls(alloc)
    response = client.get(new, {"insats-TOTAL_FORMS": MAX_INTERVENTIONS - 1})
    assert response.status_code == 200
    refused = client.get(new, {"insats-TOTAL_FORMS": MAX_INTERVENTIONS})
    assert refused.status_code == 400


def test_add_a_row_with_htmx_saves_nothing(client, world):
    alloc, reporter, _ = world
    client.force_login(reporter)
    _, new = urls(alloc)
    response = client.get(new, {"insats-TOTAL_FORMS": 3}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<fieldset id="insats-4" class="insats"' in body and "Insats 4 (ny)" in body
    assert 'name="insats-3-name"' in body and 'id="id_insats-3-name"' in body
    assert 'name="insats-TOTAL_FORMS" value="4"' in body and 'hx-swap-oob="true"' in body
    assert "<html" not in body
    assert not FollowUp.objects.exists() and not Intervention.objects.exists()


def test_add_a_row_without_javascript_saves_nothing(client, world):
    alloc, reporter, _ = world
    client.force_login(reporter)
    edit, _ = urls(alloc)
    data = {
        "version": 0,
        "spent": "1 000",
        "insats-TOTAL_FORMS": 1,
        "insats-INITIAL_FORMS": 0,
        "insats-MIN_NUM_FORMS": 0,
        "insats-MAX_NUM_FORMS": 200,
        "insats-0-name": "Kuratorer",
        "add": "1",
    }
    response = client.post(edit, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kuratorer"' in body and 'name="insats-1-name"' in body
    assert 'name="insats-TOTAL_FORMS" value="2"' in body
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("declared", ["", "tre", "-1"])
def test_a_row_for_a_broken_count_is_refused_in_swedish(client, world, declared):
    alloc, reporter, _ = world
    client.force_login(reporter)
    edit, new = urls(alloc)
    data = {"version": 0, "add": "1"} | ({"insats-TOTAL_FORMS": declared} if declared else {})
    for response in (client.post(edit, data), client.get(new, data)):
        assert response.status_code == 400
        assert "Felaktig begäran" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_only_report_writers_get_a_row(client, world):
    alloc, _, reader = world
    client.force_login(reader)
    _, new = urls(alloc)
    assert client.get(new, {"insats-TOTAL_FORMS": 1}).status_code == 403


def test_the_review_comes_before_the_form(client, world):
    alloc, reporter, _ = world
    org = alloc.priority_area.agreement.organisation
    f.follow_up(alloc, "1000.00", status=FollowUp.Status.SUBMITTED)
    client.force_login(f.user(org, "coordinator"))
    edit, _ = urls(alloc)
    body = client.get(edit).content.decode()
    review = body.index('id="review-heading"')
    assert body.index('class="figures figures-compact"') < review < body.index('id="insatser"')
    assert "Godkänn redovisningen" in body and "Återsänd till rapportören" in body
