"""The year's status changes: deciding, starting follow-up, closing and reopening a year.

`status_change_plan` is what the confirmation page shows (what the change does and what stands
in its way, computed from the data; writes nothing); `agreement_status_change` does it under
the agreement's row lock, after checking the same plan again, and writes the audit trail
(AgreementStatusChange). Hard obstacles refuse; soft ones need a written reason, which the
trail keeps with the obstacles it overrode. Checks that live outside funds (the enkät's,
in reporting) register themselves with `register_soft_check`, so imports still flow one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from funds.balance import agreement_balance
from funds.models import (
    ZERO,
    Agreement,
    AgreementStatusChange,
    Allocation,
    FollowUp,
    Membership,
)
from funds.money import format_kr

Status = Agreement.Status
DECIDE, FOLLOW_UP, CLOSE, REOPEN = "decide", "follow_up", "close", "reopen"
# {change: (the status it starts from, the status it leads to)}; reopening goes one step back.
FORWARD = {
    DECIDE: (Status.DRAFT, Status.DECIDED),
    FOLLOW_UP: (Status.DECIDED, Status.FOLLOW_UP),
    CLOSE: (Status.FOLLOW_UP, Status.CLOSED),
}
REOPENED = {Status.CLOSED: Status.FOLLOW_UP, Status.DECIDED: Status.DRAFT}
TITLES = {
    DECIDE: ("Besluta fördelningen", "Besluta"),
    FOLLOW_UP: ("Starta uppföljningen", "Starta uppföljningen"),
    CLOSE: ("Avsluta året", "Avsluta året"),
    REOPEN: ("Öppna året igen", "Öppna året igen"),
}
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Obstacle:
    """Something that stands in the way of a change, and the page that deals with it."""

    message: str
    url: str = ""
    action: str = ""
    code: str = "blocked"


@dataclass
class StatusChangePlan:
    """What one status change of one year would do, and what stands in its way."""

    agreement: Agreement
    change: str
    target: str | None
    effects: list[str] = field(default_factory=list)
    mails: list[str] = field(default_factory=list)
    hard: list[Obstacle] = field(default_factory=list)
    soft: list[Obstacle] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{TITLES[self.change][0]} {self.agreement.year}"

    @property
    def button(self) -> str:
        return TITLES[self.change][1]

    @property
    def reason_required(self) -> bool:
        """Every reopening says why; a forward change does when it overrides something."""
        return self.change == REOPEN or bool(self.soft)

    @property
    def target_label(self) -> str:
        return Status(self.target).label if self.target else ""


SoftCheck = Callable[[Agreement, str], list[Obstacle]]
_SOFT_CHECKS: list[SoftCheck] = []


def register_soft_check(check: SoftCheck) -> SoftCheck:
    """Add a check run for every forward change: check(agreement, target status) returns the
    soft obstacles it finds (e.g. the enkät's problems, registered by reporting)."""
    if check not in _SOFT_CHECKS:
        _SOFT_CHECKS.append(check)
    return check


@dataclass(frozen=True)
class _Facts:
    """The figures the effects and obstacles are written from. Five queries."""

    allocated: object
    recipients: int
    follow_ups_expected: int
    follow_ups_approved: int
    reporters: int
    reporter_recipients: int


def _facts(agreement: Agreement) -> _Facts:
    with_money = Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
    reporters = Membership.objects.filter(
        organisation_id=agreement.organisation_id,
        role=Membership.Role.REPORTER,
        recipient__in=with_money.values("recipient"),
    )
    return _Facts(
        allocated=with_money.aggregate(total=Sum("amount"))["total"] or ZERO,
        recipients=with_money.values("recipient").distinct().count(),
        follow_ups_expected=with_money.count(),
        follow_ups_approved=with_money.filter(follow_up__status=FollowUp.Status.APPROVED).count(),
        reporters=reporters.values("user").distinct().count(),
        reporter_recipients=reporters.values("recipient").distinct().count(),
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _url(name: str, agreement: Agreement, *more) -> str:
    return reverse(name, args=[agreement.organisation.code, agreement.year, *more])


def _reminders(agreement: Agreement, *, stop: bool = False) -> str:
    if stop:
        return "Påminnelser om redovisningen slutar gå ut för året."
    if agreement.follow_up_deadline is None:
        return (
            "Ingen sista dag för redovisning är satt, så inga påminnelser går ut förrän den "
            "är satt på sidan Uppföljning."
        )
    return (
        "Rapportörer med redovisningar som inte är inskickade får påminnelser via e-post "
        f"inför sista dag för redovisning, {agreement.follow_up_deadline:%Y-%m-%d}, och "
        "efter den."
    )


def _reporters(facts: _Facts) -> str:
    return (
        f"{_plural(facts.reporters, 'rapportör', 'rapportörer')} för "
        f"{_plural(facts.reporter_recipients, 'mottagare', 'mottagare')}"
    )


def _forward_effects(plan: StatusChangePlan, facts: _Facts) -> None:
    agreement, year = plan.agreement, plan.agreement.year
    published = (
        f"Fördelningen, {format_kr(facts.allocated)} till "
        f"{_plural(facts.recipients, 'mottagare', 'mottagare')}"
    )
    if plan.change == DECIDE:
        plan.effects += [
            f"{published}, publiceras som öppna data (CSV och JSON) för vem som helst.",
            "Varje ändring av ett belopp måste därefter motiveras och registreras i historiken.",
            f"Redovisningen öppnar: {_reporters(facts)} kan redovisa "
            f"{_plural(facts.follow_ups_expected, 'fördelning', 'fördelningar')} med pengar.",
        ]
        plan.mails.append(_reminders(agreement))
    elif plan.change == FOLLOW_UP:
        plan.effects += [
            "Återbetalningarna stäms av: vad mottagarna inte förbrukat och vad som ska tillbaka "
            "till staten visas och kontrolleras.",
            "Enkätunderlaget kontrolleras fullt ut och kan bara laddas ner som utkast medan "
            "problem återstår.",
            f"Rapportörerna ({_reporters(facts)}) kan fortfarande redovisa tills året avslutas.",
            f"Öppna data för {year} visar status Under uppföljning.",
        ]
        plan.mails.append(_reminders(agreement))
    else:
        plan.effects += [
            f"{_reporters(facts).capitalize()} stängs ute: redovisningarna kan inte längre "
            "ändras eller skickas in.",
            "Fördelningen, redovisningarna och återbetalningarna kan bara läsas.",
            f"Öppna data för {year} visar status Avslutad; fördelningen finns kvar där.",
        ]
        plan.mails.append(_reminders(agreement, stop=True))
    plan.mails.append("Inget e-postmeddelande skickas när du bekräftar.")


def _reopen_effects(plan: StatusChangePlan, facts: _Facts) -> None:
    agreement, year = plan.agreement, plan.agreement.year
    if plan.target == Status.FOLLOW_UP:
        plan.effects += [
            f"{_reporters(facts).capitalize()} kan ändra och skicka in redovisningar igen.",
            "Fördelningen kan ändras igen; varje ändring av ett belopp måste motiveras.",
            f"Öppna data för {year} visar status Under uppföljning och dagens datum som "
            "ändringsdatum.",
        ]
        plan.mails.append(_reminders(agreement))
    else:
        plan.effects += [
            f"Fördelningen för {year} tas bort från öppna data tills året beslutas igen.",
            "Redovisningen stängs tills året beslutas igen; inget som redan är redovisat tas bort.",
            "Beloppen kan ändras utan skäl. Diarienummer och beslutsdatum skrivs över när "
            "året beslutas igen.",
        ]
        plan.mails.append(_reminders(agreement, stop=True))
    plan.mails.append("Inget e-postmeddelande skickas när du bekräftar.")


def _hard_obstacles(agreement: Agreement) -> list[Obstacle]:
    """Unmapped areas and over-allocation: no reason makes a year with them right."""
    areas_url = _url("agreement_areas", agreement)
    found = [
        Obstacle(
            f"{area.number}. {area.name} saknar nationellt område"
            + (
                f": det väntar på statens överenskommelse för {agreement.year}."
                if area.awaiting_successor_of_id
                else ". Välj det nationella området, eller ange egen prioritering med skäl."
            ),
            areas_url,
            "Prioriterade områden",
            "unmapped",
        )
        for area in agreement.priority_areas.order_by("number")
        if not area.is_mapped
    ]
    found += [
        Obstacle(
            f"{line.number}. {line.label}: mer än tilldelat är fördelat "
            f"({format_kr(-line.unallocated)} för mycket).",
            _url("allocation_matrix", agreement),
            "Öppna fördelningen",
            "over_allocated",
        )
        for line in agreement_balance(agreement).lines
        if line.over_allocated
    ]
    return found


def _soft_obstacles(agreement: Agreement, target: str, facts: _Facts) -> list[Obstacle]:
    found = []
    if target == Status.DECIDED:
        found += [
            Obstacle(
                f"{area.number}. {area.name}: skälet till egen prioritering är hämtat "
                f"ordagrant från {area.reason_carried_from_year} och inte granskat.",
                _url("agreement_area_edit", agreement, area.pk),
                "Granska skälet",
            )
            for area in agreement.priority_areas.filter(
                reason_carried_from_year__isnull=False
            ).order_by("number")
        ]
    unapproved = facts.follow_ups_expected - facts.follow_ups_approved
    if target in (Status.FOLLOW_UP, Status.CLOSED) and unapproved:
        found.append(
            Obstacle(
                f"{unapproved} av {facts.follow_ups_expected} redovisningar är inte godkända.",
                _url("followup_board", agreement),
                "Öppna uppföljningen",
            )
        )
    if target == Status.CLOSED:
        found += _unsettled_repayments(agreement)
    for check in _SOFT_CHECKS:
        found += check(agreement, target)
    return found


def _unsettled_repayments(agreement: Agreement) -> list[Obstacle]:
    url = _url("repayments", agreement)
    found = []
    for line in agreement_balance(agreement).lines:
        area = f"{line.number}. {line.label}"
        if line.outstanding_from_recipients > ZERO:
            found.append(
                Obstacle(
                    f"{area}: mottagarna har {format_kr(line.outstanding_from_recipients)} "
                    "oförbrukat som inte är återbetalt.",
                    url,
                    "Öppna återbetalningar",
                )
            )
        if line.state_difference:
            owed = line.state_difference
            text = (
                f"{format_kr(owed)} ska betalas tillbaka till staten"
                if owed > ZERO
                else f"{format_kr(-owed)} för mycket är återbetalt till staten"
            )
            found.append(Obstacle(f"{area}: {text}.", url, "Öppna återbetalningar"))
    return found


def status_change_plan(agreement: Agreement, change: str) -> StatusChangePlan:
    """What `change` would do to the year now, and what stands in its way. Writes nothing."""
    status = agreement.status
    if change == REOPEN:
        plan = StatusChangePlan(agreement, change, REOPENED.get(status))
    else:
        source, target = FORWARD[change]
        plan = StatusChangePlan(agreement, change, target if status == source else None)
    if plan.target is None:
        plan.hard.append(
            Obstacle(f"Året har status {agreement.get_status_display()}: det går inte härifrån.")
        )
        return plan
    facts = _facts(agreement)
    if change == REOPEN:
        _reopen_effects(plan, facts)
        return plan
    _forward_effects(plan, facts)
    plan.hard += _hard_obstacles(agreement)
    plan.soft += _soft_obstacles(agreement, plan.target, facts)
    return plan


def _refuse_unless_allowed(plan: StatusChangePlan, reason: str) -> None:
    if plan.hard:
        messages = " ".join(obstacle.message for obstacle in plan.hard)
        raise ValidationError(f"{plan.button} går inte: {messages}", code=plan.hard[0].code)
    if plan.reason_required and not reason:
        raise ValidationError(
            "Skriv ett skäl: det sparas i årets historik tillsammans med det som står i vägen.",
            code="reason_required",
        )


def agreement_status_change(
    *,
    agreement: Agreement,
    change: str,
    expected_status: str,
    user,
    reason: str = "",
    decision: dict | None = None,
) -> Agreement:
    """Do `change` as its confirmation page showed it for a year in `expected_status`. Under
    the row lock the plan is made again: two coordinators confirming at once change the year
    once, and an obstacle that appeared after the page was shown is not passed over."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(f"Skälet får vara högst {REASON_MAX_LENGTH} tecken.", code="long")
    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=agreement.pk)
        )
        if locked.status != expected_status:
            raise ValidationError(
                f"Året har bytt status sedan sidan visades (nu: {locked.get_status_display()}). "
                "Inget ändrades; läs sidan igen innan du bekräftar.",
                code="stale",
            )
        plan = status_change_plan(locked, change)
        if plan.hard:
            messages = " ".join(obstacle.message for obstacle in plan.hard)
            raise ValidationError(f"{plan.button} går inte: {messages}", code=plan.hard[0].code)
        if plan.reason_required and not reason:
            raise ValidationError(
                "Skriv ett skäl: det sparas i årets historik tillsammans med det som står i vägen.",
                code="reason_required",
            )
        AgreementStatusChange.objects.create(
            agreement=locked,
            from_status=locked.status,
            to_status=plan.target,
            changed_by=user,
            reason=reason,
            overridden="\n".join(obstacle.message for obstacle in plan.soft),
        )
        locked.status = plan.target
        for name, value in (decision or {}).items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *(decision or {})])
    return locked
