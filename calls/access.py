"""Who may see a call and its applications. Outsiders get 404 (not even confirmed to exist)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from calls.models import Application, Call, ConflictDeclaration, ReviewerAssignment
from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user
from funds.models import Agreement, Membership


def published_calls() -> QuerySet[Call]:
    return Call.objects.filter(status=Call.Status.OPEN).select_related(
        "agreement__organisation", "priority_area"
    )


def is_applicant(request: HttpRequest) -> bool:
    return request.user.is_authenticated and hasattr(request.user, "applicant_profile")


def require_applicant(request: HttpRequest) -> None:
    if not is_applicant(request):
        raise PermissionDenied("Logga in med ett konto för sökande för att ansöka.")


def call_for_editor(request: HttpRequest, code: str, year: int, call_id: int) -> Call:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    call = get_object_or_404(
        Call.objects.select_related("priority_area"), pk=call_id, agreement=agreement
    )
    call.agreement = agreement  # keeps user_role for the page and the year navigation
    return call


def own_application(request: HttpRequest, application_id: int) -> Application:
    """The signed-in applicant's own application; anyone else's is 404."""
    return get_object_or_404(
        Application.objects.select_related("call__agreement__organisation"),
        pk=application_id,
        applicant=request.user,
    )


def is_editor(user, agreement: Agreement) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=agreement.organisation_id, role__in=EDITOR_ROLES
    ).exists()


def conflicted_ids(user, call: Call) -> set[int]:
    """The call's applications for which `user` (reviewer or coordinator) declared jäv."""
    return set(
        ConflictDeclaration.objects.filter(
            assignment__call=call, assignment__reviewer=user, has_conflict=True
        ).values_list("application_id", flat=True)
    )


def cleared_editor(user, application: Application) -> bool:
    """A coordinator of the organisation who has not declared jäv for this application."""
    return is_editor(user, application.call.agreement) and application.pk not in conflicted_ids(
        user, application.call
    )


def cleared_reviewer(user, application: Application) -> bool:
    """Still a member of the organisation, assigned to the call and has declared no jäv for
    this application: removing the membership ends the access at once."""
    member = Membership.objects.filter(
        user=user,
        organisation_id=application.call.agreement.organisation_id,
        role__in=VIEWER_ROLES,
    ).exists()
    return (
        member
        and ConflictDeclaration.objects.filter(
            assignment__call_id=application.call_id,
            assignment__reviewer=user,
            application=application,
            has_conflict=False,
        ).exists()
    )


def viewable_application(request: HttpRequest, application_id: int) -> Application:
    """For files: the applicant, the organisation's coordinators, or a reviewer, each only
    while a member and cleared of jäv for it. Everyone else gets 404, like the pages."""
    application = get_object_or_404(
        Application.objects.select_related("call__agreement__organisation"), pk=application_id
    )
    user = request.user
    if application.applicant_id == user.pk:
        return application
    if application.status != Application.Status.DRAFT and (
        cleared_editor(user, application) or cleared_reviewer(user, application)
    ):
        return application
    raise Http404


def assignment_for(request: HttpRequest, call: Call) -> ReviewerAssignment | None:
    return ReviewerAssignment.objects.filter(call=call, reviewer=request.user).first()


def call_for_reviewer(
    request: HttpRequest, code: str, year: int, call_id: int
) -> tuple[Call, ReviewerAssignment]:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    call = get_object_or_404(
        Call.objects.select_related("priority_area"), pk=call_id, agreement=agreement
    )
    call.agreement = agreement
    assignment = assignment_for(request, call)
    if assignment is None:
        raise PermissionDenied("Du är inte bedömare för den här utlysningen.")
    return call, assignment
