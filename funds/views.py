from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit, require_role
from funds.allocations import (
    AllocationConflict,
    agreement_advance,
    agreement_decide,
    allocation_set,
)
from funds.balance import agreement_balance
from funds.forms import DecisionForm, RecipientAddForm
from funds.matrix import Cell, Matrix, build_matrix
from funds.models import (
    Agreement,
    Allocation,
    AllocationChange,
    Membership,
    Organisation,
    PriorityArea,
    Recipient,
)
from funds.money import format_amount_input, format_kr, parse_amount
from funds.overview import follow_up_progress, overview_chart
from funds.year.forms import national_label

MATRIX = "funds/allocation_matrix.html"


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
        return render(request, "funds/no_agreement.html")
    code, year = agreement.organisation.code, agreement.year
    reporter = Membership.objects.filter(
        user=request.user, organisation=agreement.organisation, role=Membership.Role.REPORTER
    ).exists()
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


# The allocation workspace ----------------------------------------------------------------


class CellState:
    """What one cell shows: the stored allocation, or what the user typed and why it failed."""

    def __init__(self, cell: Cell, *, typed: str | None = None, error: str = "") -> None:
        self.cell = cell
        self.error = error
        self.value = (
            typed
            if typed is not None
            else (format_amount_input(cell.amount) if cell.allocation and cell.amount else "")
        )


def _matrix_context(
    agreement: Agreement, matrix: Matrix, states: dict[str, CellState] | None = None
) -> dict:
    for cell in matrix.cells():
        cell.state = (states or {}).get(cell.key) or CellState(cell)
    return {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "matrix": matrix,
        "editable": can_edit(agreement) and agreement.is_editable,
        "can_edit": can_edit(agreement),
        "kinds": Recipient.Kind.choices,
    }


def _cell_fields(area_id: int, recipient_id: int) -> tuple[str, str]:
    return f"amount-{area_id}-{recipient_id}", f"version-{area_id}-{recipient_id}"


def _save_cell(request: HttpRequest, agreement: Agreement, cell: Cell) -> tuple[bool, str, str]:
    """Save one posted cell. Returns (saved, typed value, error message in Swedish)."""
    amount_field, version_field = _cell_fields(cell.area.pk, cell.recipient.pk)
    typed = request.POST.get(amount_field, "").strip()
    try:
        amount = parse_amount(typed) if typed else parse_amount("0")
        expected = int(request.POST.get(version_field, "0"))
    except ValidationError as error:
        return False, typed, error.messages[0]
    except ValueError:
        return False, typed, "Formuläret var ofullständigt. Ladda om sidan och försök igen."
    try:
        allocation_set(
            area=cell.area,
            recipient=cell.recipient,
            amount=amount,
            expected_version=expected,
            user=request.user,
            reason=request.POST.get("reason", ""),
        )
    except AllocationConflict as conflict:
        current = format_kr(conflict.current_amount) if conflict.current else "inget belopp"
        return (
            False,
            typed,
            (
                f"Någon annan har ändrat beloppet till {current} medan du redigerade. "
                f"Ditt värde ({typed or 'tomt'}) sparades inte."
            ),
        )
    except ValidationError as error:
        return False, typed, error.messages[0]
    return True, typed, ""


@login_required
def allocation_matrix(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    matrix = build_matrix(agreement)
    context = _matrix_context(agreement, matrix)
    if request.method == "POST":
        # Without JavaScript the whole matrix is one form: save every cell that changed.
        require_role(agreement, EDITOR_ROLES)
        states, saved = {}, 0
        for group in matrix.groups:
            for row in group.rows:
                for cell in row.cells:
                    amount_field, _ = _cell_fields(cell.area.pk, cell.recipient.pk)
                    if amount_field not in request.POST:
                        continue
                    typed = request.POST[amount_field].strip()
                    try:
                        unchanged = (parse_amount(typed) if typed else 0) == cell.amount
                    except ValidationError:
                        unchanged = False
                    if unchanged:
                        continue
                    ok, typed, error = _save_cell(request, agreement, cell)
                    if ok:
                        saved += 1
                    else:
                        states[cell.key] = CellState(cell, typed=typed, error=error)
        if not states:
            messages.success(request, f"{saved} belopp sparades.")
            return redirect("allocation_matrix", code=code, year=year)
        context = _matrix_context(agreement, build_matrix(agreement), states)
        messages.error(request, f"{len(states)} belopp kunde inte sparas; se markerade celler.")
        return render(request, MATRIX, context, status=422)
    return render(request, MATRIX, context)


@login_required
@require_POST
def allocation_cell(
    request: HttpRequest, code: str, year: int, area_id: int, recipient_id: int
) -> HttpResponse:
    """htmx: save one cell; answer with the cell and the totals it changed (out of band)."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    area = get_object_or_404(PriorityArea, pk=area_id, agreement=agreement)
    recipient = get_object_or_404(Recipient, pk=recipient_id, organisation=agreement.organisation)
    area.agreement = agreement
    saved, typed, error = _save_cell(request, agreement, Cell(area, recipient, None))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("allocation_matrix", code=code, year=year)
    matrix = build_matrix(agreement)
    row = matrix.row(recipient.pk)
    cell = next(c for c in row.cells if c.area.pk == area.pk)
    states = {cell.key: CellState(cell, typed=typed, error=error)} if error else None
    context = _matrix_context(agreement, matrix, states)
    group = matrix.group(recipient.kind)
    context.update(
        {
            "cell": cell,
            "row": row,
            "group": group,
            "subtotal": group.subtotal(area.pk),
            "column": matrix.column(area.pk),
            "oob": True,
        }
    )
    # The cell's own content is the swap target; the totals it changed follow out of band.
    # Table cells go inside <template> so the HTML parser keeps them intact.
    html = render_to_string(f"{MATRIX}#cell_content", context, request)
    if saved:
        cells = ["row_total", "group_subtotal", "group_total", "column_total",
                 "column_remaining", "grand_total", "grand_remaining"]  # fmt: skip
        parts = {name: render_to_string(f"{MATRIX}#{name}", context, request)
                 for name in [*cells, "split", "warnings"]}  # fmt: skip
        html += "<template>" + "".join(parts[name] for name in cells) + "</template>"
        html += parts["split"] + parts["warnings"]
    return HttpResponse(html)


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
        },
    )


@login_required
def agreement_decision(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    form = DecisionForm(request.POST or None, initial={"decided_on": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            agreement_decide(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Fördelningen för {year} är beslutad.")
            return redirect("allocation_matrix", code=code, year=year)
    return render(
        request,
        "funds/agreement_decision.html",
        {"agreement": agreement, "organisation": agreement.organisation, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def agreement_status(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    try:
        agreement = agreement_advance(agreement=agreement)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Året har status: {agreement.get_status_display()}.")
    return redirect("allocation_matrix", code=code, year=year)


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
