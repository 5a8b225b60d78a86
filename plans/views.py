"""Reading and editing an organisation's action plans.

Every view starts from plans.access: 404 outside the user's organisations, 403 for a role
that may not do this (reading: any member; changing: administrators and coordinators).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from plans.access import (
    EDITOR_ROLES,
    READER_ROLES,
    can_edit,
    organisation_for_user,
    plan_for_user,
    require_role,
)
from plans.forms import (
    ActionPlanForm,
    ActivityForm,
    GoalAreaForm,
    GoalForm,
    IndicatorForm,
    IndicatorValueForm,
    PlanPartForm,
    PlanPriorityForm,
)
from plans.models import (
    ActionPlan,
    Activity,
    Goal,
    GoalArea,
    Indicator,
    IndicatorValue,
    PlanPriority,
)

FORM = "plans/form.html"


def _detail_url(plan: ActionPlan, anchor: str = "") -> str:
    url = reverse("plan_detail", args=[plan.owner.code, plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _edit(
    request: HttpRequest,
    *,
    plan: ActionPlan | None,
    organisation: Model,
    form_class: type[PlanPartForm],
    parent: Model,
    instance: Model | None = None,
    heading: str,
    context_line: str = "",
    cancel_url: str,
    anchor: Callable[[Model], str] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST saves and returns to the plan, at the changed part."""
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=instance, parent=parent)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"{saved._meta.verbose_name.capitalize()} sparades.")
            target = saved if isinstance(saved, ActionPlan) else plan
            return redirect(_detail_url(target, anchor(saved) if anchor else ""))
        status = 422
    else:
        status = 200
    return render(
        request,
        FORM,
        {
            "organisation": organisation,
            "plan": plan,
            "form": form,
            "heading": heading,
            "context_line": context_line,
            "cancel_url": cancel_url,
        },
        status=status,
    )


# Plans ----------------------------------------------------------------------------------------


@login_required
@require_safe
def plan_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code)
    require_role(organisation, READER_ROLES)
    plans = ActionPlan.objects.filter(owner=organisation).order_by("-period_start", "title")
    return render(
        request,
        "plans/plan_list.html",
        {"organisation": organisation, "plans": plans, "can_edit": can_edit(organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code)
    require_role(organisation, EDITOR_ROLES)
    return _edit(
        request,
        plan=None,
        organisation=organisation,
        form_class=ActionPlanForm,
        parent=organisation,
        heading="Ny handlingsplan",
        cancel_url=reverse("plan_list", args=[code]),
    )


@login_required
@require_safe
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, READER_ROLES)
    # One query per level, however large the plan: the page's query count is constant.
    priorities = PlanPriority.objects.order_by("number").prefetch_related(
        Prefetch("activities", Activity.objects.order_by("kind", "position", "pk")),
        Prefetch("goals", Goal.objects.order_by("horizon", "position", "pk")),
        Prefetch(
            "indicators",
            Indicator.objects.select_related("goal").prefetch_related(
                Prefetch("values", IndicatorValue.objects.order_by("year"))
            ),
        ),
        # The allocations linked to each priority (funds links them; reached through the app
        # registry, as plans/access.py does, so plans imports nothing of funds).
        Prefetch(
            "allocations",
            apps.get_model("funds", "Allocation")
            .objects.select_related("recipient", "priority_area__agreement")
            .order_by(
                "-priority_area__agreement__year", "recipient__name", "priority_area__number"
            ),
        ),
    )
    goal_areas = plan.goal_areas.order_by("number").prefetch_related(
        Prefetch("priorities", priorities)
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "organisation": plan.owner,
            "plan": plan,
            "goal_areas": goal_areas,
            "can_edit": can_edit(plan.owner),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=ActionPlanForm,
        parent=plan.owner,
        instance=plan,
        heading=f"Redigera {plan.title}",
        cancel_url=_detail_url(plan),
    )


# Målområden and prioriterade områden -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_area_create(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=GoalAreaForm,
        parent=plan,
        heading="Nytt målområde",
        context_line=str(plan),
        cancel_url=_detail_url(plan),
        anchor=lambda area: f"malomrade-{area.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_area_edit(
    request: HttpRequest, code: str, plan_id: int, goal_area_id: int
) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    area = get_object_or_404(GoalArea, pk=goal_area_id, plan=plan)
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=GoalAreaForm,
        parent=plan,
        instance=area,
        heading=f"Redigera målområde {area.number}",
        context_line=str(plan),
        cancel_url=_detail_url(plan, f"malomrade-{area.pk}"),
        anchor=lambda area: f"malomrade-{area.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_create(
    request: HttpRequest, code: str, plan_id: int, goal_area_id: int
) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    area = get_object_or_404(GoalArea, pk=goal_area_id, plan=plan)
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=PlanPriorityForm,
        parent=area,
        heading="Nytt prioriterat område",
        context_line=str(area),
        cancel_url=_detail_url(plan, f"malomrade-{area.pk}"),
        anchor=_priority_anchor,
    )


def _priority_for(plan: ActionPlan, priority_id: int) -> PlanPriority:
    return get_object_or_404(
        PlanPriority.objects.select_related("goal_area"), pk=priority_id, goal_area__plan=plan
    )


def _priority_anchor(priority: PlanPriority) -> str:
    return f"prioritering-{priority.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, code: str, plan_id: int, priority_id: int) -> HttpResponse:
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    priority = _priority_for(plan, priority_id)
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=PlanPriorityForm,
        parent=priority.goal_area,
        instance=priority,
        heading=f"Redigera prioriterat område {priority.code}",
        context_line=str(priority.goal_area),
        cancel_url=_detail_url(plan, _priority_anchor(priority)),
        anchor=_priority_anchor,
    )


# Activities, goals and indicators under a priority -----------------------------------------

# URL part, form, model, heading for "new"
_PARTS = {
    "activity": (ActivityForm, Activity, "Ny aktivitet"),
    "goal": (GoalForm, Goal, "Nytt mål"),
    "indicator": (IndicatorForm, Indicator, "Ny indikator"),
}


def _part_create(request: HttpRequest, code: str, plan_id: int, priority_id: int, part: str):
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    priority = _priority_for(plan, priority_id)
    form_class, _model, heading = _PARTS[part]
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=form_class,
        parent=priority,
        heading=heading,
        context_line=f"{priority.code} {priority.name}",
        cancel_url=_detail_url(plan, _priority_anchor(priority)),
        anchor=lambda obj: _priority_anchor(obj.priority),
    )


def _part_edit(request: HttpRequest, code: str, plan_id: int, pk: int, part: str):
    plan = plan_for_user(request, code, plan_id, EDITOR_ROLES)
    form_class, model, _heading = _PARTS[part]
    obj = get_object_or_404(
        model.objects.select_related("priority__goal_area"), pk=pk, priority__goal_area__plan=plan
    )
    priority = obj.priority
    return _edit(
        request,
        plan=plan,
        organisation=plan.owner,
        form_class=form_class,
        parent=priority,
        instance=obj,
        heading=f"Redigera {model._meta.verbose_name}",
        context_line=f"{priority.code} {priority.name}",
        cancel_url=_detail_url(plan, _priority_anchor(priority)),
        anchor=lambda obj: _priority_anchor(obj.priority),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, code: str, plan_id: int, priority_id: int) -> HttpResponse:
    return _part_create(request, code, plan_id, priority_id, "activity")


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, code: str, plan_id: int, activity_id: int) -> HttpResponse:
    return _part_edit(request, code, plan_id, activity_id, "activity")


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, code: str, plan_id: int, priority_id: int) -> HttpResponse:
    return _part_create(request, code, plan_id, priority_id, "goal")


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, code: str, plan_id: int, goal_id: int) -> HttpResponse:
    return _part_edit(request, code, plan_id, goal_id, "goal")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, code: str, plan_id: int, priority_id: int) -> HttpResponse:
    return _part_create(request, code, plan_id, priority_id, "indicator")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, code: str, plan_id: int, indicator_id: int) -> HttpResponse:
    return _part_edit(request, code, plan_id, indicator_id, "indicator")


# Indicator values over time ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, code: str, plan_id: int, indicator_id: int):
    """The values per year against baseline and target; editors add or correct a year."""
    roles = EDITOR_ROLES if request.method == "POST" else READER_ROLES
    plan = plan_for_user(request, code, plan_id, roles)
    indicator = get_object_or_404(
        Indicator.objects.select_related("priority__goal_area", "goal"),
        pk=indicator_id,
        priority__goal_area__plan=plan,
    )
    form = IndicatorValueForm(parent=indicator)
    status = 200
    if request.method == "POST":
        form = _indicator_value_form(request, indicator)
        if form.is_valid():
            value = form.save()
            messages.success(request, f"Värdet för {value.year} sparades.")
            return redirect(
                "indicator_detail", code=code, plan_id=plan.pk, indicator_id=indicator.pk
            )
        status = 422
    return render(
        request,
        "plans/indicator_detail.html",
        {
            "organisation": plan.owner,
            "plan": plan,
            "indicator": indicator,
            "rows": _value_rows(indicator),
            "form": form,
            "can_edit": can_edit(plan.owner),
        },
        status=status,
    )


def _indicator_value_form(request: HttpRequest, indicator: Indicator) -> IndicatorValueForm:
    """The posted value, bound to the year's row when it has one: a year that already has a
    value is corrected, not duplicated."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None  # the form says what is wrong with it
    existing = (
        IndicatorValue.objects.filter(indicator=indicator, year=year).first()
        if year is not None
        else None
    )
    return IndicatorValueForm(request.POST, instance=existing, parent=indicator)


def _value_rows(indicator: Indicator) -> list[dict]:
    """Each year's value with its change from the baseline and what is left to the target."""
    return [
        {
            "value": value,
            "change": None if indicator.baseline is None else value.value - indicator.baseline,
            "remaining": None if indicator.target is None else indicator.target - value.value,
        }
        for value in indicator.values.order_by("year")
    ]
