"""Coordinator pages: calls, their status and reviewers, ranking, the decision, diarium exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from calls import access
from calls.forms import (
    CallForm,
    CriterionFormSet,
    DecisionForm,
    ProposalForm,
    ReviewersForm,
    criteria_from,
)
from calls.models import Application, Call, ConflictDeclaration, Review, ReviewerAssignment, Score
from calls.queries import call_available, ranking, reserved_by_calls
from calls.responses import file_response, year_context
from calls.workflows import (
    Outcome,
    assignments_set,
    call_decide,
    call_save,
    call_set_status,
    proposals_set,
)
from funds.access import VIEWER_ROLES, agreement_for_user, can_edit
from funds.balance import agreement_balance
from funds.models import ZERO


@login_required
@require_safe
def call_list(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    editor = can_edit(agreement)
    calls = Call.objects.filter(agreement=agreement).select_related("priority_area")
    if not editor:
        calls = calls.filter(assignments__reviewer=request.user)
    calls = calls.annotate(
        submitted=Count("applications", filter=~Q(applications__status="draft"))
    ).order_by("-closes_at", "pk")
    reserved = reserved_by_calls(agreement)
    lines = [
        (
            line,
            reserved.get(line.area_id, ZERO),
            line.unallocated - reserved.get(line.area_id, ZERO),
        )
        for line in agreement_balance(agreement).lines
    ]
    return render(
        request,
        "calls/call_list.html",
        {**year_context(agreement), "calls": calls, "editor": editor, "lines": lines},
    )


def _call_form_page(request, agreement, call: Call | None) -> HttpResponse:
    instance = call or Call(agreement=agreement)
    if request.method == "POST":
        form = CallForm(request.POST, instance=instance, agreement=agreement)
        criteria = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and criteria.is_valid():
            try:
                saved = call_save(
                    call=form.save(commit=False),
                    criteria=criteria_from(criteria),
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Utlysningen är sparad.")
                return redirect(
                    "call_detail",
                    code=agreement.organisation.code,
                    year=agreement.year,
                    call_id=saved.pk,
                )
    else:
        form = CallForm(instance=instance, agreement=agreement)
        initial = [
            {"name": c.name, "description": c.description, "weight": c.weight}
            for c in (call.criteria.all() if call else [])
        ]
        criteria = CriterionFormSet(initial=initial, prefix="criteria")
    reserved = reserved_by_calls(agreement)
    lines = [
        (line, reserved.get(line.area_id, ZERO)) for line in agreement_balance(agreement).lines
    ]
    return render(
        request,
        "calls/call_form.html",
        {
            **year_context(agreement),
            "form": form,
            "criteria": criteria,
            "call": call,
            "lines": lines,
        },
    )


@login_required
def call_create(request: HttpRequest, code: str, year: int) -> HttpResponse:
    from funds.access import EDITOR_ROLES

    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    return _call_form_page(request, agreement, None)


@login_required
def call_edit(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    if call.status != Call.Status.DRAFT:
        messages.error(request, "En publicerad utlysning kan inte ändras.")
        return redirect("call_detail", code=code, year=year, call_id=call.pk)
    return _call_form_page(request, call.agreement, call)


@login_required
@require_safe
def call_detail(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    applications = call.applications.submitted().order_by("submitted_at", "pk")
    drafts = call.applications.filter(status=Application.Status.DRAFT).count()
    assignments = ReviewerAssignment.objects.filter(call=call).select_related("reviewer")
    declarations = ConflictDeclaration.objects.filter(
        assignment__call=call, has_conflict=True
    ).select_related("assignment__reviewer", "application")
    return render(
        request,
        "calls/call_detail.html",
        {
            **year_context(call.agreement),
            "call": call,
            "criteria": call.criteria.all(),
            "applications": applications,
            "drafts": drafts,
            "assignments": assignments,
            "conflicts": declarations,
            "reviewers_form": ReviewersForm(
                agreement=call.agreement,
                initial={"reviewers": [a.reviewer for a in assignments]},
            ),
            "reserved": call.amount if call.reserves_money else None,
            "available": call_available(call),
        },
    )


@login_required
@require_POST
def call_status(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    target = request.POST.get("status", "")
    try:
        call_set_status(call=call, status=target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            "Utlysningen är publicerad."
            if target == Call.Status.OPEN
            else "Utlysningen är stängd.",
        )
    return redirect("call_detail", code=code, year=year, call_id=call.pk)


@login_required
@require_POST
def call_reviewers(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    form = ReviewersForm(request.POST, agreement=call.agreement)
    if form.is_valid():
        assignments_set(call=call, reviewers=list(form.cleaned_data["reviewers"]))
        messages.success(request, "Bedömarna är sparade.")
    else:
        messages.error(request, "Bedömarna kunde inte sparas.")
    return redirect("call_detail", code=code, year=year, call_id=call.pk)


@login_required
@require_safe
def call_application(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    application = get_object_or_404(call.applications.submitted(), pk=application_id)
    reviews = (
        Review.objects.filter(application=application, submitted_at__isnull=False)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
    )
    return render(
        request,
        "calls/call_application.html",
        {
            **year_context(call.agreement),
            "call": call,
            "application": application,
            "reviews": reviews,
            "show_contact": True,
        },
    )


def _ranking_context(call: Call) -> dict:
    rows = ranking(call)
    requested = sum((row.application.amount_requested or ZERO for row in rows), ZERO)
    proposed = sum((row.application.proposed_amount or ZERO for row in rows), ZERO)
    return {
        "call": call,
        "rows": rows,
        "requested_total": requested,
        "proposed_total": proposed,
        "available": call_available(call),
    }


@login_required
def call_ranking(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    applications = list(call.applications.submitted())
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST, applications=applications)
        if form.is_valid():
            try:
                proposals_set(call=call, amounts=form.amounts())
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, "De föreslagna beloppen är sparade.")
                return redirect("call_ranking", code=code, year=year, call_id=call.pk)
        else:
            status = 400
    else:
        form = ProposalForm(applications=applications)
    context = _ranking_context(call)
    for row in context["rows"]:
        row.field = form[f"amount_{row.application.pk}"]
    return render(
        request,
        "calls/call_ranking.html",
        {**year_context(call.agreement), **context, "form": form},
        status=status,
    )


@login_required
def call_decision(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    ranked = [row.application for row in ranking(call)]
    status = 200
    if call.status == Call.Status.DECIDED:
        return redirect("call_detail", code=code, year=year, call_id=call.pk)
    if request.method == "POST":
        form = DecisionForm(request.POST, applications=ranked)
        if form.is_valid():
            data = form.cleaned_data
            outcomes = [
                Outcome(
                    application_id=a.pk,
                    granted=data[f"outcome_{a.pk}"] == "granted",
                    amount=data.get(f"amount_{a.pk}") or ZERO,
                    reason=data[f"reason_{a.pk}"],
                )
                for a in ranked
            ]
            try:
                call_decide(
                    call=call,
                    outcomes=outcomes,
                    registry_number=data["registry_number"],
                    decided_on=data["decided_on"],
                    announced_on=data["announced_on"],
                    decided_by=data["decided_by"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(
                    request, "Beslutet är registrerat, fördelningarna skapade och breven skickade."
                )
                return redirect("call_detail", code=code, year=year, call_id=call.pk)
        else:
            status = 400
    else:
        organisation = call.agreement.organisation
        form = DecisionForm(
            applications=ranked,
            initial={
                "registry_number": call.registry_number,
                "decided_by": organisation.delegate,
                "decided_on": timezone.localdate(),
                "announced_on": timezone.localdate(),
            },
        )
    return render(
        request,
        "calls/call_decision.html",
        {
            **year_context(call.agreement),
            "call": call,
            "form": form,
            "available": call_available(call),
        },
        status=status,
    )


# --- Public record (diarium) ---------------------------------------------------------------


@login_required
@require_safe
def call_export_xlsx(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    from calls.exports import record_xlsx

    call = access.call_for_editor(request, code, year, call_id)
    return file_response(
        record_xlsx(call),
        f"utlysning-{call.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_safe
def call_export_pdf(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    from calls.exports import record_applications
    from calls.letters import record_pdf

    call = access.call_for_editor(request, code, year, call_id)
    return file_response(
        record_pdf(call, record_applications(call)), f"utlysning-{call.pk}.pdf", "application/pdf"
    )
