"""Lockout of repeated failed sign-ins (django-axes): who the client is, how failures are
counted, and the Swedish page a locked-out client gets."""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front the N-th
    address from the right of X-Forwarded-For. Each proxy appends the address it was
    called from, so the entries left of those are whatever the client chose to send."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.SIGNIN_TRUSTED_PROXY_COUNT
    if count < 1:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[:50]
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username Axes records, cut to the 255 characters its column holds: Django's login
    form passes a longer one on to authentication, and storing it failed with a 500."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return username[:255] if isinstance(username, str) else None


class SignInAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, with an address limit of its own beside the account's.

    Axes sums the failures per lockout parameter (account, address) and compares the
    largest with one limit. A town hall's staff share one address, so the address gets
    SIGNIN_ADDRESS_FAILURE_LIMIT; and a single sign-on attempt has no username, so its
    failures never add up to a lock on "no username" that would stop everyone's sign-on.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if not get_client_username(request, credentials):
            by_account = 0
        if by_address >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            # Reported as reaching the one limit Axes compares with.
            return max(by_account, get_failure_limit(request, credentials))
        return by_account


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    return render(
        request,
        "signin/locked_out.html",
        {"minutes": settings.SIGNIN_LOCKOUT_MINUTES},
        status=429,
    )
