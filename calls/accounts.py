"""Applicant accounts: signing up with an e-mail address and activating it by a one-time link."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from signin.ratelimit import mail_allowed


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """One-time: the token covers is_active, so it stops working once the account is active."""

    key_salt = "calls.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_verification_token = EmailVerificationTokenGenerator()


def applicant_register(
    *, request: HttpRequest, email: str, name: str, phone: str, password: str
) -> User | None:
    """An inactive account and a one-time link to activate it, sent to the address. The
    visitor's answer is the same whatever happens here: if the address already has an account
    (or a double click created it a moment ago) its owner gets a note instead of a link, and
    beyond the mail limits nothing is sent. Returns the new account, if one was made."""
    from calls.models import ApplicantProfile

    if not mail_allowed(request, "signup", email):
        return None
    first, _, last = name.strip().partition(" ")
    taken = Q(username__iexact=email) | Q(email__iexact=email)
    try:
        with transaction.atomic():
            if User.objects.filter(taken).exists():
                raise IntegrityError("the address has an account")
            user = User.objects.create_user(
                username=email, email=email, password=password, first_name=first, last_name=last
            )
            user.is_active = False
            user.save(update_fields=["is_active"])
            ApplicantProfile.objects.create(user=user, phone=phone)
    except IntegrityError:
        reset = {"reset": reverse("password_reset")}
        _mail(
            "Ditt konto för att söka stimulansmedel", "calls/email_account_exists.txt", email, reset
        )
        return None
    link = reverse(
        "applicant_verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    context = {"user": user, "link": settings.SITE_URL + link}
    _mail("Bekräfta din e-postadress", "calls/email_verify.txt", email, context)
    return user


def _mail(subject: str, template: str, email: str, context: dict) -> None:
    text = render_to_string(template, {**context, "site": settings.SITE_URL})
    send_mail(subject, text, None, [email])


def applicant_activate(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    user.applicant_profile.verified_at = timezone.now()
    user.applicant_profile.save(update_fields=["verified_at"])
