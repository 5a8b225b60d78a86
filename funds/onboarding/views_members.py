"""An organisation's members and invitations: list, invite, change role, re-send or withdraw an
invitation, remove; and the page where the invited person uses the link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from funds.access import organisation_admin_roles, organisation_for_user
from funds.models import Invitation, Membership, Organisation
from funds.onboarding.forms import InviteForm, MembershipForm
from funds.onboarding.invitations import (
    invitation_accept,
    invitation_account,
    invitation_for_token,
    invitation_resend,
    inviter_name,
    member_invite,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _admin_organisation(request: HttpRequest, code: str) -> Organisation:
    return organisation_for_user(request, code, organisation_admin_roles())


def _membership(request: HttpRequest, code: str, membership_id: int) -> Membership:
    organisation = _admin_organisation(request, code)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "recipient"),
        pk=membership_id,
        organisation=organisation,
    )
    membership.organisation = organisation
    return membership


def _invitation(request: HttpRequest, code: str, invitation_id: int) -> Invitation:
    organisation = _admin_organisation(request, code)
    return get_object_or_404(
        Invitation.objects.select_related("organisation"),
        pk=invitation_id,
        organisation=organisation,
        accepted_at__isnull=True,
    )


def _own(request: HttpRequest, membership: Membership) -> bool:
    """Nobody changes or removes their own membership: an administrator could lock the
    organisation out of its own user page."""
    if membership.user_id == request.user.pk:
        messages.error(
            request,
            "Du kan inte ändra eller ta bort ditt eget medlemskap. Be en kollega.",
        )
        return True
    return False


@login_required
def member_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _admin_organisation(request, code)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "recipient")
        .order_by("role", "user__email", "user__username")
    )
    invitations = (
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True)
        .select_related("recipient", "invited_by")
        .order_by("email")
    )
    return render(
        request,
        "onboarding/member_list.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite_view(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _admin_organisation(request, code)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = member_invite(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"En inbjudan till {invitation.email} ({invitation.get_role_display().lower()}) "
                "skickas inom kort. Behörigheten gäller när länken i mejlet har använts.",
            )
            return redirect("member_list", code=organisation.code)
    return render(
        request,
        "onboarding/member_invite.html",
        {"organisation": organisation, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    membership = _membership(request, code, membership_id)
    organisation: Organisation = membership.organisation
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST":
        if _own(request, membership):
            return redirect("member_list", code=organisation.code)
        if form.is_valid():
            form.save()
            messages.success(
                request,
                f"{membership.user.email or membership.user.username} är nu "
                f"{membership.get_role_display().lower()}.",
            )
            return redirect("member_list", code=organisation.code)
    return render(
        request,
        "onboarding/member_edit.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "own": membership.user_id == request.user.pk,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    membership = _membership(request, code, membership_id)
    if not _own(request, membership):
        who = membership.user.email or membership.user.username
        membership.delete()
        messages.success(
            request,
            f"{who} har inte längre behörighet i {membership.organisation}. Kontot finns kvar "
            "för eventuella andra organisationer.",
        )
    return redirect("member_list", code=code)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, code: str, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, code, invitation_id)
    invitation_resend(invitation=invitation, invited_by=request.user)
    messages.success(
        request,
        f"En ny inbjudan till {invitation.email} skickas inom kort. Den gamla länken slutar gälla.",
    )
    return redirect("member_list", code=code)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, code: str, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, code, invitation_id)
    invitation.delete()
    messages.success(
        request, f"Inbjudan till {invitation.email} är återkallad. Länken fungerar inte längre."
    )
    return redirect("member_list", code=code)


def _accepted(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Signed in with the new password where passwords are used; else to the login page."""
    role = membership.get_role_display().lower()
    if not settings.LOCAL_PASSWORDS_ENABLED:
        messages.success(request, f"Du är nu {role} i {membership.organisation}. Logga in.")
        return redirect("login")
    login(request, membership.user, backend=MODEL_BACKEND)
    messages.success(request, f"Välkommen! Du är nu {role} i {membership.organisation}.")
    return redirect("home")


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a new password for the address's account (new or existing), then
    the membership; other sessions of the account end with the old password. With local
    passwords off (single sign-on only) the person just accepts, and any password the
    account had is removed."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(
            request, "registration/invitation_accept.html", {"validlink": False}, status=404
        )
    user = invitation_account(invitation)
    passwords = settings.LOCAL_PASSWORDS_ENABLED
    data = request.POST if request.method == "POST" else None
    form = SetPasswordForm(user, data) if passwords else Form(data)
    if form.is_valid():
        try:
            membership = invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"] if passwords else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _accepted(request, membership)
    context = {
        "validlink": True,
        "form": form,
        "invitation": invitation,
        "existing": user.pk is not None,
        "passwords": passwords,
        "invited_by": inviter_name(invitation.invited_by, invitation.organisation),
    }
    return render(
        request, "registration/invitation_accept.html", context, status=422 if form.errors else 200
    )
