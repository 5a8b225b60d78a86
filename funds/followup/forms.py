"""Forms of the follow-up: the report with its interventions, the review, repayments."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from config.forms import SwedishDateField
from funds.followup.rules import OPTIONAL_GROUPS, OTHER_LABEL, Missing
from funds.followup.workflows import InterventionInput
from funds.models import FollowUp, Intervention, PriorityArea, Recipient, Repayment, SurveyCategory
from funds.money import AmountField
from funds.templatetags.words import soft_hyphens
from plans.models import PlanPriority

INTERVENTION_PREFIX = "insats"
# The three states of an optional question group, as the reporter chooses them.
ANSWER_YES, ANSWER_NO, ANSWER_NONE = "ja", "nej", ""
ANSWER_CHOICES = [(ANSWER_YES, "Ja"), (ANSWER_NO, "Nej"), (ANSWER_NONE, "Ej besvarat")]


def categories_by_group(categories: Iterable[SurveyCategory]) -> dict[str, list[SurveyCategory]]:
    """The year's categories per group, in the groups' fixed order; empty groups left out."""
    grouped: dict[str, list[SurveyCategory]] = {group: [] for group in SurveyCategory.Group}
    for category in categories:
        grouped[category.group].append(category)
    return {group: items for group, items in grouped.items() if items}


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    spent = AmountField(
        label="Förbrukat belopp",
        required=False,
        help_text="I kronor, till exempel 1 250 000 eller 1,25 mnkr.",
    )
    results = forms.CharField(
        label="Resultat för hela fördelningen",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @classmethod
    def for_follow_up(cls, follow_up: FollowUp | None, data=None) -> FollowUpForm:
        initial = {"version": 0}
        if follow_up is not None:
            initial = {
                "version": follow_up.version,
                "spent": follow_up.spent,
                "results": follow_up.results,
            }
        return cls(data, initial=initial)


class InterventionForm(forms.Form):
    """One insats on its own page, with the version of the report it belongs to: saving it
    changes the report, so a stale page is a conflict rather than a lost update."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name = forms.CharField(
        label="Namn på insatsen",
        max_length=300,
        error_messages={"required": "Ange insatsens namn."},
    )
    description = forms.CharField(
        label="Beskrivning",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_unit = forms.CharField(
        label="Ansvarig verksamhet, om Annan: vilken",
        max_length=200,
        required=False,
        help_text="Fyll i när du väljer Annan under Ansvarig verksamhet, till exempel "
        "”Fritidsgården i centrum”.",
    )
    amount_spent = AmountField(label="Förbrukat belopp för insatsen", required=False)
    results = forms.CharField(
        label="Resultat och effekter",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args, categories: dict[str, list[SurveyCategory]], priorities=(), **kwargs
    ) -> None:
        kwargs.setdefault("prefix", INTERVENTION_PREFIX)
        super().__init__(*args, **kwargs)
        # The plan priorities the insats serves: those of the organisation's own plans.
        self.has_priorities = bool(priorities)
        if priorities:
            self.fields["plan_priorities"] = forms.TypedMultipleChoiceField(
                label="Prioriteringar i handlingsplanen som insatsen bidrar till",
                choices=[(p.pk, f"{p.goal_area.number}.{p.number} {p.name}") for p in priorities],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        labels = dict(SurveyCategory.Group.choices)
        self.category_groups = []
        self.other_unit_ids = {
            category.pk
            for category in categories.get(SurveyCategory.Group.RESPONSIBLE_UNIT, ())
            if category.label == OTHER_LABEL
        }
        for group, items in categories.items():
            name = f"cat_{group}"
            optional = group in OPTIONAL_GROUPS
            if optional:
                self.fields[f"ans_{group}"] = forms.ChoiceField(
                    label=f"{labels[group]}: besvarad",
                    choices=ANSWER_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text="Ja: välj alternativen nedan. Nej: inget av dem gäller. "
                    "Ej besvarat: frågan är inte besvarad.",
                )
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=labels[group],
                # Soft hyphens: a long compound (Patientsäkerhets|arbete) would otherwise
                # overflow its column of the choices' grid.
                choices=[(category.pk, soft_hyphens(category.label)) for category in items],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.category_groups.append((group, name, optional))

    @classmethod
    def for_intervention(
        cls, intervention: Intervention | None, version: int, data=None, **kwargs
    ) -> InterventionForm:
        """The form of a saved insats (its answers as initial values), or of a new one."""
        initial = {"version": version}
        if intervention is not None:
            initial |= _intervention_initial(intervention)
        return cls(data, initial=initial, **kwargs)

    @classmethod
    def for_agreement(
        cls, agreement, intervention: Intervention | None, version: int, data=None
    ) -> InterventionForm:
        """The form with the year's enkät categories and the organisation's plan priorities
        (two queries)."""
        priorities = list(
            PlanPriority.objects.for_organisation(agreement.organisation)
            .select_related("goal_area")
            .order_by("goal_area__number", "number")
        )
        return cls.for_intervention(
            intervention,
            version,
            data,
            categories=categories_by_group(SurveyCategory.objects.filter(year=agreement.year)),
            priorities=priorities,
        )

    def summary_errors(self) -> list[Missing]:
        """The field errors for the error summary, each linked to its field (a group of check
        boxes or radio buttons to the group)."""
        errors = []
        for name, messages in self.errors.items():
            if name not in self.fields:
                errors += [Missing(message, "insats-form") for message in messages]
                continue
            if name.startswith(("cat_", "ans_")):
                anchor = f"grupp-{name[4:]}"
            elif name == "plan_priorities":
                anchor = "grupp-plan"
            else:
                anchor = self[name].id_for_label
            errors += [Missing(f"{self[name].label}: {message}", anchor) for message in messages]
        return errors

    def category_fields(self):
        """(group, bound checkbox field, bound answered field or None) per category group,
        for the template's fieldsets."""
        return [
            (group, self[name], self[f"ans_{group}"] if optional else None)
            for group, name, optional in self.category_groups
        ]

    def clean(self):
        data = super().clean()
        for group, name, optional in self.category_groups:
            if not optional:
                continue
            answer, chosen = data.get(f"ans_{group}"), data.get(name)
            if answer == ANSWER_YES and not chosen:
                self.add_error(name, "Välj minst ett alternativ, eller svara Nej.")
            elif answer == ANSWER_NO and chosen:
                self.add_error(
                    name, "Du har svarat Nej men valt alternativ: ta bort dem eller svara Ja."
                )
        if (
            set(data.get(f"cat_{SurveyCategory.Group.RESPONSIBLE_UNIT}") or ())
            & self.other_unit_ids
            and not (data.get("responsible_unit") or "").strip()
        ):
            self.add_error("responsible_unit", "Ange vilken verksamhet som är ansvarig (Annan).")
        if "name" in data and not data["name"].strip():
            self.add_error("name", "Ange insatsens namn.")
        return data

    def to_input(self, pk: int | None) -> InterventionInput:
        data = self.cleaned_data
        ids = frozenset(pk for _, name, _ in self.category_groups for pk in data.get(name) or ())
        # Chosen options answer a group by themselves; "Nej" is the answer without options.
        answered_no = frozenset(
            group
            for group, _, optional in self.category_groups
            if optional and data.get(f"ans_{group}") == ANSWER_NO
        )
        return InterventionInput(
            pk=pk,
            name=data["name"],
            description=data.get("description", ""),
            responsible_unit=data.get("responsible_unit", ""),
            amount_spent=data.get("amount_spent"),
            results=data.get("results", ""),
            category_ids=ids,
            answered_groups=answered_no,
            plan_priority_ids=frozenset(data.get("plan_priorities") or ())
            if self.has_priorities
            else None,
        )


def _intervention_initial(intervention: Intervention) -> dict:
    """A saved insats as the form's initial values (categories and plan links prefetched or
    read here: one insats)."""
    row = {
        "name": intervention.name,
        "description": intervention.description,
        "responsible_unit": intervention.responsible_unit,
        "amount_spent": intervention.amount_spent,
        "results": intervention.results,
    }
    for category in intervention.categories.all():
        row.setdefault(f"cat_{category.group}", []).append(category.pk)
    for group in OPTIONAL_GROUPS:
        if row.get(f"cat_{group}"):
            row[f"ans_{group}"] = ANSWER_YES
        elif group in intervention.answered_groups:
            row[f"ans_{group}"] = ANSWER_NO
    row["plan_priorities"] = [p.pk for p in intervention.plan_priorities.all()]
    return row


class DeleteInterventionForm(forms.Form):
    """The confirmation of removing an insats: the report's version, nothing else."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="Kommentar till rapportören",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Säg vad som ska rättas. Rapportören ser kommentaren.",
    )


class OverspendForm(forms.Form):
    reason = forms.CharField(
        label="Skäl till att överskridandet godkänns",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeadlineForm(forms.Form):
    deadline = SwedishDateField(label="Sista dag för redovisning")


class BoardFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Mottagartyp", required=False)
    area = forms.TypedChoiceField(label="Prioriterat område", required=False, coerce=int)

    def __init__(self, *args, areas: list[PriorityArea], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Alla"), *Recipient.Kind.choices]
        self.fields["area"].choices = [("", "Alla")] + [
            (area.pk, f"{area.number}. {area.name}") for area in areas
        ]


class RepaymentForm(forms.Form):
    error_heading = "Återbetalningen registrerades inte"
    kind = forms.ChoiceField(label="Typ", choices=Repayment.Kind.choices)
    area = forms.TypedChoiceField(label="Prioriterat område", coerce=int)
    recipient = forms.TypedChoiceField(
        label="Mottagare",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Krävs för återbetalning från mottagare; lämnas tom för staten.",
    )
    amount = AmountField(label="Belopp")
    paid_on = SwedishDateField(label="Betalt")
    reference = forms.CharField(label="Referens", max_length=100, required=False)

    def __init__(
        self, *args, areas: list[PriorityArea], recipients: list[Recipient], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {area.pk: area for area in areas}
        self.recipients = {recipient.pk: recipient for recipient in recipients}
        self.fields["area"].choices = [(area.pk, f"{area.number}. {area.name}") for area in areas]
        self.fields["recipient"].choices = [("", "– Ingen mottagare –")] + [
            (recipient.pk, recipient.name) for recipient in recipients
        ]

    def clean(self):
        data = super().clean()
        kind, recipient = data.get("kind"), data.get("recipient")
        if kind == Repayment.Kind.FROM_RECIPIENT and recipient is None:
            self.add_error("recipient", "Ange vilken mottagare som betalade tillbaka.")
        if kind == Repayment.Kind.TO_STATE and recipient is not None:
            self.add_error("recipient", "En återbetalning till staten har ingen mottagare.")
        return data

    @property
    def area_obj(self) -> PriorityArea:
        return self.areas[self.cleaned_data["area"]]

    @property
    def recipient_obj(self) -> Recipient | None:
        pk = self.cleaned_data.get("recipient")
        return self.recipients[pk] if pk is not None else None
