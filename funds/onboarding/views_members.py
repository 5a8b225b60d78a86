"""An organisation's members: list, invite, change role, re-send the invitation, remove; and
the invited person's page where they choose their password (Django's token machinery)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from funds.access import organisation_for_user
from funds.models import Membership, Organisation
from funds.onboarding.forms import InviteForm, MembershipForm
from funds.onboarding.invitations import invitation_send, is_invited, member_invite

ADMIN_ROLES = {Membership.Role.ADMINISTRATOR}


def _membership(request: HttpRequest, code: str, membership_id: int) -> Membership:
    organisation = organisation_for_user(request, code, ADMIN_ROLES)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "recipient"),
        pk=membership_id,
        organisation=organisation,
    )
    membership.organisation = organisation
    return membership


def _own(request: HttpRequest, membership: Membership) -> bool:
    """Nobody changes or removes their own membership: an administrator could lock the
    organisation out of its own user page."""
    if membership.user_id == request.user.pk:
        messages.error(
            request,
            "Du kan inte ändra eller ta bort ditt eget medlemskap. Be en annan administratör.",
        )
        return True
    return False


@login_required
def member_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, ADMIN_ROLES)
    memberships = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "recipient")
        .order_by("role", "user__email", "user__username")
    )
    for membership in memberships:
        membership.invited = is_invited(membership.user)
    return render(
        request,
        "onboarding/member_list.html",
        {"organisation": organisation, "memberships": memberships},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite_view(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, ADMIN_ROLES)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = member_invite(
                organisation=organisation,
                email=data["email"],
                role=data["role"],
                recipient=data["recipient"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            role = result.membership.get_role_display().lower()
            if result.new_account:
                text = f"En inbjudan har skickats till {data['email']} ({role})."
            else:
                text = (
                    f"{data['email']} har redan ett konto och har fått behörighet som {role} "
                    f"i {organisation}. Ett meddelande har skickats."
                )
            messages.success(request, text)
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
            "invited": is_invited(membership.user),
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
def member_resend(request: HttpRequest, code: str, membership_id: int) -> HttpResponse:
    membership = _membership(request, code, membership_id)
    if not membership.user.email:
        messages.error(request, "Kontot saknar e-postadress; inbjudan kan inte skickas.")
    else:
        invitation_send(membership=membership, request=request, invited_by=request.user)
        messages.success(request, f"Inbjudan har skickats igen till {membership.user.email}.")
    return redirect("member_list", code=code)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation link: the person chooses a password, then logs in. Django's token
    check, once-only (the token dies with the unusable password), and the usual
    password validators."""

    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("login")
    title = "Välj lösenord"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Ditt lösenord är sparat. Logga in med användarnamnet {form.user.username}.",
        )
        return response
