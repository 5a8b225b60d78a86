"""The Django admin of plans, for site staff."""

from django.contrib import admin

from plans.models import (
    ActionPlan,
    Activity,
    Goal,
    GoalArea,
    Indicator,
    IndicatorValue,
    PlanPriority,
)


class GoalAreaInline(admin.TabularInline):
    model = GoalArea
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "scope", "period_start", "period_end", "status"]
    list_filter = ["status", "scope", "owner"]
    search_fields = ["title"]
    inlines = [GoalAreaInline]


class PlanPriorityInline(admin.TabularInline):
    model = PlanPriority
    extra = 0


@admin.register(GoalArea)
class GoalAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan"]
    list_filter = ["plan"]
    inlines = [PlanPriorityInline]


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0


@admin.register(PlanPriority)
class PlanPriorityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "goal_area"]
    list_filter = ["goal_area__plan"]
    search_fields = ["name"]
    list_select_related = ["goal_area"]
    inlines = [ActivityInline, GoalInline]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "priority", "baseline", "target"]
    list_select_related = ["priority__goal_area"]
    search_fields = ["name"]
    inlines = [IndicatorValueInline]
