"""Moving allocations in and out: the Excel download and upload, and starting a new year.

The upload is two steps. Posting a file shows a preview and saves nothing; the file's bytes
wait in the session (at most 2 MB, one file per year and session) until "Spara" posts the
preview's token back. The save reads the file again and checks it against the database as
it is then, so a preview never saves what it did not show.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user
from funds.allocation.forms import ImportSaveForm, ImportUploadForm, RolloverForm, UploadedSheet
from funds.allocation.imports import (
    ImportOutdated,
    ImportPlan,
    ImportRefused,
    ImportResult,
    allocations_import,
    allocations_import_plan,
    import_refusal,
)
from funds.allocation.rollover import (
    RolloverResult,
    allocations_roll_over,
    previous_agreement,
    rollover_areas,
    rollover_refusal,
)
from funds.allocation.upload import rows_from_session, rows_to_session
from funds.models import Agreement
from funds.pages import PREVIEW_EXPIRED, PendingPreview, workflow_run
from funds.xlsx import XLSX_CONTENT_TYPE

IMPORT_TEMPLATE = "funds/allocation_import.html"
ROLLOVER_TEMPLATE = "funds/allocation_rollover.html"


# --- Download ----------------------------------------------------------------------------


@login_required
@require_GET
def allocation_export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    from funds.allocation.export import allocations_export, xlsx_filename  # openpyxl: lazily

    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    response = HttpResponse(allocations_export(agreement=agreement), content_type=XLSX_CONTENT_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(
        True, xlsx_filename(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def allocation_import_template(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The workbook to fill in for the upload: the year's recipients and areas, and how."""
    from funds.allocation.export import allocations_template, template_filename  # openpyxl

    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    response = HttpResponse(
        allocations_template(agreement=agreement), content_type=XLSX_CONTENT_TYPE
    )
    response.headers["Content-Disposition"] = content_disposition_header(
        True, template_filename(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Upload ------------------------------------------------------------------------------


def _pending(request: HttpRequest, agreement: Agreement) -> PendingPreview:
    return PendingPreview(request, f"allocation_import:{agreement.pk}")


def _context(agreement: Agreement, **extra) -> dict:
    return {"agreement": agreement, "organisation": agreement.organisation, **extra}


def _render_preview(
    request: HttpRequest,
    agreement: Agreement,
    plan: ImportPlan,
    *,
    name: str,
    save_form: ImportSaveForm,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        IMPORT_TEMPLATE,
        _context(agreement, plan=plan, filename=name, save_form=save_form, error=error),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_import(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    refusal = import_refusal(agreement)
    if refusal:
        status = 409 if request.method == "POST" else 200
        return render(request, IMPORT_TEMPLATE, _context(agreement, refusal=refusal), status=status)
    if request.method == "POST" and request.POST.get("action") == "save":
        return _import_save(request, agreement)
    if request.method != "POST":
        return render(request, IMPORT_TEMPLATE, _context(agreement, form=ImportUploadForm()))
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, IMPORT_TEMPLATE, _context(agreement, form=form), status=422)
    return _import_preview(request, agreement, form.cleaned_data["file"])


def _import_preview(
    request: HttpRequest, agreement: Agreement, sheet: UploadedSheet
) -> HttpResponse:
    """The plan of a new upload; nothing saved, the parsed rows kept for the save."""
    plan = allocations_import_plan(agreement=agreement, rows=sheet.rows)
    token = _pending(request, agreement).keep(
        name=sheet.name[:200],
        rows=rows_to_session(sheet.rows),
        sha256=hashlib.sha256(sheet.data).hexdigest(),
        fingerprint=plan.fingerprint,
    )
    save_form = ImportSaveForm(initial={"token": token}, agreement=agreement)
    return _render_preview(request, agreement, plan, name=sheet.name, save_form=save_form)


def _import_save(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    pending = _pending(request, agreement)
    previewed = pending.posted()
    if previewed is None:
        context = _context(agreement, form=ImportUploadForm(), error=PREVIEW_EXPIRED)
        return render(request, IMPORT_TEMPLATE, context, status=409)
    rows = rows_from_session(previewed["rows"])
    save_form = ImportSaveForm(request.POST, agreement=agreement)
    error, status = "", 422
    if save_form.is_valid():
        try:
            result = allocations_import(
                agreement=agreement,
                rows=rows,
                user=request.user,
                reason=save_form.cleaned_data["reason"],
                fingerprint=previewed["fingerprint"],
            )
        except ImportOutdated as outdated:
            error, status = str(outdated), 409
        except ImportRefused as refused:
            error = str(refused)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            pending.forget()
            messages.success(request, _imported(previewed["name"], result))
            return redirect(
                "allocation_matrix", code=agreement.organisation.code, year=agreement.year
            )
    # Shown again as the database is now: the next save must match this preview.
    plan = allocations_import_plan(agreement=agreement, rows=rows)
    pending.update(fingerprint=plan.fingerprint)
    return _render_preview(
        request,
        agreement,
        plan,
        name=previewed["name"],
        save_form=save_form,
        error=error,
        status=status,
    )


def _imported(name: str, result: ImportResult) -> str:
    parts = [f"{result.amounts_changed} belopp ändrades"]
    if result.comments_changed:
        parts.append(f"{result.comments_changed} kommentarer ändrades")
    return (
        f"Filen {name} är importerad: {' och '.join(parts)}. "
        "Fördelningar som inte fanns i filen är oförändrade."
    )


# --- A new year from the last one --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def allocation_rollover(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Create this year's allocations from last year's (on the new, empty year)."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    previous = previous_agreement(agreement)
    refusal = rollover_refusal(previous=previous, current=agreement)
    if refusal:
        status = 409 if request.method == "POST" else 200
        context = _context(agreement, refusal=refusal, previous=previous)
        return render(request, ROLLOVER_TEMPLATE, context, status=status)
    previous_areas, current_areas = rollover_areas(previous=previous, current=agreement)
    form = RolloverForm(
        request.POST or None, previous_areas=previous_areas, current_areas=current_areas
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        result, error = workflow_run(
            lambda: allocations_roll_over(
                previous=previous,
                current=agreement,
                mapping=form.mapping(),
                scale=form.cleaned_data["scale"],
                user=request.user,
            )
        )
        if result is not None:
            _rolled_over(request, result)
            return redirect("allocation_matrix", code=agreement.organisation.code, year=year)
    context = _context(
        agreement,
        previous=previous,
        form=form,
        previous_areas=previous_areas,
        current_areas=current_areas,
        error=error,
    )
    return render(
        request, ROLLOVER_TEMPLATE, context, status=422 if (form.errors or error) else 200
    )


def _rolled_over(request: HttpRequest, result: RolloverResult) -> None:
    for line in result.not_carried:
        messages.warning(request, f"Fördes inte över: {line}")
    messages.success(
        request,
        f"{result.created} fördelningar skapades från {result.previous.year}"
        f"{', omräknade till de nya tilldelade beloppen' if result.scaled else ''}.",
    )
