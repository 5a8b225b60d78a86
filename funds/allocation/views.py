"""The allocation matrix: the page and its plain-form save (all or nothing, also what a paste
saves), one-cell saves (htmx), undo of the last save, the decided-year reason, cell comments.

The last save (for undo) and the decided-year reason live in the user's session, per
agreement: they belong to one editing session and do not follow the user to the next.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit, require_role
from funds.allocation.edits import INCOMPLETE, ZERO, cell_save, cells_save, posted_cells
from funds.allocation.forms import CommentForm, MatrixViewForm, ReasonForm
from funds.allocation.matrix import (
    GROUP_LABELS,
    AreaColumn,
    Cell,
    CellUrls,
    KindGroup,
    Matrix,
    Row,
    Subtotal,
    build_matrix,
    cell_content_html,
    column_by_kind,
    matrix_areas,
    matrix_totals,
    row_html,
    row_total,
)
from funds.allocation.workflows import (
    AllocationConflict,
    CellChange,
    CellRefused,
    SetResult,
    allocation_comment_set,
    allocations_set_many,
)
from funds.models import Agreement, Allocation, PriorityArea, Recipient
from funds.money import format_kr

MATRIX = "funds/allocation_matrix.html"
UNDO_REASON = "Ångrar föregående ändring"


def _reason_key(agreement: Agreement) -> str:
    return f"matrix-reason-{agreement.pk}"


def _undo_key(agreement: Agreement) -> str:
    return f"matrix-undo-{agreement.pk}"


def _session_reason(request: HttpRequest, agreement: Agreement) -> str:
    return request.session.get(_reason_key(agreement), "")


def _cell_urls(agreement: Agreement) -> CellUrls:
    """Each cell URL is a prefix + "<area>/<recipient>/": reversed once, not once per cell."""
    args = [agreement.organisation.code, agreement.year, 0, 0]

    def prefix(name: str) -> str:
        return reverse(name, args=args).removesuffix("0/0/")

    return CellUrls(
        save=prefix("allocation_cell"),
        history=prefix("allocation_cell_history"),
        comment=prefix("allocation_comment"),
    )


def _view(request: HttpRequest) -> tuple[str, str, MatrixViewForm]:
    """The rows' order and recipient kind from the query string; unknown values are ignored."""
    form = MatrixViewForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["ordning"] or "namn", form.cleaned_data["typ"], form
    return "namn", "", MatrixViewForm()


def _back(agreement: Agreement, request: HttpRequest) -> HttpResponse:
    """To the matrix, in the order and with the filter the user had."""
    url = reverse("allocation_matrix", args=[agreement.organisation.code, agreement.year])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _undo_count(request: HttpRequest, agreement: Agreement) -> int:
    return len(request.session.get(_undo_key(agreement)) or [])


def _undo_remember(
    request: HttpRequest, agreement: Agreement, results: list[tuple[CellChange, SetResult]]
) -> None:
    """Keep what the last save changed, so "Ångra" can put it back (one level, like a save)."""
    entries = [
        [
            change.area.pk,
            change.recipient.pk,
            None if result.old_amount is None else str(result.old_amount),
            result.allocation.version,
        ]
        for change, result in results
        if result.changed
    ]
    if entries:
        request.session[_undo_key(agreement)] = entries


def _page(
    request: HttpRequest,
    agreement: Agreement,
    matrix: Matrix,
    view_form: MatrixViewForm,
    *,
    status: int = 200,
) -> HttpResponse:
    editable = can_edit(agreement) and agreement.is_editable
    urls = _cell_urls(agreement)
    for group in matrix.groups:
        for row in group.rows:
            row.html = row_html(row, year=agreement.year, editable=editable, urls=urls)
    query = request.GET.urlencode()
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "matrix": matrix,
        "editable": editable,
        "can_edit": can_edit(agreement),
        # Called by the template only where the rollover offer could show (an empty draft),
        # so other matrix pages do not pay its query.
        "has_previous_year": lambda: Agreement.objects.filter(
            organisation_id=agreement.organisation_id, year__lt=agreement.year
        ).exists(),
        "kinds": Recipient.Kind.choices,
        "view_form": view_form,
        "filter_label": GROUP_LABELS.get(view_form.cleaned_data.get("typ"), "")
        if view_form.is_bound
        else "",
        "query": f"?{query}" if query else "",
        "undo_count": _undo_count(request, agreement) if editable else 0,
        "comment_form": CommentForm(),
        "cell_urls": urls,
    }
    if editable and agreement.changes_need_reason:
        context["reason_form"] = ReasonForm(initial={"reason": _session_reason(request, agreement)})
        context["reason_saved"] = bool(_session_reason(request, agreement))
    return render(request, MATRIX, context, status=status)


# Compressed (a 300 × 8 matrix is about a megabyte of markup). BREACH-safe: the only secret
# in the page, the CSRF token, is masked afresh on every request, and Django's gzip adds
# random padding to every response ("Heal the BREACH"). docs/operations.md says more.
@gzip_page
@login_required
def allocation_matrix(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    sort, kind, view_form = _view(request)
    if request.method == "POST":
        require_role(agreement, EDITOR_ROLES)
        return _matrix_save(request, agreement, view_form, sort=sort, kind=kind)
    if request.htmx and request.GET.get("del") == "summor":
        # The agreement-wide totals after cell saves: one aggregate, swapped out of band.
        context = {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "matrix": matrix_totals(agreement, matrix_areas(agreement)),
            "oob": True,
        }
        return render(request, f"{MATRIX}#summary", context)
    return _page(request, agreement, build_matrix(agreement, sort=sort, kind=kind), view_form)


def _matrix_save(
    request: HttpRequest, agreement: Agreement, view_form: MatrixViewForm, *, sort: str, kind: str
) -> HttpResponse:
    """Save every posted cell that changed, all or nothing.

    Posted by the whole form without JavaScript, and by the page's script with only the
    changed cells (a paste, or values typed but not yet saved).
    """
    try:
        posted = posted_cells(request.POST)
    except (ValueError, TypeError):
        messages.error(request, INCOMPLETE)
        return _back(agreement, request)
    outcome = cells_save(
        agreement=agreement,
        posted=posted,
        user=request.user,
        reason=_session_reason(request, agreement),
    )
    if outcome.refusal:
        messages.error(request, outcome.refusal)
        return _back(agreement, request)
    if outcome.errors:
        matrix = build_matrix(agreement, sort=sort, kind=kind)
        outcome.mark(matrix)
        messages.error(request, outcome.summary())
        return _page(request, agreement, matrix, view_form, status=422)
    _undo_remember(request, agreement, outcome.done)
    saved = outcome.saved
    messages.success(request, f"{saved} belopp sparades." if saved else "Inget hade ändrats.")
    return _back(agreement, request)


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
    key = f"{area.pk}-{recipient.pk}"
    typed = request.POST.get(f"amount-{key}", "").strip()
    result, error, error_code = cell_save(
        area=area,
        recipient=recipient,
        typed=typed,
        version=request.POST.get(f"version-{key}", "0"),
        user=request.user,
        reason=_session_reason(request, agreement),
    )
    if result is not None and result.changed:
        _undo_remember(request, agreement, [(CellChange(area, recipient, ZERO, 0), result)])
    if not request.htmx:
        if error:
            messages.error(request, f"{recipient.name} × {area.number}. {area.name}: {error}")
        return _back(agreement, request)
    if result is not None:
        allocation = result.allocation if result.allocation.pk else None
    else:
        allocation = Allocation.objects.filter(priority_area=area, recipient=recipient).first()
    cell = Cell(area, recipient, allocation, typed=typed if error else None)
    cell.error, cell.error_code = error, error_code
    html = cell_content_html(cell, True, _cell_urls(agreement))
    if result is None or not result.changed:
        return HttpResponse(html)
    response = HttpResponse(html + _cell_totals_html(request, agreement, area, recipient))
    trigger_client_event(response, "matrixChanged")
    return response


def _cell_totals_html(
    request: HttpRequest, agreement: Agreement, area: PriorityArea, recipient: Recipient
) -> str:
    """The changed cell's row and column totals, out of band: aggregate queries on the row
    and the column, so the work does not grow with the size of the matrix. The
    agreement-wide totals follow in the page's summary request (allocation_matrix with
    ?del=summor), once the edits pause."""
    page_query = urlsplit(request.htmx.current_url or "").query
    by_kind = column_by_kind(area)
    subtotal = Subtotal(area, by_kind.get(recipient.kind, ZERO))
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "row": Row(recipient, [], total=row_total(agreement, recipient)),
        "group": KindGroup(recipient.kind, GROUP_LABELS[recipient.kind], [], [subtotal]),
        "subtotal": subtotal,
        "column": AreaColumn(area, sum(by_kind.values(), ZERO)),
        "oob": True,
        "editable": True,
        "undo_count": _undo_count(request, agreement),
        # The undo button brings the user back to the order and filter on the page.
        "query": f"?{page_query}" if page_query else "",
    }
    return render_to_string(f"{MATRIX}#cell_answer", context, request)


@login_required
@require_POST
def allocation_undo(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Undo the last save (one cell or a batch) as a new audited change, all or nothing.
    Refused when someone changed one of its cells since."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    entries = request.session.pop(_undo_key(agreement), None)
    if not entries:
        messages.info(request, "Det finns inget sparat att ångra.")
        return _back(agreement, request)
    areas = {area.pk: area for area in matrix_areas(agreement)}
    recipients = Recipient.objects.filter(organisation=agreement.organisation).in_bulk(
        {entry[1] for entry in entries}
    )
    changes = [
        CellChange(areas[area_id], recipients[recipient_id], Decimal(old or "0"), version)
        for area_id, recipient_id, old, version in entries
        if area_id in areas and recipient_id in recipients
    ]
    try:
        done = allocations_set_many(changes=changes, user=request.user, reason=UNDO_REASON)
    except CellRefused as refused:
        if isinstance(refused.error, AllocationConflict):
            current = refused.error.current_amount
            why = (
                f"{refused.change.label} har ändrats av någon annan sedan du sparade "
                f"(nu {format_kr(current) if current is not None else 'inget belopp'})."
            )
        else:
            why = f"{refused.change.label}: {refused.error.messages[0]}"
        messages.error(request, f"Ångra gick inte: {why} Inget ändrades.")
        return _back(agreement, request)
    count = sum(1 for _, result in done if result.changed)
    cells = "1 cell" if count == 1 else f"{count} celler"
    messages.success(request, f"Ångrade ändringen av {cells}.")
    return _back(agreement, request)


@login_required
@require_POST
def allocation_reason(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Keep the decided year's reason for changes in the session (empty clears it)."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    form = ReasonForm(request.POST)
    saved = False
    if form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        if reason:
            request.session[_reason_key(agreement)] = reason
            saved = True
        else:
            request.session.pop(_reason_key(agreement), None)
    if request.htmx:
        context = {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "reason_form": form if form.errors else ReasonForm(initial=form.cleaned_data),
            "reason_saved": saved,
            "reason_answer": True,
        }
        response = render(request, f"{MATRIX}#reason", context)
        if saved:
            trigger_client_event(response, "matrixReasonSaved")
        return response
    if form.errors:
        messages.error(request, f"Skälet sparades inte: {form.errors['reason'][0]}")
    elif saved:
        messages.success(
            request, "Skälet används för dina ändringar tills du loggar ut eller ändrar det."
        )
    return _back(agreement, request)


@login_required
def allocation_comment(
    request: HttpRequest, code: str, year: int, area_id: int, recipient_id: int
) -> HttpResponse:
    """A cell's comment: a page of its own without JavaScript, the matrix's dialog with it."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    area = get_object_or_404(PriorityArea, pk=area_id, agreement=agreement)
    recipient = get_object_or_404(Recipient, pk=recipient_id, organisation=agreement.organisation)
    area.agreement = agreement
    allocation = Allocation.objects.filter(priority_area=area, recipient=recipient).first()
    form = CommentForm(
        request.POST or None, initial={"comment": allocation.comment if allocation else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = allocation_comment_set(
                area=area, recipient=recipient, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error("comment", error)
        else:
            if request.htmx:
                cell = Cell(area, recipient, allocation)
                return HttpResponse(cell_content_html(cell, True, _cell_urls(agreement)))
            messages.success(request, "Kommentaren sparades.")
            return _back(agreement, request)
    if request.htmx and form.errors:
        return HttpResponse(form.errors["comment"][0], status=422)
    return render(
        request,
        "funds/allocation_comment.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "area": area,
            "recipient": recipient,
            "form": form,
            "editable": agreement.is_editable,
        },
        status=422 if form.errors else 200,
    )
