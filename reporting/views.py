"""The tjänsteutlåtande in the browser: preview, edit, PDF, issue, versions.

Every view starts from funds.access.agreement_for_user, so a year outside the user's
organisations answers 404; reading needs a viewer role, changing an editor role (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from funds.access import (
    EDITOR_ROLES,
    VIEWER_ROLES,
    agreement_for_user,
    can_edit,
    organisation_admin_roles,
)
from funds.models import Agreement, Membership, Organisation
from reporting.documents import (
    DocumentConflict,
    decision_document_current,
    decision_document_docx,
    decision_document_issue,
    decision_document_new_version,
    decision_document_pdf,
    decision_document_save,
    issued_version,
    issued_versions,
)
from reporting.forms import DecisionDocumentForm, OrganisationSettingsForm
from reporting.letterhead import has_logo
from reporting.models import DecisionDocument, IssuedDocument
from reporting.rendering import decision_document_rendering, missing_settings

CONFLICT_MESSAGE = (
    "Någon annan har ändrat tjänsteutlåtandet medan du arbetade. Dina ändringar sparades "
    "inte: läs in sidan igen och gör om dem."
)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filename(document: DecisionDocument, suffix: str = "", extension: str = "pdf") -> str:
    code = document.organisation.code
    return f"tjansteutlatande-{code}-{document.year}-v{document.version}{suffix}.{extension}"


def _pdf_response(data: bytes, filename: str, *, immutable: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A draft changes with the data; an issued version never does.
    response["Cache-Control"] = "private, max-age=31536000, immutable" if immutable else "no-store"
    return response


def _preview_url(agreement: Agreement) -> str:
    return reverse("decision_preview", args=[agreement.organisation.code, agreement.year])


@login_required
@require_safe
def decision_preview(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    document = decision_document_current(agreement)
    return render(
        request,
        "reporting/decision_preview.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "document": document,
            "r": decision_document_rendering(document, agreement, screen=True),
            "versions": issued_versions(agreement),
            "can_edit": can_edit(agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    document = decision_document_current(agreement)
    if not document.is_draft:
        messages.error(
            request,
            f"Version {document.version} är utfärdad och kan inte ändras. "
            "Starta en ny version för att göra ändringar.",
        )
        return redirect(_preview_url(agreement))
    form = DecisionDocumentForm(request.POST or None, instance=document, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            decision_document_save(
                document=document,
                values=form.document_values,
                examples=form.cleaned_data["examples"],
                expected_revision=form.cleaned_data["revision"],
                user=request.user,
                confirmed=form.confirmed,
            )
        except DocumentConflict:
            form.add_error(None, CONFLICT_MESSAGE)
        else:
            messages.success(request, "Tjänsteutlåtandet är sparat.")
            return redirect(_preview_url(agreement))
    return render(
        request,
        "reporting/decision_edit.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "document": document,
            "form": form,
            "missing_settings": missing_settings(document),
            "can_manage_settings": agreement.user_role in organisation_admin_roles(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_safe
def decision_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The current version as PDF: a draft rendered now (UTKAST), an issued one as stored."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    document = decision_document_current(agreement)
    archival = request.GET.get("arkiv") == "1"
    if not document.is_draft:
        url = reverse("decision_version_pdf", args=[code, year, document.version])
        return redirect(f"{url}?arkiv=1" if archival else url)
    data = decision_document_pdf(document, agreement, archival=archival)
    return _pdf_response(data, _filename(document, "-utkast-arkiv" if archival else "-utkast"))


@login_required
@require_safe
def decision_version_pdf(request: HttpRequest, code: str, year: int, version: int) -> HttpResponse:
    """An issued version, byte for byte as it was issued."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    issued: IssuedDocument | None = issued_version(agreement, version)
    if issued is None:
        raise Http404("Den versionen är inte utfärdad.")
    issued.document.organisation = agreement.organisation
    if request.GET.get("arkiv") == "1":
        data, digest, suffix = bytes(issued.archival_pdf), issued.archival_pdf_sha256, "-arkiv"
    else:
        data, digest, suffix = bytes(issued.pdf), issued.pdf_sha256, ""
    response = _pdf_response(data, _filename(issued.document, suffix), immutable=True)
    response["ETag"] = f'"{digest}"'
    return response


@login_required
@require_POST
def decision_issue(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    document = decision_document_current(agreement)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    if document.pk is None or not document.is_draft:
        messages.error(request, "Det finns inget sparat utkast att utfärda.")
        return redirect(_preview_url(agreement))
    try:
        issued = decision_document_issue(
            document=document, agreement=agreement, expected_revision=revision, user=request.user
        )
    except DocumentConflict:
        messages.error(
            request,
            "Utkastet har ändrats sedan du läste det och utfärdades inte. Granska det igen.",
        )
    except ValidationError as error:
        messages.error(request, "Tjänsteutlåtandet kan inte utfärdas: " + " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Version {document.version} är utfärdad (Dnr {issued.registry_number}). "
            "Den kan laddas ner oförändrad när som helst.",
        )
    return redirect(_preview_url(agreement))


@login_required
@require_POST
def decision_new_version(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    try:
        document = decision_document_new_version(agreement=agreement, user=request.user)
    except DocumentConflict:
        messages.error(request, "Det finns redan ett utkast; en ny version kan inte startas.")
        return redirect(_preview_url(agreement))
    messages.success(request, f"Version {document.version} är startad som utkast.")
    return redirect("decision_edit", code=code, year=year)


@login_required
@require_safe
def decision_docx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The current version as a Word file: a draft rendered now (UTKAST), an issued version
    as stored when it was issued (`?version=n` for an earlier one)."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    document = decision_document_current(agreement)
    requested = request.GET.get("version", "")
    if requested or not document.is_draft:
        try:
            version = int(requested) if requested else document.version
        except ValueError:
            raise Http404("Ogiltig version.") from None
        issued = issued_version(agreement, version)
        if issued is None:
            raise Http404("Den versionen är inte utfärdad.")
        if not issued.docx_sha256:
            raise Http404("Versionen utfärdades innan Word-filer sparades; ladda ner PDF:en.")
        issued.document.organisation = agreement.organisation
        response = HttpResponse(bytes(issued.docx), content_type=DOCX_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="{_filename(issued.document, extension="docx")}"'
        )
        response["Cache-Control"] = "private, max-age=31536000, immutable"
        response["ETag"] = f'"{issued.docx_sha256}"'
        return response
    data = decision_document_docx(document, agreement)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(document, "-utkast", extension="docx")}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _organisation_for_user(request: HttpRequest, code: str, *, admin: bool) -> Organisation:
    """404 outside the user's organisations; with `admin`, 403 unless the user's role
    administers it (settings.ORGANISATION_ADMIN_ROLES) or a superuser."""
    organisation = get_object_or_404(Organisation.objects.for_user(request.user), code=code)
    if admin and not request.user.is_superuser:
        role = (
            Membership.objects.filter(user=request.user, organisation=organisation)
            .values_list("role", flat=True)
            .first()
        )
        if role not in organisation_admin_roles():
            raise PermissionDenied(
                "Bara organisationens administratörer och samordnare ändrar inställningarna."
            )
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's own wording for its documents: nämnd, delegat, titles, logo."""
    organisation = _organisation_for_user(request, code, admin=True)
    form = OrganisationSettingsForm(
        request.POST or None, request.FILES or None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Inställningarna är sparade.")
        return redirect("organisation_settings", code=code)
    return render(
        request,
        "reporting/organisation_settings.html",
        {"organisation": organisation, "form": form, "has_logo": has_logo(organisation)},
        status=422 if form.errors else 200,
    )


@login_required
@require_safe
def organisation_logo(request: HttpRequest, code: str) -> HttpResponse:
    """The logo for the letterhead in the browser, to members of the organisation."""
    organisation = _organisation_for_user(request, code, admin=False)
    if not has_logo(organisation):
        raise Http404("Organisationen har ingen logotyp.")
    response = HttpResponse(bytes(organisation.logo), content_type=organisation.logo_content_type)
    # An SVG opened on its own must not run anything, whatever slipped through the check.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
