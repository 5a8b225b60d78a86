"""Who may see and change what. Every query for data starts from the user's organisations."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Value
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from funds.models import Agreement, Membership, Organisation

EDITOR_ROLES = {Membership.Role.ADMINISTRATOR, Membership.Role.COORDINATOR}
VIEWER_ROLES = EDITOR_ROLES | {Membership.Role.READER}


def agreement_for_user(
    request: HttpRequest, code: str, year: int, roles: set[str] | None = None
) -> Agreement:
    """The agreement with `user_role` annotated, in one query; 404 outside the user's
    organisations, so another organisation's years are not even confirmed to exist. With
    `roles`, a member whose role is not among them gets 403."""
    user = request.user
    role = (
        Value(Membership.Role.ADMINISTRATOR)
        if user.is_superuser
        else Subquery(
            Membership.objects.filter(user=user, organisation=OuterRef("organisation")).values(
                "role"
            )[:1]
        )
    )
    agreement = get_object_or_404(
        Agreement.objects.select_related("organisation").annotate(user_role=role),
        organisation__in=Organisation.objects.for_user(user),
        organisation__code=code,
        year=year,
    )
    if roles is not None:
        require_role(agreement, roles)
    return agreement


def require_role(agreement: Agreement, roles: set[str]) -> None:
    """403 for members whose role does not allow the page (e.g. a reporter on the matrix)."""
    if agreement.user_role not in roles:
        raise PermissionDenied("Din roll ger inte behörighet till den här sidan.")


def can_edit(agreement: Agreement) -> bool:
    return agreement.user_role in EDITOR_ROLES


# --- Organisation-level pages (onboarding: recipients, members, first agreement) ----------


def organisation_admin_roles() -> set[str]:
    """The roles that administer their own organisation (members, settings, logo, sent
    mail): settings.ORGANISATION_ADMIN_ROLES, administrators and coordinators by default."""
    return set(settings.ORGANISATION_ADMIN_ROLES)


def organisation_for_user(
    request: HttpRequest, code: str, roles: set[str] | None = None
) -> Organisation:
    """The organisation with `user_role` annotated, in one query: 404 outside the user's
    organisations, 403 for a member whose role is not among `roles`."""
    user = request.user
    role = (
        Value(Membership.Role.ADMINISTRATOR)
        if user.is_superuser
        else Subquery(
            Membership.objects.filter(user=user, organisation=OuterRef("pk")).values("role")[:1]
        )
    )
    organisation = get_object_or_404(
        Organisation.objects.for_user(user).annotate(user_role=role), code=code
    )
    if roles is not None and organisation.user_role not in roles:
        raise PermissionDenied("Din roll ger inte behörighet till den här sidan.")
    organisation.can_administer = organisation.user_role in organisation_admin_roles()
    return organisation


def county_partnership_for_user(request: HttpRequest, county: str) -> Organisation:
    """The county partnership ("L" + länskod) where the user is länssamordnare: 404 outside
    the user's organisations (another county's partnership is not even confirmed to exist),
    403 for any other role in it (a reader of the partnership, its administrator)."""
    organisation = organisation_for_user(
        request, f"L{county}", {Membership.Role.COUNTY_COORDINATOR}
    )
    if organisation.kind != Organisation.Kind.COUNTY_PARTNERSHIP:
        raise Http404("Det finns ingen länsgemensam organisation med den koden.")
    return organisation


def require_superuser(request: HttpRequest) -> None:
    """Pages that create organisations are for the site's administrators only."""
    if not request.user.is_superuser:
        raise PermissionDenied("Bara webbplatsens administratörer kan lägga upp organisationer.")
