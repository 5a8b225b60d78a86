"""Reading the insatser of a set of agreements for the analysis: six queries, however many."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from analysis.tables import CATEGORY_GROUPS, Insats, option_order
from funds.models import (
    ZERO,
    Agreement,
    FollowUp,
    Intervention,
    NationalAreaFunding,
    Organisation,
    SurveyCategory,
)

AREA = "follow_up__allocation__priority_area"
OWN_AREA = "Eget prioriterat område"
NO_ROUTE = "Ingen nationell uppföljning (eget område)"
# A county partnership's money is länsgemensamma medel whatever area it is booked under: it
# is followed up nationally as the county's, by the area's county-wide route (länsgemensam
# enkät or länsdialog) and otherwise by the länsgemensam enkät.
COUNTY_ROUTES = {
    str(NationalAreaFunding.Route.COUNTY_SURVEY.label),
    str(NationalAreaFunding.Route.COUNTY_DIALOGUE.label),
}
COUNTY_SURVEY = str(NationalAreaFunding.Route.COUNTY_SURVEY.label)
_OWN_HUVUDMAN = {
    Organisation.Kind.MUNICIPALITY: NationalAreaFunding.Huvudman.MUNICIPALITIES,
    Organisation.Kind.REGION: NationalAreaFunding.Huvudman.REGIONS,
    Organisation.Kind.COUNTY_PARTNERSHIP: NationalAreaFunding.Huvudman.COUNTY,
}


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the analysis to: a kind of recipient and an area (the
    organisation's own area on its page, the national area on the county's). A year's page
    names the area by its number; the pages across years by its name, which is what stays
    from year to year (2024's national area 5 "Suicidprevention" is 2025's area 4)."""

    recipient_kind: str = ""
    area_number: int | None = None
    area_field: str = "number"  # or "national_area__number"
    area_name: str = ""

    @property
    def active(self) -> bool:
        return bool(self.recipient_kind or self.area_name) or self.area_number is not None

    def follow_ups(self, prefix: str = "") -> Q:
        condition = Q()
        area = f"{prefix}allocation__priority_area__"
        if self.recipient_kind:
            condition &= Q(**{f"{prefix}allocation__recipient__kind": self.recipient_kind})
        if self.area_number is not None:
            condition &= Q(**{f"{area}{self.area_field}": self.area_number})
        if self.area_name:
            national = self.area_field.startswith("national_area")
            name_field = "national_area__short_name" if national else "name"
            condition &= Q(**{f"{area}{name_field}": self.area_name})
        return condition


@dataclass
class YearMoney:
    """An year's money in the reports the analysis covers, and in those it leaves out."""

    approved: Decimal = ZERO
    on_insatser: Decimal = ZERO
    not_approved: Decimal = ZERO
    not_approved_reports: int = 0

    @property
    def reported(self) -> Decimal:
        return self.approved + self.not_approved

    @property
    def not_on_insats(self) -> Decimal:
        return self.approved - self.on_insatser


@dataclass
class Loaded:
    insatser: list[Insats]
    money: dict[int, YearMoney]
    order: dict[str, list[str]] = field(default_factory=dict)


def _routes(area_ids: set[int]) -> dict[tuple[int, str], str]:
    """(national area, organisation kind) -> the route's Swedish name, as
    NationalArea.funding_for chooses it: the kind's own share, else the county-wide one."""
    fundings = defaultdict(dict)
    for area_id, huvudman, route in NationalAreaFunding.objects.filter(
        area_id__in=area_ids
    ).values_list("area_id", "huvudman", "route"):
        fundings[area_id][huvudman] = str(NationalAreaFunding.Route(route).label)
    routes = {}
    for area_id, by_huvudman in fundings.items():
        for kind, own in _OWN_HUVUDMAN.items():
            route = by_huvudman.get(own) or by_huvudman.get(NationalAreaFunding.Huvudman.COUNTY)
            routes[area_id, kind] = route or str(NationalAreaFunding.Route.NOT_SET.label)
    return routes


def _insatser(agreement_ids: list[int], filters: Filters) -> list[Insats]:
    base = Intervention.objects.filter(
        **{f"{AREA}__agreement__in": agreement_ids},
        follow_up__status=FollowUp.Status.APPROVED,
    ).filter(filters.follow_ups("follow_up__"))
    rows = base.values_list(
        "pk",
        "amount_spent",
        f"{AREA}__agreement__year",
        f"{AREA}__national_area_id",
        f"{AREA}__national_area__number",
        f"{AREA}__national_area__short_name",
        f"{AREA}__agreement__organisation__kind",
    ).order_by("pk")
    insatser, kinds = {}, {}
    for pk, amount, year, area_id, number, short_name, kind in rows:
        area = f"{number}. {short_name}" if area_id else OWN_AREA
        insatser[pk] = Insats(pk=pk, year=year, amount=amount, answers={"national_area": [area]})
        kinds[pk] = (area_id, kind)
    routes = _routes({area_id for area_id, _ in kinds.values() if area_id})
    for pk, (area_id, kind) in kinds.items():
        route = routes.get((area_id, kind), NO_ROUTE)
        if kind == Organisation.Kind.COUNTY_PARTNERSHIP and route not in COUNTY_ROUTES:
            route = COUNTY_SURVEY
        insatser[pk].answers["route"] = [route]
    links = Intervention.categories.through.objects.filter(intervention__in=base.values("pk"))
    for pk, group, label in links.values_list(
        "intervention_id", "surveycategory__group", "surveycategory__label"
    ).order_by("surveycategory__position", "surveycategory__label"):
        if group in CATEGORY_GROUPS:
            insatser[pk].answers.setdefault(group, []).append(label)
    return list(insatser.values())


def _money(agreement_ids: list[int], filters: Filters) -> dict[int, YearMoney]:
    approved = Q(status=FollowUp.Status.APPROVED)
    sums = (
        FollowUp.objects.filter(allocation__priority_area__agreement__in=agreement_ids)
        .filter(filters.follow_ups())
        .values("allocation__priority_area__agreement__year")
        .annotate(
            approved=Sum("spent", filter=approved, default=ZERO),
            not_approved=Sum("spent", filter=~approved, default=ZERO),
            not_approved_reports=Count("pk", filter=~approved),
        )
        .order_by()
    )
    return {
        row["allocation__priority_area__agreement__year"]: YearMoney(
            approved=row["approved"],
            not_approved=row["not_approved"],
            not_approved_reports=row["not_approved_reports"],
        )
        for row in sums
    }


def insatser_load(agreements: list[Agreement], filters: Filters) -> Loaded:
    """The approved insatser of `agreements` with their answers, and each year's money."""
    ids = [agreement.pk for agreement in agreements]
    insatser = _insatser(ids, filters)
    money = _money(ids, filters)
    for insats in insatser:
        money.setdefault(insats.year, YearMoney()).on_insatser += insats.amount
    categories = SurveyCategory.objects.filter(
        year__in={agreement.year for agreement in agreements}
    ).values_list("group", "label", "position", "year")
    return Loaded(insatser=insatser, money=money, order=option_order(list(categories)))
