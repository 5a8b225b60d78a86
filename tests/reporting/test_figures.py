"""The document's figures: from exact kronor, rounded once, in a constant number of queries."""

from decimal import Decimal

import pytest

from funds.models import Recipient
from reporting.figures import (
    decision_figures,
    has_area_links,
    join_sv,
    number_word,
    swedish_sort_key,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_flags_rounded_areas_that_do_not_add_up():
    agreement = f.agreement(f.organisation())
    f.area(agreement, "1049999.00")  # 1,0 mnkr
    f.area(agreement, "1049999.00")  # 1,0 mnkr, but the total 2 099 998 is 2,1 mnkr
    assert decision_figures(agreement).rounding_differs


def test_it_does_not_flag_rounded_areas_that_add_up():
    agreement = f.agreement(f.organisation())
    f.area(agreement, "1049999.00")
    f.area(agreement, "1050001.00")
    assert not decision_figures(agreement).rounding_differs


def test_the_split_counts_every_kind_including_other():
    org = f.organisation()
    agreement = f.agreement(org)
    area = f.area(agreement, "1000.00")
    for kind, amount in [
        (Recipient.Kind.DISTRICT, "500.00"),
        (Recipient.Kind.DEPARTMENT, "250.00"),
        (Recipient.Kind.ASSOCIATION, "150.00"),
        (Recipient.Kind.OTHER, "100.00"),
    ]:
        f.allocation(area, f.recipient(org, kind=kind), amount)
    f.allocation(area, f.recipient(org), "0.00")  # no money: not counted as a recipient
    figures = decision_figures(agreement)
    assert [share.percent for share in figures.shares] == [
        "50\u00a0%",
        "25\u00a0%",
        "15\u00a0%",
        "10\u00a0%",
    ]
    assert figures.allocated == Decimal("1000.00")
    assert figures.recipients_phrase == (
        "1 stadsdelsförvaltning, 1 fackförvaltning, 1 förening inom civilsamhället "
        "och 1 övrig mottagare"
    )
    assert figures.shares_phrase.startswith(
        "50\u00a0% av medlen har fördelats till stadsdelsförvaltningarna, 25\u00a0% till"
    )


def test_next_year_is_never_compared_by_area_name():
    org = f.organisation()
    this_year = f.agreement(org, 2023)
    f.area(this_year, "2000000.00", name="Suicidprevention")
    f.area(this_year, "1000000.00", name="Utvecklingsarbete")
    next_year = f.agreement(org, 2024)
    f.area(next_year, "1500000.00", name="suicidprevention")
    f.area(next_year, "500000.00", name="Barn och unga")
    figures = decision_figures(this_year)
    if not has_area_links():
        # No explicit links between the years: no claim that an area is new or dropped.
        assert [area.previous for area in figures.next_areas] == [None, None]
        assert figures.dropped_areas == [] and figures.new_areas == []
    else:
        # Equal names are no link: without previous_area both are new, both old ones dropped.
        assert figures.new_areas == ["suicidprevention", "Barn och unga"]
        assert figures.dropped_areas == ["Suicidprevention", "Utvecklingsarbete"]
    assert figures.change == Decimal("-1000000.00")
    assert figures.change_percent == "33,3\u00a0%"


def test_without_next_years_agreement():
    agreement = f.agreement(f.organisation())
    figures = decision_figures(agreement)
    assert figures.next_agreement is None
    assert figures.change is None
    assert figures.change_percent == ""


def test_associations_are_sorted_the_swedish_way():
    org = f.organisation()
    area = f.area(f.agreement(org), "1000.00")
    for name in ["Östra föreningen", "Ängens vänner", "Åkerns förening", "Zeta", "alfa"]:
        f.allocation(area, f.recipient(org, name=name, kind=Recipient.Kind.ASSOCIATION), "1.00")
    names = [line.name for line in decision_figures(area.agreement).associations]
    assert names == ["alfa", "Zeta", "Åkerns förening", "Ängens vänner", "Östra föreningen"]
    assert swedish_sort_key("Å") < swedish_sort_key("Ä") < swedish_sort_key("Ö")


@pytest.mark.parametrize("areas", [2, 20])
def test_it_uses_a_constant_number_of_queries(django_assert_num_queries, areas):
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    next_agreement = f.agreement(org, 2024)
    for _ in range(areas):
        area = f.area(agreement)
        f.area(next_agreement)
        for kind in Recipient.Kind.values:
            f.allocation(area, f.recipient(org, kind=kind), "1.00")
    # balance, areas, national count, next agreement, next balance, split, successors,
    # associations
    with django_assert_num_queries(8):
        decision_figures(agreement)


def test_small_helpers():
    assert number_word(4) == "fyra"
    assert number_word(13) == "13"
    assert join_sv(["a"]) == "a"
    assert join_sv(["a", "b", "c"]) == "a, b och c"


def test_a_merged_unit_and_its_successor_count_once_in_the_year_they_held_money():
    from reporting.figures import merged_recipient_count

    successors = {1: 3, 2: 3, 3: None, 4: None}
    assert merged_recipient_count({1, 2, 3, 4}, successors) == 2  # 1, 2 -> 3; and 4
    assert merged_recipient_count({1, 2, 4}, successors) == 3  # the successor held nothing
    assert merged_recipient_count({3, 4}, successors) == 2
    # Two merges in a row: 5 -> 1 -> 3.
    assert merged_recipient_count({5, 3}, {**successors, 5: 1}) == 1


def test_areas_are_linked_between_years_only_through_previous_area():
    from types import SimpleNamespace as Row

    from reporting.figures import area_changes

    old = [Row(pk=1, name="Suicidprevention"), Row(pk=2, name="Utvecklingsarbete")]
    new = [
        Row(pk=11, name="Suicidprevention"),  # same name, no link: new
        Row(pk=12, name="Barn och unga", previous_area_id=1),
    ]
    continued, dropped = area_changes(old, new)
    assert continued[11] is None
    assert continued[12].pk == 1
    assert [area.name for area in dropped] == ["Utvecklingsarbete"]
