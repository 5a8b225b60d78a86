"""Reads of calls: money calls reserve, what a call can still hand out, ranking, reviews."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from calls.models import Application, Call, Review, Score
from funds.balance import BalanceLine, agreement_balance
from funds.models import ZERO, Agreement, Membership, PriorityArea, Recipient


def reserved_by_calls(agreement: Agreement) -> dict[int, Decimal]:
    """Money held back per priority area by the agreement's calls that are not yet decided
    (drafts included: a coordinator who writes a call is counting on that money)."""
    rows = (
        Call.objects.filter(agreement=agreement)
        .exclude(status=Call.Status.DECIDED)
        .values("priority_area_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["priority_area_id"]: row["total"] for row in rows}


def reservation_lines(agreement: Agreement) -> list[tuple[BalanceLine, Decimal, Decimal]]:
    """Each balance line of the agreement with what undecided calls reserve in its area and
    what is left after that: (line, reserved, free)."""
    reserved = reserved_by_calls(agreement)
    return [
        (
            line,
            reserved.get(line.area_id, ZERO),
            line.unallocated - reserved.get(line.area_id, ZERO),
        )
        for line in agreement_balance(agreement).lines
    ]


def reservation_totals(lines: list[tuple[BalanceLine, Decimal, Decimal]]) -> dict[str, Decimal]:
    """The reservation table's columns summed over its rows (its Summa row)."""
    return {
        "unallocated": sum((line.unallocated for line, _, _ in lines), ZERO),
        "reserved": sum((reserved for _, reserved, _ in lines), ZERO),
        "free": sum((free for _, _, free in lines), ZERO),
    }


def application_totals(applications: list[Application]) -> dict[str, Decimal]:
    """What the applications shown asked for and what the decision granted them, summed
    from the rows (no query): the Summa row of the call's page and of its record PDF."""
    return {
        "requested": sum((a.amount_requested or ZERO for a in applications), ZERO),
        "granted": sum(
            (
                a.granted_amount or ZERO
                for a in applications
                if a.status == Application.Status.GRANTED
            ),
            ZERO,
        ),
    }


def area_free_money(area: PriorityArea, *, excluding: Call | None = None) -> Decimal:
    """The area's unallocated money less what other undecided calls reserve."""
    line = next(line for line in agreement_balance(area.agreement).lines if line.area_id == area.pk)
    reserved = Call.objects.filter(priority_area=area).exclude(status=Call.Status.DECIDED)
    if excluding is not None and excluding.pk:
        reserved = reserved.exclude(pk=excluding.pk)
    return line.unallocated - (reserved.aggregate(total=Sum("amount"))["total"] or ZERO)


@dataclass
class Ranked:
    application: Application
    weighted: Decimal | None  # mean over submitted reviews of the weighted mean score
    reviews: int


def ranking(call: Call) -> list[Ranked]:
    """Submitted applications by weighted score, best first; unscored ones last. Three
    queries whatever the number of applications."""
    weights = {criterion.pk: criterion.weight for criterion in call.criteria.all()}
    total_weight = sum(weights.values()) or 1
    per_review: dict[int, dict[int, Decimal]] = defaultdict(dict)
    review_app: dict[int, int] = {}
    for score in Score.objects.filter(
        review__application__call=call, review__submitted_at__isnull=False
    ).values("review_id", "review__application_id", "criterion_id", "score"):
        per_review[score["review_id"]][score["criterion_id"]] = score["score"]
        review_app[score["review_id"]] = score["review__application_id"]
    per_application: dict[int, list[Decimal]] = defaultdict(list)
    for review_id, scores in per_review.items():
        weighted = sum(
            Decimal(value) * weights.get(criterion, 0) for criterion, value in scores.items()
        )
        per_application[review_app[review_id]].append(weighted / total_weight)
    rows = []
    for application in call.applications.submitted().order_by("pk"):
        values = per_application.get(application.pk, [])
        mean = (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None
        rows.append(Ranked(application, mean, len(values)))
    rows.sort(key=lambda row: (row.weighted is None, -(row.weighted or 0), row.application.pk))
    return rows


def call_available(call: Call) -> Decimal:
    """What the call can hand out now: its amount, unless the area has less left (the matrix
    may have changed since the call was published)."""
    free = area_free_money(call.priority_area, excluding=call)
    return min(call.amount, free) if call.reserves_money else call.amount


def submitted_reviews(application: Application) -> QuerySet[Review]:
    """The application's submitted reviews with their reviewers and scores."""
    return (
        Review.objects.filter(application=application, submitted_at__isnull=False)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
    )


def recipient_suggestion(application: Application) -> Recipient | None:
    """The existing recipient whose organisationsnummer the submitted application gave, while
    the applicant's account is not linked to it. An organisationsnummer is public: this is a
    suggestion for the coordinator to check, never proof of who the applicant speaks for."""
    if application.status != Application.Status.SUBMITTED or application.recipient_id is None:
        return None
    linked = Membership.objects.filter(
        user_id=application.applicant_id,
        recipient_id=application.recipient_id,
        role=Membership.Role.REPORTER,
    ).exists()
    return None if linked else application.recipient


def letter_states(call: Call) -> dict[int, str]:
    """Each decided application's decision letter as the mail queue has it (köad, skickad,
    misslyckad), by application id: the latest delivery of its letter."""
    from funds.models import MailDelivery

    deliveries = MailDelivery.objects.filter(
        organisation_id=call.agreement.organisation_id,
        kind=MailDelivery.Kind.DECISION_LETTER,
        object_id__in=call.applications.values("pk"),
    ).order_by("object_id", "created_at", "pk")
    return {d.object_id: d.get_state_display() for d in deliveries.only("object_id", "state")}
