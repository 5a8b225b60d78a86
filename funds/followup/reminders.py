"""Reminders: e-mail to the reporters of follow-ups not yet submitted, before and after the
deadline, each sent once (FollowUpReminder records what has gone out)."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from funds.followup.rules import DONE_STATES, OPEN_STATUSES, STATE_LABELS, follow_up_state
from funds.models import (
    Agreement,
    Allocation,
    FollowUpReminder,
    MailDelivery,
    Membership,
    Recipient,
)
from funds.money import format_kr
from funds.outbox import mail_enqueue

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    emails: int = 0
    reminders: int = 0
    without_reporter: list[str] = field(default_factory=list)


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
    per_user = _per_reporter(agreement, allocations, run)
    reached: dict[int, list[str]] = defaultdict(list)
    for membership, items in per_user.values():
        user = membership.user
        subject, body = _reminder_text(agreement, kind, user, items)
        # Queued in this agreement's transaction with the FollowUpReminder rows below: the
        # worker sends it and retries; its state is on the organisation's Utskick page.
        mail_enqueue(
            organisation=agreement.organisation,
            kind=MailDelivery.Kind.REMINDER,
            to=[user.email],
            subject=subject,
            body=body,
        )
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


def _per_reporter(
    agreement: Agreement, allocations: list[Allocation], run: ReminderRun
) -> dict[int, tuple[Membership, list[Allocation]]]:
    """Each reporter with an e-mail address (by user id) and the allocations they report for:
    their recipient's, and those of every unit merged into it; each grantee and the
    allocations they were granted. Allocations nobody reports for are noted in `run`."""
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

    # Grantees (after a call) are reminded of the allocations they were granted, only.
    grantees: dict[int, list[Membership]] = defaultdict(list)
    for grant in Membership.granted_allocations.through.objects.filter(
        membership__organisation=agreement.organisation_id,
        membership__role=Membership.Role.GRANTEE,
        membership__user__is_active=True,
    ).select_related("membership__user"):
        if grant.membership.user.email:
            grantees[grant.allocation_id].append(grant.membership)

    per_user: dict[int, tuple[Membership, list[Allocation]]] = {}
    for allocation in allocations:
        # The recipient's own reporters and those of every successor it was merged into.
        found, current, seen = list(grantees.get(allocation.pk, [])), allocation.recipient_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            found += reporters.get(current, [])
            current = successor.get(current)
        if not found:
            run.without_reporter.append(str(allocation))
        for membership in found:
            per_user.setdefault(membership.user_id, (membership, []))[1].append(allocation)
    return per_user


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
