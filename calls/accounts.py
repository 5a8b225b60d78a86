"""Applicant accounts: signing up with an e-mail address and activating it by a one-time link."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """One-time: the token covers is_active, so it stops working once the account is active."""

    key_salt = "calls.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_verification_token = EmailVerificationTokenGenerator()


def applicant_register(*, email: str, name: str, phone: str, password: str) -> User:
    """An inactive account and a one-time link to activate it, sent to the address."""
    from calls.models import ApplicantProfile

    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(
            username=email, email=email, password=password, first_name=first, last_name=last
        )
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApplicantProfile.objects.create(user=user, phone=phone)
    link = settings.SITE_URL + reverse(
        "applicant_verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    send_mail(
        "Bekräfta din e-postadress",
        render_to_string("calls/email_verify.txt", {"user": user, "link": link}),
        None,
        [email],
    )
    return user


def applicant_activate(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    user.applicant_profile.verified_at = timezone.now()
    user.applicant_profile.save(update_fields=["verified_at"])
