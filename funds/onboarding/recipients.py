"""Recipients from a sheet: a preview that names every problem by row, then one save.

The plan is computed from the parsed rows and the organisation's recipients as they are; the
save recomputes it and refuses when it differs from the preview (someone changed the
recipients in between), so nothing is saved that the preview did not show. A name that
already exists updates that recipient, so importing the same sheet twice changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funds.identifiers import normalise_organisation_number
from funds.models import Organisation, Recipient
from funds.onboarding.sheets import SheetRow

MAX_NAME_LENGTH = Recipient._meta.get_field("name").max_length


class ImportOutdated(Exception):
    """The recipients changed between the preview and the save; nothing was saved."""


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Recipient.Kind.choices:
        lookup[value] = value
        lookup[str(label).lower()] = value
    lookup.update({"stadsdel": "district", "förvaltning": "department", "övrigt": "other"})
    return lookup


def _date(text: str, label: str, problems: list[str]) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10] if len(text) > 10 else text)
    except ValueError:
        problems.append(f"{label} ”{text[:40]}” är inget datum; skriv ÅÅÅÅ-MM-DD.")
        return None


@dataclass
class RowPlan:
    row: SheetRow
    problems: list[str] = field(default_factory=list)
    existing: Recipient | None = None
    kind: str = ""
    organisation_number: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    changes: list[str] = field(default_factory=list)
    # The förvaltning the row names, found by name or organisationsnummer: its name as the
    # preview shows it; "" for none.
    parent_name: str = ""

    @property
    def kind_label(self) -> str:
        return str(Recipient.Kind(self.kind).label) if self.kind else self.row.kind

    @property
    def status(self) -> str:
        if self.problems:
            return "Fel"
        if self.existing is None:
            return "Ny"
        return "Ändras" if self.changes else "Oförändrad"

    def values(self) -> dict:
        return {
            "kind": self.kind,
            "organisation_number": self.organisation_number,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }


@dataclass
class RecipientImportPlan:
    rows: list[RowPlan]

    @property
    def problem_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.problems]

    @property
    def has_problems(self) -> bool:
        return bool(self.problem_rows)

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if row.status == "Ny")

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.status == "Ändras")

    @property
    def fingerprint(self) -> str:
        """What the save would do, as a hash: equal plans save the same rows."""
        facts = [
            [
                row.row.as_list(),
                row.existing.pk if row.existing else None,
                row.changes,
                row.parent_name,
            ]
            for row in self.rows
        ]
        return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


def recipient_import_plan(
    *, organisation: Organisation, rows: list[SheetRow]
) -> RecipientImportPlan:
    """Check every row against the organisation's recipients; one query."""
    existing = {
        recipient.name.casefold(): recipient
        for recipient in Recipient.objects.filter(organisation=organisation).select_related(
            "successor", "parent"
        )
    }
    kinds = _kind_lookup()
    in_file: dict[str, int] = {}
    plans = []
    for row in rows:
        plan = RowPlan(row=row)
        key = row.name.casefold()
        if not row.name:
            plan.problems.append("Namn saknas.")
        elif len(row.name) > MAX_NAME_LENGTH:
            plan.problems.append(f"Namnet är för långt (högst {MAX_NAME_LENGTH} tecken).")
        elif key in in_file:
            plan.problems.append(f"{row.name} står redan på rad {in_file[key]}.")
        else:
            in_file[key] = row.number
        _check_values(plan, kinds)
        plan.existing = existing.get(key) if row.name else None
        plans.append(plan)
    _check_successors(plans, existing, in_file)
    _check_parents(plans, existing, in_file)
    for plan in plans:
        if plan.existing is not None and not plan.problems:
            plan.changes = _changes(plan)
    return RecipientImportPlan(plans)


def _check_values(plan: RowPlan, kinds: dict[str, str]) -> None:
    """The row's kind, organisation number and dates, converted, or its problems."""
    row, problems = plan.row, plan.problems
    plan.kind = kinds.get(row.kind.lower(), "")
    if not plan.kind:
        problems.append(
            f"Typen ”{row.kind[:40]}” finns inte; skriv Stadsdelsförvaltning, "
            "Fackförvaltning, Förening eller Övrig."
            if row.kind
            else "Typ saknas (Stadsdelsförvaltning, Fackförvaltning, Förening eller Övrig)."
        )
    if row.organisation_number:
        try:
            plan.organisation_number = normalise_organisation_number(row.organisation_number)
        except ValidationError as error:
            problems.append(error.messages[0])
    elif plan.kind == Recipient.Kind.ASSOCIATION:
        problems.append("En förening måste ha ett organisationsnummer.")
    plan.valid_from = _date(row.valid_from, "Giltig från", problems)
    plan.valid_to = _date(row.valid_to, "Giltig till", problems)
    if plan.valid_from and plan.valid_to and plan.valid_to < plan.valid_from:
        problems.append("Giltig till ligger före giltig från.")


def _check_successors(
    plans: list[RowPlan], existing: dict[str, Recipient], in_file: dict[str, int]
) -> None:
    """Each named successor must exist (in the file or already), and none may form a cycle."""
    names = set(existing) | set(in_file)
    successors = {plan.row.name.casefold(): plan.row.successor.casefold() for plan in plans}
    for plan in plans:
        successor = plan.row.successor
        if not successor:
            continue
        if successor.casefold() == plan.row.name.casefold():
            plan.problems.append("En mottagare kan inte efterträda sig själv.")
        elif successor.casefold() not in names:
            plan.problems.append(
                f"Efterträdaren ”{successor[:80]}” finns varken bland organisationens "
                "mottagare eller i filen."
            )
        elif _cycle(plan.row.name.casefold(), successors, existing):
            plan.problems.append("Efterträdarna bildar en cirkel; någon måste vara den sista.")


def _cycle(start: str, in_file: dict[str, str], existing: dict[str, Recipient]) -> bool:
    seen = {start}
    current = start
    for _ in range(len(in_file) + len(existing) + 1):
        if current in in_file:
            following = in_file[current]
        elif current in existing and existing[current].successor is not None:
            following = existing[current].successor.name.casefold()
        else:
            return False
        if not following:
            return False
        if following in seen:
            return True
        seen.add(following)
        current = following
    return True


def _check_parents(
    plans: list[RowPlan], existing: dict[str, Recipient], in_file: dict[str, int]
) -> None:
    """Each named förvaltning must be a recipient in the file or the organisation (by name,
    or by an organisationsnummer only one of them has), not the row itself, and no unit
    itself; a row that becomes a unit may have no units (one level, as Recipient.clean)."""
    names = {name: recipient.name for name, recipient in existing.items()}
    names.update({plan.row.name.casefold(): plan.row.name for plan in plans if plan.row.name})
    numbers: dict[str, set[str]] = {}
    for name, recipient in existing.items():
        if name not in in_file and recipient.organisation_number:
            numbers.setdefault(recipient.organisation_number, set()).add(name)
    for plan in plans:
        if plan.organisation_number and plan.row.name:
            numbers.setdefault(plan.organisation_number, set()).add(plan.row.name.casefold())
    # Whose förvaltning the file decides (a file without the column decides nothing).
    in_sheet = {plan.row.name.casefold(): plan.row.parent for plan in plans}
    for plan in plans:
        if not plan.row.parent:
            continue
        parent = _parent_key(plan.row.parent, names, numbers, plan.problems)
        if parent is None:
            continue
        if parent == plan.row.name.casefold():
            plan.problems.append("En mottagare kan inte höra till sig själv.")
        elif _is_unit(parent, in_sheet, existing):
            plan.problems.append(f"{names[parent]} är själv en enhet inom en förvaltning.")
        else:
            plan.parent_name = names[parent]
    for plan in plans:
        recipient = plan.existing
        if plan.parent_name and recipient is not None:
            units = [
                unit.name
                for unit in existing.values()
                if unit.parent_id == recipient.pk and in_sheet.get(unit.name.casefold()) is None
            ]
            if units:
                plan.problems.append(
                    f"Mottagaren har egna enheter ({', '.join(sorted(units))[:200]}) och kan "
                    "inte vara en enhet."
                )


def _is_unit(name: str, in_sheet: dict[str, str | None], existing: dict[str, Recipient]) -> bool:
    """Whether the recipient `name` will belong to a förvaltning after the import: as its row
    says, or as it is when the file does not say."""
    if in_sheet.get(name) is not None:
        return bool(in_sheet[name])
    return name in existing and existing[name].parent_id is not None


def _parent_key(
    text: str, names: dict[str, str], numbers: dict[str, set[str]], problems: list[str]
) -> str | None:
    """The förvaltning's name (casefolded) that `text` names, or None with the problem."""
    if text.casefold() in names:
        return text.casefold()
    try:
        number = normalise_organisation_number(text)
    except ValidationError:
        number = ""
    found = numbers.get(number, set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        problems.append(
            f"Flera mottagare har organisationsnumret {number}; skriv förvaltningens namn."
        )
    else:
        problems.append(
            f"Förvaltningen ”{text[:80]}” finns varken bland organisationens mottagare eller i "
            "filen."
        )
    return None


def _changes(plan: RowPlan) -> list[str]:
    recipient = plan.existing
    changes = []
    labels = {
        "kind": "typ",
        "organisation_number": "organisationsnummer",
        "valid_from": "giltig från",
        "valid_to": "giltig till",
    }
    for name, value in plan.values().items():
        if getattr(recipient, name) != value:
            changes.append(labels[name])
    successor = plan.row.successor.casefold()
    current = recipient.successor.name.casefold() if recipient.successor else ""
    if successor != current:
        changes.append("efterträdare")
    current_parent = recipient.parent.name if recipient.parent_id else ""
    if plan.row.parent is not None and plan.parent_name.casefold() != current_parent.casefold():
        changes.append("förvaltning")
    return changes


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def recipients_import(
    *, organisation: Organisation, rows: list[SheetRow], fingerprint: str
) -> ImportResult:
    """Save every row, or none: raises ValidationError for a sheet with problems and
    ImportOutdated when the plan is no longer the one the preview showed."""
    with transaction.atomic():
        # Serialises imports of one organisation: two saves of the same preview cannot both
        # see "new" and create the same recipient twice.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        plan = recipient_import_plan(organisation=organisation, rows=rows)
        if plan.has_problems:
            raise ValidationError("Filen har fel; inget sparades.")
        if plan.fingerprint != fingerprint:
            raise ImportOutdated()
        saved: dict[str, Recipient] = {}
        created = updated = 0
        for row in plan.rows:
            if row.existing is None:
                recipient = Recipient.objects.create(
                    organisation=organisation, name=row.row.name, **row.values()
                )
                created += 1
            else:
                recipient = row.existing
                if row.changes:
                    for name, value in row.values().items():
                        setattr(recipient, name, value)
                    recipient.save()
                    updated += 1
            saved[row.row.name.casefold()] = recipient
        by_name = {
            recipient.name.casefold(): recipient
            for recipient in Recipient.objects.filter(organisation=organisation)
        }
        for row in plan.rows:
            if "efterträdare" not in row.changes and row.existing is not None:
                continue
            successor = by_name.get(row.row.successor.casefold()) if row.row.successor else None
            recipient = saved[row.row.name.casefold()]
            if recipient.successor_id != (successor.pk if successor else None):
                recipient.successor = successor
                recipient.save(update_fields=["successor"])
        _parents_save(plan, saved, by_name)
    return ImportResult(created=created, updated=updated)


def _parents_save(
    plan: RecipientImportPlan, saved: dict[str, Recipient], by_name: dict[str, Recipient]
) -> None:
    """Each row's förvaltning, once every row is saved (a unit may come before its
    förvaltning in the file)."""
    for row in plan.rows:
        unchanged = row.existing is not None and "förvaltning" not in row.changes
        if row.row.parent is None or unchanged:
            continue
        parent = by_name[row.parent_name.casefold()] if row.parent_name else None
        recipient = saved[row.row.name.casefold()]
        if recipient.parent_id != (parent.pk if parent else None):
            recipient.parent = parent
            recipient.save(update_fields=["parent"])


def recipient_save(form) -> Recipient | None:
    """Save a valid recipient form; None, with the form's error, when another request saved
    the same name between the form's check and this insert (a double-clicked "Spara")."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        # The words of the form's own check (RecipientForm.clean_name), which the later of
        # two requests meets when the first has committed.
        name = form.cleaned_data["name"]
        form.add_error("name", f"Det finns redan en mottagare som heter {name}.")
        return None
