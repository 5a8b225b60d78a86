"""One insats of a report on its own page: a new one, a saved one, and removing one behind a
confirmation page. Access as the report page: agreement_for_user (404 outside the user's
organisations), the role (403), the recipient's lineage or the grant (404), and the insats
must belong to the report (404)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from funds.access import agreement_for_user, require_role
from funds.followup.forms import DeleteInterventionForm, InterventionForm
from funds.followup.rules import Missing
from funds.followup.views import (
    REPORT_READERS,
    REPORT_WRITERS,
    _get_allocation_for_user,
    report_editable,
    report_redirect,
)
from funds.followup.workflows import FollowUpConflict, intervention_delete, intervention_save
from funds.models import Agreement, Allocation, FollowUp, Intervention

PAGE = "funds/followup_intervention.html"
DELETE_PAGE = "funds/followup_intervention_delete.html"
CONFLICT = (
    "Någon annan har ändrat redovisningen medan du hade sidan öppen. Inget sparades. Läs "
    "redovisningen igen, eller spara på nytt för att ersätta insatsen med det du skrev."
)
CONFLICT_DELETE = (
    "Någon annan har ändrat redovisningen medan du hade sidan öppen. Inget togs bort. Läs "
    "redovisningen igen, eller bekräfta på nytt om insatsen ändå ska tas bort."
)


def _intervention(allocation: Allocation, intervention_id: int) -> Intervention:
    """The insats of this allocation's report, or 404."""
    return get_object_or_404(
        Intervention.objects.select_related("follow_up").prefetch_related(
            "categories", "plan_priorities"
        ),
        follow_up__allocation=allocation,
        pk=intervention_id,
    )


@dataclass(frozen=True)
class _Insats:
    """What the page of one insats is about: `intervention` is None for a new one."""

    agreement: Agreement
    allocation: Allocation
    follow_up: FollowUp | None
    intervention: Intervention | None

    @property
    def version(self) -> int:
        return self.follow_up.version if self.follow_up else 0

    @property
    def number(self) -> int:
        """The insats's number on the report, counted by id as the report page does."""
        if self.follow_up is None:
            return 1
        earlier = self.follow_up.interventions
        if self.intervention is not None:
            earlier = earlier.filter(pk__lt=self.intervention.pk)
        return earlier.count() + 1


def _render(request, insats: _Insats, form, errors=(), status: int = 200) -> HttpResponse:
    context = {
        "agreement": insats.agreement,
        "organisation": insats.agreement.organisation,
        "allocation": insats.allocation,
        "follow_up": insats.follow_up,
        "intervention": insats.intervention,
        "number": insats.number,
        "form": form,
        "errors": list(errors),
        "editable": report_editable(insats.agreement, insats.follow_up),
    }
    return render(request, PAGE, context, status=status)


def _answer(request: HttpRequest, insats: _Insats) -> HttpResponse:
    """GET shows the form; a POST saves the insats and returns to the report."""
    form_for = partial(InterventionForm.for_agreement, insats.agreement, insats.intervention)
    if request.method != "POST":
        return _render(request, insats, form_for(insats.version))
    require_role(insats.agreement, REPORT_WRITERS)
    form = form_for(insats.version, request.POST)
    if not form.is_valid():
        return _render(request, insats, form, form.summary_errors(), status=422)
    number = insats.number
    try:
        _, saved = intervention_save(
            allocation=insats.allocation,
            expected_version=form.cleaned_data["version"],
            item=form.to_input(insats.intervention.pk if insats.intervention else None),
            user=request.user,
        )
    except FollowUpConflict as conflict:
        # The page again with what was typed, carrying the version that is current now.
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(conflict.current_version)
        current = replace(insats, follow_up=conflict.current)
        errors = [Missing(CONFLICT, "insats-form")]
        return _render(request, current, form_for(conflict.current_version, data), errors, 409)
    except ValidationError as error:
        errors = [Missing(message, "insats-form") for message in error.messages]
        return _render(request, insats, form, errors, status=422)
    messages.success(request, f"Insats {number}, ”{saved.name}”, är sparad.")
    return report_redirect(insats.agreement, insats.allocation, f"insats-{number}")


@login_required
def followup_intervention_new(
    request: HttpRequest, code: str, year: int, allocation_id: int
) -> HttpResponse:
    """A new insats of the report ("Lägg till insats"): nothing is saved before "Spara"."""
    agreement = agreement_for_user(request, code, year, REPORT_WRITERS)
    allocation = _get_allocation_for_user(request, agreement, allocation_id)
    follow_up = FollowUp.objects.filter(allocation=allocation).first()
    return _answer(request, _Insats(agreement, allocation, follow_up, None))


@login_required
def followup_intervention_edit(
    request: HttpRequest, code: str, year: int, allocation_id: int, intervention_id: int
) -> HttpResponse:
    """A saved insats: read by every role that reads the report, changed by its writers."""
    agreement = agreement_for_user(request, code, year, REPORT_READERS)
    allocation = _get_allocation_for_user(request, agreement, allocation_id)
    intervention = _intervention(allocation, intervention_id)
    follow_up = intervention.follow_up
    return _answer(request, _Insats(agreement, allocation, follow_up, intervention))


@login_required
def followup_intervention_delete(
    request: HttpRequest, code: str, year: int, allocation_id: int, intervention_id: int
) -> HttpResponse:
    """Removing an insats: a GET asks, a POST of the confirmation removes it."""
    agreement = agreement_for_user(request, code, year, REPORT_WRITERS)
    allocation = _get_allocation_for_user(request, agreement, allocation_id)
    intervention = _intervention(allocation, intervention_id)
    follow_up = intervention.follow_up
    form = DeleteInterventionForm(request.POST or None, initial={"version": follow_up.version})
    error, status = "", 200
    if request.method == "POST" and not form.is_valid():
        error, status = "Formuläret kunde inte läsas. Ladda om sidan och försök igen.", 400
    elif request.method == "POST":
        try:
            intervention_delete(
                allocation=allocation,
                expected_version=form.cleaned_data["version"],
                intervention_pk=intervention.pk,
                user=request.user,
            )
        except FollowUpConflict as conflict:
            error, status = CONFLICT_DELETE, 409
            form = DeleteInterventionForm(initial={"version": conflict.current_version})
        except ValidationError as refused:
            error, status = " ".join(refused.messages), 422
        else:
            messages.success(request, f"Insatsen ”{intervention.name}” är borttagen.")
            return report_redirect(agreement, allocation, "insatser")
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "allocation": allocation,
        "intervention": intervention,
        "form": form,
        "error": error,
        "editable": report_editable(agreement, follow_up),
    }
    return render(request, DELETE_PAGE, context, status=status)
