"""Public pages of calls: open calls, and signing up and verifying an applicant account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_safe

from calls import access, accounts
from calls.accounts import applicant_activate, email_verification_token
from calls.forms import RegisterForm
from calls.models import Application, Call


@require_safe
def call_public_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    calls = access.published_calls().filter(closes_at__gt=now).order_by("closes_at", "pk")[:200]
    return render(request, "calls/public_list.html", {"calls": calls, "now": now})


@require_safe
def call_public_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.exclude(status=Call.Status.DRAFT).select_related(
            "agreement__organisation", "priority_area"
        ),
        pk=call_id,
    )
    own = None
    if request.user.is_authenticated:
        own = Application.objects.filter(call=call, applicant=request.user).first()
    return render(
        request,
        "calls/public_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "own": own,
            "is_applicant": access.is_applicant(request),
        },
    )


def applicant_register_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            accounts.applicant_register(
                request=request,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
            )
            return render(
                request, "calls/register_sent.html", {"email": form.cleaned_data["email"]}
            )
    else:
        form = RegisterForm()
    return render(request, "calls/register.html", {"form": form})


def applicant_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    valid = (
        user is not None
        and hasattr(user, "applicant_profile")
        and email_verification_token.check_token(user, token)
    )
    if not valid:
        return render(request, "calls/verify_failed.html", status=400)
    if request.method != "POST":
        # A GET only shows a button: mail scanners that follow links must not use it up.
        return render(request, "calls/verify.html", {"email": user.email})
    applicant_activate(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "E-postadressen är bekräftad och du är inloggad.")
    return redirect("application_list")
