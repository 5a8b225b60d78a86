"""The year overview and what the capabilities share: the audit trail, deciding and advancing
the year, adding a recipient; the home page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit
from funds.balance import agreement_balance
from funds.forms import DecisionForm, RecipientAddForm, StatusChangeForm
from funds.models import (
    Agreement,
    Allocation,
    AllocationChange,
    Membership,
    Organisation,
    PriorityArea,
    Recipient,
)
from funds.overview import follow_up_progress, overview_chart
from funds.pages import status_change_page
from funds.year.forms import national_label
from funds.year.status import (
    CLOSE,
    DECIDE,
    FOLLOW_UP,
    REOPEN,
    agreement_status_change,
    status_change_plan,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Take the user to their organisation's latest year."""
    agreement = (
        Agreement.objects.filter(organisation__in=Organisation.objects.for_user(request.user))
        .select_related("organisation")
        .order_by("-year", "organisation__name")
        .first()
    )
    if agreement is None:
        memberships = request.user.memberships.select_related("organisation").order_by(
            "organisation__name"
        )
        for membership in memberships:
            membership.sees_overview = membership.role in VIEWER_ROLES
        return render(request, "funds/no_agreement.html", {"memberships": memberships})
    code, year = agreement.organisation.code, agreement.year
    role = (
        Membership.objects.filter(user=request.user, organisation=agreement.organisation)
        .values_list("role", flat=True)
        .first()
    )
    if role == Membership.Role.COUNTY_COORDINATOR:  # code is "L" + länskod
        return redirect("analysis_county_coordinator", county=code[1:], year=year)
    reporter = role in (Membership.Role.REPORTER, Membership.Role.GRANTEE)
    return redirect("followup_list" if reporter else "year_overview", code=code, year=year)


def _years(agreement: Agreement) -> list[int]:
    return list(
        Agreement.objects.filter(organisation_id=agreement.organisation_id)
        .order_by("year")
        .values_list("year", flat=True)
    )


@login_required
def year_overview(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    balance = agreement_balance(agreement)
    years = _years(agreement)
    # The national area of each line (number, short name, follow-up route): year set-up.
    kind = agreement.organisation.kind
    areas = {
        area.pk: area
        for area in PriorityArea.objects.filter(agreement=agreement)
        .select_related("national_area")
        .prefetch_related("national_area__fundings")
    }
    lines = []
    for line in balance.lines:
        area = areas.get(line.area_id)
        if area is None or not area.is_mapped:
            national = ""
        elif area.national_area is None:
            national = "Egen prioritering"
        else:
            national = national_label(area.national_area, kind)
        lines.append((line, national, area is not None and not area.is_mapped))
    reports, progress = follow_up_progress(agreement)
    return render(
        request,
        "funds/year_overview.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "balance": balance,
            "lines": lines,
            "years": years,
            # Starting the next year needs this year to start from and no later year yet.
            "can_start_next": can_edit(agreement) and years[-1] == agreement.year,
            "chart": overview_chart(balance),
            "reports": reports,
            "progress": progress,
        },
    )


# The allocation workspace: the matrix and its cells are in funds/allocation/views.py. -------


@login_required
def allocation_history(
    request: HttpRequest,
    code: str,
    year: int,
    area_id: int | None = None,
    recipient_id: int | None = None,
) -> HttpResponse:
    """The audit trail of one cell, or of the whole year."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    changes = (
        AllocationChange.objects.filter(allocation__priority_area__agreement=agreement)
        .select_related("allocation__recipient", "allocation__priority_area", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    area = recipient = None
    if area_id is not None:
        area = get_object_or_404(PriorityArea, pk=area_id, agreement=agreement)
        recipient = get_object_or_404(
            Recipient, pk=recipient_id, organisation=agreement.organisation
        )
        changes = changes.filter(allocation__priority_area=area, allocation__recipient=recipient)
    allocation = (
        Allocation.objects.filter(priority_area=area, recipient=recipient).first() if area else None
    )
    return render(
        request,
        "funds/allocation_history.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "changes": changes,
            "area": area,
            "recipient": recipient,
            "allocation": allocation,
            "untracked": _untracked(agreement, area, recipient),
            "trail": None if area else agreement.status_changes.select_related("changed_by"),
        },
    )


def _untracked(agreement: Agreement, area, recipient) -> dict:
    """The amounts that were read in when the year was set up (the demo's files) and have no
    change of their own in the trail: how many, and their sum. One query."""
    amounts = Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0).exclude(
        Exists(AllocationChange.objects.filter(allocation=OuterRef("pk")))
    )
    if area is not None:
        amounts = amounts.filter(priority_area=area, recipient=recipient)
    return amounts.aggregate(count=Count("pk"), total=Sum("amount"))


DECISION_FIELDS = ("registry_number", "decided_on", "decided_by")
DONE = {
    DECIDE: "Fördelningen för {year} är beslutad.",
    FOLLOW_UP: "Uppföljningen för {year} är startad.",
    CLOSE: "Året {year} är avslutat.",
    REOPEN: "Året {year} är öppnat igen.",
}


@login_required
def agreement_status_change_page(
    request: HttpRequest, code: str, year: int, change: str
) -> HttpResponse:
    """Deciding, starting follow-up, closing and reopening the year: each a confirmation page
    (a GET changes nothing); the page's form does the change."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    plan = status_change_plan(agreement, change)
    if change == DECIDE:
        initial = DecisionForm.initial_for(agreement.organisation)
        form = DecisionForm(request.POST or None, plan=plan, initial=initial)
    else:
        form = StatusChangeForm(request.POST or None, plan=plan)

    def workflow(data: dict) -> Agreement:
        decision = {name: data[name] for name in DECISION_FIELDS if name in data}
        return agreement_status_change(
            agreement=agreement,
            change=change,
            expected_status=data["expected_status"],
            user=request.user,
            reason=data["reason"],
            decision=decision or None,
        )

    done = DONE[change].format(year=year)
    return status_change_page(request, plan=plan, form=form, workflow=workflow, done=done)


@login_required
@require_POST
def recipient_add(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Add a new recipient to the organisation, valid from the start of this year."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    form = RecipientAddForm(request.POST, organisation=agreement.organisation, year=year)
    if form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.name} har lagts till.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("allocation_matrix", code=code, year=year)
