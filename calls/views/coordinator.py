"""Pages of calls for applications: public, applicant, coordinator and reviewer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header, urlsafe_base64_decode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from calls import access, workflows
from calls.attachments import InMemoryUpload, attachment_check
from calls.forms import (
    ApplicationForm,
    AttachmentForm,
    BudgetFormSet,
    CallForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    ProposalForm,
    RegisterForm,
    ReviewersForm,
    ScoreForm,
    criteria_from,
)
from calls.models import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    Application,
    Attachment,
    BudgetRow,
    Call,
    ConflictDeclaration,
    Review,
    ReviewerAssignment,
    Score,
)
from calls.workflows import (
    Outcome,
    applicant_activate,
    application_problems,
    application_submit,
    assignments_set,
    call_available,
    call_decide,
    call_save,
    call_set_status,
    conflict_declare,
    deadline_refusal,
    email_verification_token,
    proposals_set,
    ranking,
    reserved_by_calls,
    review_submit,
    sha256,
)
from funds.access import VIEWER_ROLES, agreement_for_user, can_edit
from funds.balance import agreement_balance
from funds.models import ZERO

# --- Public pages --------------------------------------------------------------------------


def _public_calls():
    return Call.objects.filter(status=Call.Status.OPEN).select_related(
        "agreement__organisation", "priority_area"
    )


@require_safe
def call_public_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    calls = _public_calls().filter(closes_at__gt=now).order_by("closes_at", "pk")[:200]
    return render(request, "calls/public_list.html", {"calls": calls, "now": now})


@require_safe
def call_public_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.exclude(status=Call.Status.DRAFT).select_related(
            "agreement__organisation", "priority_area"
        ),
        pk=call_id,
    )
    own = None
    if request.user.is_authenticated:
        own = Application.objects.filter(call=call, applicant=request.user).first()
    return render(
        request,
        "calls/public_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "own": own,
            "is_applicant": _is_applicant(request),
        },
    )


def _is_applicant(request: HttpRequest) -> bool:
    return request.user.is_authenticated and hasattr(request.user, "applicant_profile")


def applicant_register_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            workflows.applicant_register(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
            )
            return render(
                request, "calls/register_sent.html", {"email": form.cleaned_data["email"]}
            )
    else:
        form = RegisterForm()
    return render(request, "calls/register.html", {"form": form})


def applicant_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    valid = (
        user is not None
        and hasattr(user, "applicant_profile")
        and email_verification_token.check_token(user, token)
    )
    if not valid:
        return render(request, "calls/verify_failed.html", status=400)
    if request.method != "POST":
        # A GET only shows a button: mail scanners that follow links must not use it up.
        return render(request, "calls/verify.html", {"email": user.email})
    applicant_activate(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "E-postadressen är bekräftad och du är inloggad.")
    return redirect("application_list")


# --- Applicant pages -----------------------------------------------------------------------


def _require_applicant(request: HttpRequest) -> None:
    if not _is_applicant(request):
        raise PermissionDenied("Logga in med ett konto för sökande för att ansöka.")


@login_required
@require_POST
def application_start(request: HttpRequest, call_id: int) -> HttpResponse:
    _require_applicant(request)
    call = get_object_or_404(_public_calls(), pk=call_id)
    if not call.accepts_applications():
        messages.error(request, deadline_refusal(call).messages[0])
        return redirect("call_public_detail", call_id=call.pk)
    application, _ = Application.objects.get_or_create(
        call=call,
        applicant=request.user,
        defaults={
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
            "contact_phone": request.user.applicant_profile.phone,
        },
    )
    return redirect("application_edit", application_id=application.pk)


@login_required
@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    applications = (
        Application.objects.filter(applicant=request.user)
        .select_related("call__agreement__organisation")
        .order_by("-pk")[:200]
    )
    return render(request, "calls/application_list.html", {"applications": applications})


def _budget_initial(application: Application) -> list[dict]:
    return [{"item": row.item, "amount": row.amount} for row in application.budget_rows.all()]


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access.own_application(request, application_id)
    call = application.call
    refusal = ""
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        form = ApplicationForm(request.POST, instance=application, call=call)
        budget = BudgetFormSet(request.POST, prefix="budget")
        if not application.is_editable:
            # The server decides, whatever the page showed: after the deadline nothing changes.
            refusal = (
                "Ansökan är redan inskickad och kan inte ändras."
                if application.status != Application.Status.DRAFT
                else deadline_refusal(call).messages[0]
            )
        elif form.is_valid() and budget.is_valid():
            with transaction.atomic():
                form.save()
                application.budget_rows.all().delete()
                BudgetRow.objects.bulk_create(
                    BudgetRow(application=application, position=i, **row.cleaned_data)
                    for i, row in enumerate(budget)
                    if row.cleaned_data.get("item")
                )
            if request.POST.get("action") != "submit":
                messages.success(request, "Utkastet är sparat. Du kan fortsätta senare.")
                return redirect("application_edit", application_id=application.pk)
            try:
                application_submit(application=application)
            except ValidationError as error:
                problems = application_problems(application) or [("", m) for m in error.messages]
            else:
                messages.success(
                    request, "Ansökan är inskickad. Ett kvitto har skickats med e-post."
                )
                return redirect("application_edit", application_id=application.pk)
    else:
        form = ApplicationForm(instance=application, call=call)
        budget = BudgetFormSet(initial=_budget_initial(application), prefix="budget")
    status = 400 if refusal else 200
    return render(
        request,
        "calls/application_edit.html",
        {
            "application": application,
            "call": call,
            "form": form,
            "budget": budget,
            "editable": application.is_editable,
            "refusal": refusal,
            "problems": problems,
            "attachments": application.attachments.defer("content"),
            "attachment_form": AttachmentForm(),
        },
        status=status,
    )


@csrf_exempt
def attachment_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    """Upload handlers must be set before the body is read, hence the CSRF check inside."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_large = length > MAX_ATTACHMENT_BYTES + 64 * 1024
    if not too_large:
        request.upload_handlers = [InMemoryUpload(request)]
    return _attachment_upload(request, application_id, too_large)


@csrf_protect
@login_required
@require_POST
def _attachment_upload(request: HttpRequest, application_id: int, too_large: bool) -> HttpResponse:
    application = access.own_application(request, application_id)
    error = ""
    if not application.is_editable:
        error = deadline_refusal(application.call).messages[0]
    elif too_large:
        error = f"Filen är för stor. En bilaga får vara högst {MAX_ATTACHMENT_BYTES // 1048576} MB."
    elif application.attachments.count() >= MAX_ATTACHMENTS:
        error = f"Högst {MAX_ATTACHMENTS} bilagor per ansökan."
    else:
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            error = form.errors["file"][0]
        else:
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_ATTACHMENT_BYTES + 1)
            try:
                attachment_check(data)
            except ValidationError as refused:
                error = refused.messages[0]
            else:
                Attachment.objects.create(
                    application=application,
                    name=(upload.name or "bilaga.pdf")[:200],
                    content=data,
                    size=len(data),
                    sha256=sha256(data),
                )
                messages.success(request, f"Bilagan {upload.name} är sparad.")
    if error:
        messages.error(request, error)
    return redirect(f"{_edit_url(application)}#bilagor")


def _edit_url(application: Application) -> str:
    from django.urls import reverse

    return reverse("application_edit", kwargs={"application_id": application.pk})


@login_required
@require_POST
def attachment_delete(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    application = access.own_application(request, application_id)
    attachment = get_object_or_404(application.attachments.defer("content"), pk=attachment_id)
    if not application.is_editable:
        messages.error(request, deadline_refusal(application.call).messages[0])
    else:
        attachment.delete()
        messages.success(request, f"Bilagan {attachment.name} är borttagen.")
    return redirect(f"{_edit_url(application)}#bilagor")


def _file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def attachment_download(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    application = access.viewable_application(request, application_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    return _file_response(attachment.content, attachment.name, "application/pdf")


@login_required
@require_safe
def application_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access.viewable_application(request, application_id)
    letter = getattr(application, "letter", None)
    if letter is None or not (
        application.applicant_id == request.user.pk
        or access.is_editor(request.user, application.call.agreement)
    ):
        raise Http404
    return _file_response(letter.pdf, f"beslut-{application.receipt_number}.pdf", "application/pdf")


# --- Coordinator pages ---------------------------------------------------------------------


def _year_context(agreement) -> dict:
    return {"agreement": agreement, "organisation": agreement.organisation}


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
        {**_year_context(agreement), "calls": calls, "editor": editor, "lines": lines},
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
            **_year_context(agreement),
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
            **_year_context(call.agreement),
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
            **_year_context(call.agreement),
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
        {**_year_context(call.agreement), **context, "form": form},
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
            **_year_context(call.agreement),
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
    return _file_response(
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
    return _file_response(
        record_pdf(call, record_applications(call)), f"utlysning-{call.pk}.pdf", "application/pdf"
    )


# --- Reviewer pages ------------------------------------------------------------------------


def _call_for_reviewer(request, code, year, call_id) -> tuple[Call, ReviewerAssignment]:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    call = get_object_or_404(
        Call.objects.select_related("priority_area"), pk=call_id, agreement=agreement
    )
    call.agreement = agreement
    assignment = access.assignment_for(request, call)
    if assignment is None:
        raise PermissionDenied("Du är inte bedömare för den här utlysningen.")
    return call, assignment


@login_required
@require_safe
def review_list(request: HttpRequest, code: str, year: int, call_id: int) -> HttpResponse:
    call, assignment = _call_for_reviewer(request, code, year, call_id)
    declarations = {d.application_id: d for d in assignment.declarations.all()}
    reviews = {r.application_id: r for r in assignment.reviews.all()}
    rows = [
        (a, declarations.get(a.pk), reviews.get(a.pk))
        for a in call.applications.submitted().order_by("submitted_at", "pk")
    ]
    return render(
        request,
        "calls/review_list.html",
        {**_year_context(call.agreement), "call": call, "rows": rows},
    )


@login_required
def review_application(
    request: HttpRequest, code: str, year: int, call_id: int, application_id: int
) -> HttpResponse:
    call, assignment = _call_for_reviewer(request, code, year, call_id)
    application = get_object_or_404(call.applications.submitted(), pk=application_id)
    declaration = assignment.declarations.filter(application=application).first()
    context = {**_year_context(call.agreement), "call": call, "application": application}
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
