"""Follow-up routes: where each local priority area's money is reported nationally, in order."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from funds.models import Agreement, NationalAreaFunding, Organisation, PriorityArea

ROUTE_OWN, ROUTE_UNMAPPED = "egen_prioritering", "ej_kopplad"
Route = NationalAreaFunding.Route
# The enkät an organisation answers itself; every other route gets a sheet of its own.
OWN_SURVEY_ROUTE = {
    Organisation.Kind.MUNICIPALITY: Route.MUNICIPALITY_SURVEY,
    Organisation.Kind.REGION: Route.REGION_SURVEY,
    Organisation.Kind.COUNTY_PARTNERSHIP: Route.COUNTY_SURVEY,
}
ROUTE_ORDER = (
    Route.MUNICIPALITY_SURVEY,
    Route.REGION_SURVEY,
    Route.COUNTY_SURVEY,
    Route.COUNTY_DIALOGUE,
    Route.NOT_SET,
    ROUTE_OWN,
    ROUTE_UNMAPPED,
)


@dataclass(frozen=True)
class AreaRoute:
    """Where a local priority area's money belongs nationally and how it is followed up."""

    national_number: int | None
    national_name: str
    route: str
    route_label: str


def route_labels() -> dict[str, str]:
    with translation.override("sv"):
        labels = {value: str(label) for value, label in Route.choices}
    labels[Route.NOT_SET] = "Uppföljning ej fastställd"
    labels[ROUTE_OWN] = "Egen prioritering"
    labels[ROUTE_UNMAPPED] = "Utan nationellt område"
    return labels


def area_routes(agreement: Agreement) -> dict[int, AreaRoute]:
    """Each priority area's national area and follow-up route. Two queries."""
    labels = route_labels()
    kind = agreement.organisation.kind
    routes = {}
    areas = (
        PriorityArea.objects.filter(agreement=agreement)
        .select_related("national_area")
        .prefetch_related("national_area__fundings")
    )
    for area in areas:
        national = area.national_area
        if national is not None:
            funding = national.funding_for(kind)
            route = funding.route if funding is not None else Route.NOT_SET
            routes[area.pk] = AreaRoute(national.number, national.name, route, labels[route])
        elif area.own_priority_reason.strip():
            routes[area.pk] = AreaRoute(None, labels[ROUTE_OWN], ROUTE_OWN, labels[ROUTE_OWN])
        else:
            routes[area.pk] = AreaRoute(
                None, labels[ROUTE_UNMAPPED], ROUTE_UNMAPPED, labels[ROUTE_UNMAPPED]
            )
    return routes


def route_order(kind: str) -> list[str]:
    """The routes in sheet order for an organisation of `kind`: its own enkät first."""
    own = OWN_SURVEY_ROUTE.get(kind)
    return [own, *(route for route in ROUTE_ORDER if route != own)]
