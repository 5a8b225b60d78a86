"""National reference data an administrator adds for a year the data files do not cover.

Years loaded from funds/national/data/ are the files' to change: these workflows refuse them,
so the next `load_reference_data` never fights an edit made in the app.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from funds.models import (
    NationalAgreement,
    NationalArea,
    NationalAreaFunding,
    SurveyCategory,
    SurveyCategorySet,
)


def national_agreement_add(
    *, year: int, title: str, total: Decimal | None, source: str, areas: list[dict]
) -> NationalAgreement:
    """Create a year's national agreement with its areas (each a dict of number, short_name,
    name, previous_number, youth_clinics, huvudman, route, amount)."""
    numbers = [area["number"] for area in areas]
    if len(numbers) != len(set(numbers)):
        raise ValidationError("Två områden har samma nummer.", code="numbers")
    with transaction.atomic():
        if NationalAgreement.objects.select_for_update().filter(year=year).exists():
            raise ValidationError(
                f"Det finns redan en nationell överenskommelse för {year}.", code="exists"
            )
        agreement = NationalAgreement.objects.create(
            year=year,
            title=title.strip(),
            total=total,
            source=source.strip(),
            origin=NationalAgreement.Origin.ADMINISTRATOR,
        )
        for data in areas:
            area = NationalArea.objects.create(
                national_agreement=agreement,
                number=data["number"],
                name=data["name"].strip(),
                short_name=data["short_name"].strip(),
                previous_number=data.get("previous_number"),
                youth_clinics=bool(data.get("youth_clinics")),
            )
            NationalAreaFunding.objects.create(
                area=area, huvudman=data["huvudman"], route=data["route"], amount=data.get("amount")
            )
    return agreement


def survey_categories_set(*, year: int, labels: dict[str, list[str]]) -> SurveyCategorySet:
    """Replace a year's enkät answer options with `labels` ({group: [label, ...]}). Options
    that reported insatser use cannot be removed; the message names them."""
    with transaction.atomic():
        found = SurveyCategorySet.objects.select_for_update().filter(year=year).first()
        if found is not None and found.origin == SurveyCategorySet.Origin.DATA_FILE:
            raise ValidationError(
                f"Kategorierna för {year} kommer från nationella referensdata och ändras i "
                "datafilerna, inte här.",
                code="data_file",
            )
        existing = {(c.group, c.label): c for c in SurveyCategory.objects.filter(year=year)}
        wanted = {
            (group, label): position
            for group, group_labels in labels.items()
            for position, label in enumerate(group_labels, start=1)
        }
        removed = [c for key, c in existing.items() if key not in wanted]
        used = [c for c in removed if c.interventions.exists()]
        if used:
            names = ", ".join(f"{c.get_group_display()}: {c.label}" for c in used)
            raise ValidationError(
                f"Används av redovisade insatser och kan inte tas bort: {names}.", code="used"
            )
        SurveyCategory.objects.filter(pk__in=[c.pk for c in removed]).delete()
        for (group, label), position in wanted.items():
            category = existing.get((group, label))
            if category is None:
                SurveyCategory.objects.create(
                    year=year, group=group, label=label, position=position
                )
            elif category.position != position:
                category.position = position
                category.save(update_fields=["position"])
        if found is None:
            found = SurveyCategorySet(year=year)
        found.origin = SurveyCategorySet.Origin.ADMINISTRATOR
        found.copied_from_year = None
        found.save()
    return found
