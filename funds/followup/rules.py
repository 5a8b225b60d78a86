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


def follow_up_state(allocation: Allocation) -> str:
    """NOT_STARTED or the follow-up's status; expects follow_up to be select_related."""
    try:
        return allocation.follow_up.status
    except FollowUp.DoesNotExist:
        return NOT_STARTED


@dataclass(frozen=True)
class Missing:
    """One thing that stops a submission; anchor is the id of the field on the form page."""

    message: str
    anchor: str


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
        missing.append(Missing("Redovisningen saknar insatser: lägg till minst en.", "insats-1"))
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
    """What insats `number` (from 1) lacks, each linked to its field on the form."""
    prefix = f"id_insats-{number - 1}"
    chosen = list(intervention.categories.all())
    groups = {category.group for category in chosen}
    unit = SurveyCategory.Group.RESPONSIBLE_UNIT
    other_chosen = any(c.group == unit and c.label == OTHER_LABEL for c in chosen)
    checks = [
        (intervention.description, "beskrivning", f"{prefix}-description"),
        (
            unit in groups or intervention.responsible_unit,
            "ansvarig verksamhet",
            f"insats-{number}-{unit}",
        ),
        (
            not other_chosen or intervention.responsible_unit,
            "namn på den andra ansvariga verksamheten (Annan)",
            f"{prefix}-responsible_unit",
        ),
        *(
            (group in groups, label, f"insats-{number}-{group}")
            for group, label in REQUIRED_GROUPS.items()
        ),
        (intervention.amount_spent, "förbrukat belopp", f"{prefix}-amount_spent"),
        (intervention.results, "resultat och effekter", f"{prefix}-results"),
    ]
    return [
        Missing(f"Insats {number} saknar {label}.", anchor)
        for present, label, anchor in checks
        if not present
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
