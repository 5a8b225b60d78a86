"""Workflows of the follow-up (redovisning): reporting, review, repayments and reminders.

Every write locks the allocation's row first, so the version check and the write are one
step: a second editor waits and then sees the new version (no lost update). Every change of
money is recorded in FollowUpChange; repayments are never edited, so their rows are their
own audit trail.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from funds.balance import priority_areas_with_sums
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    FollowUpChange,
    FollowUpReminder,
    Intervention,
    Membership,
    PriorityArea,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.money import MAX_AMOUNT, format_kr
from plans.models import PlanPriority

logger = logging.getLogger(__name__)

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
    SurveyCategory.Group.PARTNER,
)
# Ansvarig verksamhet is a category; its free text (Intervention.responsible_unit) names the
# unit when the option "Annan" is chosen, and is what older years recorded instead.
OTHER_LABEL = "Annan"


def follow_up_state(allocation: Allocation) -> str:
    """NOT_STARTED or the follow-up's status; expects follow_up to be select_related."""
    try:
        return allocation.follow_up.status
    except FollowUp.DoesNotExist:
        return NOT_STARTED


class FollowUpConflict(Exception):
    """Someone else changed the follow-up since the caller read it; nothing was saved."""

    def __init__(self, current: FollowUp | None) -> None:
        self.current = current
        super().__init__("The follow-up changed since it was read.")

    @property
    def current_version(self) -> int:
        return self.current.version if self.current else 0


@dataclass(frozen=True)
class Missing:
    """One thing that stops a submission; anchor is the id of the field on the form page."""

    message: str
    anchor: str


class FollowUpIncomplete(ValidationError):
    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__([item.message for item in missing], code="incomplete")


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
    interventions: Sequence[InterventionInput],
    user,
) -> FollowUp:
    """Save the report as it is, complete or not. `expected_version` is 0 when no follow-up
    exists yet. Interventions left out of `interventions` are removed.

    Raises ValidationError (Swedish) for a refused save and FollowUpConflict for a stale one.
    """
    try:
        with transaction.atomic():
            allocation, follow_up = _lock(allocation)
            agreement = allocation.priority_area.agreement
            _check_open(agreement)
            _check_version(follow_up, expected_version)
            if follow_up is not None and follow_up.status in DONE_STATES:
                raise ValidationError(
                    f"Redovisningen är {follow_up.get_status_display().lower()} och kan inte "
                    "ändras.",
                    code="locked",
                )
            if spent is not None:
                _check_spent(allocation, follow_up, spent)
            category_groups = _check_interventions(agreement, interventions)

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
            detail = _save_interventions(follow_up, interventions, category_groups)
            if created or old_spent != spent or detail:
                FollowUpChange.objects.create(
                    follow_up=follow_up,
                    action=FollowUpChange.Action.SAVED,
                    changed_by=user,
                    old_spent=old_spent,
                    new_spent=spent,
                    detail="\n".join(detail),
                )
    except IntegrityError:
        # Two first saves at once: the one-to-one constraint let one of them win.
        raise FollowUpConflict(FollowUp.objects.filter(allocation=allocation).first()) from None
    return follow_up


def _check_interventions(
    agreement: Agreement, interventions: Sequence[InterventionInput]
) -> dict[int, str]:
    """Refuse what cannot be saved; return the group of every chosen category."""
    for number, item in enumerate(interventions, start=1):
        if not item.name.strip():
            raise ValidationError(f"Insats {number} saknar namn.", code="name")
        if item.amount_spent is not None and not ZERO <= item.amount_spent <= MAX_AMOUNT:
            raise ValidationError(f"Insats {number}: beloppet är inte tillåtet.", code="range")
    wanted = set().union(*(item.category_ids for item in interventions))
    known = dict(
        SurveyCategory.objects.filter(year=agreement.year, pk__in=wanted).values_list("pk", "group")
    )
    if wanted - set(known):
        raise ValidationError(
            f"En vald kategori hör inte till enkäten för {agreement.year}.", code="category"
        )
    optional = set(OPTIONAL_GROUPS)
    for number, item in enumerate(interventions, start=1):
        if not item.answered_groups <= optional:
            raise ValidationError(f"Insats {number}: okänd frågegrupp.", code="group")
    return known


def _save_interventions(
    follow_up: FollowUp, interventions: Sequence[InterventionInput], category_groups: dict[int, str]
) -> list[str]:
    """Create, update and remove interventions; return one line per change of money."""
    existing = {obj.pk: obj for obj in follow_up.interventions.all()}
    detail = []
    kept = set()
    for item in interventions:
        amount = item.amount_spent if item.amount_spent is not None else ZERO
        values = {
            "name": item.name.strip(),
            "description": item.description.strip(),
            "responsible_unit": item.responsible_unit.strip(),
            "amount_spent": amount,
            "results": item.results.strip(),
            "answered_groups": sorted(
                {category_groups[pk] for pk in item.category_ids} | item.answered_groups
            ),
        }
        if item.pk is None:
            intervention = Intervention.objects.create(follow_up=follow_up, **values)
            if amount:
                detail.append(f"Ny insats {intervention.name}: {format_kr(amount)}")
        else:
            intervention = existing.get(item.pk)
            if intervention is None:
                raise ValidationError(
                    "En av insatserna har tagits bort av någon annan. Ladda om sidan.",
                    code="gone",
                )
            if intervention.amount_spent != amount:
                detail.append(
                    f"Insats {values['name']}: {format_kr(intervention.amount_spent)} → "
                    f"{format_kr(amount)}"
                )
            for name, value in values.items():
                setattr(intervention, name, value)
            intervention.save()
            kept.add(intervention.pk)
        intervention.categories.set(item.category_ids)
        if item.plan_priority_ids is not None:
            intervention.plan_priorities.set(
                PlanPriority.objects.for_organisation(
                    follow_up.allocation.recipient.organisation_id
                ).filter(pk__in=item.plan_priority_ids)
            )
    for pk, intervention in existing.items():
        if pk in kept:
            continue
        if intervention.amount_spent:
            detail.append(
                f"Borttagen insats {intervention.name}: {format_kr(intervention.amount_spent)}"
            )
        intervention.categories.clear()
        intervention.plan_priorities.clear()
        intervention.delete()
    return detail


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
        missing += [
            Missing(f"Insats {number} saknar {label}.", anchor)
            for present, label, anchor in checks
            if not present
        ]
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


def _record(follow_up: FollowUp, action: str, user, comment: str = "") -> None:
    FollowUpChange.objects.create(
        follow_up=follow_up,
        action=action,
        changed_by=user,
        old_spent=follow_up.spent,
        new_spent=follow_up.spent,
        comment=comment,
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


# Repayments ------------------------------------------------------------------------------


def repayment_record(
    *,
    area: PriorityArea,
    kind: str,
    amount: Decimal,
    paid_on: datetime.date,
    user,
    recipient: Recipient | None = None,
    reference: str = "",
) -> Repayment:
    """Record money paid back: by a recipient for its allocation in an area, or by the
    administration to the state for an area. Refuses more than is owed, so the books can
    only come closer to balancing. Repayments are never edited or deleted."""
    agreement = area.agreement
    if agreement.status not in OPEN_STATUSES:
        raise ValidationError(
            "Återbetalningar registreras när fördelningen är beslutad och innan året avslutas.",
            code="status",
        )
    if not ZERO < amount <= MAX_AMOUNT:
        raise ValidationError("Ange ett belopp större än noll.", code="range")
    if kind == Repayment.Kind.FROM_RECIPIENT and recipient is None:
        raise ValidationError("Ange vilken mottagare som betalade tillbaka.", code="recipient")
    if kind == Repayment.Kind.TO_STATE:
        recipient = None
    with transaction.atomic():
        # The area's row lock serialises repayments of one area, so two coordinators cannot
        # both pass the "not more than owed" check with the same money.
        PriorityArea.objects.select_for_update().get(pk=area.pk)
        if kind == Repayment.Kind.FROM_RECIPIENT:
            owed = _owed_by_recipient(area, recipient)
            who = recipient.name
        else:
            line = priority_areas_with_sums(agreement).get(pk=area.pk)
            owed = (
                line.granted
                - line.sum_allocated
                + line.sum_repaid_by_recipients
                - line.sum_repaid_to_state
            )
            who = "Förvaltningen"
        if amount > owed:
            raise ValidationError(
                f"{who} har {format_kr(max(owed, ZERO))} kvar att betala tillbaka inom "
                f"{area.name}; {format_kr(amount)} är för mycket.",
                code="too_much",
            )
        return Repayment.objects.create(
            priority_area=area,
            kind=kind,
            recipient=recipient,
            amount=amount,
            paid_on=paid_on,
            reference=reference.strip(),
            recorded_by=user,
            recorded_at=timezone.now(),
        )


def _owed_by_recipient(area: PriorityArea, recipient: Recipient) -> Decimal:
    allocation = (
        Allocation.objects.filter(priority_area=area, recipient=recipient)
        .select_related("follow_up")
        .first()
    )
    if allocation is None:
        raise ValidationError(
            f"{recipient.name} har ingen fördelning inom {area.name}.", code="no_allocation"
        )
    try:
        spent = allocation.follow_up.spent or ZERO
    except FollowUp.DoesNotExist:
        spent = ZERO
    repaid = (
        Repayment.objects.filter(
            priority_area=area, kind=Repayment.Kind.FROM_RECIPIENT, recipient=recipient
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return allocation.amount - spent - repaid


# Reminders -------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    emails: int = 0
    reminders: int = 0
    without_reporter: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def reminder_kind(deadline: datetime.date, today: datetime.date, days: int) -> str | None:
    """Which reminder is due today: none until `days` before the deadline, then "before",
    after the deadline "overdue". A missed "before" is not sent late once overdue."""
    if today > deadline:
        return FollowUpReminder.Kind.OVERDUE
    if today >= deadline - datetime.timedelta(days=days):
        return FollowUpReminder.Kind.BEFORE_DEADLINE
    return None


def follow_up_reminders_send(*, today: datetime.date, days: int) -> ReminderRun:
    """E-mail the reporters of every follow-up that is neither submitted nor approved.

    Safe to run every day and twice at once: each agreement is handled under its row lock,
    and a FollowUpReminder row per (allocation, kind) records what has been sent.
    """
    run = ReminderRun()
    agreements = Agreement.objects.filter(
        status__in=OPEN_STATUSES,
        follow_up_deadline__isnull=False,
        follow_up_deadline__lte=today + datetime.timedelta(days=days),
    ).values_list("pk", flat=True)
    for agreement_id in agreements:
        with transaction.atomic():
            agreement = (
                Agreement.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=agreement_id)
            )
            kind = reminder_kind(agreement.follow_up_deadline, today, days)
            if kind is not None:
                _send_for_agreement(agreement, kind, run)
    return run


def _send_for_agreement(agreement: Agreement, kind: str, run: ReminderRun) -> None:
    allocations = list(
        Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
        .exclude(follow_up__status__in=DONE_STATES)
        .exclude(reminders__kind=kind)
        .select_related("recipient", "priority_area", "follow_up")
        .order_by("recipient__name", "priority_area__number")
    )
    if not allocations:
        return
    successor = dict(
        Recipient.objects.filter(organisation=agreement.organisation_id).values_list(
            "pk", "successor_id"
        )
    )
    reporters: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation=agreement.organisation_id,
        role=Membership.Role.REPORTER,
        user__is_active=True,
    ).select_related("user"):
        if membership.user.email:
            reporters[membership.recipient_id].append(membership)

    per_user: dict[int, tuple[Membership, list[Allocation]]] = {}
    for allocation in allocations:
        # The recipient's own reporters and those of every successor it was merged into.
        found, current, seen = [], allocation.recipient_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            found += reporters.get(current, [])
            current = successor.get(current)
        if not found:
            run.without_reporter.append(str(allocation))
        for membership in found:
            per_user.setdefault(membership.user_id, (membership, []))[1].append(allocation)

    reached: dict[int, list[str]] = defaultdict(list)
    for membership, items in per_user.values():
        user = membership.user
        subject, body = _reminder_text(agreement, kind, user, items)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:
            # One bad address must not stop the others; the allocations are retried
            # tomorrow unless another reporter was reached.
            logger.exception("Påminnelsen till %s kunde inte skickas", user.email)
            run.failed.append(user.email)
            continue
        run.emails += 1
        for allocation in items:
            reached[allocation.pk].append(user.email)
    FollowUpReminder.objects.bulk_create(
        FollowUpReminder(
            allocation_id=pk,
            kind=kind,
            deadline=agreement.follow_up_deadline,
            sent_to=", ".join(emails),
        )
        for pk, emails in reached.items()
    )
    run.reminders += len(reached)


def _reminder_text(
    agreement: Agreement, kind: str, user, allocations: list[Allocation]
) -> tuple[str, str]:
    year, deadline = agreement.year, agreement.follow_up_deadline.isoformat()
    if kind == FollowUpReminder.Kind.OVERDUE:
        subject = f"Försenad redovisning av stimulansmedel {year}"
        opening = f"Sista dag för redovisningen av stimulansmedlen {year} var {deadline}."
    else:
        subject = f"Påminnelse: redovisa stimulansmedel {year} senast {deadline}"
        opening = f"Redovisningen av stimulansmedlen {year} ska vara inskickad senast {deadline}."
    lines = [
        f"- {a.recipient.name}, {a.priority_area.name}: {format_kr(a.amount)} "
        f"({STATE_LABELS[follow_up_state(a)].lower()})"
        for a in allocations
    ]
    path = reverse("followup_list", args=[agreement.organisation.code, year])
    base = settings.SITE_URL.rstrip("/")
    body = "\n".join(
        [
            f"Hej {user.first_name or user.username}!",
            "",
            opening,
            "Följande redovisningar är inte inskickade:",
            "",
            *lines,
            "",
            f"Redovisa här: {base}{path}",
            "",
            f"{agreement.organisation.administration or agreement.organisation.name}",
        ]
    )
    return subject, body
