"""Inviting people into an organisation by e-mail: nothing is granted until the link is used.

An invitation is a row (address, role, organisation, who invited) and a random one-time
token, of which only the SHA-256 is stored. Using the link sets a new password for the
account with that address (created then if there is none) and only then gives it the
membership. So an account someone registered in advance with a future colleague's address
gains nothing from the invitation: the colleague, who holds the link, chooses the password,
and Django's session check ends every session signed in with the old one.

The username is the e-mail address: it is what people type on the login page, and what a
single sign-on provider's verified e-mail is matched against.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from funds.models import (
    COUNTY_COORDINATOR_ONLY,
    Invitation,
    MailDelivery,
    Membership,
    Organisation,
    Recipient,
)
from funds.outbox import mail_enqueue

User = get_user_model()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def inviter_name(user, organisation: Organisation) -> str:
    """The inviting person as the mail names them: their full name, never a username; a
    colleague without a name on the account by e-mail address."""
    if user is None:
        return f"En administratör i {organisation}"
    if user.get_full_name():
        return user.get_full_name()
    if user.is_superuser:
        return "Webbplatsens administratör"
    return user.email or f"En administratör i {organisation}"


def member_invite(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    recipient: Recipient | None,
    first_name: str = "",
    last_name: str = "",
    invited_by,
) -> Invitation:
    """Record the invitation and queue its mail in one transaction."""
    email = email.strip().lower()
    if role == Membership.Role.REPORTER and recipient is None:
        raise ValidationError("En rapportör måste höra till en mottagare.", code="recipient")
    if recipient is not None and recipient.organisation_id != organisation.pk:
        raise ValidationError("Mottagaren hör till en annan organisation.", code="recipient")
    if role != Membership.Role.REPORTER:
        recipient = None
    if (
        role == Membership.Role.COUNTY_COORDINATOR
        and organisation.kind != Organisation.Kind.COUNTY_PARTNERSHIP
    ):
        raise ValidationError(COUNTY_COORDINATOR_ONLY, code="role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(f"{email} är redan medlem i {organisation}.", code="member")
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                role=role,
                recipient=recipient,
                first_name=first_name,
                last_name=last_name,
                invited_by=invited_by,
                token_hash=_hash(token),
                expires_at=_expiry(),
            )
            _mail(invitation, token)
    except IntegrityError:
        raise ValidationError(
            f"{email} har redan en inbjudan till {organisation} som inte är använd. "
            "Skicka den igen från listan i stället.",
            code="exists",
        ) from None
    return invitation


def invitation_resend(*, invitation: Invitation, invited_by) -> Invitation:
    """A new link (the old one stops working) with a new expiry, and its mail queued."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError("Inbjudan är redan använd.", code="accepted")
        invitation.token_hash = _hash(token)
        invitation.expires_at = _expiry()
        invitation.invited_by = invited_by
        invitation.save(update_fields=["token_hash", "expires_at", "invited_by"])
        _mail(invitation, token)
    return invitation


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)


def _mail(invitation: Invitation, token: str) -> None:
    organisation = invitation.organisation
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "invited_by": inviter_name(invitation.invited_by, organisation),
        "link": settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token]),
        "days": settings.INVITATION_DAYS,
    }
    mail_enqueue(
        organisation=organisation,
        kind=MailDelivery.Kind.INVITATION,
        object_id=invitation.pk,
        to=[invitation.email],
        subject=f"Inbjudan till Stimulansmedel psykisk hälsa – {organisation}",
        body=render_to_string("onboarding/email/invitation.txt", context),
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation the link belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "recipient", "invited_by")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invitation_account(invitation: Invitation):
    """The account the invitation will be given to: the existing one with the address, or a
    new, unsaved one."""
    user = User.objects.filter(email__iexact=invitation.email).order_by("pk").first()
    if user is None:
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
    return user


def invitation_accept(*, invitation: Invitation, password: str | None) -> Membership:
    """Use the invitation: the account's new password (None: no usable password, for single
    sign-on only), then the membership. Changing the password hash ends every session of
    the account (Django checks it on each request). The invitation row is locked, so a
    double submit cannot use it twice."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if invitation is None:
            raise ValidationError("Inbjudan är redan använd eller har gått ut.", code="used")
        user = invitation_account(invitation)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.is_active = True
        user.save()
        membership, _ = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "recipient": invitation.recipient},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership
