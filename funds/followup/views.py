"""The follow-up pages: the reporter's list and form, the coordinator's review, status board
and repayments. Access: agreement_for_user (404 outside the user's organisations), then the
role (403), then, for reporters, the recipient's lineage (404 for other recipients)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, require_role
from funds.balance import agreement_balance
from funds.followup.forms import (
    BoardFilterForm,
    DeadlineForm,
    FollowUpForm,
    OverspendForm,
    RepaymentForm,
    ReturnForm,
)
from funds.followup.repayments import repayment_record
from funds.followup.rules import (
    DONE_STATES,
    MAX_INTERVENTIONS,
    NOT_STARTED,
    OPEN_STATUSES,
    STATE_LABELS,
    FollowUpIncomplete,
    Missing,
    follow_up_state,
    intervention_gaps,
    intervention_unanswered,
    setup_blockers,
)
from funds.followup.workflows import (
    FollowUpConflict,
    follow_up_allow_overspend,
    follow_up_approve,
    follow_up_deadline_set,
    follow_up_return,
    follow_up_save_draft,
    follow_up_submit,
)
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    FollowUpChange,
    Intervention,
    Membership,
    PriorityArea,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.money import format_kr
from funds.pages import workflow_post

REPORTER = Membership.Role.REPORTER
GRANTEE = Membership.Role.GRANTEE
# Reporters, grantees and coordinators write reports; readers only read them.
REPORT_WRITERS = EDITOR_ROLES | {REPORTER, GRANTEE}
REPORT_READERS = VIEWER_ROLES | {REPORTER, GRANTEE}
FORM = "funds/followup_form.html"
BOARD = "funds/followup_board.html"


def _allocations(request: HttpRequest, agreement: Agreement) -> QuerySet[Allocation]:
    """Every allocation of the year for roles that see every recipient; a reporter sees their
    recipient's and every predecessor's merged into it; a grantee only the allocations their
    granted applications made (never the recipient's other money or years)."""
    allocations = Allocation.objects.filter(priority_area__agreement=agreement).select_related(
        "recipient", "priority_area", "follow_up"
    )
    if agreement.user_role not in (REPORTER, GRANTEE):
        return allocations
    membership = Membership.objects.select_related("recipient").get(
        user=request.user, organisation=agreement.organisation_id
    )
    if agreement.user_role == GRANTEE:
        return allocations.filter(grantees=membership)
    return allocations.filter(recipient__in=membership.recipient.lineage_ids())


def _get_allocation_for_user(
    request: HttpRequest, agreement: Agreement, allocation_id: int
) -> Allocation:
    """404 for another organisation's allocation and for another recipient's, to a reporter:
    a reporter is not even told that it exists."""
    allocation = get_object_or_404(_allocations(request, agreement), pk=allocation_id)
    allocation.priority_area.agreement = agreement
    return allocation


def _state_rows(allocations) -> list[tuple[Allocation, str]]:
    return [(a, follow_up_state(a)) for a in allocations]


@login_required
def followup_list(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, REPORT_READERS)
    allocations = _allocations(request, agreement).order_by(
        "recipient__name", "priority_area__number"
    )
    rows = _state_rows(allocations)
    return render(
        request,
        "funds/followup_list.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "rows": rows,
            "totals": _money_totals(rows),
            "labels": STATE_LABELS,
            "is_coordinator": agreement.user_role in VIEWER_ROLES,
        },
    )


def _money_totals(rows) -> dict:
    """The money columns summed over the rows shown: allocated, and spent and unspent of the
    reports that give a spent amount (the rows without one show a dash)."""
    reported = [
        (row[0].amount, row[0].follow_up.spent)
        for row in rows
        if row[1] != NOT_STARTED and row[0].follow_up.spent is not None
    ]
    return {
        "allocated": sum((row[0].amount for row in rows), ZERO),
        "spent": sum((spent for _, spent in reported), ZERO),
        "unspent": sum((amount - spent for amount, spent in reported), ZERO),
    }


def report_editable(agreement: Agreement, follow_up: FollowUp | None) -> bool:
    """The user may change the report now: an open year, a writer's role, not submitted or
    approved (the workflows check the same again)."""
    state = follow_up.status if follow_up else NOT_STARTED
    return (
        agreement.status in OPEN_STATUSES
        and agreement.user_role in REPORT_WRITERS
        and state not in DONE_STATES
    )


@dataclass(frozen=True)
class InsatsRow:
    """One saved insats on the report page: its number, the insats, what stops the report
    from being submitted, and the enkät's questions it leaves unanswered."""

    number: int
    intervention: Intervention
    gaps: list[str]
    unanswered: list[str]

    @property
    def gaps_text(self) -> str:
        return listed(self.gaps)

    @property
    def unanswered_text(self) -> str:
        return listed(self.unanswered)


def insats_rows(agreement: Agreement, follow_up: FollowUp | None) -> list[InsatsRow]:
    """The report's insatser as summaries, numbered by id as everywhere: three queries
    whatever their number (the insatser, their categories, the year's groups)."""
    if follow_up is None:
        return []
    interventions = follow_up.interventions.prefetch_related("categories").order_by("pk")
    present = set(
        SurveyCategory.objects.filter(year=agreement.year).values_list("group", flat=True)
    )
    labels = dict(SurveyCategory.Group.choices)
    return [
        InsatsRow(
            number,
            intervention,
            [label for label, _ in intervention_gaps(intervention)],
            [labels[group].lower() for group in intervention_unanswered(intervention, present)],
        )
        for number, intervention in enumerate(interventions, start=1)
    ]


def _form_context(
    agreement: Agreement,
    allocation: Allocation,
    follow_up: FollowUp | None,
    form: FollowUpForm,
    errors: list | None = None,
) -> dict:
    state = follow_up.status if follow_up else NOT_STARTED
    changes = (
        follow_up.changes.select_related("changed_by").order_by("-changed_at", "-pk")
        if follow_up
        else FollowUpChange.objects.none()
    )
    rows = insats_rows(agreement, follow_up)
    editable = report_editable(agreement, follow_up)
    return {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "setup_blockers": setup_blockers(agreement),
        "allocation": allocation,
        "follow_up": follow_up,
        "state": state,
        "state_label": STATE_LABELS[state],
        "form": form,
        "insatser": rows,
        "insats_total": sum((row.intervention.amount_spent for row in rows), ZERO),
        "max_insatser": MAX_INTERVENTIONS,
        "errors": errors or [],
        "editable": editable,
        "can_add": editable and len(rows) < MAX_INTERVENTIONS,
        "can_review": agreement.status in OPEN_STATUSES and agreement.user_role in EDITOR_ROLES,
        "return_form": ReturnForm(initial={"version": follow_up.version if follow_up else 0}),
        "overspend_form": OverspendForm(),
        "changes": changes,
    }


@dataclass(frozen=True)
class LinkedError:
    """A line of the error summary that links to another page (an insats's own page)."""

    message: str
    href: str


def _form_errors(form) -> list[Missing]:
    """Field errors for the error summary, each linked to its field."""
    return [
        Missing(f"{form[name].label}: {message}", form[name].id_for_label)
        for name, messages_ in form.errors.items()
        if name in form.fields
        for message in messages_
    ] + [Missing(message, "id_spent") for message in form.non_field_errors()]


def listed(words: list[str]) -> str:
    """ "a, b och c"; "samt" before the last when one of them holds an "och" of its own."""
    if len(words) == 1:
        return words[0]
    last = " samt " if any(" och " in word for word in words) else " och "
    return f"{', '.join(words[:-1])}{last}{words[-1]}"


def linked_missing(agreement: Agreement, allocation: Allocation, missing: list[Missing]) -> list:
    """What stops a submission, for the error summary: the report's own gaps link to their
    fields, and each insats with gaps is one line linking to its own page."""
    code, year = agreement.organisation.code, agreement.year
    by_insats: dict = {}
    for item in missing:
        if item.insats is not None:
            by_insats.setdefault(item.insats, []).append(item)
    lines: list = []
    for item in missing:
        if item.insats is None:
            lines.append(item)
        elif item.insats in by_insats:
            gaps = by_insats.pop(item.insats)
            url = reverse(
                "followup_intervention_edit", args=[code, year, allocation.pk, item.insats.pk]
            )
            lines.append(
                LinkedError(
                    f"Insats {item.insats.number}, ”{item.insats.name}”, saknar "
                    f"{listed([gap.gap for gap in gaps])}.",
                    f"{url}#{gaps[0].anchor}",
                )
            )
    return lines


@dataclass
class _ReportPage:
    """The reporter's report page of one allocation: the report's own fields and the list of
    its insatser (each edited on its own page: views_insats.py)."""

    request: HttpRequest
    agreement: Agreement
    allocation: Allocation

    def render(
        self,
        follow_up: FollowUp | None,
        form: FollowUpForm | None = None,
        *,
        errors: list | None = None,
        status: int = 200,
        **extra,
    ) -> HttpResponse:
        form = form or FollowUpForm.for_follow_up(follow_up)
        context = _form_context(self.agreement, self.allocation, follow_up, form, errors)
        return render(self.request, FORM, {**context, **extra}, status=status)

    def back(self) -> HttpResponse:
        return report_redirect(self.agreement, self.allocation)


def report_redirect(agreement: Agreement, allocation: Allocation, anchor: str = ""):
    url = reverse(
        "followup_edit", args=[agreement.organisation.code, agreement.year, allocation.pk]
    )
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def followup_edit(request: HttpRequest, code: str, year: int, allocation_id: int) -> HttpResponse:
    """The report: its figures, the list of insatser and the report's own fields; saving the
    draft, and submitting it (which checks every insats)."""
    agreement = agreement_for_user(request, code, year, REPORT_READERS)
    allocation = _get_allocation_for_user(request, agreement, allocation_id)
    page = _ReportPage(request, agreement, allocation)
    follow_up = FollowUp.objects.filter(allocation=allocation).first()
    if request.method != "POST":
        return page.render(follow_up)
    require_role(agreement, REPORT_WRITERS)
    form = FollowUpForm.for_follow_up(follow_up, request.POST)
    if not form.is_valid():
        return page.render(follow_up, form, errors=_form_errors(form), status=422)
    return _draft_save(page, follow_up, form)


def _draft_save(page: _ReportPage, follow_up: FollowUp | None, form: FollowUpForm) -> HttpResponse:
    """Save the report's own fields; then, if asked, submit it."""
    request = page.request
    try:
        saved = follow_up_save_draft(
            allocation=page.allocation,
            expected_version=form.cleaned_data["version"],
            spent=form.cleaned_data["spent"],
            results=form.cleaned_data["results"],
            user=request.user,
        )
    except FollowUpConflict as conflict:
        # Keep what the user typed, but carry the current version: saving again is then a
        # deliberate choice, made after reading the message.
        data = request.POST.copy()
        data["version"] = str(conflict.current_version)
        current = conflict.current
        errors = [Missing(_conflict_message(current), "id_spent")]
        form = FollowUpForm.for_follow_up(current, data)
        return page.render(current, form, errors=errors, status=409)
    except ValidationError as error:
        errors = [Missing(m, "id_spent") for m in error.messages]
        return page.render(follow_up, form, errors=errors, status=422)
    if "submit" not in request.POST:
        messages.success(request, "Utkastet är sparat.")
        return page.back()
    return _submit(page, saved)


def _conflict_message(current: FollowUp | None) -> str:
    spent = format_kr(current.spent) if current and current.spent is not None else "inget"
    return (
        "Någon annan har ändrat redovisningen medan du redigerade (förbrukat belopp är nu "
        f"{spent}). Inget av det du skrev sparades. Ladda om sidan för att se den "
        "senaste versionen, eller spara igen för att ersätta den med dina uppgifter."
    )


def _submit(page: _ReportPage, saved: FollowUp) -> HttpResponse:
    """Submit the saved draft, or show it as stored with what stops the submission: every
    insats is checked here, and each one with gaps is listed with a link to its page."""
    request = page.request
    blockers = setup_blockers(page.agreement)
    try:
        if blockers:
            raise FollowUpIncomplete([Missing(message, "installningar") for message in blockers])
        follow_up_submit(
            allocation=page.allocation, expected_version=saved.version, user=request.user
        )
    except FollowUpIncomplete as error:
        missing = linked_missing(page.agreement, page.allocation, error.missing)
    except FollowUpConflict:
        message = "Någon annan ändrade redovisningen just nu; den skickades inte in."
        missing = [Missing(message, "id_spent")]
    except ValidationError as error:
        missing = [Missing(m, "id_spent") for m in error.messages]
    else:
        messages.success(request, "Redovisningen är inskickad till samordnaren.")
        return page.back()
    # The draft is saved; show it as stored, so the numbers in the messages match.
    saved = FollowUp.objects.get(pk=saved.pk)
    return page.render(saved, errors=missing, status=422, incomplete=True)


OVERSPEND_ALLOWED = "Undantaget är godkänt: mottagaren får förbruka mer än det fördelade."
REVIEW_CONFLICT = (
    "Redovisningen har ändrats sedan du öppnade sidan. Inget sparades; läs den senaste "
    "versionen och försök igen."
)


@login_required
@require_POST
def followup_review(request: HttpRequest, code: str, year: int, allocation_id: int) -> HttpResponse:
    """The coordinator approves, returns with a comment, or allows overspending."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    allocation = _get_allocation_for_user(request, agreement, allocation_id)
    action = request.POST.get("action")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        if action == "approve":
            follow_up_approve(allocation=allocation, expected_version=version, user=request.user)
            messages.success(request, "Redovisningen är godkänd.")
        elif action == "return":
            follow_up_return(
                allocation=allocation,
                expected_version=version,
                comment=request.POST.get("comment", ""),
                user=request.user,
            )
            messages.success(request, "Redovisningen är skickad tillbaka till rapportören.")
        elif action == "overspend":
            follow_up_allow_overspend(
                allocation=allocation, reason=request.POST.get("reason", ""), user=request.user
            )
            messages.success(request, OVERSPEND_ALLOWED)
        else:
            messages.error(
                request, "Sidan sa inte vad som skulle göras. Ladda om sidan och försök igen."
            )
    except FollowUpConflict:
        messages.error(request, REVIEW_CONFLICT)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("followup_edit", code=code, year=year, allocation_id=allocation.pk)


@login_required
def followup_board(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every allocation of the year with its follow-up state; a fixed number of queries."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    filters = BoardFilterForm(request.GET or None, areas=areas)
    allocations = (
        Allocation.objects.filter(priority_area__agreement=agreement)
        .select_related("recipient", "priority_area", "follow_up")
        .order_by("recipient__kind", "recipient__name", "priority_area__number")
    )
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            allocations = allocations.filter(recipient__kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["area"]:
            allocations = allocations.filter(priority_area=filters.cleaned_data["area"])
    deadline = agreement.follow_up_deadline
    late = deadline is not None and timezone.localdate() > deadline
    rows = [
        (allocation, state, late and state not in DONE_STATES)
        for allocation, state in _state_rows(allocations)
    ]
    counts = dict.fromkeys(STATE_LABELS, 0)
    for _, state, _ in rows:
        counts[state] += 1
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "filters": filters,
        "rows": rows,
        "totals": _money_totals(rows),
        "labels": STATE_LABELS,
        "counts": [(STATE_LABELS[key], n) for key, n in counts.items()],
        "overdue": sum(1 for row in rows if row[2]),
        "deadline_form": DeadlineForm(initial={"deadline": deadline}),
        "can_edit": agreement.user_role in EDITOR_ROLES and agreement.status in OPEN_STATUSES,
    }
    if request.htmx:
        return render(request, f"{BOARD}#board", context)
    return render(request, BOARD, context)


@login_required
@require_POST
def followup_deadline(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            follow_up_deadline_set(agreement=agreement, deadline=form.cleaned_data["deadline"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Sista dag för redovisningen är sparad.")
    else:
        messages.error(request, "Ange ett datum, till exempel 2025-02-15.")
    return redirect("followup_board", code=code, year=year)


@login_required
def repayments(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Repayments from recipients and to the state, with the balance they must make good."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    form = RepaymentForm(
        request.POST if request.method == "POST" else None,
        areas=list(PriorityArea.objects.filter(agreement=agreement).order_by("number")),
        recipients=list(
            Recipient.objects.filter(allocations__priority_area__agreement=agreement)
            .distinct()
            .order_by("name")
        ),
        initial={"paid_on": timezone.localdate()},
    )
    if request.method == "POST":
        require_role(agreement, EDITOR_ROLES)
    repayment = workflow_post(
        request, form, lambda data: _repayment_record(request, agreement, form, data)
    )
    if repayment is not None:
        messages.success(
            request, f"Återbetalningen på {format_kr(repayment.amount)} är registrerad."
        )
        return redirect("repayments", code=code, year=year)
    context = _repayments_context(agreement)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "funds/followup_repayments.html", {**context, "form": form}, status=status
    )


def _repayment_record(
    request: HttpRequest, agreement: Agreement, form: RepaymentForm, data: dict
) -> Repayment:
    area = form.area_obj
    area.agreement = agreement
    return repayment_record(
        area=area,
        kind=data["kind"],
        amount=data["amount"],
        paid_on=data["paid_on"],
        recipient=form.recipient_obj,
        reference=data["reference"],
        user=request.user,
    )


def _repayments_context(agreement: Agreement) -> dict:
    repayments = list(
        Repayment.objects.filter(priority_area__agreement=agreement)
        .select_related("priority_area", "recipient", "recorded_by")
        .order_by("paid_on", "pk")
    )
    # The list mixes two flows of money: one sum per kind, never one sum of both.
    totals = [
        (label, sum((r.amount for r in repayments if r.kind == kind), ZERO))
        for kind, label in (
            (Repayment.Kind.FROM_RECIPIENT, "Summa återbetalt av mottagare"),
            (Repayment.Kind.TO_STATE, "Summa återbetalt till staten"),
        )
    ]
    return {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "balance": agreement_balance(agreement),
        "repayments": repayments,
        "repayment_totals": totals,
        "can_edit": agreement.user_role in EDITOR_ROLES and agreement.status in OPEN_STATUSES,
        # Before follow-up nobody has reported what was spent: allocated money is not
        # unspent money, and nothing is yet owed to anyone.
        "follow_up_started": agreement.status
        in (Agreement.Status.FOLLOW_UP, Agreement.Status.CLOSED),
    }
