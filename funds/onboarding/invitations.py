"""Inviting people into an organisation by e-mail.

An invitation is a user without a usable password plus a Membership; the e-mail carries a
one-time link made with Django's `default_token_generator`, so no invitation table is
needed: the token is bound to the user's password hash and last login, and stops working
the moment the password is set (or after PASSWORD_RESET_TIMEOUT). Someone who already has
an account (matched by e-mail) only gets the new membership and a notice.

The username is the e-mail address: it is what people type on the login page, and what a
single sign-on provider's verified e-mail is matched against.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from funds.models import Membership, Organisation, Recipient

User = get_user_model()


def is_invited(user) -> bool:
    """Invited and not yet accepted: no password chosen, never logged in."""
    return not user.has_usable_password() and user.last_login is None


def invitation_link(*, user, request: HttpRequest) -> str:
    path = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _absolute(path, request)


@dataclass(frozen=True)
class InviteResult:
    membership: Membership
    new_account: bool


def member_invite(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    recipient: Recipient | None,
    first_name: str = "",
    last_name: str = "",
    invited_by,
    request: HttpRequest,
) -> InviteResult:
    """Give the person a membership (and an account if they have none) and e-mail them."""
    email = email.strip().lower()
    if role == Membership.Role.REPORTER and recipient is None:
        raise ValidationError("En rapportör måste höra till en mottagare.", code="recipient")
    if recipient is not None and recipient.organisation_id != organisation.pk:
        raise ValidationError("Mottagaren hör till en annan organisation.", code="recipient")
    if role != Membership.Role.REPORTER:
        recipient = None
    try:
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).order_by("pk").first()
            new_account = user is None
            if new_account:
                user = User(username=email, email=email, first_name=first_name, last_name=last_name)
                user.set_unusable_password()
                user.save()
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, recipient=recipient
            )
    except IntegrityError:
        # The e-mail is already someone's username, or the person is already a member
        # (a double submit): both are refused rather than half-done.
        raise ValidationError(
            f"{email} är redan medlem i {organisation} eller används av ett annat konto.",
            code="exists",
        ) from None
    invitation_send(membership=membership, request=request, invited_by=invited_by)
    return InviteResult(membership, new_account)


def invitation_send(*, membership: Membership, request: HttpRequest, invited_by) -> None:
    """The invitation e-mail: a one-time link for an invited user, a notice for someone who
    already has a password."""
    user = membership.user
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "user": user,
        "invited_by": invited_by.get_full_name() or invited_by.username,
        "link": invitation_link(user=user, request=request) if is_invited(user) else "",
        "login_url": _absolute(reverse("login"), request),
    }
    subject = f"Inbjudan till Stimulansmedel psykisk hälsa – {membership.organisation}"
    body = render_to_string("onboarding/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def _absolute(path: str, request: HttpRequest) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)
