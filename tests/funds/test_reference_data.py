"""The national reference data loader (funds/national/loader.py)."""

import pytest

from funds.models import Intervention, NationalArea, SurveyCategory, SurveyCategorySet
from funds.national.loader import (
    ReferenceDataError,
    reference_data_load,
    survey_categories_ensure,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_loading_again_changes_nothing():
    summary = reference_data_load()
    assert summary.created == 0 and summary.updated == 0
    assert sorted(summary.years) == [2023, 2024, 2025]


def test_2024_has_six_national_areas_and_area_5_is_followed_up_by_lansdialog():
    areas = NationalArea.objects.filter(national_agreement__year=2024).order_by("number")
    assert areas.count() == 6
    route = areas.get(number=5).funding_for("kommun").route
    assert route == "lansdialog"
    assert areas.get(number=3).funding_for("kommun").route == "kommun_enkat"


def test_only_2023s_area_5_is_earmarked_for_the_youth_clinics():
    flagged = NationalArea.objects.filter(youth_clinics=True)
    assert [(a.national_agreement.year, a.number) for a in flagged] == [(2023, 5)]


def test_a_youth_clinics_flag_that_is_not_true_or_false_is_refused(tmp_path):
    (tmp_path / "2030.toml").write_text(
        'year = 2030\ntitle = "T"\n[[areas]]\nnumber = 1\nname = "N"\nshort_name = "S"\n'
        'youth_clinics = "ja"\n',
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="2030.toml, område 1"):
        reference_data_load(data_dir=tmp_path)


def test_a_renamed_option_keeps_the_insatser_that_chose_it():
    old = SurveyCategory.objects.get(
        year=2024, group="target_group", label="Vård- och omsorgstagare 0–17 år"
    )
    old.label = "Barn och unga 0–17 år"  # as the first release loaded it
    old.save()
    org = f.organisation()
    area = f.area(f.agreement(org, 2024), "100.00")
    follow_up = f.follow_up(f.allocation(area, f.recipient(org), "100.00"), "100.00")
    insats = Intervention.objects.create(follow_up=follow_up, name="Insats", amount_spent=100)
    insats.categories.add(old)

    reference_data_load()

    assert list(insats.categories.values_list("label", flat=True)) == [
        "Vård- och omsorgstagare 0–17 år"
    ]
    assert not SurveyCategory.objects.filter(label="Barn och unga 0–17 år").exists()


def test_a_year_without_categories_copies_the_latest_earlier_set_and_says_so():
    category_set = survey_categories_ensure(2026)
    assert category_set.origin == SurveyCategorySet.Origin.COPIED
    assert category_set.copied_from_year == 2025
    assert (
        SurveyCategory.objects.filter(year=2026).count()
        == SurveyCategory.objects.filter(year=2025).count()
    )
    assert survey_categories_ensure(2026) == category_set  # a second call adds nothing
