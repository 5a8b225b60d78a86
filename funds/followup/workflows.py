"""Workflows of the follow-up (redovisning): reporting and review.

Every write locks the allocation's row first, so the version check and the write are one
step: a second editor waits and then sees the new version (no lost update). Every change of
money is recorded in FollowUpChange.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funds.followup.rules import (
    DONE_STATES,
    EDITABLE_STATES,
    MAX_INTERVENTIONS,
    OPEN_STATUSES,
    OPTIONAL_GROUPS,
    FollowUpIncomplete,
    Missing,
    follow_up_missing,
)
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    FollowUpChange,
    Intervention,
    SurveyCategory,
)
from funds.money import MAX_AMOUNT, format_kr
from plans.models import PlanPriority


class FollowUpConflict(Exception):
    """Someone else changed the follow-up since the caller read it; nothing was saved."""

    def __init__(self, current: FollowUp | None) -> None:
        self.current = current
        super().__init__("The follow-up changed since it was read.")

    @property
    def current_version(self) -> int:
        return self.current.version if self.current else 0


@dataclass(frozen=True)
class InterventionInput:
    """One insats as the reporter typed it; pk is None for a new one."""

    name: str
    pk: int | None = None
    description: str = ""
    responsible_unit: str = ""
    amount_spent: Decimal | None = None
    results: str = ""
    category_ids: frozenset[int] = field(default_factory=frozenset)
    # Optional groups answered "Nej" (no option chosen). Groups with a chosen category are
    # answered anyway.
    answered_groups: frozenset[str] = field(default_factory=frozenset)
    # None leaves the links as they are (the form offered no plan priorities).
    plan_priority_ids: frozenset[int] | None = None


def _lock(allocation: Allocation) -> tuple[Allocation, FollowUp | None]:
    """Lock the allocation's row and read its follow-up: all follow-up writes queue here."""
    locked = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("priority_area__agreement", "recipient")
        .get(pk=allocation.pk)
    )
    follow_up = FollowUp.objects.select_for_update().filter(allocation=locked).first()
    if follow_up is not None:
        follow_up.allocation = locked
    return locked, follow_up


def _check_open(agreement: Agreement) -> None:
    if agreement.status == Agreement.Status.CLOSED:
        raise ValidationError("Året är avslutat och redovisningen kan inte ändras.", code="closed")
    if agreement.status not in OPEN_STATUSES:
        raise ValidationError(
            f"Fördelningen för {agreement.year} är inte beslutad än; redovisningen öppnar "
            "när den är beslutad.",
            code="not_decided",
        )


def _check_version(follow_up: FollowUp | None, expected_version: int) -> None:
    if (follow_up.version if follow_up else 0) != expected_version:
        raise FollowUpConflict(follow_up)


def _check_editable(agreement: Agreement, follow_up: FollowUp | None, version: int) -> None:
    """The year is open, the caller read the current version and the report is not done."""
    _check_open(agreement)
    _check_version(follow_up, version)
    if follow_up is not None and follow_up.status in DONE_STATES:
        raise ValidationError(
            f"Redovisningen är {follow_up.get_status_display().lower()} och kan inte ändras.",
            code="locked",
        )


def _check_spent(allocation: Allocation, follow_up: FollowUp | None, spent: Decimal) -> None:
    if spent < 0 or spent > MAX_AMOUNT:
        raise ValidationError("Beloppet är inte tillåtet.", code="range")
    if spent > allocation.amount and not (follow_up and follow_up.overspend_approved):
        raise ValidationError(
            f"Förbrukat belopp ({format_kr(spent)}) är större än det fördelade beloppet "
            f"({format_kr(allocation.amount)}). Det går bara om samordnaren har godkänt "
            "ett överskridande.",
            code="overspent",
        )


def follow_up_save_draft(
    *,
    allocation: Allocation,
    expected_version: int,
    spent: Decimal | None,
    results: str,
    user,
) -> FollowUp:
    """Save the report's own fields as they are, complete or not. `expected_version` is 0
    when no follow-up exists yet. The insatser stay as they are: each is saved on its own
    page (intervention_save) and removed after its confirmation (intervention_delete).

    Raises ValidationError (Swedish) for a refused save and FollowUpConflict for a stale one.
    """
    try:
        with transaction.atomic():
            allocation, follow_up = _lock(allocation)
            _check_editable(allocation.priority_area.agreement, follow_up, expected_version)
            if spent is not None:
                _check_spent(allocation, follow_up, spent)
            old_spent = follow_up.spent if follow_up else None
            created = follow_up is None
            if created:
                follow_up = FollowUp.objects.create(
                    allocation=allocation, spent=spent, results=results.strip()
                )
            else:
                follow_up.spent = spent
                follow_up.results = results.strip()
                follow_up.version += 1
                follow_up.save(update_fields=["spent", "results", "version", "updated_at"])
            if created or old_spent != spent:
                FollowUpChange.objects.create(
                    follow_up=follow_up,
                    action=FollowUpChange.Action.SAVED,
                    changed_by=user,
                    old_spent=old_spent,
                    new_spent=spent,
                )
    except IntegrityError:
        # Two first saves at once: the one-to-one constraint let one of them win.
        raise FollowUpConflict(FollowUp.objects.filter(allocation=allocation).first()) from None
    return follow_up


def _check_intervention(agreement: Agreement, item: InterventionInput) -> dict[int, str]:
    """Refuse an insats that cannot be saved; return the group of every chosen category."""
    if not item.name.strip():
        raise ValidationError("Insatsen saknar namn.", code="name")
    if item.amount_spent is not None and not ZERO <= item.amount_spent <= MAX_AMOUNT:
        raise ValidationError("Insatsens belopp är inte tillåtet.", code="range")
    known = dict(
        SurveyCategory.objects.filter(year=agreement.year, pk__in=item.category_ids).values_list(
            "pk", "group"
        )
    )
    if item.category_ids - set(known):
        raise ValidationError(
            f"En vald kategori hör inte till enkäten för {agreement.year}.", code="category"
        )
    if not item.answered_groups <= set(OPTIONAL_GROUPS):
        raise ValidationError("Insatsen har svar på en okänd frågegrupp.", code="group")
    return known


def _intervention_write(
    follow_up: FollowUp,
    item: InterventionInput,
    category_groups: dict[int, str],
    intervention: Intervention | None,
) -> tuple[Intervention, list[str]]:
    """Create (`intervention` None) or update one insats with its categories and plan links;
    return it and the audit line of its change of money, if any."""
    values = _intervention_values(item, category_groups)
    amount = values["amount_spent"]
    detail = []
    if intervention is None:
        intervention = Intervention.objects.create(follow_up=follow_up, **values)
        if amount:
            detail.append(f"Ny insats {intervention.name}: {format_kr(amount)}")
    else:
        if intervention.amount_spent != amount:
            detail.append(
                f"Insats {values['name']}: {format_kr(intervention.amount_spent)} → "
                f"{format_kr(amount)}"
            )
        for name, value in values.items():
            setattr(intervention, name, value)
        intervention.save()
    intervention.categories.set(item.category_ids)
    if item.plan_priority_ids is not None:
        intervention.plan_priorities.set(
            PlanPriority.objects.for_organisation(
                follow_up.allocation.recipient.organisation_id
            ).filter(pk__in=item.plan_priority_ids)
        )
    return intervention, detail


def _intervention_remove(intervention: Intervention) -> list[str]:
    """Delete one insats and its links; the audit line when it carried money."""
    intervention.categories.clear()
    intervention.plan_priorities.clear()
    intervention.delete()
    if not intervention.amount_spent:
        return []
    return [f"Borttagen insats {intervention.name}: {format_kr(intervention.amount_spent)}"]


def intervention_save(
    *, allocation: Allocation, expected_version: int, item: InterventionInput, user
) -> tuple[FollowUp, Intervention]:
    """Save one insats of the report (a new one when item.pk is None), starting the report as
    a draft if needed. Checks the year, the report's version and state, as a draft save does,
    and bumps the version: the report changed. Raises ValidationError (Swedish) or
    FollowUpConflict; nothing is saved then."""
    try:
        with transaction.atomic():
            allocation, follow_up = _lock(allocation)
            agreement = allocation.priority_area.agreement
            _check_editable(agreement, follow_up, expected_version)
            category_groups = _check_intervention(agreement, item)
            created = follow_up is None
            if created:
                follow_up = FollowUp.objects.create(allocation=allocation)
            else:
                _bump(follow_up)
            intervention = _intervention_to_change(follow_up, item)
            intervention, detail = _intervention_write(
                follow_up, item, category_groups, intervention
            )
            if created or detail:
                _record(follow_up, FollowUpChange.Action.SAVED, user, detail="\n".join(detail))
    except IntegrityError:
        raise FollowUpConflict(FollowUp.objects.filter(allocation=allocation).first()) from None
    return follow_up, intervention


def _intervention_to_change(follow_up: FollowUp, item: InterventionInput) -> Intervention | None:
    """The saved insats `item` changes, or None for a new one (refused past the limit)."""
    if item.pk is not None:
        intervention = follow_up.interventions.filter(pk=item.pk).first()
        if intervention is None:
            raise ValidationError(
                "Insatsen har tagits bort av någon annan. Ladda om redovisningen.", code="gone"
            )
        return intervention
    if follow_up.interventions.count() >= MAX_INTERVENTIONS:
        raise ValidationError(
            f"En redovisning kan ha högst {MAX_INTERVENTIONS} insatser. Ta bort en insats som "
            "inte behövs, eller slå ihop två.",
            code="too_many",
        )
    return None


def intervention_delete(
    *, allocation: Allocation, expected_version: int, intervention_pk: int, user
) -> FollowUp:
    """Remove one insats from a draft or returned report (after the confirmation page);
    recorded in the report's history, the version bumped."""
    with transaction.atomic():
        allocation, follow_up = _lock(allocation)
        _check_editable(allocation.priority_area.agreement, follow_up, expected_version)
        intervention = (
            follow_up.interventions.filter(pk=intervention_pk).first() if follow_up else None
        )
        if intervention is None:
            raise ValidationError(
                "Insatsen är redan borttagen. Ladda om redovisningen.", code="gone"
            )
        name = intervention.name
        detail = _intervention_remove(intervention) or [f"Borttagen insats {name}"]
        _bump(follow_up)
        _record(follow_up, FollowUpChange.Action.SAVED, user, detail="\n".join(detail))
    return follow_up


def _intervention_values(item: InterventionInput, category_groups: dict[int, str]) -> dict:
    """The model fields of one insats as typed, stripped; no amount counts as 0 kr."""
    return {
        "name": item.name.strip(),
        "description": item.description.strip(),
        "responsible_unit": item.responsible_unit.strip(),
        "amount_spent": item.amount_spent if item.amount_spent is not None else ZERO,
        "results": item.results.strip(),
        "answered_groups": sorted(
            {category_groups[pk] for pk in item.category_ids} | item.answered_groups
        ),
    }


def follow_up_submit(*, allocation: Allocation, expected_version: int, user) -> FollowUp:
    """Draft or returned → submitted, when nothing is missing (else FollowUpIncomplete)."""
    with transaction.atomic():
        allocation, follow_up = _lock(allocation)
        _check_open(allocation.priority_area.agreement)
        _check_version(follow_up, expected_version)
        if follow_up is None:
            raise FollowUpIncomplete([Missing("Redovisningen är inte påbörjad.", "id_spent")])
        if follow_up.status not in EDITABLE_STATES:
            raise ValidationError(
                f"Redovisningen är redan {follow_up.get_status_display().lower()}.", code="state"
            )
        missing = follow_up_missing(follow_up)
        if missing:
            raise FollowUpIncomplete(missing)
        follow_up.status = FollowUp.Status.SUBMITTED
        follow_up.submitted_at = timezone.now()
        _bump(follow_up, "status", "submitted_at")
        _record(follow_up, FollowUpChange.Action.SUBMITTED, user)
    return follow_up


def follow_up_return(
    *, allocation: Allocation, expected_version: int, comment: str, user
) -> FollowUp:
    """Submitted → returned, with the coordinator's comment for the reporter."""
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            "Skriv en kommentar som säger vad rapportören ska rätta.", code="comment"
        )
    with transaction.atomic():
        allocation, follow_up = _lock(allocation)
        _check_open(allocation.priority_area.agreement)
        _check_version(follow_up, expected_version)
        if follow_up is None or follow_up.status != FollowUp.Status.SUBMITTED:
            raise ValidationError("Bara en inskickad redovisning kan återsändas.", code="state")
        follow_up.status = FollowUp.Status.RETURNED
        follow_up.coordinator_comment = comment
        _bump(follow_up, "status", "coordinator_comment")
        _record(follow_up, FollowUpChange.Action.RETURNED, user, comment=comment)
    return follow_up


def follow_up_approve(*, allocation: Allocation, expected_version: int, user) -> FollowUp:
    """Submitted → approved. The completeness check runs again: the rules may have changed
    (an overspend exception withdrawn, categories edited) since the submission."""
    with transaction.atomic():
        allocation, follow_up = _lock(allocation)
        _check_open(allocation.priority_area.agreement)
        _check_version(follow_up, expected_version)
        if follow_up is None or follow_up.status != FollowUp.Status.SUBMITTED:
            raise ValidationError("Bara en inskickad redovisning kan godkännas.", code="state")
        missing = follow_up_missing(follow_up)
        if missing:
            raise FollowUpIncomplete(missing)
        follow_up.status = FollowUp.Status.APPROVED
        follow_up.approved_at = timezone.now()
        _bump(follow_up, "status", "approved_at")
        _record(follow_up, FollowUpChange.Action.APPROVED, user)
    return follow_up


def follow_up_allow_overspend(*, allocation: Allocation, reason: str, user) -> FollowUp:
    """The coordinator's approved exception: the reporter may then report more spent than
    allocated. Does not change the version: it changes nothing the reporter typed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Ange skälet till att överskridandet godkänns.", code="reason")
    with transaction.atomic():
        allocation, follow_up = _lock(allocation)
        _check_open(allocation.priority_area.agreement)
        if follow_up is None:
            follow_up = FollowUp.objects.create(allocation=allocation)
        elif follow_up.status in DONE_STATES:
            raise ValidationError(
                "Redovisningen är redan inskickad; återsänd den först.", code="state"
            )
        follow_up.overspend_approved = True
        follow_up.overspend_reason = reason
        follow_up.save(update_fields=["overspend_approved", "overspend_reason", "updated_at"])
        _record(follow_up, FollowUpChange.Action.OVERSPEND_APPROVED, user, comment=reason)
    return follow_up


def _bump(follow_up: FollowUp, *fields: str) -> None:
    follow_up.version += 1
    follow_up.save(update_fields=[*fields, "version", "updated_at"])


def _record(follow_up: FollowUp, action: str, user, comment: str = "", detail: str = "") -> None:
    FollowUpChange.objects.create(
        follow_up=follow_up,
        action=action,
        changed_by=user,
        old_spent=follow_up.spent,
        new_spent=follow_up.spent,
        comment=comment,
        detail=detail,
    )


def follow_up_deadline_set(*, agreement: Agreement, deadline: datetime.date) -> Agreement:
    if deadline.year < agreement.year:
        raise ValidationError(
            f"Sista dag kan inte ligga före {agreement.year}.", code="deadline_range"
        )
    if agreement.status == Agreement.Status.CLOSED:
        raise ValidationError("Året är avslutat.", code="closed")
    Agreement.objects.filter(pk=agreement.pk).update(follow_up_deadline=deadline)
    agreement.follow_up_deadline = deadline
    return agreement
