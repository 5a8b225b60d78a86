"""Repayments: money paid back by a recipient, or by the administration to the state.

Repayments are never edited or deleted, so their rows are their own audit trail.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from funds.balance import priority_areas_with_sums
from funds.followup.rules import OPEN_STATUSES
from funds.models import ZERO, Allocation, FollowUp, PriorityArea, Recipient, Repayment
from funds.money import MAX_AMOUNT, format_kr


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
            owed, who = _owed_by_recipient(area, recipient), recipient.name
        else:
            owed, who = _owed_to_state(area), "Förvaltningen"
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


def _owed_to_state(area: PriorityArea) -> Decimal:
    """What the administration still owes the state within an area: what was granted and not
    allocated, plus what recipients paid back, less what went back already."""
    line = priority_areas_with_sums(area.agreement).get(pk=area.pk)
    return (
        line.granted - line.sum_allocated + line.sum_repaid_by_recipients - line.sum_repaid_to_state
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
