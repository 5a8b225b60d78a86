"""The books of one agreement, exact to the öre.

The rules (DOMAIN.md):
    granted = allocated + unallocated
    allocated = spent + repaid by recipients          (once every follow-up is in)
    repaid to the state = unallocated + repaid by recipients

Money that a recipient gives back and the administration hands to another recipient in the
same year is recorded as a change of the two allocations, not as a repayment, so
"re-distributed" in DOMAIN.md's third rule is always zero here.

Every sum is computed by the database from exact kronor in one query (one correlated
subquery per sum, so joins cannot multiply rows); totals are added in Python from the same
exact Decimals; nothing is rounded until it is displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from funds.models import ZERO, Agreement, Allocation, FollowUp, PriorityArea, Repayment

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum_of(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated subquery summing one column, grouped by the outer priority area."""
    summed = queryset.order_by().values("group_key").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


@dataclass(frozen=True)
class BalanceLine:
    """The figures of one priority area, or of the whole agreement."""

    label: str
    granted: Decimal
    allocated: Decimal
    spent: Decimal
    repaid_by_recipients: Decimal
    repaid_to_state: Decimal
    number: int | None = None
    area_id: int | None = None

    @property
    def unallocated(self) -> Decimal:
        return self.granted - self.allocated

    @property
    def unspent(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def over_allocated(self) -> bool:
        return self.allocated > self.granted

    @property
    def outstanding_from_recipients(self) -> Decimal:
        """Unspent money that recipients have not yet paid back."""
        return self.allocated - self.spent - self.repaid_by_recipients

    @property
    def owed_to_state(self) -> Decimal:
        return self.unallocated + self.repaid_by_recipients

    @property
    def state_difference(self) -> Decimal:
        """What has still to go to the state (positive) or went there in excess (negative)."""
        return self.owed_to_state - self.repaid_to_state

    @property
    def reconciles(self) -> bool:
        return (
            not self.over_allocated
            and self.outstanding_from_recipients == ZERO
            and self.state_difference == ZERO
        )


@dataclass(frozen=True)
class AgreementBalance:
    agreement: Agreement
    lines: list[BalanceLine] = field(default_factory=list)

    @property
    def total(self) -> BalanceLine:
        return BalanceLine(
            label="Totalt",
            granted=sum((line.granted for line in self.lines), ZERO),
            allocated=sum((line.allocated for line in self.lines), ZERO),
            spent=sum((line.spent for line in self.lines), ZERO),
            repaid_by_recipients=sum((line.repaid_by_recipients for line in self.lines), ZERO),
            repaid_to_state=sum((line.repaid_to_state for line in self.lines), ZERO),
        )


def priority_areas_with_sums(agreement: Agreement) -> QuerySet[PriorityArea]:
    """The agreement's priority areas annotated with their sums: one query, however large."""
    allocations = Allocation.objects.filter(priority_area=OuterRef("pk")).annotate(
        group_key=Value(1)
    )
    follow_ups = FollowUp.objects.filter(allocation__priority_area=OuterRef("pk")).annotate(
        group_key=Value(1)
    )
    repayments = Repayment.objects.filter(priority_area=OuterRef("pk")).annotate(group_key=Value(1))
    return (
        PriorityArea.objects.filter(agreement=agreement)
        .order_by("number")
        .annotate(
            sum_allocated=_sum_of(allocations, "amount"),
            sum_spent=_sum_of(follow_ups, "spent"),
            sum_repaid_by_recipients=_sum_of(
                repayments.filter(kind=Repayment.Kind.FROM_RECIPIENT), "amount"
            ),
            sum_repaid_to_state=_sum_of(repayments.filter(kind=Repayment.Kind.TO_STATE), "amount"),
        )
    )


def agreement_balance(agreement: Agreement) -> AgreementBalance:
    """Granted, allocated, unallocated, spent and repaid per priority area and in total."""
    lines = [
        BalanceLine(
            label=area.name,
            number=area.number,
            area_id=area.pk,
            granted=area.granted,
            allocated=area.sum_allocated,
            spent=area.sum_spent,
            repaid_by_recipients=area.sum_repaid_by_recipients,
            repaid_to_state=area.sum_repaid_to_state,
        )
        for area in priority_areas_with_sums(agreement)
    ]
    return AgreementBalance(agreement=agreement, lines=lines)
