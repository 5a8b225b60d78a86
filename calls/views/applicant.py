"""Applicant pages: one's own applications, their attachments and the decision letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from calls import access
from calls.attachments import InMemoryUpload, attachment_check
from calls.forms import ApplicationForm, AttachmentForm, BudgetFormSet, budget_from
from calls.models import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Application
from calls.pages import file_response
from calls.workflows import (
    application_budget_set,
    application_lock_for_edit,
    application_problems,
    application_submit,
    attachment_add,
    attachment_remove,
    deadline_refusal,
    edit_refusal,
)


@login_required
@require_POST
def application_start(request: HttpRequest, call_id: int) -> HttpResponse:
    access.require_applicant(request)
    call = get_object_or_404(access.published_calls(), pk=call_id)
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
    access.require_applicant(request)
    applications = (
        Application.objects.filter(applicant=request.user)
        .select_related("call__agreement__organisation")
        .order_by("-pk")[:200]
    )
    return render(request, "calls/application_list.html", {"applications": applications})


def _budget_initial(application: Application) -> list[dict]:
    return [{"item": row.item, "amount": row.amount} for row in application.budget_rows.all()]


def _application_page(
    request: HttpRequest,
    application: Application,
    form: ApplicationForm,
    budget: BudgetFormSet,
    *,
    refusal: str = "",
    problems: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "calls/application_edit.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "budget": budget,
            "editable": application.is_editable,
            "refusal": refusal,
            "problems": problems or [],
            "attachments": application.attachments.defer("content"),
            "attachment_form": AttachmentForm(),
        },
        status=400 if refusal else 200,
    )


def _draft_save(form: ApplicationForm, budget: BudgetFormSet) -> str:
    """The answers and the budget are saved together or not at all, under the row lock;
    returns why nothing was saved (submitted or closed meanwhile), or ""."""
    try:
        with transaction.atomic():
            application_lock_for_edit(form.instance)
            form.save()
            application_budget_set(application=form.instance, rows=budget_from(budget))
    except ValidationError as refused:
        return refused.messages[0]
    return ""


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access.own_application(request, application_id)
    if request.method != "POST":
        form = ApplicationForm(instance=application, call=application.call)
        budget = BudgetFormSet(initial=_budget_initial(application), prefix="budget")
        return _application_page(request, application, form, budget)
    form = ApplicationForm(request.POST, instance=application, call=application.call)
    budget = BudgetFormSet(request.POST, prefix="budget")
    if not application.is_editable:
        # The server decides, whatever the page showed: after the deadline nothing changes.
        refusal = edit_refusal(application)
        return _application_page(request, application, form, budget, refusal=refusal)
    if not (form.is_valid() and budget.is_valid()):
        return _application_page(request, application, form, budget)
    refusal = _draft_save(form, budget)
    if refusal:
        application.refresh_from_db()
        return _application_page(request, application, form, budget, refusal=refusal)
    if request.POST.get("action") != "submit":
        messages.success(request, "Utkastet är sparat. Du kan fortsätta senare.")
        return redirect("application_edit", application_id=application.pk)
    try:
        application_submit(application=application)
    except ValidationError as error:
        problems = application_problems(application) or [("", m) for m in error.messages]
        return _application_page(request, application, form, budget, problems=problems)
    messages.success(request, "Ansökan är inskickad. Ett kvitto skickas till dig med e-post.")
    return redirect("application_edit", application_id=application.pk)


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
    unsaved = _draft_save_first(request, application)
    if unsaved is not None:
        return unsaved
    with_draft = "project_title" in request.POST
    error = _attachment_store(request, application, too_large, with_draft)
    if error:
        messages.error(request, error)
    return redirect(f"{_edit_url(application)}#bilagor")


def _draft_save_first(request: HttpRequest, application: Application) -> HttpResponse | None:
    """The upload button belongs to the application's form: what was typed is saved as the
    draft before the file, so uploading never throws text away. When the text cannot be saved,
    the page comes back with it and its errors, and the file is not taken."""
    if "project_title" not in request.POST or not application.is_editable:
        return None
    form = ApplicationForm(request.POST, instance=application, call=application.call)
    budget = BudgetFormSet(request.POST, prefix="budget")
    if form.is_valid() and budget.is_valid():
        _draft_save(form, budget)
        return None
    messages.error(request, "Bilagan laddades inte upp. Rätta felen och ladda upp den igen.")
    return _application_page(request, application, form, budget)


def _attachment_store(
    request: HttpRequest, application: Application, too_large: bool, with_draft: bool
) -> str:
    """Store the uploaded PDF; the refusal in Swedish, or "" when it is stored."""
    if not application.is_editable:
        return deadline_refusal(application.call).messages[0]
    if too_large:
        return f"Filen är för stor. En bilaga får vara högst {MAX_ATTACHMENT_BYTES // 1048576} MB."
    if application.attachments.count() >= MAX_ATTACHMENTS:
        return f"Högst {MAX_ATTACHMENTS} bilagor per ansökan."
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return form.errors["file"][0]
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    try:
        attachment_check(data)  # before the lock: parsing takes up to a second
        attachment_add(application=application, name=upload.name, data=data)
    except ValidationError as refused:
        return refused.messages[0]
    saved = f"Utkastet och bilagan {upload.name} är sparade." if with_draft else ""
    messages.success(request, saved or f"Bilagan {upload.name} är sparad.")
    return ""


def _edit_url(application: Application) -> str:
    return reverse("application_edit", kwargs={"application_id": application.pk})


@login_required
@require_POST
def attachment_delete(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    application = access.own_application(request, application_id)
    attachment = get_object_or_404(application.attachments.defer("content"), pk=attachment_id)
    try:
        attachment_remove(application=application, attachment=attachment)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"Bilagan {attachment.name} är borttagen.")
    return redirect(f"{_edit_url(application)}#bilagor")


@login_required
@require_safe
def attachment_download(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    application = access.viewable_application(request, application_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    return file_response(attachment.content, attachment.name, "application/pdf")


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
    return file_response(letter.pdf, f"beslut-{application.receipt_number}.pdf", "application/pdf")
