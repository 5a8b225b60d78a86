"""The document's figures: from exact kronor, rounded once, in a constant number of queries."""

from decimal import Decimal

import pytest

from funds.models import NationalArea, Recipient
from reporting.figures import (
    decision_figures,
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
        "en stadsdelsförvaltning, en fackförvaltning, en förening inom civilsamhället "
        "och en övrig mottagare"
    )
    assert figures.shares_phrase.startswith(
        "50\u00a0procent av medlen har fördelats till stadsdelsförvaltningarna, "
        "25\u00a0procent till"
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
    # Equal names are no link: without previous_area or a national lineage both are new and
    # both old ones dropped.
    assert figures.new_areas == ["suicidprevention", "Barn och unga"]
    assert figures.dropped_areas == ["Suicidprevention", "Utvecklingsarbete"]
    assert figures.change == Decimal("-1000000.00")
    assert figures.change_percent == "33,3\u00a0procent"


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
    # balance, areas, national count, next agreement, next balance, the money per recipient
    # (kind, förvaltning, IOP: the split and the associations), successors, and the link
    # between the years (funds/year/lineage.py: the agreement, the previous year's agreement
    # and areas, the national lineage)
    with django_assert_num_queries(11):
        decision_figures(agreement)


def test_small_helpers():
    assert number_word(4) == "fyra"
    assert number_word(13) == "13"
    assert number_word(1) == "ett" and number_word(1, common=True) == "en"
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


def test_areas_are_linked_through_previous_area_or_the_national_lineage():
    from funds.models import NationalArea
    from reporting.figures import area_changes

    org = f.organisation()
    national = {
        (area.national_agreement.year, area.number): area
        for area in NationalArea.objects.select_related("national_agreement")
    }
    old_year, new_year = f.agreement(org, 2023), f.agreement(org, 2024)
    suicid = f.area(old_year, "1.00", name="Suicid", national_area=national[2023, 4])
    local = f.area(old_year, "1.00", name="Lokalt")
    gone = f.area(old_year, "1.00", name="Upphör")
    # 2024's national area 5 continues 2023's area 4 (funds/national/data/2024.toml).
    through_lineage = f.area(new_year, "1.00", name="Ny suicid", national_area=national[2024, 5])
    chosen = f.area(new_year, "1.00", name="Annat namn", previous_area=local)
    same_name = f.area(new_year, "1.00", name="Upphör")  # equal name, no link: new

    continued, dropped = area_changes([suicid, local, gone], [through_lineage, chosen, same_name])

    assert continued == {through_lineage.pk: suicid, chosen.pk: local, same_name.pk: None}
    assert dropped == [gone]


def test_one_sentence_states_the_areas_in_the_seeds_words():
    """Seed 004: "… inom ett antal prioriterade områden, varav fem berör kommunerna." The
    count is of the national areas that fund kommuner; the mapped count only when it differs."""
    from funds.models import Agreement, NationalArea

    org = f.organisation(name="Åkommun")
    closed = f.agreement(org, 2023, status=Agreement.Status.CLOSED)
    f.area(
        closed,
        "100.00",
        national_area=NationalArea.objects.get(national_agreement__year=2023, number=4),
    )
    sentence = decision_figures(closed).areas_sentence
    assert sentence == (
        "Stimulansmedel tilldelades kommuner och regioner utifrån befolkningsunderlag inom ett "
        "antal prioriterade områden, varav fem berör kommunerna. Medlen till Åkommun hör till "
        "ett av överenskommelsens områden."
    )
    # 2024 (seed 003): area 3 funds the kommuner, areas 1, 2, 4 and 5 the county's joint work
    # of kommuner and region; area 6 only the regions. Five concern the kommuner, and a
    # kommun whose money belongs to four of them is not told "varav ett".
    current = f.agreement(org, 2024)
    for number in (1, 2, 3, 5):
        f.area(
            current,
            "100.00",
            national_area=NationalArea.objects.get(national_agreement__year=2024, number=number),
        )
    sentence = decision_figures(current).areas_sentence
    assert sentence == (
        "Stimulansmedel tilldelas kommuner och regioner utifrån befolkningsunderlag inom ett "
        "antal prioriterade områden, varav fem berör kommunerna. Medlen till Åkommun hör till "
        "fyra av överenskommelsens områden."
    )


def _youth_clinic_area(agreement, granted="1000.00"):
    earmarked = NationalArea.objects.get(national_agreement__year=2023, youth_clinics=True)
    return f.area(agreement, granted, national_area=earmarked, name="Ungdomsmottagningar")


def test_the_districts_share_includes_the_youth_clinics_when_they_got_earmarked_money():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    f.allocation(_youth_clinic_area(agreement), f.recipient(org), "0.01")
    f.allocation(f.area(agreement, "1000.00"), f.recipient(org), "999.99")
    f.allocation(
        f.area(agreement, "1000.00"), f.recipient(org, kind=Recipient.Kind.DEPARTMENT), "1000.00"
    )
    assert decision_figures(agreement).shares_phrase == (
        "50\u00a0procent av medlen har fördelats till stadsdelsförvaltningarna (inklusive "
        "ungdomsmottagningarna) och 50\u00a0procent till fackförvaltningarna"
    )


def test_earmarked_money_that_no_district_got_is_not_included():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    department = f.recipient(org, kind=Recipient.Kind.DEPARTMENT)
    f.allocation(_youth_clinic_area(agreement), department, "500.00")
    f.allocation(f.area(agreement, "1000.00"), f.recipient(org), "500.00")
    phrase = decision_figures(agreement).shares_phrase
    assert phrase.startswith(
        "50\u00a0procent av medlen har fördelats till stadsdelsförvaltningarna och"
    )
    assert "ungdomsmottagningarna" not in phrase
