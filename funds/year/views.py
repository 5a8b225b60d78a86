"""Pages of the year set-up: priority areas and their national mapping, starting a year, IOP
partnerships, an allocation's plan priorities, and the national reference data.

Access as everywhere: 404 outside the user's organisations, 403 for a role that may not use
the page, anonymous visitors to the login page. The reference data pages are for site
administrators (staff) only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    NationalAgreement,
    NationalArea,
    NationalAreaFunding,
    Partnership,
    PriorityArea,
    SurveyCategory,
    SurveyCategorySet,
)
from funds.pages import workflow_run
from funds.year.areas import AreaConflict, areas_editable, mapping_editable, priority_area_save
from funds.year.forms import (
    AllocationPrioritiesForm,
    AreaForm,
    CategoriesForm,
    NationalAgreementForm,
    NationalAreaFormSet,
    PartnershipForm,
    YearStartForm,
    national_label,
    national_warning,
)
from funds.year.lineage import area_predecessors
from funds.year.partnerships import partnership_save
from funds.year.proposals import national_proposals, national_proposals_accept, waiting_areas
from funds.year.reference import national_agreement_add, survey_categories_set
from funds.year.start import category_origin, year_start, year_start_plan
from plans.access import organisation_for_user, require_role
from plans.models import PlanPriority

YEAR_START = "funds/year/year_start.html"

# --- Priority areas and their national mapping --------------------------------------------


def _national_areas(year: int) -> list[NationalArea]:
    return list(
        NationalArea.objects.filter(national_agreement__year=year)
        .prefetch_related("fundings")
        .order_by("number")
    )


def _earlier_areas(agreement: Agreement) -> list[PriorityArea]:
    """The areas a coordinator may name as predecessor: the organisation's earlier years',
    latest year first."""
    return list(
        PriorityArea.objects.filter(
            agreement__organisation_id=agreement.organisation_id, agreement__year__lt=agreement.year
        )
        .select_related("agreement")
        .order_by("-agreement__year", "number")
    )


def _area_rows(agreement: Agreement) -> list[tuple]:
    """(area, national label, predecessor, warning when the national area does not fund the
    organisation's kind of huvudman) per area."""
    kind = agreement.organisation.kind
    areas = list(
        PriorityArea.objects.filter(agreement=agreement)
        .select_related("national_area", "awaiting_successor_of__national_agreement")
        .prefetch_related("national_area__fundings")
        .order_by("number")
    )
    for area in areas:
        area.agreement = agreement
    predecessors = area_predecessors(areas)
    return [
        (
            area,
            national_label(area.national_area, kind) if area.national_area else "",
            predecessors.get(area.pk),
            national_warning(area.national_area, kind) if area.national_area else "",
        )
        for area in areas
    ]


@login_required
def agreement_areas(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The agreement's priority areas with their national area, route and predecessor, and
    what waits for the state's agreement."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    rows = _area_rows(agreement)
    areas = [row[0] for row in rows]
    return render(
        request,
        "funds/year/agreement_areas.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "rows": rows,
            "granted_total": sum((area.granted for area in areas), ZERO),
            "unmapped": [a for a in areas if not a.is_mapped and not a.awaiting_successor_of_id],
            "waiting": [area for area in areas if area.awaiting_successor_of_id],
            "proposals": [p for p in national_proposals(agreement) if p.proposed],
            "carried": [area for area in areas if area.reason_carried_from_year],
            "categories": category_origin(year),
            "category_set": SurveyCategorySet.objects.filter(year=year).first(),
            "national_agreement": NationalAgreement.objects.filter(year=year).first(),
            "can_edit": can_edit(agreement) and mapping_editable(agreement),
            "can_add": can_edit(agreement) and areas_editable(agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_area_proposals(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The national areas the lineage proposes for the year's waiting areas: a GET shows
    them, the page's button maps them all."""
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    error = ""
    if request.method == "POST":
        accepted, error = workflow_run(lambda: national_proposals_accept(agreement=agreement))
        if accepted:
            messages.success(request, f"{len(accepted)} områden är kopplade enligt förslagen.")
            return redirect("agreement_areas", code=code, year=year)
    kind = agreement.organisation.kind
    rows = [
        (p, national_label(p.proposed, kind), national_warning(p.proposed, kind))
        if p.proposed
        else (p, "", "")
        for p in national_proposals(agreement)
    ]
    context = {"agreement": agreement, "organisation": agreement.organisation}
    context |= {"rows": rows, "error": error, "can_accept": any(p.proposed for p, *_ in rows)}
    context["waiting"] = waiting_areas(agreement) if not rows else []
    template = "funds/year/area_proposals.html"
    return render(request, template, context, status=422 if error else 200)


AREA_CONFLICT = (
    "Någon annan har ändrat området medan du redigerade. Inget av det du skrev sparades; "
    "formuläret visar nu det som är sparat."
)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_area_edit(
    request: HttpRequest, code: str, year: int, area_id: int | None = None
) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES)
    area = get_object_or_404(PriorityArea, pk=area_id, agreement=agreement) if area_id else None
    refusal = _area_edit_refusal(agreement, adding=area is None)
    if refusal:
        messages.error(request, refusal)
        return redirect("agreement_areas", code=code, year=year)
    form_args = _area_form_args(agreement)
    if request.method != "POST":
        initial = (
            AreaForm.initial_for(area) if area else {"number": agreement.priority_areas.count() + 1}
        )
        return _area_page(request, agreement, area, AreaForm(initial=initial, **form_args))
    form = AreaForm(request.POST, **form_args)
    if not form.is_valid():
        return _area_page(request, agreement, area, form, status=422)
    try:
        saved = priority_area_save(
            agreement=agreement,
            area=area,
            expected_version=form.cleaned_data.get("version") or 0,
            data=form.area_input(),
        )
    except AreaConflict as conflict:
        form = AreaForm(initial=AreaForm.initial_for(conflict.current), **form_args)
        return _area_page(request, agreement, conflict.current, form, AREA_CONFLICT, 409)
    except ValidationError as refused:
        return _area_page(request, agreement, area, form, " ".join(refused.messages), 422)
    messages.success(request, f"Området {saved.number}. {saved.name} är sparat.")
    return redirect("agreement_areas", code=code, year=year)


def _area_edit_refusal(agreement: Agreement, *, adding: bool) -> str:
    if not mapping_editable(agreement):
        return "Året är avslutat och kan inte ändras."
    if adding and not areas_editable(agreement):
        return f"{agreement.year} är beslutat: inga nya områden kan läggas till."
    return ""


def _awaiting_choices(year: int) -> list[NationalArea]:
    """Before the state's agreement for `year`: the latest earlier year's national areas, whose
    successors an area may wait for. None once the year has its own."""
    if NationalAgreement.objects.filter(year=year).exists():
        return []
    latest = NationalAgreement.objects.filter(year__lt=year).order_by("-year").first()
    return list(latest.areas.select_related("national_agreement")) if latest else []


def _area_form_args(agreement: Agreement) -> dict:
    return {
        "agreement": agreement,
        "national_areas": _national_areas(agreement.year),
        "previous_areas": _earlier_areas(agreement),
        "full": areas_editable(agreement),
        "awaiting_choices": _awaiting_choices(agreement.year),
    }


def _area_page(
    request: HttpRequest,
    agreement: Agreement,
    area: PriorityArea | None,
    form: AreaForm,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "area": area,
        "form": form,
        "error": error,
        "full": areas_editable(agreement),
    }
    return render(request, "funds/year/agreement_area_form.html", context, status=status)


# --- Starting a year ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def year_start_page(request: HttpRequest, code: str) -> HttpResponse:
    """Preview, then create, the next year's draft agreement from an earlier year."""
    organisation = organisation_for_user(request, code)
    require_role(organisation, EDITOR_ROLES)
    years = list(
        Agreement.objects.filter(organisation=organisation)
        .order_by("-year")
        .values_list("year", flat=True)
    )
    context = {"organisation": organisation, "years": years}
    if not years:
        return render(request, YEAR_START, context)
    data = request.POST if request.method == "POST" else None
    if request.method == "GET" and "year" in request.GET:
        data = request.GET
    form = YearStartForm(data, years=years, initial={"year": years[0] + 1, "from_year": years[0]})
    context["form"] = form
    if data is None or not form.is_valid():
        return render(request, YEAR_START, context, status=422 if form.errors else 200)
    arguments = {"organisation": organisation, **form.cleaned_data}
    if request.method == "POST" and "start" in request.POST:
        started, context["error"] = workflow_run(lambda: year_start(**arguments, user=request.user))
        if started is not None:
            messages.success(
                request,
                f"{started[0].year} är skapat som utkast. Kontrollera områdena och deras "
                "koppling till nationella områden.",
            )
            return redirect("agreement_areas", code=code, year=started[0].year)
    context["plan"] = year_start_plan(**arguments)
    status = 409 if context.get("error") or context["plan"].refusal else 200
    return render(request, YEAR_START, context, status=status)


# --- IOP partnerships --------------------------------------------------------------------


@login_required
def partnership_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code)
    require_role(organisation, EDITOR_ROLES)
    partnerships = (
        Partnership.objects.filter(organisation=organisation)
        .select_related("recipient", "national_area__national_agreement")
        .order_by("recipient__name", "first_year", "pk")
    )
    return render(
        request,
        "funds/year/partnership_list.html",
        {"organisation": organisation, "partnerships": partnerships},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(
    request: HttpRequest, code: str, partnership_id: int | None = None
) -> HttpResponse:
    organisation = organisation_for_user(request, code)
    require_role(organisation, EDITOR_ROLES)
    instance = (
        get_object_or_404(Partnership, pk=partnership_id, organisation=organisation)
        if partnership_id
        else None
    )
    form = PartnershipForm(request.POST or None, instance=instance, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        saved = partnership_save(form)
        name = saved.partnership.recipient.name
        if saved.existed:
            messages.info(request, f"Partnerskapet med {name} fanns redan. Inget nytt sparades.")
        else:
            messages.success(request, f"Partnerskapet med {name} är sparat.")
        return redirect("partnership_list", code=code)
    return render(
        request,
        "funds/year/partnership_form.html",
        {"organisation": organisation, "form": form, "partnership": instance},
        status=422 if form.errors else 200,
    )


# --- An allocation's plan priorities -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def allocation_priorities(
    request: HttpRequest, code: str, year: int, allocation_id: int
) -> HttpResponse:
    """Which plan priorities an allocation serves; the coverage page counts the money."""
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    allocation = get_object_or_404(
        Allocation.objects.select_related("recipient", "priority_area"),
        pk=allocation_id,
        priority_area__agreement=agreement,
    )
    queryset = _plan_priorities(agreement)
    editable = can_edit(agreement) and agreement.is_editable
    form = AllocationPrioritiesForm(
        request.POST if request.method == "POST" else None,
        queryset=queryset,
        initial={"priorities": list(allocation.plan_priorities.values_list("pk", flat=True))},
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Din roll ger inte behörighet att ändra kopplingarna.")
        if form.is_valid():
            allocation.plan_priorities.set(form.cleaned_data["priorities"])
            messages.success(request, "Kopplingarna till handlingsplanerna är sparade.")
            return redirect(
                "allocation_priorities", code=code, year=year, allocation_id=allocation.pk
            )
    return render(
        request,
        "funds/year/allocation_priorities.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "allocation": allocation,
            "form": form,
            "editable": editable,
            "has_priorities": queryset.exists(),
        },
        status=422 if form.errors else 200,
    )


def _plan_priorities(agreement: Agreement):
    """The organisation's plan priorities, every plan's, in the order the page lists them."""
    return (
        PlanPriority.objects.for_organisation(agreement.organisation)
        .select_related("goal_area__plan")
        .order_by("goal_area__plan__title", "goal_area__number", "number")
    )


# --- National reference data (site administrators) ---------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not (request.user.is_superuser or request.user.is_staff):
        raise PermissionDenied("Referensdata ändras av webbplatsens administratörer.")


@login_required
def reference_data(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    agreements = NationalAgreement.objects.order_by("-year").prefetch_related(
        Prefetch("areas", NationalArea.objects.order_by("number").prefetch_related("fundings"))
    )
    sets = {row.year: row for row in SurveyCategorySet.objects.all()}
    years = sorted(
        set(sets) | set(SurveyCategory.objects.values_list("year", flat=True).distinct()),
        reverse=True,
    )
    return render(
        request,
        "funds/year/reference_data.html",
        {
            "agreements": agreements,
            "category_years": [(year, sets.get(year)) for year in years],
            "huvudman": dict(NationalAreaFunding.Huvudman.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_data_add(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    posted = request.method == "POST"
    form = NationalAgreementForm(request.POST if posted else None)
    formset = NationalAreaFormSet(request.POST if posted else None, prefix="omrade")
    error = ""
    if posted and form.is_valid() and formset.is_valid():
        areas = [sub.cleaned_data for sub in formset.forms if not sub.is_blank]
        if not areas:
            error = "Lägg in minst ett område."
        else:
            try:
                agreement = national_agreement_add(
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    total=form.cleaned_data["total"],
                    source=form.cleaned_data["source"],
                    areas=areas,
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(
                    request, f"Den nationella överenskommelsen för {agreement.year} är sparad."
                )
                return redirect("reference_data")
    return render(
        request,
        "funds/year/reference_data_add.html",
        {"form": form, "formset": formset, "error": error},
        status=422 if posted else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_categories(request: HttpRequest, year: int) -> HttpResponse:
    _require_staff(request)
    if not 2000 <= year <= 2100:
        raise PermissionDenied("Året måste ligga mellan 2000 och 2100.")
    category_set = SurveyCategorySet.objects.filter(year=year).first()
    read_only = (
        category_set is not None and category_set.origin == SurveyCategorySet.Origin.DATA_FILE
    )
    categories = list(SurveyCategory.objects.filter(year=year).order_by("group", "position"))
    form = CategoriesForm(
        request.POST if request.method == "POST" and not read_only else None,
        categories=categories,
    )
    error = ""
    if request.method == "POST" and not read_only and form.is_valid():
        try:
            survey_categories_set(year=year, labels=form.labels)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"Enkätkategorierna för {year} är sparade.")
            return redirect("reference_data")
    return render(
        request,
        "funds/year/reference_categories.html",
        {
            "year": year,
            "form": form,
            "read_only": read_only,
            "category_set": category_set,
            "origin": category_origin(year),
            "error": error,
        },
        status=422 if (form.errors or error) else 200,
    )
