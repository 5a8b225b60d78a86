"""The signed-in member's year menu on every page: which organisation, year and role it shows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Subquery, Value
from django.http import HttpRequest

from funds.models import Agreement, Membership, Organisation


@dataclass
class MemberNav:
    """Computed only when a page without an agreement in its context renders the menu."""

    request: HttpRequest

    @cached_property
    def _place(self) -> tuple[Organisation | None, str | None, int | None]:
        """One query: the member's organisation (the URL's, else their only one), role and
        the year (the URL's, else the organisation's latest)."""
        user = self.request.user
        if not user.is_authenticated:
            return None, None, None
        match = self.request.resolver_match
        kwargs = match.kwargs if match else {}
        latest = Subquery(
            Agreement.objects.filter(organisation=OuterRef("pk"))
            .order_by("-year")
            .values("year")[:1]
        )
        organisations = Organisation.objects.for_user(user).annotate(latest_year=latest)
        if "code" in kwargs:
            organisations = organisations.filter(code=kwargs["code"])
        elif "county" in kwargs:  # a county's pages: the county partnership's menu, if a member
            organisations = organisations.filter(
                code=f"L{kwargs['county']}", kind=Organisation.Kind.COUNTY_PARTNERSHIP
            )
        if user.is_superuser:
            role = Value(Membership.Role.ADMINISTRATOR)
        else:
            role = Subquery(
                Membership.objects.filter(user=user, organisation=OuterRef("pk")).values("role")[:1]
            )
        found = list(organisations.annotate(nav_role=role)[:2])
        if len(found) != 1:
            return None, None, None
        year = kwargs.get("year")
        return found[0], found[0].nav_role, year if isinstance(year, int) else found[0].latest_year

    @property
    def organisation(self) -> Organisation | None:
        return self._place[0]

    @property
    def role(self) -> str | None:
        return self._place[1]

    @property
    def year(self) -> int | None:
        return self._place[2]


def member_nav(request: HttpRequest) -> dict:
    """Context processor: `member_nav`, lazily, for base.html's year menu."""
    return {"member_nav": MemberNav(request)}


# Which menu item a page belongs to, by its URL name: the item is marked aria-current
# ("page" on the item's own page, "true" on a page below it).
SECTIONS = {
    "overview": {
        "year_overview",
        "home",
        "agreement_areas",
        "agreement_area_add",
        "agreement_area_edit",
        "year_start",
        "partnership_list",
        "partnership_add",
        "partnership_edit",
        "organisation_overview",
    },
    "allocation": {
        "allocation_matrix",
        "allocation_history",
        "allocation_cell_history",
        "agreement_decision",
        "allocation_comment",
        "allocation_import",
        "allocation_rollover",
        "allocation_priorities",
    },
    "board": {"followup_board"},
    "followups": {
        "followup_list",
        "followup_edit",
        "followup_intervention_new",
        "followup_intervention_edit",
        "followup_intervention_delete",
    },
    "repayments": {"repayments"},
    "decision": {"decision_preview", "decision_edit", "organisation_settings"},
    "survey": {"survey_check"},
    "coverage": {"coverage"},
    "calls": {
        "call_list",
        "call_create",
        "call_detail",
        "call_edit",
        "call_application",
        "call_ranking",
        "call_decision",
        "review_list",
        "review_application",
    },
    "plans": {
        "plan_list",
        "plan_create",
        "plan_detail",
        "plan_edit",
        "goal_area_create",
        "goal_area_edit",
        "priority_create",
        "priority_edit",
        "activity_create",
        "activity_edit",
        "goal_create",
        "goal_edit",
        "indicator_create",
        "indicator_detail",
        "indicator_edit",
    },
    "recipients": {"recipient_list", "recipient_create", "recipient_import", "recipient_edit"},
    "members": {"member_list", "member_invite", "member_edit"},
}
SECTION_OF = {name: section for section, names in SECTIONS.items() for name in names}


def nav_section(request: HttpRequest) -> dict:
    """Context processor: `nav_section`, the menu item the page belongs to (no query)."""
    match = request.resolver_match
    return {"nav_section": SECTION_OF.get(match.url_name) if match else None}
