"""The reporter's follow-up: the report page (its own fields and the list of insatser), each
insats on its own page, drafts, submission with what is missing, overspending, lost updates,
removing an insats and the audit trail."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from funds.models import Agreement, FollowUp, FollowUpChange, Intervention, SurveyCategory
from tests import factories as f
from tests.followup_posts import (
    delete_url,
    insats_data,
    insats_post,
    insats_url,
    report_in,
    report_post,
)

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


def test_it_works(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "Ej påbörjad" in body and "400\u00a0000\u00a0kr" in body
    assert 'name="version" value="0"' in body
    assert "Inga insatser är sparade än." in body and ">Lägg till insats</a>" in body
    # The insats's page: one fieldset per category group, labelled by the group.
    body = client.get(insats_url(alloc)).content.decode()
    assert "<legend>Målgrupp</legend>" in body and "target_group första" in body
    assert 'name="insats-cat_target_group"' in body and 'name="insats-version" value="0"' in body
    for page in (body, client.get(edit_url(alloc)).content.decode()):
        for name in ("htmx.min", "busy", "focus"):  # static files, allowed by the CSP
            page = page.replace(f'<script src="/static/js/{name}.js"', "")
        assert "<script" not in page
        assert 'style="' not in page


def test_a_draft_can_be_saved_incomplete_and_unspent_is_computed(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    assert insats_post(client, alloc, {"name": "Bara ett namn"}).status_code == 302
    response = report_post(client, alloc, "350 000,50")
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert (follow_up.status, follow_up.spent, follow_up.version) == ("draft", D("350000.50"), 2)
    assert follow_up.interventions.get().amount_spent == D("0")
    body = client.get(edit_url(alloc)).content.decode()
    assert "49\u00a0999,50\u00a0kr" in body  # unspent = 400 000 − 350 000,50
    assert 'value="350 000,50"' in body
    assert "1. Bara ett namn" in body and "Saknar beskrivning, ansvarig verksamhet" in body


def test_submitting_lists_each_insats_with_gaps_linked_to_its_page(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats), insats(cats, "Grupper", cat_target_group=[], responsible_unit="")]
    response = report_in(client, alloc, "300 000", items)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'role="alert"' in body
    second = Intervention.objects.get(name="Grupper")
    assert "Insats 2, ”Grupper”, saknar ansvarig verksamhet och målgrupp." in body
    assert f'href="{insats_url(alloc, second)}#grupp-responsible_unit"' in body
    assert "Insats 1" not in body.split('class="error-summary"')[1].split("</div>")[0]
    # The draft was kept, so nothing typed is lost; it is just not submitted.
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.status == "draft" and follow_up.interventions.count() == 2
    # The link leads to the insats's page, where the anchor is the group's fieldset.
    page = client.get(insats_url(alloc, second)).content.decode()
    assert 'id="grupp-responsible_unit"' in page and "Insats 2: Grupper" in page


def test_a_complete_report_is_submitted(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats), insats(cats, "Grupper", amount_spent="150 000")]
    response = report_in(client, alloc, "250 000", items)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.status == "submitted" and follow_up.submitted_at is not None
    # Submitted: the reporter can no longer change it, nor any insats.
    body = client.get(edit_url(alloc)).content.decode()
    assert "Skicka in" not in body and "väntar på samordnarens granskning" in body
    assert "Lägg till insats" not in body and ">Visa<" in body
    response = report_post(client, alloc, "1")
    assert response.status_code == 422
    first = follow_up.interventions.order_by("pk").first()
    assert insats_post(client, alloc, insats(cats, "Ny"), pk=first.pk).status_code == 422
    assert insats_post(client, alloc, insats(cats, "Ny")).status_code == 422
    assert client.post(delete_url(alloc, first), {"version": follow_up.version}).status_code == 422
    follow_up.refresh_from_db()
    assert follow_up.spent == D("250000") and follow_up.interventions.count() == 2
    assert "disabled" in client.get(insats_url(alloc, first)).content.decode()


def test_interventions_must_account_for_all_that_was_spent(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    body = report_in(client, alloc, "300 000", [insats(cats)]).content.decode()
    assert "Insatsernas belopp (100\u00a0000\u00a0kr) är mindre än förbrukat belopp" in body
    assert FollowUp.objects.get(allocation=alloc).status == "draft"


def test_interventions_must_not_cost_more_than_spent(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    items = [insats(cats, amount_spent="200 000"), insats(cats, "B", amount_spent="200 000")]
    body = report_in(client, alloc, "300 000", items).content.decode()
    assert "Insatsernas belopp (400\u00a0000\u00a0kr) är större än förbrukat belopp" in body


def test_spending_more_than_allocated_needs_the_coordinators_exception(client, year):
    agr, alloc, cats, reporter, coordinator = year
    client.force_login(reporter)
    response = report_post(client, alloc, "400 000,01")
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
    response = report_in(client, alloc, "450 000", [insats(cats, amount_spent="450 000")])
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "submitted" and follow_up.unspent == D("-50000")


def test_a_stale_version_is_a_conflict_and_saves_nothing(year):
    agr, alloc, cats, reporter, coordinator = year
    first, second = Client(), Client()
    first.force_login(reporter)
    second.force_login(coordinator)
    # Both opened the empty report (version 0).
    assert report_post(first, alloc, "100 000", version=0).status_code == 302
    response = report_post(second, alloc, "200 000", version=0)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har ändrat redovisningen" in body and "100\u00a0000\u00a0kr" in body
    assert 'name="version" value="1"' in body  # saving again is a deliberate overwrite
    assert 'value="200 000"' in body  # what they typed is still in the form
    # An insats's page opened before the save is stale too: nothing is saved.
    response = insats_post(second, alloc, insats(cats, "Sent"), version=0)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har ändrat redovisningen" in body and 'value="Sent"' in body
    assert 'name="insats-version" value="1"' in body
    follow_up = FollowUp.objects.get(allocation=alloc)
    assert follow_up.spent == D("100000") and not follow_up.interventions.exists()


def test_two_editors_of_one_insats_do_not_overwrite_each_other(year):
    agr, alloc, cats, reporter, coordinator = year
    first, second = Client(), Client()
    first.force_login(reporter)
    second.force_login(coordinator)
    insats_post(first, alloc, insats(cats))
    saved = Intervention.objects.get()
    version = FollowUp.objects.get().version
    ok = insats_post(first, alloc, insats(cats, "Kuratorer i skolan"), pk=saved.pk)
    assert ok.status_code == 302
    stale = insats_post(second, alloc, insats(cats, "Annat"), pk=saved.pk, version=version)
    assert stale.status_code == 409
    saved.refresh_from_db()
    assert saved.name == "Kuratorer i skolan"


def test_every_change_of_money_is_in_the_audit_trail(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    report_in(client, alloc, "100 000", [insats(cats)], submit=False)
    pk = Intervention.objects.get().pk
    insats_post(client, alloc, insats(cats, results="Ny text"), pk=pk)  # no money changed
    insats_post(client, alloc, insats(cats, amount_spent="110 000"), pk=pk)
    report_post(client, alloc, "120 000")
    changes = list(FollowUpChange.objects.order_by("pk"))
    assert [(c.old_spent, c.new_spent) for c in changes] == [
        (None, None),  # the first insats started the report
        (None, D("100000")),
        (D("100000"), D("100000")),
        (D("100000"), D("120000")),
    ]
    assert "Ny insats Kuratorer: 100\u00a0000\u00a0kr" in changes[0].detail
    assert "100\u00a0000\u00a0kr → 110\u00a0000\u00a0kr" in changes[2].detail
    assert all(c.changed_by == reporter for c in changes)
    with pytest.raises(ValueError):
        changes[0].delete()
    assert "Historik" in client.get(edit_url(alloc)).content.decode()


def test_an_intervention_is_removed_after_a_confirmation(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    report_in(client, alloc, "100 000", [insats(cats), insats(cats, "B")], submit=False)
    first, second = Intervention.objects.order_by("pk")
    page = client.get(insats_url(alloc, second)).content.decode()
    assert f'href="{delete_url(alloc, second)}"' in page
    # The confirmation page asks and changes nothing.
    asked = client.get(delete_url(alloc, second))
    assert asked.status_code == 200 and "Ta bort insatsen ”B”?" in asked.content.decode()
    assert Intervention.objects.count() == 2
    version = FollowUp.objects.get().version
    assert client.post(delete_url(alloc, second), {"version": version - 1}).status_code == 409
    assert Intervention.objects.count() == 2
    response = client.post(delete_url(alloc, second), {"version": version})
    assert response.status_code == 302
    assert list(Intervention.objects.values_list("name", flat=True)) == ["Kuratorer"]
    assert (
        "Borttagen insats B: 100\u00a0000\u00a0kr"
        in FollowUpChange.objects.order_by("pk").last().detail
    )
    assert client.post(delete_url(alloc, second), {"version": version + 1}).status_code == 404


def test_bad_amounts_are_shown_in_the_summary(client, year):
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    response = report_post(client, alloc, "1.500.000")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Punkt är tvetydigt" in body and 'href="#id_spent"' in body
    response = insats_post(client, alloc, insats(cats, amount_spent="femtio"))
    assert response.status_code == 422
    assert 'href="#id_insats-amount_spent"' in response.content.decode()
    response = insats_post(client, alloc, insats(cats, name="  "))
    assert "Ange insatsens namn." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_category_of_another_year_is_refused(client, year):
    agr, alloc, cats, reporter, _ = year
    old = SurveyCategory.objects.create(year=2023, group="goal", label="Gammal")
    client.force_login(reporter)
    response = insats_post(client, alloc, insats(cats, cat_goal=[old.pk]))
    assert response.status_code == 422
    assert not FollowUp.objects.exists()


def test_nothing_can_be_reported_before_the_decision(client, year):
    agr, alloc, cats, reporter, _ = year
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.DRAFT)
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "inte beslutad än" in body and "Skicka in" not in body
    assert "Lägg till insats" not in body
    page = client.get(insats_url(alloc)).content.decode()
    assert "inte beslutad än" in page and "<fieldset" not in page
    assert report_post(client, alloc, "1").status_code == 422
    assert insats_post(client, alloc, insats(cats)).status_code == 422
    assert not FollowUp.objects.exists()


def test_the_coordinator_returns_and_approves(client, year):
    agr, alloc, cats, reporter, coordinator = year
    client.force_login(reporter)
    report_in(client, alloc, "300 000", [insats(cats, amount_spent="300 000")])
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
    assert "Samordnaren har skickat tillbaka redovisningen" in body and "Ange målgrupp." in body
    assert ">Ändra<" in body  # a returned report's insatser can be changed again


def test_an_insats_names_the_plan_priorities_it_serves(client, year):
    from tests.plans import factories as plans

    agr, alloc, cats, reporter, _ = year
    own = plans.priority(plans.goal_area(plans.plan(agr.organisation)), name="Begränsa medel")
    foreign = plans.priority(plans.goal_area(plans.plan(f.organisation())), name="Annans")
    client.force_login(reporter)
    body = client.get(insats_url(alloc)).content.decode()
    assert "Begränsa medel" in body and "Annans" not in body
    refused = insats_post(client, alloc, insats(cats, plan_priorities=[foreign.pk]))
    assert refused.status_code == 422 and not Intervention.objects.exists()
    assert 'href="#grupp-plan"' in refused.content.decode()
    insats_post(client, alloc, insats(cats, plan_priorities=[own.pk]))
    assert list(Intervention.objects.get().plan_priorities.all()) == [own]


def test_saved_insatser_are_summaries_with_their_enkat_status(client, year):
    """Each saved insats is one row: its name, its amount, what it lacks for the enkät, and
    one link (one Tab stop) to its page; no insats renders its fields on the report page."""
    agr, alloc, cats, reporter, _ = year
    client.force_login(reporter)
    two = [
        insats(cats, name="Kuratorer"),
        insats(cats, name="Samtalsgrupp", amount_spent="50 000", cat_goal=[], results=""),
    ]
    report_in(client, alloc, "150 000", two, submit=False)
    first, second = Intervention.objects.order_by("pk")

    body = client.get(edit_url(alloc)).content.decode()

    assert body.count('<tr id="insats-') == 2 and 'type="checkbox"' not in body
    assert "1. Kuratorer</th>" in body and "2. Samtalsgrupp</th>" in body
    assert "50\u00a0000\u00a0kr</td>" in body and "150\u00a0000\u00a0kr</td>" in body
    assert "Saknar mål samt resultat och effekter." in body
    row = body.split('<tr id="insats-1">')[1].split("</tr>")[0]
    assert "Kan skickas in. Ej besvarat:" in row and "perspektiv" in row and "effekt" not in row
    assert row.count("<a ") == 1 and f'href="{insats_url(alloc, first)}"' in row
    assert 'Ändra<span class="visually-hidden"> insats 1, Kuratorer</span>' in row
    assert f'href="{insats_url(alloc, second)}"' in body


def test_an_insats_of_another_report_is_not_found(client, year):
    agr, alloc, cats, reporter, coordinator = year
    other = f.allocation(alloc.priority_area, f.recipient(agr.organisation), "1000.00")
    foreign = Intervention.objects.create(follow_up=f.follow_up(other, None), name="Annans")
    client.force_login(coordinator)
    assert client.get(insats_url(alloc, foreign)).status_code == 404
    assert client.get(delete_url(alloc, foreign)).status_code == 404
    response = client.post(insats_url(alloc, foreign), insats_data(insats(cats), 0))
    assert response.status_code == 404
    assert Intervention.objects.get(pk=foreign.pk).name == "Annans"


def test_a_report_holds_at_most_two_hundred_insatser(client, year):
    agr, alloc, cats, reporter, _ = year
    follow_up = f.follow_up(alloc, None)
    Intervention.objects.bulk_create(
        Intervention(follow_up=follow_up, name=f"I{n}") for n in range(200)
    )
    client.force_login(reporter)
    body = client.get(edit_url(alloc)).content.decode()
    assert "Lägg till insats" not in body and "200 insatser, det högsta antalet" in body
    response = insats_post(client, alloc, insats(cats))
    assert response.status_code == 422 and "högst 200 insatser" in response.content.decode()
    assert follow_up.interventions.count() == 200
