"""Who may read and change an organisation's plans.

Organisations and memberships live in the funds app. `plans` must not import funds
(STYLE.md), so it reaches those two models through the app registry: the same lazy coupling
as `ActionPlan.owner = ForeignKey("funds.Organisation")`, and never any of funds' money.
The role names below mirror funds.access; tests/plans/test_access.py keeps them in step.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, OuterRef, Subquery, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from plans.models import ActionPlan

EDITOR_ROLES = frozenset({"admin", "coordinator"})
VIEWER_ROLES = EDITOR_ROLES | {"reader"}
# Plans hold no money, and a reporter links their insatser to the plan's priorities, so a
# reporter may read plans (unlike the money pages).
READER_ROLES = VIEWER_ROLES | {"reporter"}


def _organisation_model() -> type[Model]:
    return apps.get_model("funds", "Organisation")


def organisation_for_user(request: HttpRequest, code: str) -> Model:
    """The organisation with `user_role` annotated, in one query; 404 outside the user's
    organisations, so another organisation's plans are not even confirmed to exist."""
    organisation_model = _organisation_model()
    membership_model = apps.get_model("funds", "Membership")
    user = request.user
    role = (
        Value("admin")
        if user.is_superuser
        else Subquery(
            membership_model.objects.filter(user=user, organisation=OuterRef("pk")).values("role")[
                :1
            ]
        )
    )
    return get_object_or_404(
        organisation_model.objects.for_user(user).annotate(user_role=role), code=code
    )


def require_role(organisation: Model, roles: frozenset[str]) -> None:
    """403 for members whose role does not allow the page (a reporter, or a reader editing)."""
    if organisation.user_role not in roles:
        raise PermissionDenied("Din roll ger inte behörighet till den här sidan.")


def can_edit(organisation: Model) -> bool:
    return organisation.user_role in EDITOR_ROLES


def plan_for_user(
    request: HttpRequest, code: str, plan_id: int, roles: frozenset[str]
) -> ActionPlan:
    """The plan, with its owner carrying `user_role`; 404 outside, 403 for the wrong role."""
    organisation = organisation_for_user(request, code)
    require_role(organisation, roles)
    plan = get_object_or_404(ActionPlan, pk=plan_id, owner=organisation)
    plan.owner = organisation
    return plan
