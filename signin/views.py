"""Sign-in pages: the login form (local passwords and the single sign-on button), the
refusal page of single sign-on, and the administrators' page of locked accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc import views as oidc_views

from signin.refusal import REFUSAL_SESSION_KEY

LOCAL_PASSWORDS_OFF = (
    "Inloggning med lösenord är avstängd här. Logga in med organisationens konto i stället."
)


class LoginView(auth_views.LoginView):
    """Django's login view, with the single sign-on button, and without passwords when
    DJANGO_LOCAL_PASSWORDS_ENABLED is off."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            oidc_enabled=settings.OIDC_ENABLED,
            oidc_button_label=settings.OIDC_BUTTON_LABEL,
            local_passwords_enabled=settings.LOCAL_PASSWORDS_ENABLED,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS_ENABLED:
            # The password is not even looked at; no backend would check it either.
            context = self.get_context_data(passwords_refused=LOCAL_PASSWORDS_OFF)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)


class _SingleSignOnOnly:
    """Single sign-on's own URLs answer 404 while it is switched off (and unconfigured)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is off.")
        return super().dispatch(request, *args, **kwargs)


class SingleSignOnStart(_SingleSignOnOnly, oidc_views.OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The parent reads the provider's settings here, which are absent while it is off.
        if settings.OIDC_ENABLED:
            super().__init__(*args, **kwargs)
        else:
            View.__init__(self, *args, **kwargs)


class SingleSignOnCallback(_SingleSignOnOnly, oidc_views.OIDCAuthenticationCallbackView):
    @property
    def failure_url(self) -> str:
        return reverse("signin_refused")


REFUSALS = {
    "unknown": "Det finns inget konto i tjänsten för {email}. En administratör behöver "
    "bjuda in dig innan du kan logga in.",
    "unverified": "Inloggningstjänsten har inte bekräftat e-postadressen {email}. Kontakta "
    "din it-avdelning.",
    "no_email": "Inloggningstjänsten skickade ingen e-postadress för ditt konto. Kontakta "
    "din it-avdelning.",
    "ambiguous": "Flera konton i tjänsten har e-postadressen {email}. En administratör "
    "behöver rätta det innan du kan logga in.",
    "provider": "Inloggningstjänsten svarade inte som den skulle. Försök igen om en stund.",
}
REFUSAL_UNKNOWN_CAUSE = "Inloggningen avbröts eller kunde inte slutföras. Försök igen."


def refused(request: HttpRequest) -> HttpResponse:
    """Where single sign-on sends whoever it did not sign in, with the reason if known."""
    refusal = request.session.pop(REFUSAL_SESSION_KEY, None) or {}
    text = REFUSALS.get(refusal.get("reason"), REFUSAL_UNKNOWN_CAUSE)
    return render(
        request,
        "signin/refused.html",
        {"reason": text.format(email=refusal.get("email") or "din e-postadress")},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def locks(request: HttpRequest) -> HttpResponse:
    """Accounts and addresses locked by repeated failed sign-ins; a superuser unlocks them."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        _unlock(request)
        return redirect("signin_locks")
    accounts, addresses = _locked()
    return render(
        request,
        "signin/locks.html",
        {
            "accounts": accounts,
            "addresses": addresses,
            "minutes": settings.SIGNIN_LOCKOUT_MINUTES,
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.SIGNIN_ADDRESS_FAILURE_LIMIT,
        },
    )


def _unlock(request: HttpRequest) -> None:
    """Unlock the account or address the form names, with a message either way."""
    kind, value = request.POST.get("kind"), request.POST.get("value", "")[:255]
    if kind == "account" and value:
        reset(username=value)
        messages.success(request, f"Kontot {value} är upplåst.")
    elif kind == "address" and value:
        reset(ip=value)
        messages.success(request, f"Adressen {value} är upplåst.")
    else:
        messages.error(request, "Ange ett konto eller en adress att låsa upp.")


def _locked() -> tuple[QuerySet, QuerySet]:
    """The accounts and the addresses over their failure limit within the cool-off time,
    most recent first (200 of each at most)."""
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    accounts = (
        recent.exclude(username=None)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")[:200]
    )
    addresses = (
        recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.SIGNIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-last")[:200]
    )
    return accounts, addresses
