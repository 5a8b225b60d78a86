"""Plain model forms for a plan and its parts. The parent (owner, plan, målområde, prioriterat
område) comes from the URL, never from the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from plans.models import (
    ActionPlan,
    Activity,
    Goal,
    GoalArea,
    Indicator,
    IndicatorValue,
    PlanPriority,
)

YEAR_ATTRS = {"inputmode": "numeric", "min": 2000, "max": 2100}
YEAR_FIELDS = {"period_start", "period_end", "baseline_year", "target_year", "year"}


class PlanPartForm(forms.ModelForm):
    """A model form whose parent is set by the view before validation.

    ModelForm skips a UniqueConstraint that names a field outside the form, so two
    målområden with the same number would reach the database as an IntegrityError (a 500).
    Putting the parent back into the check turns that into a form error.
    """

    error_heading = "Det gick inte att spara"

    parent_field = ""

    def __init__(self, *args, parent, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        setattr(self.instance, self.parent_field, parent)
        for name in YEAR_FIELDS & set(self.fields):
            # After the field's own min="0" (a positive integer), so the years' range wins.
            self.fields[name].widget.attrs.update(YEAR_ATTRS)

    def validate_constraints(self) -> None:
        exclude = self._get_validation_exclusions() - {self.parent_field}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class ActionPlanForm(PlanPartForm):
    parent_field = "owner"

    class Meta:
        model = ActionPlan
        fields = ["title", "scope", "period_start", "period_end", "status", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class GoalAreaForm(PlanPartForm):
    parent_field = "plan"

    class Meta:
        model = GoalArea
        fields = ["number", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PlanPriorityForm(PlanPartForm):
    parent_field = "goal_area"

    class Meta:
        model = PlanPriority
        fields = ["number", "name", "description"]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class ActivityForm(PlanPartForm):
    parent_field = "priority"

    class Meta:
        model = Activity
        fields = ["kind", "text", "responsible", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class GoalForm(PlanPartForm):
    parent_field = "priority"

    class Meta:
        model = Goal
        fields = ["horizon", "text", "measurable", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(PlanPartForm):
    parent_field = "priority"

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "goal",
            "baseline_year",
            "baseline",
            "target_year",
            "target",
            "source",
        ]
        # Localized: "12,5" as Swedish users write it.
        localized_fields = ["baseline", "target"]

    def __init__(self, *args, parent: PlanPriority, **kwargs) -> None:
        super().__init__(*args, parent=parent, **kwargs)
        # Only the goals of this priority; another plan's goals are not even listed.
        self.fields["goal"].queryset = parent.goals.all()


class IndicatorValueForm(PlanPartForm):
    """One year's value; posting a year that already has one replaces it (see the view)."""

    error_heading = "Värdet sparades inte"

    parent_field = "indicator"

    class Meta:
        model = IndicatorValue
        fields = ["year", "value", "comment"]
        localized_fields = ["value"]
