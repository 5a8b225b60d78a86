"""Reviewer pages: the applications of a call to assess, the jäv declaration and the scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from calls import access
from calls.forms import ConflictForm, ScoreForm
from calls.models import Application, ReviewerAssignment
from calls.pages import form_saved, year_context
from calls.queries import submitted_reviews
from calls.workflows import conflict_declare, review_submit


@login_required
@require_safe
def review_list(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call, assignment = access.call_for_reviewer(request, code, year, call_id)
    declarations = {d.application_id: d for d in assignment.declarations.all()}
    reviews = {r.application_id: r for r in assignment.reviews.all()}
    rows = [
        (a, declarations.get(a.pk), reviews.get(a.pk))
        for a in call.applications.submitted().order_by("submitted_at", "pk")
    ]
    return render(
        request,
        "calls/review_list.html",
        {**year_context(call.agreement), "call": call, "rows": rows},
    )


def _conflict_page(
    request: HttpRequest, assignment: ReviewerAssignment, application: Application, context: dict
) -> HttpResponse:
    """Before anything else a reviewer declares whether they have a conflict of interest."""
    form = ConflictForm(request.POST or None)
    status = 200

    def save() -> None:
        conflict_declare(
            assignment=assignment,
            application=application,
            has_conflict=form.cleaned_data["has_conflict"],
            explanation=form.cleaned_data["explanation"],
        )

    if request.method == "POST":
        if form_saved(request, form, save, "Din jävsdeklaration är sparad."):
            return redirect(request.path)
        status = 400
    return render(request, "calls/review_conflict.html", {**context, "form": form}, status=status)


def _score_page(
    request: HttpRequest, assignment: ReviewerAssignment, application: Application, context: dict
) -> HttpResponse:
    review = assignment.reviews.filter(application=application).first()
    submitted = review is not None and review.submitted_at is not None
    form = None
    status = 200
    if not submitted:
        form = ScoreForm(request.POST or None, criteria=context["call"].criteria.all())

        def save() -> None:
            review_submit(assignment=assignment, application=application, scores=form.scores())

        if request.method == "POST":
            if form_saved(request, form, save, "Din bedömning är inskickad."):
                return redirect(request.path)
            status = 400
    # Others' scores only after one's own: nobody anchors on a colleague's judgement.
    others = submitted_reviews(application).order_by("pk") if submitted else []
    return render(
        request,
        "calls/review_score.html",
        {
            **context,
            "form": form,
            "submitted": submitted,
            "reviews": others,
            "attachments": application.attachments.defer("content"),
        },
        status=status,
    )


@login_required
def review_application(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    call, assignment = access.call_for_reviewer(request, code, year, call_id)
    application = get_object_or_404(call.applications.submitted(), pk=application_id)
    declaration = assignment.declarations.filter(application=application).first()
    context = {**year_context(call.agreement), "call": call, "application": application}
    if declaration is None:
        return _conflict_page(request, assignment, application, context)
    if request.method == "POST" and "has_conflict" in request.POST:
        # The same declaration posted twice (a double click): the first one stands.
        messages.info(request, "Jäv är redan anmält för den här ansökan.")
        return redirect(request.path)
    if declaration.has_conflict:
        raise PermissionDenied(
            "Du har anmält jäv för den här ansökan och kan inte se eller bedöma den."
        )
    return _score_page(request, assignment, application, context)
