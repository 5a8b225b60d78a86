"""Coordinator pages: calls, their status and reviewers, ranking, the decision, diarium exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from calls.models import Application, Call, ConflictDeclaration, ReviewerAssignment
from calls.pages import file_response, form_saved, year_context
from calls.queries import (
    application_totals,
    call_available,
    letter_states,
    ranking,
    recipient_suggestion,
    reservation_lines,
    reservation_totals,
    submitted_reviews,
)
from calls.workflows import (
    applicant_link,
    assignments_set,
    call_decide,
    call_save,
    call_set_status,
    decider_refusal,
    proposals_set,
)
from funds.access import VIEWER_ROLES, agreement_for_user, can_edit, organisation_admin_roles
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
    lines = reservation_lines(agreement)
    return render(
        request,
        "calls/call_list.html",
        {
            **year_context(agreement),
            "calls": calls,
            "editor": editor,
            "lines": lines,
            "line_totals": reservation_totals(lines),
        },
    )


def _call_form_page(request, agreement, call: Call | None) -> HttpResponse:
    instance = call or Call(agreement=agreement)
    if request.method == "POST":
        form = CallForm(request.POST, instance=instance, agreement=agreement)
        criteria = CriterionFormSet(request.POST, prefix="criteria")

        def save() -> None:
            call_save(
                call=form.save(commit=False), criteria=criteria_from(criteria), user=request.user
            )

        if criteria.is_valid() and form_saved(request, form, save, "Utlysningen är sparad."):
            # call_save saved the form's own instance, so a new call has its pk now.
            return redirect(
                "call_detail",
                code=agreement.organisation.code,
                year=agreement.year,
                call_id=form.instance.pk,
            )
    else:
        form = CallForm(instance=instance, agreement=agreement)
        initial = [
            {"name": c.name, "description": c.description, "weight": c.weight}
            for c in (call.criteria.all() if call else [])
        ]
        criteria = CriterionFormSet(initial=initial, prefix="criteria")
    return render(
        request,
        "calls/call_form.html",
        {
            **year_context(agreement),
            "form": form,
            "criteria": criteria,
            "call": call,
            "lines": reservation_lines(agreement),
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
    applications = list(call.applications.submitted().order_by("submitted_at", "pk"))
    letters = letter_states(call) if call.status == Call.Status.DECIDED else None
    for application in applications:
        application.letter_state = (letters or {}).get(application.pk, "")
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
            "totals": application_totals(applications),
            "drafts": drafts,
            "assignments": assignments,
            "conflicts": declarations,
            "reviewers_form": ReviewersForm(
                agreement=call.agreement,
                initial={"reviewers": [a.reviewer for a in assignments]},
            ),
            "reserved": call.amount if call.reserves_money else None,
            "available": call_available(call),
            "letters": letters,
            "can_resend": call.agreement.user_role in organisation_admin_roles(),
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


def _cleared_application(request: HttpRequest, call: Call, application_id: int) -> Application:
    """A submitted application of the call, unless the coordinator declared jäv for it."""
    application = get_object_or_404(
        call.applications.submitted().select_related("recipient", "applicant"), pk=application_id
    )
    if application.pk in access.conflicted_ids(request.user, call):
        raise PermissionDenied(
            "Du har anmält jäv för den här ansökan och kan inte se den eller dess bedömningar."
        )
    return application


@login_required
@require_safe
def call_application(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    application = _cleared_application(request, call, application_id)
    link_url = reverse("call_application_link", args=[code, year, call.pk, application.pk])
    return render(
        request,
        "calls/call_application.html",
        {
            **year_context(call.agreement),
            "call": call,
            "application": application,
            "reviews": submitted_reviews(application),
            "show_contact": True,
            "suggestion": recipient_suggestion(application),
            "link_url": link_url,
            "links": application.account_links.select_related("recipient", "linked_by"),
        },
    )


@login_required
def call_application_link(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    """Confirm, then link the applicant's account to the recipient its number matched."""
    call = access.call_for_editor(request, code, year, call_id)
    application = _cleared_application(request, call, application_id)
    if application.recipient is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            applicant_link(application=application, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, f"Kontot är kopplat till {application.recipient.name} som rapportör."
            )
            return redirect("call_application", code, year, call.pk, application.pk)
    context = {**year_context(call.agreement), "call": call, "application": application}
    context.update(recipient=application.recipient, extra_errors=errors)
    return render(
        request, "calls/call_application_link.html", context, status=400 if errors else 200
    )


def _ranking_page(
    request: HttpRequest, call: Call, form: ProposalForm, status: int = 200
) -> HttpResponse:
    rows = ranking(call)
    conflicted = access.conflicted_ids(request.user, call)
    for row in rows:
        row.field = form[f"amount_{row.application.pk}"]
        if row.application.pk in conflicted:
            # Jäv: the coordinator sees neither the score nor how many have reviewed it.
            row.weighted, row.reviews, row.conflict = None, None, True
    # Nor its place: those rows go last (a stable sort keeps the others in score order).
    rows.sort(key=lambda row: getattr(row, "conflict", False))
    context = {
        "refusal": decider_refusal(call, request.user),
        "call": call,
        "rows": rows,
        "requested_total": sum((r.application.amount_requested or ZERO for r in rows), ZERO),
        "proposed_total": sum((r.application.proposed_amount or ZERO for r in rows), ZERO),
        "available": call_available(call),
        "form": form,
    }
    return render(
        request,
        "calls/call_ranking.html",
        {**year_context(call.agreement), **context},
        status=status,
    )


@login_required
def call_ranking(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    applications = list(call.applications.submitted())
    if request.method != "POST":
        return _ranking_page(request, call, ProposalForm(applications=applications))
    form = ProposalForm(request.POST, applications=applications)

    def save() -> None:
        proposals_set(call=call, amounts=form.amounts(), user=request.user)

    if form_saved(request, form, save, "De föreslagna beloppen är sparade."):
        return redirect("call_ranking", code=code, year=year, call_id=call.pk)
    return _ranking_page(request, call, form, status=400)


def _decision_page(
    request: HttpRequest, call: Call, form: DecisionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "calls/call_decision.html",
        {
            **year_context(call.agreement),
            "call": call,
            "form": form,
            "available": call_available(call),
            "refusal": decider_refusal(call, request.user),
        },
        status=status,
    )


@login_required
def call_decision(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call = access.call_for_editor(request, code, year, call_id)
    if call.status == Call.Status.DECIDED:
        return redirect("call_detail", code=code, year=year, call_id=call.pk)
    ranked = [row.application for row in ranking(call)]
    for application in ranked:
        application.suggestion = recipient_suggestion(application)
    if request.method != "POST":
        form = DecisionForm(applications=ranked, initial=DecisionForm.initial_for(call))
        return _decision_page(request, call, form)
    form = DecisionForm(request.POST, applications=ranked)

    def save() -> None:
        call_decide(call=call, outcomes=form.outcomes(), user=request.user, **form.decision())

    done = (
        "Beslutet är registrerat och fördelningarna skapade. Beslutsbreven skickas inom kort; "
        "vid varje ansökan står om brevet har skickats."
    )
    if form_saved(request, form, save, done):
        return redirect("call_detail", code=code, year=year, call_id=call.pk)
    return _decision_page(request, call, form, status=400)


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
