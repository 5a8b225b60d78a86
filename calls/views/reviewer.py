"""Reviewer pages: the applications of a call to assess, the jäv declaration and the scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from calls import access
from calls.forms import ConflictForm, ScoreForm
from calls.models import Review, Score
from calls.responses import year_context
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


@login_required
def review_application(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    call, assignment = access.call_for_reviewer(request, code, year, call_id)
    application = get_object_or_404(call.applications.submitted(), pk=application_id)
    declaration = assignment.declarations.filter(application=application).first()
    context = {**year_context(call.agreement), "call": call, "application": application}
    status = 200
    if declaration is None:
        form = ConflictForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                conflict_declare(
                    assignment=assignment,
                    application=application,
                    has_conflict=form.cleaned_data["has_conflict"],
                    explanation=form.cleaned_data["explanation"],
                )
                return redirect(request.path)
            status = 400
        return render(
            request, "calls/review_conflict.html", {**context, "form": form}, status=status
        )
    if declaration.has_conflict:
        raise PermissionDenied(
            "Du har anmält jäv för den här ansökan och kan inte se eller bedöma den."
        )
    review = assignment.reviews.filter(application=application).first()
    submitted = review is not None and review.submitted_at is not None
    form = None
    if not submitted:
        form = ScoreForm(request.POST or None, criteria=call.criteria.all())
        if request.method == "POST":
            if form.is_valid():
                try:
                    review_submit(
                        assignment=assignment, application=application, scores=form.scores()
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, "Din bedömning är inskickad.")
                    return redirect(request.path)
            status = 400
    others = []
    if submitted:
        # Others' scores only after one's own: nobody anchors on a colleague's judgement.
        others = (
            Review.objects.filter(application=application, submitted_at__isnull=False)
            .select_related("assignment__reviewer")
            .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
            .order_by("pk")
        )
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
