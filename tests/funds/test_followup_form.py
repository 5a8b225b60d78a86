"""The reporter's follow-up form: drafts, submission with what is missing, overspending,
lost updates and the audit trail."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from funds.models import Agreement, FollowUp, FollowUpChange, Intervention, SurveyCategory
from tests import factories as f
from tests.cost import cpu_seconds

pytestmark = pytest.mark.django_db


D = Decimal
Group = SurveyCategory.Group


@pytest.fixture
def year():
    org = f.organisation()
    agr = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    area = f.area(agr, "1000000.00", name="Suicidprevention")
    rec = f.recipient(org, name="Järva stadsdelsförvaltning")
    alloc = f.allocation(area, rec, "400000.00")
    # This test brings its own categories instead of the reference data's.
    SurveyCategory.objects.filter(year=2024).delete()
    cats = {
        group: SurveyCategory.objects.create(year=2024, group=group, label=f"{group} första")
        for group in Group.values
    }
    reporter = f.user(org, "reporter", recipient=rec)
    coordinator = f.user(org, "coordinator")
    return agr, alloc, cats, reporter, coordinator


def edit_url(alloc):
    agr = alloc.priority_area.agreement
    return reverse("followup_edit", args=[agr.organisation.code, agr.year, alloc.pk])


def review_url(alloc):
    agr = alloc.priority_area.agreement
    return reverse("followup_review", args=[agr.organisation.code, agr.year, alloc.pk])


def insats(cats, name="Kuratorer", **overrides):
    data = {
        "name": name,
        "description": "Förstärkt kuratorsbemanning.",
        "responsible_unit": "Ungdomsmottagningen",
        "amount_spent": "100 000",
        "results": "Kortare väntetid.",
        "cat_activity_type": [cats["activity_type"].pk],
        "cat_goal": [cats["goal"].pk],
        "cat_target_group": [cats["target_group"].pk],
    }
    data.update(overrides)
    return data


def form_data(version, spent, interventions=(), initial=0, results="Bra år.", submit=False):
    data = {
        "version": version,
        "spent": spent,
        "results": results,
        "insats-TOTAL_FORMS": len(interventions),
        "insats-INITIAL_FORMS": initial,
        "insats-MIN_NUM_FORMS": 0,
        "insats-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(interventions):
        data.update({f"insats-{index}-{key}": value for key, value in item.items()})
    if submit:
        data["submit"] = "1"
    return data


def test_it_works(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "Ej påbörjad" in body and "400\u00a0000\u00a0kr" in body
    assert 'name="version" value="0"' in body
    # One fieldset per category group, labelled by the group.
    assert "<legend>Målgrupp</legend>" in body and "target_group första" in body
    assert 'name="insats-0-cat_target_group"' in body
    for name in ("htmx.min", "busy", "focus", "followup"):  # static files, allowed by the CSP
        body = body.replace(f'<script src="/static/js/{name}.js"', "")
    assert "<script" not in body
    assert 'style="' not in body


def test_a_draft_can_be_saved_incomplete_and_unspent_is_computed(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    response = client.post(edit_url(alloc), form_data(0, "350 000,50", [{"name": "Bara ett namn"}]))
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert (follow_up.status, follow_up.spent, follow_up.version) == ("draft", D("350000.50"), 1)
    assert follow_up.interventions.get().amount_spent == D("0")
    body = client.get(edit_url(alloc)).content.decode()
    assert "49\u00a0999,50\u00a0kr" in body  # unspent = 400 000 − 350 000,50
    assert 'value="350 000,50"' in body


def test_submitting_lists_exactly_what_is_missing(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats), insats(cats, "Grupper", cat_target_group=[], responsible_unit="")]
    response = client.post(edit_url(alloc), form_data(0, "300 000", items, submit=True))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "Insats 2 saknar målgrupp." in body
    assert "Insats 2 saknar ansvarig verksamhet." in body
    assert "Insats 1 saknar" not in body
    assert 'href="#insats-2-target_group"' in body
    # The draft was kept, so nothing typed is lost; it is just not submitted.
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.status == "draft" and follow_up.interventions.count() == 2


def test_a_complete_report_is_submitted(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats), insats(cats, "Grupper", amount_spent="150 000")]
    response = client.post(edit_url(alloc), form_data(0, "250 000", items, submit=True))
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.status == "submitted" and follow_up.submitted_at is not None
    # Submitted: the reporter can no longer change it.
    body = client.get(edit_url(alloc)).content.decode()
    assert "Skicka in" not in body and "väntar på samordnarens granskning" in body
    response = client.post(edit_url(alloc), form_data(follow_up.version, "1"))
    assert response.status_code == 422
    follow_up.refresh_from_db()
    assert follow_up.spent == D("250000")


def test_interventions_must_account_for_all_that_was_spent(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    body = client.post(edit_url(alloc), form_data(0, "300 000", [insats(cats)], submit=True))
    assert "Insatsernas belopp (100\u00a0000\u00a0kr) är mindre än förbrukat belopp" in (
        body.content.decode()
    )
    assert FollowUp.objects.get(allocation=alloc).status == "draft"


def test_interventions_must_not_cost_more_than_spent(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats, amount_spent="200 000"), insats(cats, "B", amount_spent="200 000")]
    body = client.post(edit_url(alloc), form_data(0, "300 000", items, submit=True)).content
    assert "Insatsernas belopp (400\u00a0000\u00a0kr) är större än förbrukat belopp" in (
        body.decode()
    )


def test_spending_more_than_allocated_needs_the_coordinators_exception(client, year):
    agr, alloc, cats, reporter, coordinator = year
    client.force_login(reporter)
    response = client.post(edit_url(alloc), form_data(0, "400 000,01", [insats(cats)]))
    assert response.status_code == 422
    assert "större än det fördelade beloppet" in response.content.decode()
    assert not FollowUp.objects.filter(allocation=alloc).exists()

    client.force_login(coordinator)
    client.post(review_url(alloc), {"action": "overspend", "reason": ""})
    assert not FollowUp.objects.filter(allocation=alloc, overspend_approved=True).exists()
    client.post(review_url(alloc), {"action": "overspend", "reason": "Beslut 2024-11-02"})
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.overspend_approved

    client.force_login(reporter)
    data = form_data(
        follow_up.version, "450 000", [insats(cats, amount_spent="450 000")], submit=True
    )
    assert client.post(edit_url(alloc), data).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "submitted" and follow_up.unspent == D("-50000")


def test_a_stale_version_is_a_conflict_and_saves_nothing(year):
    agr, alloc, cats, reporter, coordinator = year
    first, second = Client(), Client()
    first.force_login(reporter)
    second.force_login(coordinator)
    # Both opened the empty form (version 0).
    assert first.post(edit_url(alloc), form_data(0, "100 000")).status_code == 302
    response = second.post(edit_url(alloc), form_data(0, "200 000", [insats(cats)]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har ändrat redovisningen" in body and "100\u00a0000\u00a0kr" in body
    assert 'name="version" value="1"' in body  # saving again is a deliberate overwrite
    assert 'value="200 000"' in body  # what they typed is still in the form
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.spent == D("100000") and not follow_up.interventions.exists()


def test_every_change_of_money_is_in_the_audit_trail(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    client.post(edit_url(alloc), form_data(0, "100 000", [insats(cats)]))
    # Without its id the intervention is replaced by a new one: money removed and added.
    client.post(edit_url(alloc), form_data(1, "100 000", [insats(cats, results="Ny text")], 1))
    pk = Intervention.objects.get().pk
    client.post(
        edit_url(alloc),
        form_data(2, "120 000", [insats(cats, id=pk, amount_spent="110 000")], 1),
    )
    changes = list(FollowUpChange.objects.order_by("pk"))
    # The second save changed no money (and replaced the intervention): both are recorded.
    assert [(c.old_spent, c.new_spent) for c in changes] == [
        (None, D("100000")),
        (D("100000"), D("100000")),
        (D("100000"), D("120000")),
    ]
    assert "100\u00a0000\u00a0kr → 110\u00a0000\u00a0kr" in changes[2].detail
    assert all(c.changed_by == reporter for c in changes)
    with pytest.raises(ValueError):
        changes[0].delete()
    assert "Historik" in client.get(edit_url(alloc)).content.decode()


def test_an_intervention_can_be_removed_from_a_draft(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    client.post(edit_url(alloc), form_data(0, "100 000", [insats(cats), insats(cats, "B")]))
    first, second = Intervention.objects.order_by("pk")
    items = [insats(cats, id=first.pk), insats(cats, "B", id=second.pk, DELETE="on")]
    assert client.post(edit_url(alloc), form_data(1, "100 000", items, 2)).status_code == 302
    assert list(Intervention.objects.values_list("name", flat=True)) == ["Kuratorer"]


def test_bad_amounts_are_shown_in_the_summary(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    response = client.post(edit_url(alloc), form_data(0, "1.500.000", [insats(cats)]))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Punkt är tvetydigt" in body and 'href="#id_spent"' in body
    assert not FollowUp.objects.exists()


def test_a_category_of_another_year_is_refused(client, year):
    agr, alloc, cats, reporter, _ = year
    old = SurveyCategory.objects.create(year=2023, group="goal", label="Gammal")
    client.force_login(reporter)
    response = client.post(edit_url(alloc), form_data(0, "1", [insats(cats, cat_goal=[old.pk])]))
    assert response.status_code == 422
    assert not FollowUp.objects.exists()


def test_nothing_can_be_reported_before_the_decision(client, year):
    agr, alloc, cats, reporter, _ = year
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.DRAFT)
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "inte beslutad än" in body and "Skicka in" not in body
    assert client.post(edit_url(alloc), form_data(0, "1")).status_code == 422
    assert not FollowUp.objects.exists()


def test_the_coordinator_returns_and_approves(client, year):
    agr, alloc, cats, reporter, coordinator = year
    client.force_login(reporter)
    client.post(
        edit_url(alloc),
        form_data(0, "300 000", [insats(cats, amount_spent="300 000")], submit=True),
    )
    follow_up = FollowUp.objects.get()
    client.force_login(coordinator)
    client.post(review_url(alloc), {"action": "return", "version": follow_up.version})
    follow_up.refresh_from_db()
    assert follow_up.status == "submitted"  # a return needs a comment
    client.post(review_url(alloc), {"action": "approve", "version": follow_up.version - 1})
    follow_up.refresh_from_db()
    assert follow_up.status == "submitted"  # stale version: nothing happens
    client.post(
        review_url(alloc),
        {"action": "return", "version": follow_up.version, "comment": "Ange målgrupp."},
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.coordinator_comment) == ("returned", "Ange målgrupp.")
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "Återsänd av samordnaren" in body and "Ange målgrupp." in body


def test_an_insats_names_the_plan_priorities_it_serves(client, year):
    from funds.models import Intervention
    from tests.plans import factories as plans

    agr, alloc, cats, reporter, _ = year
    own = plans.priority(plans.goal_area(plans.plan(agr.organisation)), name="Begränsa medel")
    foreign = plans.priority(plans.goal_area(plans.plan(f.organisation())), name="Annans")
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "Begränsa medel" in body and "Annans" not in body
    refused = client.post(
        edit_url(alloc), form_data(0, "100 000", [insats(cats, plan_priorities=[foreign.pk])])
    )
    assert refused.status_code == 422 and not Intervention.objects.exists()
    client.post(edit_url(alloc), form_data(0, "100 000", [insats(cats, plan_priorities=[own.pk])]))
    assert list(Intervention.objects.get().plan_priorities.all()) == [own]


def test_rows_a_post_only_declares_are_not_shown_again(client, year):
    """A browser posts the fields of every row it shows. A post that declares 180 rows and
    carries one is answered with that row and the last one, the empty row "Lägg till insats"
    adds without JavaScript, not with 180 rows of category choices."""
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    # A stale version (the report was never saved): the posted rows come back with the conflict.
    data = form_data(1, "100 000", [insats(cats, name="Den enda")])
    data["insats-TOTAL_FORMS"] = 180

    response, seconds = cpu_seconds(lambda: client.post(edit_url(alloc), data))

    assert response.status_code == 409
    assert [form.prefix for form in response.context["insats_forms"]] == [
        "insats-0",
        "insats-179",
    ]
    body = response.content.decode()
    assert body.count('class="insats"') == 2 and "Den enda" in body
    assert seconds < 1.0
    assert not FollowUp.objects.filter(allocation=alloc).exists()


def test_add_row_without_javascript_shows_the_new_empty_row(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    data = form_data(0, "100 000", [insats(cats, name="Första")])
    data["add"] = "1"

    response = client.post(edit_url(alloc), data)

    assert [form.prefix for form in response.context["insats_forms"]] == [
        "insats-0",
        "insats-1",
    ]
    assert not FollowUp.objects.filter(allocation=alloc).exists()


def test_saved_insatser_are_folded_to_their_name_and_amount(client, year):
    """A saved insats is one summary (one Tab stop) until it is opened; a new row, and a row
    with an error, are open."""
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    two = [insats(cats, name="Kuratorer"), insats(cats, name="Samtalsgrupp", amount_spent="50 000")]
    assert client.post(edit_url(alloc), form_data(0, "150 000", two)).status_code == 302

    body = client.get(edit_url(alloc)).content.decode()

    assert body.count('<details class="insats-fold"') == 2
    assert "Insats 1: Kuratorer</span>" in body and "Insats 2: Samtalsgrupp</span>" in body
    assert "100\u00a0000\u00a0kr</span></summary>" in body
    assert "50\u00a0000\u00a0kr</span></summary>" in body
    # The empty row for a new insats is not folded.
    assert 'id="insats-3" class="insats"' in body and 'id="insats-3-fold"' not in body

    saved = list(FollowUp.objects.get(allocation=alloc).interventions.order_by("pk"))
    broken = form_data(
        1,
        "150 000",
        [
            {**two[0], "id": saved[0].pk},
            {**two[1], "id": saved[1].pk, "amount_spent": "femtio"},
        ],
        initial=2,
    )
    body = client.post(edit_url(alloc), broken).content.decode()

    assert 'id="insats-1-fold"' in body and 'id="insats-2-fold"' not in body
