"""Onboarding pages: organisations (site administrators), an organisation's start page, its
first agreement, and its recipients (list, add, edit, import from a sheet)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_safe

from funds.access import EDITOR_ROLES, VIEWER_ROLES, organisation_for_user, require_superuser
from funds.models import (
    Agreement,
    NationalAgreement,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
)
from funds.onboarding.forms import (
    AgreementCreateForm,
    AreaFormSet,
    OrganisationForm,
    RecipientForm,
    RecipientImportForm,
    area_objects,
    check_areas,
)
from funds.onboarding.recipients import (
    ImportOutdated,
    recipient_import_plan,
    recipient_save,
    recipients_import,
)
from funds.onboarding.sheets import SheetRow, recipient_template
from funds.pages import PREVIEW_EXPIRED, PendingPreview
from funds.xlsx import XLSX_CONTENT_TYPE

# --- Organisations (site administrators) ---------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    require_superuser(request)
    organisations = Organisation.objects.annotate(
        agreement_count=Count("agreements", distinct=True),
        recipient_count=Count("recipients", distinct=True),
        member_count=Count("memberships", distinct=True),
    ).order_by("name")
    return render(request, "onboarding/organisation_list.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_superuser(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(
            request,
            f"{organisation} är upplagd. Nästa steg: lägg in årets överenskommelse.",
        )
        return redirect("agreement_create", code=organisation.code)
    return render(
        request,
        "onboarding/organisation_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


# --- An organisation's start page ----------------------------------------------------------


@login_required
def organisation_overview(request: HttpRequest, code: str) -> HttpResponse:
    """What is set up and what remains: agreement, recipients, members (checklist)."""
    organisation = organisation_for_user(request, code, VIEWER_ROLES)
    counts = Organisation.objects.filter(pk=organisation.pk).aggregate(
        recipients=Count("recipients", distinct=True),
        members=Count("memberships", distinct=True),
        invited=Count(
            "invitations", filter=Q(invitations__accepted_at__isnull=True), distinct=True
        ),
    )
    agreements = list(
        Agreement.objects.filter(organisation=organisation)
        .annotate(
            area_count=Count("priority_areas", distinct=True),
            unmapped=Count(
                "priority_areas",
                filter=Q(priority_areas__national_area__isnull=True)
                & Q(priority_areas__own_priority_reason=""),
                distinct=True,
            ),
        )
        .order_by("-year")
    )
    return render(
        request,
        "onboarding/organisation_overview.html",
        {
            "organisation": organisation,
            "agreements": agreements,
            "counts": counts,
            "can_edit": organisation.user_role in EDITOR_ROLES,
            "is_admin": organisation.can_administer,
        },
    )


# --- The first agreement -------------------------------------------------------------------


def _areas_url(code: str, year: int, has_areas: bool) -> str:
    """The year helper's areas page (add areas, map them), when it exists on this install."""
    try:
        return reverse("agreement_areas", kwargs={"code": code, "year": year})
    except NoReverseMatch:
        name = "allocation_matrix" if has_areas else "year_overview"
        return reverse(name, kwargs={"code": code, "year": year})


def _chosen_year(value: str | None) -> int | None:
    """The year the agreement form is for, from the posted form or `?ar=`; None when absent
    or not a year the app accepts."""
    try:
        year = int((value or "").strip())
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _year_national_areas(year: int | None):
    """The national areas the form offers: the chosen year's own, none before a year is
    chosen (earlier years' areas would only be refused)."""
    return (
        NationalArea.objects.filter(national_agreement__year=year)
        .select_related("national_agreement")
        .prefetch_related("fundings")
        .order_by("number")
    )


def _agreement_forms(request: HttpRequest, organisation: Organisation) -> tuple:
    """The agreement form and its areas' formset, offering the chosen year's national areas."""
    data = request.POST if request.method == "POST" else None
    year = _chosen_year(data.get("year") if data is not None else request.GET.get("ar"))
    form = AgreementCreateForm(data, organisation=organisation, initial={"year": year})
    formset = AreaFormSet(
        data, prefix="omrade", national_areas=_year_national_areas(year), kind=organisation.kind
    )
    return form, formset, year


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, EDITOR_ROLES)
    posted = request.method == "POST"
    form, formset, year = _agreement_forms(request, organisation)
    if posted and form.is_valid() and formset.is_valid():
        check_areas(form, formset)
        if not form.errors:
            try:
                with transaction.atomic():
                    agreement = form.save()
                    areas = area_objects(agreement, formset)
                    PriorityArea.objects.bulk_create(areas)
            except IntegrityError:
                form.add_error("year", "Året finns redan; ladda om sidan.")
            else:
                text = f"Överenskommelsen {agreement.year} är upplagd"
                text += f" med {len(areas)} områden." if areas else ". Lägg in dess områden."
                messages.success(request, text)
                return redirect(_areas_url(organisation.code, agreement.year, bool(areas)))
    return render(
        request,
        "onboarding/agreement_form.html",
        {
            "organisation": organisation,
            "form": form,
            "formset": formset,
            "year": year,
            "has_national": NationalAgreement.objects.filter(year=year).exists(),
            "existing_years": list(
                organisation.agreements.order_by("year").values_list("year", flat=True)
            ),
        },
        status=422 if posted and (form.errors or not formset.is_valid()) else 200,
    )


# --- Recipients ----------------------------------------------------------------------------


@login_required
def recipient_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, VIEWER_ROLES)
    recipients = (
        Recipient.objects.filter(organisation=organisation)
        .select_related("successor")
        .order_by("kind", "name")
    )
    return render(
        request,
        "onboarding/recipient_list.html",
        {
            "organisation": organisation,
            "recipients": recipients,
            "can_edit": organisation.user_role in EDITOR_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recipient_edit(
    request: HttpRequest, code: str, recipient_id: int | None = None
) -> HttpResponse:
    organisation = organisation_for_user(request, code, EDITOR_ROLES)
    recipient = (
        get_object_or_404(Recipient, pk=recipient_id, organisation=organisation)
        if recipient_id is not None
        else None
    )
    form = RecipientForm(request.POST or None, instance=recipient, organisation=organisation)
    saved = recipient_save(form) if request.method == "POST" and form.is_valid() else None
    if saved is not None:
        messages.success(request, f"{saved.name} är {'ändrad' if recipient else 'tillagd'}.")
        return redirect("recipient_list", code=organisation.code)
    return render(
        request,
        "onboarding/recipient_form.html",
        {"organisation": organisation, "form": form, "recipient": recipient},
        status=422 if form.errors else 200,
    )


IMPORT_TEMPLATE = "onboarding/recipient_import.html"


def _pending(request: HttpRequest, organisation: Organisation) -> PendingPreview:
    return PendingPreview(request, f"recipient_import:{organisation.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def recipient_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload → preview (nothing saved; the parsed rows wait in the session) → save all or
    nothing. The file is parsed once: the save uses the rows the preview showed."""
    organisation = organisation_for_user(request, code, EDITOR_ROLES)
    context = {"organisation": organisation}
    if request.method == "POST" and request.POST.get("action") == "save":
        return _import_save(request, organisation)
    form = RecipientImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, IMPORT_TEMPLATE, {**context, "form": form})
    if not form.is_valid():
        return render(request, IMPORT_TEMPLATE, {**context, "form": form}, status=422)
    name, rows = form.cleaned_data["file"]
    plan = recipient_import_plan(organisation=organisation, rows=rows)
    token = _pending(request, organisation).keep(
        name=name[:200], rows=[row.as_list() for row in rows], fingerprint=plan.fingerprint
    )
    context.update(plan=plan, filename=name, token=token)
    return render(request, IMPORT_TEMPLATE, context)


@login_required
@require_safe
def recipient_import_template(request: HttpRequest, code: str) -> HttpResponse:
    """The workbook to fill in: the headers the import reads, the organisation's recipients as
    the import reads them back unchanged, and how to fill it in."""
    organisation = organisation_for_user(request, code, EDITOR_ROLES)
    recipients = (
        Recipient.objects.filter(organisation=organisation)
        .select_related("successor", "parent")
        .order_by("name")
    )
    response = HttpResponse(recipient_template(recipients), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mottagare-mall.xlsx"'
    return response


def _import_save(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    pending = _pending(request, organisation)
    previewed = pending.posted()
    context = {"organisation": organisation}
    if previewed is None:
        context.update(form=RecipientImportForm(), error_list=[PREVIEW_EXPIRED])
        return render(request, IMPORT_TEMPLATE, context, status=409)
    rows = [SheetRow.from_list(values) for values in previewed["rows"]]
    try:
        result = recipients_import(
            organisation=organisation, rows=rows, fingerprint=previewed["fingerprint"]
        )
    except (ImportOutdated, ValidationError) as error:
        plan = recipient_import_plan(organisation=organisation, rows=rows)
        pending.update(fingerprint=plan.fingerprint)
        message = (
            "Mottagarna har ändrats sedan förhandsgranskningen. Inget sparades; kontrollera "
            "raderna nedan och spara igen."
            if isinstance(error, ImportOutdated)
            else " ".join(error.messages)
        )
        context.update(
            plan=plan, filename=previewed["name"], token=previewed["token"], error=message
        )
        return render(request, IMPORT_TEMPLATE, context, status=409)
    pending.forget()
    messages.success(
        request,
        f"Filen {previewed['name']} är importerad: {result.created} nya och "
        f"{result.updated} ändrade mottagare.",
    )
    return redirect("recipient_list", code=organisation.code)
