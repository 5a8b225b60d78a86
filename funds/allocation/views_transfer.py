"""Moving allocations in and out: the Excel download and upload, and starting a new year.

The upload is two steps. Posting a file shows a preview and saves nothing; the file's bytes
wait in the session (at most 2 MB, one file per year and session) until "Spara" posts the
preview's token back. The save reads the file again and checks it against the database as
it is then, so a preview never saves what it did not show.
"""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user
from funds.allocation.export import allocations_export, xlsx_filename
from funds.allocation.imports import (
    ImportOutdated,
    ImportPlan,
    ImportRefused,
    allocations_import,
    allocations_import_plan,
    import_refusal,
)
from funds.allocation.rollover import (
    allocations_roll_over,
    default_mapping,
    previous_agreement,
    rollover_refusal,
)
from funds.allocation.upload import (
    check_upload,
    read_import_rows,
    rows_from_session,
    rows_to_session,
)
from funds.models import Agreement, PriorityArea
from funds.xlsx import XLSX_CONTENT_TYPE, ImportFileError

IMPORT_TEMPLATE = "funds/allocation_import.html"
ROLLOVER_TEMPLATE = "funds/allocation_rollover.html"


# --- Download ----------------------------------------------------------------------------


@login_required
@require_GET
def allocation_export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    response = HttpResponse(allocations_export(agreement=agreement), content_type=XLSX_CONTENT_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(
        True, xlsx_filename(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Upload ------------------------------------------------------------------------------


class UploadedSheet:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        self.rows = read_import_rows(data)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel-fil (.xlsx)",
        help_text="Högst 2 MB och 5000 rader. Använd bladet Import i den nedladdade filen.",
        error_messages={
            "required": "Välj en Excel-fil att ladda upp.",
            "empty": "Filen är tom.",
            "invalid": "Ingen fil skickades. Välj filen igen.",
        },
        widget=forms.FileInput(
            attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}", "aria-describedby": "id_file_helptext"}
        ),
    )

    def clean_file(self) -> UploadedSheet:
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
            return UploadedSheet(upload.name, upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None


class ImportSaveForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    reason = forms.CharField(
        label="Skäl till ändringarna",
        max_length=500,
        required=False,
        help_text="Sparas i ändringshistoriken för varje belopp som ändras.",
        widget=forms.TextInput(attrs={"aria-describedby": "id_reason_helptext"}),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agreement.changes_need_reason:
            self.fields["reason"].required = True
            self.fields["reason"].label = "Skäl till ändringarna (krävs, året är beslutat)"
            self.fields["reason"].error_messages["required"] = (
                "Året är beslutat: ange ett skäl till ändringarna."
            )


def _session_key(agreement: Agreement) -> str:
    return f"allocation_import:{agreement.pk}"


def _remember(
    request: HttpRequest, agreement: Agreement, sheet: UploadedSheet, plan: ImportPlan
) -> str:
    token = secrets.token_urlsafe(24)
    # The parsed rows, not the file: saving uses exactly what was previewed, parsed once.
    request.session[_session_key(agreement)] = {
        "token": token,
        "name": sheet.name[:200],
        "rows": rows_to_session(sheet.rows),
        "sha256": hashlib.sha256(sheet.data).hexdigest(),
        "fingerprint": plan.fingerprint,
    }
    return token


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

    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted:
        if not form.is_valid():
            return render(request, IMPORT_TEMPLATE, _context(agreement, form=form), status=422)
        sheet = form.cleaned_data["file"]
        plan = allocations_import_plan(agreement=agreement, rows=sheet.rows)
        token = _remember(request, agreement, sheet, plan)
        save_form = ImportSaveForm(initial={"token": token}, agreement=agreement)
        return _render_preview(request, agreement, plan, name=sheet.name, save_form=save_form)
    return render(request, IMPORT_TEMPLATE, _context(agreement, form=form))


def _import_save(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    key = _session_key(agreement)
    pending = request.session.get(key)
    save_form = ImportSaveForm(request.POST, agreement=agreement)
    if not pending or request.POST.get("token") != pending.get("token"):
        form = ImportUploadForm()
        expired = (
            "Förhandsgranskningen har gått ut eller gäller en annan fil. Inget sparades. "
            "Ladda upp filen igen."
        )
        return render(
            request, IMPORT_TEMPLATE, _context(agreement, form=form, error=expired), status=409
        )
    rows = rows_from_session(pending["rows"])

    def preview_again(error: str, status: int) -> HttpResponse:
        plan = allocations_import_plan(agreement=agreement, rows=rows)
        pending["fingerprint"] = plan.fingerprint
        request.session.modified = True
        return _render_preview(
            request,
            agreement,
            plan,
            name=pending["name"],
            save_form=save_form,
            error=error,
            status=status,
        )

    if not save_form.is_valid():
        return preview_again("", 422)
    try:
        result = allocations_import(
            agreement=agreement,
            rows=rows,
            user=request.user,
            reason=save_form.cleaned_data["reason"],
            fingerprint=pending["fingerprint"],
        )
    except ImportOutdated as error:
        return preview_again(str(error), 409)
    except ImportRefused as error:
        return preview_again(str(error), 422)
    except ValidationError as error:
        return preview_again(" ".join(error.messages), 422)
    del request.session[key]
    parts = [f"{result.amounts_changed} belopp ändrades"]
    if result.comments_changed:
        parts.append(f"{result.comments_changed} kommentarer ändrades")
    messages.success(
        request,
        f"Filen {pending['name']} är importerad: {' och '.join(parts)}. "
        "Fördelningar som inte fanns i filen är oförändrade.",
    )
    return redirect("allocation_matrix", code=agreement.organisation.code, year=agreement.year)


# --- A new year from the last one --------------------------------------------------------


class RolloverForm(forms.Form):
    scale = forms.BooleanField(
        label="Skala om till nya tilldelade belopp",
        required=False,
        help_text=(
            "Beloppen inom varje nytt område räknas om i proportion så att de tillsammans blir "
            "exakt områdets tilldelade belopp, på öret."
        ),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_scale_helptext"}),
    )

    def __init__(
        self,
        *args,
        previous_areas: list[PriorityArea],
        current_areas: list[PriorityArea],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Ingen – förs inte över")]
        choices += [(str(area.pk), f"{area.number}. {area.name}") for area in current_areas]
        initial = default_mapping(previous_areas, current_areas)
        self.area_fields = []
        for area in previous_areas:
            name = f"area_{area.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{area.number}. {area.name}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial[area.pk] or "",
            )
            self.area_fields.append((area, self[name]))
        self.order_fields([name for name in self.fields if name != "scale"] + ["scale"])

    def mapping(self) -> dict[int, int | None]:
        return {area.pk: self.cleaned_data[f"area_{area.pk}"] for area, _ in self.area_fields}


@login_required
@require_http_methods(["GET", "POST"])
def allocation_rollover(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Create this year's allocations from last year's (on the new, empty year)."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    previous = previous_agreement(agreement)
    refusal = rollover_refusal(previous=previous, current=agreement)
    if refusal:
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            ROLLOVER_TEMPLATE,
            _context(agreement, refusal=refusal, previous=previous),
            status=status,
        )
    previous_areas = list(
        PriorityArea.objects.filter(agreement=previous)
        .annotate(allocated=Sum("allocations__amount"))
        .order_by("number")
    )
    current_areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    form = RolloverForm(
        request.POST or None, previous_areas=previous_areas, current_areas=current_areas
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = allocations_roll_over(
                previous=previous,
                current=agreement,
                mapping=form.mapping(),
                scale=form.cleaned_data["scale"],
                user=request.user,
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            text = (
                f"{result.created} fördelningar skapades från {previous.year}"
                f"{', omräknade till de nya tilldelade beloppen' if result.scaled else ''}."
            )
            for line in result.not_carried:
                messages.warning(request, f"Fördes inte över: {line}")
            messages.success(request, text)
            return redirect("allocation_matrix", code=agreement.organisation.code, year=year)
    return render(
        request,
        ROLLOVER_TEMPLATE,
        _context(
            agreement,
            previous=previous,
            form=form,
            previous_areas=previous_areas,
            current_areas=current_areas,
            error=error,
        ),
        status=422 if (form.errors or error) else 200,
    )
