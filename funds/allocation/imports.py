"""Allocations from an uploaded sheet: the plan (the preview: every row checked against the
year, and what saving would change) and the save, all or nothing.

Every amount goes through `parse_amount`, every change through `allocation_set`.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from funds.allocation.upload import (
    MAX_COMMENT_LENGTH,
    MAX_NAME_LENGTH,
    SheetRow,
    kind_labels,
    normalise,
)
from funds.allocation.workflows import AllocationConflict, allocation_set
from funds.models import ZERO, Agreement, Allocation, PriorityArea, Recipient
from funds.money import format_kr, parse_amount

DEFAULT_REASON = "Import från Excel"
_NUMBERED_AREA_RE = re.compile(r"(?P<number>[0-9]{1,3})\s*[.):]?\s*(?P<name>.*)")


class ImportOutdated(Exception):
    """The allocations changed between the preview and the save; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Fördelningen har ändrats sedan förhandsgranskningen (av någon annan eller i en "
            "annan flik). Inget sparades. Granska ändringarna på nytt och spara igen."
        )


class ImportRefused(Exception):
    """The file has problems; nothing was saved."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__(
            f"Filen har {plan.problem_count} problem. Inget sparades; rätta filen och försök igen."
        )


# --- Validation and the plan -------------------------------------------------------------


@dataclass
class RowPlan:
    """One row of the file: what it resolves to, its problems, and the change it makes."""

    row: SheetRow
    problems: list[str] = field(default_factory=list)
    recipient: Recipient | None = None
    area: PriorityArea | None = None
    amount: Decimal | None = None
    current: Allocation | None = None

    @property
    def old_amount(self) -> Decimal:
        return self.current.amount if self.current else ZERO

    @property
    def version(self) -> int:
        return self.current.version if self.current else 0

    @property
    def is_new(self) -> bool:
        return self.current is None and self.amount_changed

    @property
    def amount_changed(self) -> bool:
        return not self.problems and self.amount is not None and self.amount != self.old_amount

    @property
    def comment_changed(self) -> bool:
        if self.problems or (self.current is None and not self.amount_changed):
            return False
        old = self.current.comment.replace("\r\n", "\n").strip() if self.current else ""
        return self.row.comment != old

    @property
    def changed(self) -> bool:
        return self.amount_changed or self.comment_changed

    @property
    def status(self) -> str:
        if self.problems:
            return "Fel"
        if self.is_new:
            return "Ny"
        if self.amount_changed:
            return "Ändras"
        if self.comment_changed:
            return "Kommentar ändras"
        return "Oförändrad"


@dataclass
class ImportPlan:
    agreement: Agreement
    rows: list[RowPlan]
    area_problems: list[str]
    untouched: int  # allocations with an amount that the file does not name: left as they are
    fingerprint: str  # of the database state the plan was made from

    @property
    def problem_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.problems]

    @property
    def problem_count(self) -> int:
        return sum(len(row.problems) for row in self.rows)

    @property
    def has_problems(self) -> bool:
        return bool(self.problem_count or self.area_problems)

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.changed]

    @property
    def amount_changes(self) -> int:
        return sum(1 for row in self.rows if row.amount_changed)


def import_refusal(agreement: Agreement) -> str | None:
    """Why the agreement takes no import at all, or None."""
    if not agreement.is_editable:
        return "Året är avslutat och kan inte ändras. Ingen import är möjlig."
    return None


class _Lookup:
    """Finds recipients and areas by what users type: exact name, else case-insensitive."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
        for area in self.areas:
            area.agreement = agreement  # allocation_set reads it; no query per row
        self.recipients = list(
            Recipient.objects.filter(organisation_id=agreement.organisation_id).select_related(
                "successor"
            )
        )
        self.recipients_by_name = {r.name: r for r in self.recipients}
        self.recipients_by_key = defaultdict(list)
        for recipient in self.recipients:
            self.recipients_by_key[normalise(recipient.name)].append(recipient)
        self.labels = kind_labels()
        self.kinds = {normalise(label): value for value, label in self.labels.items()}
        self.kinds.update({value: value for value in self.labels})

    def recipient(self, name: str) -> Recipient | None:
        if name in self.recipients_by_name:
            return self.recipients_by_name[name]
        matches = self.recipients_by_key.get(normalise(name), [])
        return matches[0] if len(matches) == 1 else None

    def area(self, text: str) -> PriorityArea | None:
        key = normalise(text)
        for area in self.areas:
            if normalise(area.name) == key:
                return area
        numbered = _NUMBERED_AREA_RE.fullmatch(key)
        if numbered:
            for area in self.areas:
                if area.number == int(numbered["number"]) and (
                    not numbered["name"] or numbered["name"] == normalise(area.name)
                ):
                    return area
        return None


def _fingerprint(agreement: Agreement, lookup: _Lookup, allocations: list[Allocation]) -> str:
    state = [
        agreement.status,
        [(a.pk, str(a.granted), a.name) for a in lookup.areas],
        sorted(
            (r.pk, r.name, r.kind, str(r.valid_from), str(r.valid_to), r.successor_id)
            for r in lookup.recipients
        ),
        sorted((a.pk, a.version, str(a.amount), a.comment) for a in allocations),
    ]
    return hashlib.sha256(repr(state).encode()).hexdigest()


def _check_row(plan: RowPlan, lookup: _Lookup) -> None:
    row, year = plan.row, lookup.agreement.year
    if not row.recipient:
        plan.problems.append("Ange mottagare.")
    elif len(row.recipient) > MAX_NAME_LENGTH:
        plan.problems.append("Mottagarens namn är för långt.")
    else:
        plan.recipient = lookup.recipient(row.recipient)
        if plan.recipient is None:
            plan.problems.append(
                f"Okänd mottagare ”{row.recipient}”. Kontrollera stavningen, eller lägg till "
                "mottagaren i fördelningen först."
            )
        elif not plan.recipient.is_valid_in_year(year):
            message = f"{plan.recipient.name} fanns inte under {year}."
            if plan.recipient.successor:
                message += f" Använd {plan.recipient.successor.name}."
            plan.problems.append(message)

    kinds = ", ".join(lookup.labels.values())
    if not row.kind:
        plan.problems.append(f"Ange mottagartyp ({kinds}).")
    elif normalise(row.kind) not in lookup.kinds:
        plan.problems.append(f"Okänd mottagartyp ”{row.kind}”. Använd {kinds}.")
    elif plan.recipient and lookup.kinds[normalise(row.kind)] != plan.recipient.kind:
        plan.problems.append(
            f"{plan.recipient.name} har mottagartypen {lookup.labels[plan.recipient.kind]}, "
            f"inte {row.kind}."
        )

    if not row.area:
        plan.problems.append("Ange prioriterat område.")
    else:
        plan.area = lookup.area(row.area)
        if plan.area is None:
            names = "; ".join(f"{a.number}. {a.name}" for a in lookup.areas)
            plan.problems.append(
                f"Okänt prioriterat område ”{row.area[:100]}”. Områdena {year}: {names}."
            )

    try:
        plan.amount = parse_amount(row.amount)
    except ValidationError as error:
        typed = f" ”{row.amount_text[:40]}”" if row.amount_text else ""
        plan.problems.append(f"Belopp{typed}: {error.messages[0]}")

    if len(row.comment) > MAX_COMMENT_LENGTH:
        plan.problems.append(f"Kommentaren är för lång (högst {MAX_COMMENT_LENGTH} tecken).")


def allocations_import_plan(*, agreement: Agreement, rows: list[SheetRow]) -> ImportPlan:
    """Check every row against the agreement and work out what saving would change.

    Reads only; nothing is saved. Four queries whatever the size of the file.
    """
    lookup = _Lookup(agreement)
    allocations = list(Allocation.objects.filter(priority_area__agreement=agreement))
    by_key = {(a.priority_area_id, a.recipient_id): a for a in allocations}
    plans = [RowPlan(row) for row in rows]
    for plan in plans:
        _check_row(plan, lookup)
        if plan.recipient and plan.area:
            plan.current = by_key.get((plan.area.pk, plan.recipient.pk))

    # The same cell twice: which amount is meant is anybody's guess.
    seen: dict[tuple, list[RowPlan]] = defaultdict(list)
    for plan in plans:
        if plan.recipient and plan.area:
            key: tuple = (plan.area.pk, plan.recipient.pk)
        else:
            key = (normalise(plan.row.area), normalise(plan.row.recipient))
        seen[key].append(plan)
    for same in seen.values():
        if len(same) > 1:
            for plan in same:
                others = ", ".join(str(p.row.number) for p in same if p is not plan)
                plan.problems.append(
                    f"Dubblett: samma mottagare och prioriterade område finns också på rad "
                    f"{others}."
                )

    area_problems = _over_granted(lookup.areas, allocations, plans)
    named = {(p.area.pk, p.recipient.pk) for p in plans if p.area and p.recipient}
    untouched = sum(
        1 for a in allocations if a.amount and (a.priority_area_id, a.recipient_id) not in named
    )
    return ImportPlan(
        agreement=agreement,
        rows=plans,
        area_problems=area_problems,
        untouched=untouched,
        fingerprint=_fingerprint(agreement, lookup, allocations),
    )


def _over_granted(
    areas: list[PriorityArea], allocations: list[Allocation], plans: list[RowPlan]
) -> list[str]:
    """Areas the file would take beyond their granted amount.

    Only an import that raises an area's total is refused: a file that leaves an already
    over-allocated draft alone (or lowers it) must still round-trip.
    """
    new_amounts = {
        (p.area.pk, p.recipient.pk): p.amount
        for p in plans
        if not p.problems and p.amount is not None
    }
    before: dict[int, Decimal] = defaultdict(lambda: ZERO)
    after: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations:
        before[allocation.priority_area_id] += allocation.amount
        key = (allocation.priority_area_id, allocation.recipient_id)
        if key not in new_amounts:
            after[allocation.priority_area_id] += allocation.amount
    for (area_id, _), amount in new_amounts.items():
        after[area_id] += amount
    problems = []
    for area in areas:
        if after[area.pk] > area.granted and after[area.pk] > before[area.pk]:
            message = (
                f"{area.number}. {area.name} blir överfördelat: {format_kr(after[area.pk])} "
                f"av tilldelade {format_kr(area.granted)} "
                f"({format_kr(after[area.pk] - area.granted)} för mycket)."
            )
            problems.append(message)
            for plan in plans:
                if plan.area == area and plan.amount_changed and plan.amount > plan.old_amount:
                    plan.problems.append(message)
    return problems


# --- Saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    amounts_changed: int
    comments_changed: int


def allocations_import(
    *,
    agreement: Agreement,
    rows: list[SheetRow],
    user,
    reason: str = "",
    fingerprint: str | None = None,
) -> ImportResult:
    """Apply every row of the file, or none: one transaction, every amount via allocation_set.

    The rows are checked again here, against what the database holds now. With
    `fingerprint` (from the preview), any change since the preview refuses the save.
    Raises ValidationError (closed year, missing reason), ImportRefused (problems in the
    file) or ImportOutdated.
    """
    reason = reason.strip()
    try:
        with transaction.atomic():
            # Lock the year, then its allocations: deciding the year or editing an existing
            # cell waits until the import is in, and the versions read below stay the ones
            # written over. A cell created meanwhile makes allocation_set raise a conflict.
            agreement = (
                Agreement.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=agreement.pk)
            )
            refusal = import_refusal(agreement)
            if refusal:
                raise ValidationError(refusal, code="closed")
            list(
                Allocation.objects.select_for_update(of=("self",))
                .filter(priority_area__agreement=agreement)
                .values_list("pk", flat=True)
            )
            plan = allocations_import_plan(agreement=agreement, rows=rows)
            if fingerprint is not None and plan.fingerprint != fingerprint:
                raise ImportOutdated()
            if plan.has_problems:
                raise ImportRefused(plan)
            if plan.amount_changes and agreement.changes_need_reason and not reason:
                raise ValidationError(
                    "Året är beslutat: ange ett skäl till ändringarna.", code="reason_required"
                )
            amounts, comments = _plan_apply(plan, user=user, reason=reason or DEFAULT_REASON)
    except AllocationConflict:
        # A cell was created by someone else after the lock above (new rows cannot be
        # locked in advance); everything written so far is rolled back.
        raise ImportOutdated() from None
    return ImportResult(plan=plan, amounts_changed=amounts, comments_changed=comments)


def _plan_apply(plan: ImportPlan, *, user, reason: str) -> tuple[int, int]:
    """Write the plan's changes: amounts through allocation_set, comments as they are.
    Returns how many amounts and comments changed."""
    amounts = comments = 0
    for row in plan.changes:
        if row.amount_changed:
            allocation_set(
                area=row.area,
                recipient=row.recipient,
                amount=row.amount,
                expected_version=row.version,
                user=user,
                reason=reason,
            )
            amounts += 1
        if row.comment_changed:
            Allocation.objects.filter(priority_area=row.area, recipient=row.recipient).update(
                comment=row.row.comment
            )
            comments += 1
    return amounts, comments
