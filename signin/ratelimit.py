"""Limits on the mails anyone can make the site send (password reset, sign-up verification):
per address and per client, counted in the cache over a sliding hour."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest

from signin.lockout import client_ip

WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    """One more use of `key` within the window; the count so far, this one included."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def mail_allowed(request: HttpRequest, kind: str, address: str) -> bool:
    """Whether a `kind` mail to `address` may go out now. Every ask counts, sent or not, so
    a client that keeps asking stays refused. The caller answers the same either way: the
    answer must not tell whether the address has an account."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    per_address = _count(f"mail:{kind}:address:{digest}")
    per_client = _count(f"mail:{kind}:client:{client_ip(request)}")
    return (
        per_address <= settings.MAIL_LIMIT_PER_ADDRESS
        and per_client <= settings.MAIL_LIMIT_PER_CLIENT
    )


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending nothing beyond the limits. The page after it reads the
    same whether a mail went out, was held back or the address has no account."""

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        if request is not None and not mail_allowed(request, "reset", self.cleaned_data["email"]):
            return
        super().save(*args, request=request, **kwargs)
