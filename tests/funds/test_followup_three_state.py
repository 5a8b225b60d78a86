"""The reporter's three-state answer per optional enkät group (Ja, Nej, Ej besvarat)."""

from __future__ import annotations

import pytest

from funds.models import Agreement, FollowUp, Intervention, SurveyCategory
from tests import factories as f
from tests.followup_posts import insats_post, insats_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    org = f.organisation()
    agreement = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    area = f.area(agreement, "1000000.00")
    recipient = f.recipient(org)
    allocation = f.allocation(area, recipient, "100000.00")
    categories = {(c.group, c.label): c for c in SurveyCategory.objects.filter(year=2024)}
    reporter = f.user(org, "reporter", recipient=recipient)
    return allocation, categories, reporter


def post(client, allocation, **fields):
    data = {"name": "Samtalsgrupper", "amount_spent": "100 000", **fields}
    return insats_post(client, allocation, data), insats_url(allocation)


def test_nej_and_ej_besvarat_are_saved_apart(client, year):
    allocation, categories, reporter = year
    client.force_login(reporter)
    response, url = post(
        client,
        allocation,
        ans_perspective="nej",
        ans_effect="",
        ans_collaboration="ja",
        cat_collaboration=[categories["collaboration", "Med civilsamhället"].pk],
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(follow_up__allocation=allocation)
    assert intervention.answered_groups == ["collaboration", "perspective"]
    body = client.get(insats_url(allocation, intervention)).content.decode()
    # The insats's page shows the answers again: Nej on perspektiv, Ej besvarat on effekt.
    assert (
        'name="insats-ans_perspective" value="nej" id="id_insats-ans_perspective_1" checked' in body
    )
    assert 'name="insats-ans_effect" value="" id="id_insats-ans_effect_2" checked' in body
    assert "Perspektiv: besvarad" in body


def test_ja_needs_an_option_and_nej_none(client, year):
    allocation, categories, reporter = year
    client.force_login(reporter)
    response, _ = post(
        client,
        allocation,
        ans_perspective="ja",
        ans_effect="nej",
        cat_effect=[categories["effect", "Stärkt samverkan"].pk],
    )
    assert response.status_code in (200, 422)
    body = response.content.decode()
    assert "Välj minst ett alternativ, eller svara Nej." in body
    assert "Du har svarat Nej men valt alternativ" in body
    assert not FollowUp.objects.filter(allocation=allocation).exists()


def test_annan_needs_the_free_text(client, year):
    allocation, categories, reporter = year
    client.force_login(reporter)
    other = categories["responsible_unit", "Annan"]
    response, _ = post(client, allocation, cat_responsible_unit=[other.pk], responsible_unit="")
    assert "Ange vilken verksamhet som är ansvarig (Annan)." in response.content.decode()
    response, _ = post(
        client, allocation, cat_responsible_unit=[other.pk], responsible_unit="Fritidsgården"
    )
    assert response.status_code == 302


def test_every_group_the_enkat_lets_go_unanswered_has_the_switch(client, year):
    """Seed 003 requires typ av aktivitet, mål and målgrupp; every other group of the form
    (Ansvarig verksamhet too) offers Ja, Nej and Ej besvarat."""
    from funds.followup.rules import REQUIRED_GROUPS

    allocation, _, reporter = year
    client.force_login(reporter)
    body = client.get(insats_url(allocation)).content.decode()

    for group in SurveyCategory.Group.values:
        switch = f'name="insats-ans_{group}"'
        assert (switch in body) == (group not in REQUIRED_GROUPS), group
    assert 'name="insats-ans_responsible_unit" value="nej"' in body
