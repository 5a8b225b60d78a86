"""The enkät check reads each insats's categories in one aggregate query (per insats the
groups of its categories of the year, and whether it holds another year's): its findings are
those of a plain per-insats reading of the same rows, on the demo with gaps made in it."""

from __future__ import annotations

from collections import defaultdict

import pytest

from funds.followup.rules import ASKED_GROUPS, MAY_BE_UNANSWERED, REQUIRED_GROUPS
from funds.models import Agreement, Intervention, SurveyCategory
from reporting.survey.checks import NAMES_PER_PROBLEM, _answers_scanned, survey_check
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


def _per_insats(agreement: Agreement) -> tuple[dict, dict, set]:
    """What each insats lacks and leaves unanswered, read one insats at a time through the
    ORM: the lacking per allocation ({allocation: {label: (count, first names)}}), the count
    per unanswered group, and the form anchors (allocation, number) of the insatser with a
    gap that is not allowed."""
    year = agreement.year
    rows = (
        Intervention.objects.filter(follow_up__allocation__priority_area__agreement=agreement)
        .prefetch_related("categories")
        .select_related("follow_up")
        .order_by("pk")
    )
    present = set(SurveyCategory.objects.filter(year=year).values_list("group", flat=True))
    asked = [group for group in ASKED_GROUPS if group in present]
    lacking: dict = defaultdict(lambda: defaultdict(list))
    counts: dict = defaultdict(int)
    anchors = set()
    numbers: dict = defaultdict(int)
    for item in rows:
        allocation = item.follow_up.allocation_id
        numbers[item.follow_up_id] += 1
        groups = {c.group for c in item.categories.all() if c.year == year}
        for group, label in REQUIRED_GROUPS.items():
            if group not in groups:
                lacking[allocation][label].append(item.name)
        if any(c.year != year for c in item.categories.all()):
            lacking[allocation][""].append(item.name)
        missing = [g for g in asked if g not in groups and g not in item.answered_groups]
        for group in missing:
            counts[group] += 1
        if any(group not in MAY_BE_UNANSWERED for group in missing):
            anchors.add((allocation, numbers[item.follow_up_id]))
    found = {
        allocation: {label: (len(names), names[:NAMES_PER_PROBLEM]) for label, names in by.items()}
        for allocation, by in lacking.items()
    }
    return found, dict(counts), anchors


def test_the_set_based_check_finds_what_a_reading_per_insats_finds_on_the_demo():
    demo_restore()
    agreement = Agreement.objects.select_related("organisation").get(
        organisation__code="0180", year=2023
    )
    assert agreement.status != Agreement.Status.DRAFT
    items = list(
        Intervention.objects.filter(
            follow_up__allocation__priority_area__agreement=agreement
        ).order_by("pk")
    )
    # Gaps of every kind: a required group lost, all categories lost, another year's
    # category added, an answered group forgotten, and several in one allocation.
    goals = SurveyCategory.objects.filter(year=2023, group="goal")
    items[0].categories.remove(*goals)
    items[1].categories.clear()
    items[2].categories.add(SurveyCategory.objects.filter(year=2024).first())
    items[3].answered_groups = []
    items[3].save(update_fields=["answered_groups"])
    same_allocation = [
        i for i in items if i.follow_up_id == items[5].follow_up_id and i.pk != items[5].pk
    ]
    for item in [items[5], *same_allocation][: NAMES_PER_PROBLEM + 1]:
        item.categories.remove(*goals)

    check = survey_check(agreement)
    scanned = _answers_scanned(check)
    lacking, counts, anchors = _per_insats(agreement)

    assert lacking, "the gaps made above must show"
    assert {
        allocation: {label: (entry.count, entry.names) for label, entry in by.items()}
        for allocation, by in scanned.lacking.items()
    } == lacking
    assert {item.group: item.count for item in check.unanswered} == counts
    assert {
        (int(url.split("/")[-2]), int(url.split("#insats-")[1]))
        for url in (problem.url for problem in scanned.unanswered)
    } == anchors
    messages = [problem.message for problem in check.problems]
    assert sum("saknar mål" in message for message in messages) >= 2
    assert any("kategorier från ett annat år än 2023" in message for message in messages)
