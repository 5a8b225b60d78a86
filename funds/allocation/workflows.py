"""Workflows that change allocations: setting an amount, and deciding a year (through the
year's status changes in funds/year/status.py).

Every change of an amount goes through `allocation_set`, which refuses lost updates (the
caller names the version it saw), writes the audit trail, and enforces the year's lifecycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from funds.models import ZERO, Agreement, Allocation, AllocationChange, PriorityArea, Recipient
from funds.money import MAX_AMOUNT
from funds.year.status import DECIDE, agreement_status_change

# The decided-year reason is stored in the append-only trail: bounded here, in the form and in
# the database (AllocationChange.reason is a CharField of this length).
REASON_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 2000  # as in the Excel import (funds/allocation/upload.py)


def reason_check(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            f"Skälet får vara högst {REASON_MAX_LENGTH} tecken (nu {len(reason)}).",
            code="reason_too_long",
        )
    return reason


class AllocationConflict(Exception):
    """Someone else changed the cell since the caller read it; nothing was saved."""

    def __init__(self, current: Allocation | None) -> None:
        self.current = current
        super().__init__("The allocation changed since it was read.")

    @property
    def current_amount(self) -> Decimal | None:
        return self.current.amount if self.current else None


@dataclass(frozen=True)
class SetResult:
    allocation: Allocation
    changed: bool
    old_amount: Decimal | None = None  # before the change; None for a cell that had none


def allocation_set(
    *,
    area: PriorityArea,
    recipient: Recipient,
    amount: Decimal,
    expected_version: int,
    user,
    reason: str = "",
    source: str = "",
) -> SetResult:
    """Set one cell of the matrix. `expected_version` is 0 for a cell that had no allocation.

    Raises ValidationError (Swedish message) for a refused change and AllocationConflict
    when the stored version is not the one the caller saw. `source` names what caused the
    change outside the matrix (e.g. "calls.application:42") in the audit row.
    """
    agreement = area.agreement
    reason = _check_change(agreement, recipient, amount, reason)
    try:
        with transaction.atomic():
            # The row lock makes the version check and the write one step: a second editor
            # waits here and then sees the new version, so no update is lost.
            current = (
                Allocation.objects.select_for_update()
                .filter(priority_area=area, recipient=recipient)
                .first()
            )
            if (current.version if current else 0) != expected_version:
                raise AllocationConflict(current)
            if current is not None and current.amount == amount:
                return SetResult(current, changed=False, old_amount=current.amount)
            if current is None and amount == 0:
                empty = Allocation(
                    priority_area=area, recipient=recipient, amount=amount, version=0
                )
                return SetResult(empty, changed=False)
            allocation, old_amount = _write(
                area, recipient, amount, current, user=user, reason=reason, source=source
            )
    except IntegrityError:
        # Two editors created the same cell at once: the unique constraint let one win.
        raise AllocationConflict(
            Allocation.objects.filter(priority_area=area, recipient=recipient).first()
        ) from None
    return SetResult(allocation, changed=True, old_amount=old_amount)


def _write(
    area: PriorityArea,
    recipient: Recipient,
    amount: Decimal,
    current: Allocation | None,
    *,
    user,
    reason: str,
    source: str,
) -> tuple[Allocation, Decimal | None]:
    """Create the cell's allocation, or give it the new amount as a new version, and write
    the audit row; returns the allocation and the amount it had (None for a new one)."""
    if current is None:
        allocation = Allocation.objects.create(
            priority_area=area, recipient=recipient, amount=amount
        )
        old_amount = None
    else:
        allocation, old_amount = current, current.amount
        current.amount = amount
        current.version += 1
        current.save(update_fields=["amount", "version", "updated_at"])
    AllocationChange.objects.create(
        allocation=allocation,
        changed_by=user,
        old_amount=old_amount,
        new_amount=amount,
        reason=reason,
        is_amendment=area.agreement.changes_need_reason,
        source=source,
    )
    return allocation, old_amount


def _check_change(agreement: Agreement, recipient: Recipient, amount: Decimal, reason: str) -> str:
    """Refuse a change the year's lifecycle or the cell does not allow; the reason, stripped."""
    reason = reason_check(reason)
    if not agreement.is_editable:
        raise ValidationError("Året är avslutat och kan inte ändras.", code="closed")
    if agreement.changes_need_reason and not reason:
        raise ValidationError(
            "Året är beslutat: ange ett skäl till ändringen.", code="reason_required"
        )
    if recipient.organisation_id != agreement.organisation_id:
        raise ValidationError("Mottagaren hör till en annan organisation.", code="organisation")
    if not recipient.is_valid_in_year(agreement.year):
        raise ValidationError(
            f"{recipient.name} fanns inte under {agreement.year}.", code="not_valid"
        )
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError("Beloppet är inte tillåtet.", code="range")
    return reason


@dataclass(frozen=True)
class CellChange:
    area: PriorityArea
    recipient: Recipient
    amount: Decimal
    expected_version: int

    @property
    def label(self) -> str:
        return f"{self.recipient.name} × {self.area.number}. {self.area.name}"


class CellRefused(Exception):
    """One cell of a batch was refused; the whole batch was rolled back."""

    def __init__(self, change: CellChange, error: ValidationError | AllocationConflict) -> None:
        self.change = change
        self.error = error
        super().__init__(change.label)


def allocations_set_many(
    *, changes: Sequence[CellChange], user, reason: str = ""
) -> list[tuple[CellChange, SetResult]]:
    """Set many cells at once, all or nothing, each an audited change with its own version
    check, as `allocation_set` would one cell at a time, but set-based: one ordered
    SELECT … FOR UPDATE locks the affected rows, versions are checked in memory, and the
    writes are one UPDATE, one INSERT of new cells and one INSERT into the audit trail, so
    the number of queries does not grow with the batch.

    Every change is of one agreement's cells. Raises CellRefused naming the first cell
    (in the order given) that the year's rules refuse, else the first whose version is
    stale; then nothing is saved.
    """
    if not changes:
        return []
    agreement = changes[0].area.agreement
    checked_reason = reason
    for change in changes:
        try:
            checked_reason = _check_change(agreement, change.recipient, change.amount, reason)
        except ValidationError as error:
            raise CellRefused(change, error) from None
    try:
        with transaction.atomic():
            current = _lock_cells(changes)
            done = _versions_checked(changes, current)
            _write_many(done, user=user, reason=checked_reason, agreement=agreement)
    except IntegrityError:
        # A cell was created by someone else meanwhile: the unique constraint let them win.
        raise _created_meanwhile(changes) from None
    return done


def _lock_cells(changes: Sequence[CellChange]) -> dict[tuple[int, int], Allocation]:
    """Lock the stored allocations of the changed cells in one statement, in primary key
    order so that two batches over the same cells wait for each other instead of
    deadlocking. The statement locks the rectangle of the changed areas × recipients (a
    pasted block is one); a sparse batch may lock a few unchanged cells of that rectangle."""
    rows = (
        Allocation.objects.select_for_update()
        .filter(
            priority_area__in={change.area.pk for change in changes},
            recipient__in={change.recipient.pk for change in changes},
        )
        .order_by("pk")
    )
    return {(row.priority_area_id, row.recipient_id): row for row in rows}


def _versions_checked(
    changes: Sequence[CellChange], current: dict[tuple[int, int], Allocation]
) -> list[tuple[CellChange, SetResult]]:
    """Each cell's result, before writing: refused (CellRefused) when its stored version is
    not the one its editor saw; unchanged when the amount is the stored one."""
    done = []
    for change in changes:
        stored = current.get((change.area.pk, change.recipient.pk))
        if (stored.version if stored else 0) != change.expected_version:
            raise CellRefused(change, AllocationConflict(stored))
        if stored is not None and stored.amount == change.amount:
            done.append((change, SetResult(stored, changed=False, old_amount=stored.amount)))
        elif stored is None and change.amount == 0:
            empty = Allocation(
                priority_area=change.area, recipient=change.recipient, amount=ZERO, version=0
            )
            done.append((change, SetResult(empty, changed=False)))
        elif stored is None:
            new = Allocation(
                priority_area=change.area, recipient=change.recipient, amount=change.amount
            )
            done.append((change, SetResult(new, changed=True)))
        else:
            done.append((change, SetResult(stored, changed=True, old_amount=stored.amount)))
    return done


def _write_many(
    done: list[tuple[CellChange, SetResult]], *, user, reason: str, agreement: Agreement
) -> None:
    """The changed cells written: stored ones as new versions (one UPDATE), new ones created
    (one INSERT), and one audit row each (one INSERT)."""
    changed = [(change, result) for change, result in done if result.changed]
    now = timezone.now()
    updated = [result.allocation for _, result in changed if result.old_amount is not None]
    for change, result in changed:
        if result.old_amount is not None:
            result.allocation.amount = change.amount
            result.allocation.version += 1
            result.allocation.updated_at = now
    if updated:
        _update_amounts(updated, now)
    # In one order (area, recipient), so two batches creating the same cells meet at the
    # same first cell: one waits and then is refused, neither deadlocks.
    created = sorted(
        (result.allocation for _, result in changed if result.old_amount is None),
        key=lambda allocation: (allocation.priority_area_id, allocation.recipient_id),
    )
    if created:
        Allocation.objects.bulk_create(created)
    _audit_many(changed, user=user, reason=reason, agreement=agreement, now=now)


def _audit_many(
    changed: list[tuple[CellChange, SetResult]],
    *,
    user,
    reason: str,
    agreement: Agreement,
    now,
) -> None:
    """One audit row per changed cell in one INSERT. On PostgreSQL the rows go as three
    arrays (allocation, old and new amount) with the values they share as parameters
    (INSERT … SELECT … FROM unnest): no SQL text and no parameter per row to build, send
    and parse, as bulk_create has; they share the batch's time (`now`). Elsewhere (SQLite)
    bulk_create writes them, each with its own time of writing."""
    if not changed:
        return
    is_amendment = agreement.changes_need_reason
    if connection.vendor != "postgresql":
        AllocationChange.objects.bulk_create(
            AllocationChange(
                allocation=result.allocation,
                changed_by=user,
                old_amount=result.old_amount,
                new_amount=change.amount,
                reason=reason,
                is_amendment=is_amendment,
            )
            for change, result in changed
        )
        return
    table = connection.ops.quote_name(AllocationChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (allocation_id, old_amount, new_amount, changed_at, "  # noqa: S608
            "changed_by_id, reason, is_amendment, source) "
            "SELECT v.allocation_id, v.old_amount, v.new_amount, %s, %s, %s, %s, '' "
            "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) "
            "AS v(allocation_id, old_amount, new_amount)",
            [
                now,
                user.pk if user is not None else None,
                reason,
                is_amendment,
                [result.allocation.pk for _, result in changed],
                [result.old_amount for _, result in changed],
                [change.amount for change, _ in changed],
            ],
        )


def _update_amounts(rows: list[Allocation], now) -> None:
    """Store the amount, version and time of many allocations in one UPDATE. On PostgreSQL
    the new values go as three arrays joined by id (unnest): bulk_update's CASE per row
    costs seconds of Python, and a quadratic plan, at a few thousand rows."""
    if connection.vendor != "postgresql":
        Allocation.objects.bulk_update(rows, ["amount", "version", "updated_at"])
        return
    table = connection.ops.quote_name(Allocation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET amount = v.amount, version = v.version, updated_at = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::numeric[], %s::integer[]) AS v(id, amount, version) "
            f"WHERE {table}.id = v.id",
            [
                now,
                [row.pk for row in rows],
                [row.amount for row in rows],
                [row.version for row in rows],
            ],
        )


def _created_meanwhile(changes: Sequence[CellChange]) -> CellRefused:
    """The refusal when another editor created one of the batch's new cells meanwhile: the
    first such cell, with what it holds now."""
    new = [change for change in changes if change.expected_version == 0]
    stored = {
        (row.priority_area_id, row.recipient_id): row
        for row in Allocation.objects.filter(
            priority_area__in={change.area.pk for change in new},
            recipient__in={change.recipient.pk for change in new},
        )
    }
    for change in new:
        if (change.area.pk, change.recipient.pk) in stored:
            return CellRefused(
                change, AllocationConflict(stored[change.area.pk, change.recipient.pk])
            )
    return CellRefused((new or changes)[0], AllocationConflict(None))


def allocation_comment_set(
    *, area: PriorityArea, recipient: Recipient, comment: str
) -> Allocation | None:
    """Set the comment of one cell. An empty cell gets an allocation of 0 kr to hold it.

    The comment is not money: it is not versioned or audited, and the last writer wins.
    """
    agreement = area.agreement
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"Kommentaren får vara högst {COMMENT_MAX_LENGTH} tecken (nu {len(comment)}).",
            code="comment_too_long",
        )
    if not agreement.is_editable:
        raise ValidationError("Året är avslutat och kan inte ändras.", code="closed")
    if recipient.organisation_id != agreement.organisation_id:
        raise ValidationError("Mottagaren hör till en annan organisation.", code="organisation")
    if not recipient.is_valid_in_year(agreement.year):
        raise ValidationError(
            f"{recipient.name} fanns inte under {agreement.year}.", code="not_valid"
        )
    with transaction.atomic():
        current = (
            Allocation.objects.select_for_update()
            .filter(priority_area=area, recipient=recipient)
            .first()
        )
        if current is None:
            if not comment:
                return None
            try:
                with transaction.atomic():
                    return Allocation.objects.create(
                        priority_area=area, recipient=recipient, amount=Decimal(0), comment=comment
                    )
            except IntegrityError:
                raise ValidationError(
                    "Någon annan skapade cellen samtidigt. Försök igen.", code="conflict"
                ) from None
        if current.comment != comment:
            current.comment = comment
            current.save(update_fields=["comment", "updated_at"])
        return current


def agreement_decide(
    *,
    agreement: Agreement,
    registry_number: str,
    decided_on,
    decided_by: str,
    user=None,
    reason: str = "",
) -> Agreement:
    """Draft → decided, as the decision's confirmation page does it (funds/year/status.py):
    refused while an area is unmapped or allocated beyond its grant."""
    return agreement_status_change(
        agreement=agreement,
        change=DECIDE,
        expected_status=Agreement.Status.DRAFT,
        user=user,
        reason=reason,
        decision={
            "registry_number": registry_number,
            "decided_on": decided_on,
            "decided_by": decided_by,
        },
    )
