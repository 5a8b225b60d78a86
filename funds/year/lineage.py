"""Which area of one year continues which area of the year before.

Names change between years and so does the national numbering, so neither is the rule. An
area's predecessor is, in this order:

1. the one the coordinator chose (`PriorityArea.previous_area`, filled by start_year);
2. the previous year's area whose national area is continued by this area's national area:
   the reference data says so (`NationalArea.previous_number`), and when a year declares
   no lineage at all, its areas continue the areas with the same number.

An organisation's own priorities ("egen prioritering") have no national lineage: only the
coordinator's choice links them.
"""

from __future__ import annotations

from collections.abc import Iterable

from funds.models import Agreement, NationalArea, PriorityArea


def _step(areas: list[NationalArea]) -> dict[int, NationalArea]:
    """{previous year's national area number: the area of this year that continues it}."""
    declared = [area for area in areas if area.previous_number is not None]
    if declared:
        return {area.previous_number: area for area in declared}
    return {area.number: area for area in areas}


def national_translation(from_year: int, to_year: int) -> dict[int, NationalArea]:
    """{national area id of from_year: the national area of to_year that continues it},
    following the lineage one year at a time. Two queries per year step; a year without a
    national agreement breaks the chain."""
    if to_year <= from_year:
        return {}
    by_year: dict[int, list[NationalArea]] = {}
    for area in NationalArea.objects.filter(
        national_agreement__year__gte=from_year, national_agreement__year__lte=to_year
    ).select_related("national_agreement"):
        by_year.setdefault(area.national_agreement.year, []).append(area)
    # current: {from_year area id: the area it has become so far}
    current = {area.pk: area for area in by_year.get(from_year, [])}
    for year in range(from_year + 1, to_year + 1):
        step = _step(by_year.get(year, []))
        current = {
            origin: step[area.number] for origin, area in current.items() if area.number in step
        }
    return current


def area_predecessors(areas: Iterable[PriorityArea]) -> dict[int, PriorityArea | None]:
    """{area id: the area of the year before that it continues, or None}, for areas of one
    agreement, in a fixed number of queries."""
    areas = list(areas)
    if not areas:
        return {}
    agreement = areas[0].agreement
    previous = Agreement.objects.filter(
        organisation_id=agreement.organisation_id, year=agreement.year - 1
    ).first()
    previous_areas = (
        list(PriorityArea.objects.filter(agreement=previous).select_related("national_area"))
        if previous
        else []
    )
    chosen_ids = {area.previous_area_id for area in areas if area.previous_area_id}
    chosen = {
        area.pk: area
        for area in PriorityArea.objects.filter(pk__in=chosen_ids).select_related("agreement")
    }
    translation = national_translation(agreement.year - 1, agreement.year) if previous else {}
    # {national area of this year: the previous year's areas that lead to it}
    leads_to: dict[int, list[PriorityArea]] = {}
    for old in previous_areas:
        successor = translation.get(old.national_area_id) if old.national_area_id else None
        if successor is not None:
            leads_to.setdefault(successor.pk, []).append(old)
    sharing: dict[int, int] = {}
    for area in areas:
        if area.national_area_id and not area.previous_area_id:
            sharing[area.national_area_id] = sharing.get(area.national_area_id, 0) + 1
    result: dict[int, PriorityArea | None] = {}
    for area in areas:
        if area.previous_area_id:
            result[area.pk] = chosen.get(area.previous_area_id)
            continue
        candidates = leads_to.get(area.national_area_id, []) if area.national_area_id else []
        # Two areas under one national area, this year or last: the coordinator chooses.
        unique = len(candidates) == 1 and sharing.get(area.national_area_id) == 1
        result[area.pk] = candidates[0] if unique else None
    return result


def area_predecessor(area: PriorityArea) -> PriorityArea | None:
    """The area of the year before that `area` continues, or None (a new area)."""
    return area_predecessors([area])[area.pk]
