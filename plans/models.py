"""Handlingsplaner: a plan's målområden, prioriterade områden, aktiviteter, mål and indikatorer.

`plans` knows nothing of money (STYLE.md: plans ← funds ← reporting). Allocations and
interventions point at `PlanPriority` from the funds side; the owner is a lazy reference to
`funds.Organisation` so this module never imports funds.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from config.fields import BoundedTextField


def _year_range(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 2000, f"{field}__lte": 2100}),
        name=f"{model}_{field}_range",
    )


def _year(verbose_name, **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        **kwargs,
    )


class ActionPlanQuerySet(models.QuerySet):
    def active(self) -> ActionPlanQuerySet:
        return self.filter(status=ActionPlan.Status.ACTIVE)


class ActionPlan(models.Model):
    """A local or county-wide action plan (handlingsplan, inriktning) of one organisation."""

    class Scope(models.TextChoices):
        LOCAL = "local", _("Lokal")
        COUNTY = "county", _("Länsgemensam")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ACTIVE = "active", _("Gällande")
        ARCHIVED = "archived", _("Avslutad")

    # A kommun, a region or a county partnership (all are funds.Organisation).
    owner = models.ForeignKey(
        "funds.Organisation",
        models.PROTECT,
        related_name="action_plans",
        verbose_name=_("ägare"),
    )
    scope = models.CharField(_("omfattning"), max_length=20, choices=Scope.choices)
    title = models.CharField(_("titel"), max_length=300)
    period_start = _year(_("gäller från år"))
    period_end = _year(_("gäller till och med år"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    description = BoundedTextField(_("beskrivning"), max_length=5000, blank=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        ordering = ["owner", "-period_start", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "title", "period_start"], name="actionplan_unique_title"
            ),
            _year_range("period_start", "actionplan"),
            _year_range("period_end", "actionplan"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="actionplan_period_order",
                violation_error_message=_("Slutåret ligger före startåret."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def period(self) -> str:
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}\u2013{self.period_end}"

    def covers(self, year: int) -> bool:
        return self.period_start <= year <= self.period_end


class GoalArea(models.Model):
    """A målområde of a plan."""

    plan = models.ForeignKey(
        ActionPlan, models.PROTECT, related_name="goal_areas", verbose_name=_("handlingsplan")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=300)
    description = BoundedTextField(_("beskrivning"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("målområde")
        verbose_name_plural = _("målområden")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="goalarea_unique_number"),
            models.UniqueConstraint(fields=["plan", "name"], name="goalarea_unique_name"),
        ]

    def __str__(self) -> str:
        return f"Målområde {self.number} – {self.name}"


class PlanPriorityQuerySet(models.QuerySet):
    def for_organisation(self, organisation) -> PlanPriorityQuerySet:
        """The priorities an organisation's money may be linked to: those of its own plans."""
        return self.filter(goal_area__plan__owner=organisation)


class PlanPriority(models.Model):
    """A prioriterat område within a målområde. Money points here from the funds app, so it
    is protected from deletion while the plan structure stands."""

    goal_area = models.ForeignKey(
        GoalArea, models.PROTECT, related_name="priorities", verbose_name=_("målområde")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=500)
    description = BoundedTextField(_("beskrivning"), max_length=5000, blank=True)

    objects = PlanPriorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("prioriterat område i handlingsplan")
        verbose_name_plural = _("prioriterade områden i handlingsplan")
        ordering = ["goal_area", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal_area", "number"], name="planpriority_unique_number"
            ),
            models.UniqueConstraint(fields=["goal_area", "name"], name="planpriority_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def code(self) -> str:
        """ "3.7": målområde 3, prioriterat område 7."""
        return f"{self.goal_area.number}.{self.number}"


class Activity(models.Model):
    """An aktivitet under a priority: prioritised (new, more work) or ongoing (löpande)."""

    class Kind(models.TextChoices):
        PRIORITISED = "prioritised", _("Prioriterad aktivitet")
        ONGOING = "ongoing", _("Löpande aktivitet")

    priority = models.ForeignKey(
        PlanPriority,
        models.CASCADE,
        related_name="activities",
        verbose_name=_("prioriterat område"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text = BoundedTextField(_("aktivitet"), max_length=2000)
    responsible = models.CharField(_("ansvarig"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["priority", "kind", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Goal(models.Model):
    """A long- or short-term goal (långsiktigt / kortsiktigt mål) under a priority."""

    class Horizon(models.TextChoices):
        LONG = "long", _("Långsiktigt mål")
        SHORT = "short", _("Kortsiktigt mål")

    priority = models.ForeignKey(
        PlanPriority, models.CASCADE, related_name="goals", verbose_name=_("prioriterat område")
    )
    horizon = models.CharField(_("tidsperspektiv"), max_length=20, choices=Horizon.choices)
    text = BoundedTextField(_("mål"), max_length=2000)
    measurable = models.BooleanField(
        _("mätbart"),
        default=False,
        help_text=_("Målet kan följas upp med en indikator."),
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["priority", "horizon", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Indicator(models.Model):
    """Something measured once a year, against a baseline and a target."""

    priority = models.ForeignKey(
        PlanPriority,
        models.CASCADE,
        related_name="indicators",
        verbose_name=_("prioriterat område"),
    )
    goal = models.ForeignKey(
        Goal,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("mål"),
        help_text=_("Det mål indikatorn följer upp, om något."),
    )
    name = models.CharField(_("namn"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=50, help_text=_("T.ex. procent, antal"))
    baseline_year = _year(_("år för utgångsvärde"), null=True, blank=True)
    baseline = models.DecimalField(
        _("utgångsvärde"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_year = _year(_("år för målvärde"), null=True, blank=True)
    target = models.DecimalField(
        _("målvärde"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("källa"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(baseline_year__gte=2000, baseline_year__lte=2100),
                name="indicator_baseline_year_range",
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=2000, target_year__lte=2100),
                name="indicator_target_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_value(self) -> IndicatorValue | None:
        """The latest year's value; uses prefetched values when there are any."""
        values = sorted(self.values.all(), key=lambda value: value.year)
        return values[-1] if values else None

    def clean(self) -> None:
        if self.goal_id and self.priority_id and self.goal.priority_id != self.priority_id:
            raise ValidationError({"goal": _("Målet hör till ett annat prioriterat område.")})


class IndicatorValue(models.Model):
    """An indicator's value for one year. The year is a row, never a column."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="values", verbose_name=_("indikator")
    )
    year = _year(_("år"))
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=2)
    comment = models.CharField(_("kommentar"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="indicatorvalue_unique_year"
            ),
            _year_range("year", "indicatorvalue"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
