"""The organisation's sent mail: every invitation, letter, receipt and reminder with its state
(köad, skickad, misslyckad), and "Skicka igen" for one that failed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from funds.access import organisation_admin_roles, organisation_for_user
from funds.models import MailDelivery
from funds.outbox import mail_resend


@login_required
def mail_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, organisation_admin_roles())
    deliveries = (
        MailDelivery.objects.filter(organisation=organisation)
        .defer("body", "attachment")
        .order_by("-created_at", "-pk")
    )
    counts = {state: deliveries.filter(state=state).count() for state in MailDelivery.State.values}
    page = Paginator(deliveries, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "onboarding/mail_list.html",
        {"organisation": organisation, "page": page, "counts": counts},
    )


@login_required
@require_POST
def mail_resend_view(request: HttpRequest, code: str, delivery_id: int) -> HttpResponse:
    organisation = organisation_for_user(request, code, organisation_admin_roles())
    delivery = get_object_or_404(MailDelivery, pk=delivery_id, organisation=organisation)
    to = ", ".join(delivery.recipients())
    if mail_resend(delivery=delivery):
        messages.success(
            request, f"{delivery.get_kind_display()} till {to} skickas igen inom kort."
        )
    else:
        messages.info(request, f"{delivery.get_kind_display()} till {to} är redan skickad.")
    return redirect("mail_list", code=code)
