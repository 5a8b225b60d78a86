"""What a follow-up is and must hold: the states it goes through, the enkät's question groups,
and everything that stops a report from being submitted."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from funds.models import ZERO, Agreement, Allocation, FollowUp, Intervention, SurveyCategory
from funds.money import format_kr

# Reporting happens between the decision and the closing of the year.
OPEN_STATUSES = (Agreement.Status.DECIDED, Agreement.Status.FOLLOW_UP)
EDITABLE_STATES = (FollowUp.Status.DRAFT, FollowUp.Status.RETURNED)
DONE_STATES = (FollowUp.Status.SUBMITTED, FollowUp.Status.APPROVED)
NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "Ej påbörjad", **dict(FollowUp.Status.choices)}

# The enkät cannot be answered without these; the other groups may not apply to an insats.
REQUIRED_GROUPS = {
    SurveyCategory.Group.ACTIVITY_TYPE: "typ av aktivitet",
    SurveyCategory.Group.GOAL: "mål",
    SurveyCategory.Group.TARGET_GROUP: "målgrupp",
}
# Optional groups have three states: Ja (options chosen), Nej (answered, none applies) and
# Ej besvarat (not answered), which the enkät export keeps apart (seed 003).
OPTIONAL_GROUPS = (
    SurveyCategory.Group.PERFORMANCE,
    SurveyCategory.Group.EFFECT,
    SurveyCategory.Group.PERSPECTIVE,
    SurveyCategory.Group.COLLABORATION,
    SurveyCategory.Group.INVOLVEMENT,
    SurveyCategory.Group.RESPONSIBLE_UNIT,
    SurveyCategory.Group.PARTNER,
)
# The groups the enkät asks of every insats besides the required ones (seed 003: activities,
# performance, goals, effects, target groups, perspectives, collaboration, user involvement,
# responsible unit, partners). Left "Ej besvarat" they are gaps in the export: the enkät
# check lists them per insats. Effekt is the exception the national form allows: effects are
# reported "inom de områden där effekter beskrivs" (seed 003), so an unanswered Effekt is
# counted, not a problem.
ASKED_GROUPS = (
    SurveyCategory.Group.PERFORMANCE,
    SurveyCategory.Group.EFFECT,
    SurveyCategory.Group.PERSPECTIVE,
    SurveyCategory.Group.COLLABORATION,
    SurveyCategory.Group.INVOLVEMENT,
    SurveyCategory.Group.RESPONSIBLE_UNIT,
    SurveyCategory.Group.PARTNER,
)
MAY_BE_UNANSWERED = frozenset({SurveyCategory.Group.EFFECT})
# Ansvarig verksamhet is a category; its free text (Intervention.responsible_unit) names the
# unit when the option "Annan" is chosen, and is what older years recorded instead.
OTHER_LABEL = "Annan"
# The prefix of an insats's field ids on its own page (funds/followup/forms.py).
FIELD = "id_insats"
# At most this many insatser in one report.
MAX_INTERVENTIONS = 200


def follow_up_state(allocation: Allocation) -> str:
    """NOT_STARTED or the follow-up's status; expects follow_up to be select_related."""
    try:
        return allocation.follow_up.status
    except FollowUp.DoesNotExist:
        return NOT_STARTED


@dataclass(frozen=True)
class InsatsRef:
    """The insats a missing item belongs to: its id, its number on the report (from 1, by
    id) and its name."""

    pk: int
    number: int
    name: str


@dataclass(frozen=True)
class Missing:
    """One thing that stops a submission. `anchor` is the id of the field: on the report page,
    or, when `insats` is set, on that insats's own page; `gap` names what the insats lacks."""

    message: str
    anchor: str
    insats: InsatsRef | None = None
    gap: str = ""

    @property
    def href(self) -> str:
        return f"#{self.anchor}"


class FollowUpIncomplete(ValidationError):
    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__([item.message for item in missing], code="incomplete")


def follow_up_missing(follow_up: FollowUp) -> list[Missing]:
    """Everything that stops the report from being submitted, in the order of the form."""
    allocation = follow_up.allocation
    missing = []
    if follow_up.spent is None:
        missing.append(Missing("Förbrukat belopp saknas.", "id_spent"))
    elif follow_up.spent > allocation.amount and not follow_up.overspend_approved:
        missing.append(
            Missing(
                "Förbrukat belopp är större än det fördelade och samordnaren har inte godkänt "
                "ett överskridande.",
                "id_spent",
            )
        )
    interventions = list(follow_up.interventions.prefetch_related("categories").order_by("pk"))
    if follow_up.spent and not interventions:
        missing.append(Missing("Redovisningen saknar insatser: lägg till minst en.", "insatser"))
    for number, intervention in enumerate(interventions, start=1):
        missing += _intervention_missing(intervention, number)
    total = sum((i.amount_spent for i in interventions), ZERO)
    # The national enkät counts money per insats, so the insatser must account for all of it.
    if follow_up.spent is not None and interventions and total != follow_up.spent:
        relation = "större" if total > follow_up.spent else "mindre"
        missing.append(
            Missing(
                f"Insatsernas belopp ({format_kr(total)}) är {relation} än förbrukat belopp "
                f"({format_kr(follow_up.spent)}).",
                "id_spent",
            )
        )
    return missing


def _intervention_missing(intervention: Intervention, number: int) -> list[Missing]:
    """What insats `number` (from 1) lacks, each linked to its field on the insats's page."""
    ref = InsatsRef(intervention.pk, number, intervention.name)
    return [
        Missing(f"Insats {number} saknar {label}.", anchor, ref, label)
        for label, anchor in intervention_gaps(intervention)
    ]


def intervention_gaps(intervention: Intervention) -> list[tuple[str, str]]:
    """(what is missing, id of its field on the insats's own page) for every gap that stops
    the report from being submitted. Reads `intervention.categories.all()`: prefetch it."""
    chosen = list(intervention.categories.all())
    groups = {category.group for category in chosen}
    unit = SurveyCategory.Group.RESPONSIBLE_UNIT
    other_chosen = any(c.group == unit and c.label == OTHER_LABEL for c in chosen)
    checks = [
        (intervention.description, "beskrivning", f"{FIELD}-description"),
        (unit in groups or intervention.responsible_unit, "ansvarig verksamhet", f"grupp-{unit}"),
        (
            not other_chosen or intervention.responsible_unit,
            "namn på den andra ansvariga verksamheten (Annan)",
            f"{FIELD}-responsible_unit",
        ),
        *((group in groups, label, f"grupp-{group}") for group, label in REQUIRED_GROUPS.items()),
        (intervention.amount_spent, "förbrukat belopp", f"{FIELD}-amount_spent"),
        (intervention.results, "resultat och effekter", f"{FIELD}-results"),
    ]
    return [(label, anchor) for present, label, anchor in checks if not present]


def intervention_unanswered(intervention: Intervention, present: set[str]) -> list[str]:
    """The asked groups (of those the year has) the insats leaves "Ej besvarat", except the
    ones the national form allows unanswered: gaps in the enkät, not in the submission."""
    answered = set(intervention.answered_groups or ()) | {
        category.group for category in intervention.categories.all()
    }
    return [
        group
        for group in ASKED_GROUPS
        if group in present and group not in answered and group not in MAY_BE_UNANSWERED
    ]


def setup_blockers(agreement: Agreement) -> list[str]:
    """What in the coordinator's set-up keeps any report of the year from being submitted,
    said once for the whole form rather than as a failure per insats."""
    blockers = []
    if agreement.status == Agreement.Status.DRAFT:
        blockers.append(
            f"Fördelningen för {agreement.year} är inte beslutad än. Redovisningen öppnar när "
            "samordnaren har beslutat fördelningen."
        )
    if not SurveyCategory.objects.filter(year=agreement.year).exists():
        blockers.append(
            f"Enkätkategorierna för {agreement.year} saknas, så insatserna kan inte "
            "kategoriseras och redovisningen kan inte skickas in. Samordnaren får dem genom "
            "att starta året (Starta nytt år), eller en administratör lägger in dem under "
            "Referensdata."
        )
    return blockers
