"""The matrix's edits as the page posts them: the posted cells read, typed amounts parsed, and
saved one cell or a batch at a time, each refusal turned into the message its cell shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import QueryDict

from config.untrusted import json_loads_bounded
from funds.allocation.matrix import Matrix, matrix_areas
from funds.allocation.workflows import (
    AllocationConflict,
    CellChange,
    CellRefused,
    SetResult,
    allocation_set,
    allocations_set_many,
)
from funds.models import Agreement, Allocation, PriorityArea, Recipient
from funds.money import format_kr, parse_amount

ZERO = Decimal("0.00")
INCOMPLETE = "Formuläret var ofullständigt. Ladda om sidan och försök igen."
# More than any organisation's matrix has cells (300 recipients × 8 areas is 2 400).
MAX_BATCH_CELLS = 10_000


def _conflict_message(conflict: AllocationConflict, typed: str) -> str:
    current = format_kr(conflict.current_amount) if conflict.current else "inget belopp"
    return (
        f"Någon annan har ändrat beloppet till {current} medan du redigerade. "
        f"Ditt värde ({typed or 'tomt'}) sparades inte."
    )


def refusal(error: ValidationError | AllocationConflict, typed: str) -> tuple[str, str]:
    """(message, code) of a refused cell."""
    if isinstance(error, AllocationConflict):
        return _conflict_message(error, typed), "conflict"
    return error.messages[0], error.code or ""


def posted_cells(data: QueryDict) -> dict[tuple[int, int], tuple[str, str]]:
    """(area id, recipient id) -> (typed, version) of every posted cell. Raises ValueError
    for a malformed post.

    Without JavaScript the whole form posts amount-<area>-<recipient> and
    version-<area>-<recipient> fields; the page's script posts only the changed cells as one
    JSON field, "celler" ([[key, typed, version], ...]), so a large pasted block is not cut
    off by the limit on the number of form fields.
    """
    if "celler" in data:
        rows = json_loads_bounded(data["celler"], max_depth=2)
        if not isinstance(rows, list):
            raise ValueError("celler")
        fields = {}
        for row in rows[: MAX_BATCH_CELLS + 1]:
            key, typed, version = row
            fields[f"amount-{key}"] = str(typed)
            fields[f"version-{key}"] = str(version)
    else:
        fields = data
    posted = {}
    for name, typed in fields.items():
        if name.startswith("amount-"):
            area_id, recipient_id = map(int, name.removeprefix("amount-").split("-"))
            version = fields.get(f"version-{area_id}-{recipient_id}", "")
            posted[area_id, recipient_id] = (typed.strip(), version)
    return posted


def cell_save(
    *, area: PriorityArea, recipient: Recipient, typed: str, version: str, user, reason: str
) -> tuple[SetResult | None, str, str]:
    """Save one cell as typed: (the result, "", "") or (None, message, code) when refused."""
    try:
        result = allocation_set(
            area=area,
            recipient=recipient,
            amount=parse_amount(typed) if typed else ZERO,
            expected_version=int(version),
            user=user,
            reason=reason,
        )
    except (ValidationError, AllocationConflict) as refused:
        return None, *refusal(refused, typed)
    except ValueError:
        return None, INCOMPLETE, "incomplete"
    return result, "", ""


@dataclass
class BatchOutcome:
    """What a batch save did, or why nothing was saved: `refusal` for the whole post, else
    `errors` per cell key (label, message, code) with what was typed there."""

    done: list[tuple[CellChange, SetResult]] = field(default_factory=list)
    typed_at: dict[str, str] = field(default_factory=dict)
    errors: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    refusal: str = ""

    @property
    def saved(self) -> int:
        return sum(1 for _, result in self.done if result.changed)

    def mark(self, matrix: Matrix) -> None:
        """Put the typed values and the errors back into the matrix's cells."""
        for cell in matrix.cells():
            if cell.key in self.typed_at:
                cell.typed = self.typed_at[cell.key]
            if cell.key in self.errors:
                _, cell.error, cell.error_code = self.errors[cell.key]

    def summary(self) -> str:
        label, message, _ = next(iter(self.errors.values()))
        more = len(self.errors) - 1
        return f"Inget sparades. {label}: {message}" + (
            f" ({more} celler till har fel; de är markerade.)" if more else ""
        )


def cells_save(
    *, agreement: Agreement, posted: dict[tuple[int, int], tuple[str, str]], user, reason: str
) -> BatchOutcome:
    """Save every posted cell that changed, all or nothing (allocations_set_many)."""
    if len(posted) > MAX_BATCH_CELLS:
        return BatchOutcome(
            refusal=f"Inget sparades: högst {MAX_BATCH_CELLS} celler kan sparas på en gång."
        )
    outcome = BatchOutcome()
    changes = _changes(agreement, posted, outcome)
    if outcome.refusal or outcome.errors or not changes:
        return outcome
    try:
        outcome.done = allocations_set_many(changes=changes, user=user, reason=reason)
    except CellRefused as refused:
        key = f"{refused.change.area.pk}-{refused.change.recipient.pk}"
        message, code = refusal(refused.error, outcome.typed_at[key])
        outcome.errors[key] = (refused.change.label, message, code)
    return outcome


def _changes(
    agreement: Agreement, posted: dict[tuple[int, int], tuple[str, str]], outcome: BatchOutcome
) -> list[CellChange]:
    """The posted cells whose amount differs from the stored one; what cannot be parsed goes
    to `outcome` as a cell error, a cell outside the matrix as its refusal."""
    areas = {area.pk: area for area in matrix_areas(agreement)}
    recipients = Recipient.objects.filter(organisation=agreement.organisation).in_bulk(
        {recipient_id for _, recipient_id in posted}
    )
    current = {
        (a.priority_area_id, a.recipient_id): a
        for a in Allocation.objects.filter(
            priority_area__agreement=agreement, recipient__in=recipients
        ).order_by()
    }
    changes = []
    for (area_id, recipient_id), (typed, version) in posted.items():
        area, recipient = areas.get(area_id), recipients.get(recipient_id)
        if area is None or recipient is None:
            outcome.refusal = f"Inget sparades. En cell finns inte i tabellen. {INCOMPLETE}"
            return []
        key = f"{area_id}-{recipient_id}"
        try:
            amount = parse_amount(typed) if typed else ZERO
            expected = int(version)
        except (ValidationError, ValueError) as error:
            outcome.typed_at[key] = typed
            message, code = (
                (error.messages[0], error.code or "")
                if isinstance(error, ValidationError)
                else (INCOMPLETE, "incomplete")
            )
            outcome.errors[key] = (f"{recipient.name} × {area.number}. {area.name}", message, code)
            continue
        stored = current.get((area_id, recipient_id))
        if amount != (stored.amount if stored else ZERO):
            outcome.typed_at[key] = typed
            changes.append(CellChange(area, recipient, amount, expected))
    return changes
