"""Editing an agreement's priority areas and their national mapping.

While the year is a draft everything may change; once decided only the mapping (national
area, own priority reason, predecessor) may, because the amounts are what was decided. A
closed year is read-only. Each save names the version it was read at: the row lock makes
check and write one step, so two coordinators do not overwrite each other unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funds.models import Agreement, NationalArea, PriorityArea


class AreaConflict(Exception):
    """Someone else saved the area since the caller read it; nothing was saved."""

    def __init__(self, current: PriorityArea) -> None:
        self.current = current
        super().__init__("The priority area changed since it was read.")


@dataclass(frozen=True)
class AreaInput:
    national_area: NationalArea | None
    own_priority_reason: str
    previous_area: PriorityArea | None
    # "Nationellt område ej fastställt": the earlier national area whose successor is awaited.
    awaiting_successor_of: NationalArea | None = None
    # None when the year is no longer a draft (the fields are then not editable)
    number: int | None = None
    name: str | None = None
    description: str | None = None
    granted: Decimal | None = None


def areas_editable(agreement: Agreement) -> bool:
    """Number, name, description and amount may change only while the year is a draft."""
    return agreement.status == Agreement.Status.DRAFT


def mapping_editable(agreement: Agreement) -> bool:
    return agreement.status != Agreement.Status.CLOSED


def _check(agreement: Agreement, data: AreaInput, *, creating: bool) -> None:
    if not mapping_editable(agreement):
        raise ValidationError("Året är avslutat och kan inte ändras.", code="closed")
    if (creating or data.name is not None) and not areas_editable(agreement):
        raise ValidationError(
            f"{agreement.year} är beslutat: bara kopplingen till nationellt område kan ändras.",
            code="decided",
        )
    if data.national_area is not None and data.own_priority_reason.strip():
        raise ValidationError(
            "Välj antingen ett nationellt område eller egen prioritering, inte båda.",
            code="both",
        )
    if data.awaiting_successor_of is not None and (
        data.national_area is not None
        or data.own_priority_reason.strip()
        or data.awaiting_successor_of.national_agreement.year >= agreement.year
    ):
        raise ValidationError(
            "Ett område som väntar på statens område kan inte samtidigt vara kopplat.",
            code="awaiting",
        )
    if (
        data.national_area is not None
        and data.national_area.national_agreement.year != agreement.year
    ):
        raise ValidationError("Det nationella området hör till ett annat år.", code="year")
    previous = data.previous_area
    if previous is not None and (
        previous.agreement.organisation_id != agreement.organisation_id
        or previous.agreement.year >= agreement.year
    ):
        raise ValidationError(
            "Föregående års område måste vara ett av organisationens tidigare områden.",
            code="previous",
        )


def priority_area_save(
    *,
    agreement: Agreement,
    area: PriorityArea | None,
    expected_version: int,
    data: AreaInput,
) -> PriorityArea:
    """Create (area None) or change one priority area. Raises ValidationError (Swedish) when
    refused and AreaConflict when the stored version is not the one the caller saw."""
    _check(agreement, data, creating=area is None)
    try:
        with transaction.atomic():
            if area is None:
                area = PriorityArea(agreement=agreement, version=1)
                fields = None
            else:
                # The row lock makes the version check and the write one step.
                area = PriorityArea.objects.select_for_update().get(pk=area.pk)
                if area.version != expected_version:
                    raise AreaConflict(area)
                area.version += 1
                fields = [
                    "national_area",
                    "own_priority_reason",
                    "previous_area",
                    "awaiting_successor_of",
                    "reason_carried_from_year",
                    "version",
                ]
            area.national_area = data.national_area
            area.awaiting_successor_of = data.awaiting_successor_of
            # Saving the area is its review: a carried own-priority reason is now the
            # coordinator's own.
            area.reason_carried_from_year = None
            area.own_priority_reason = data.own_priority_reason.strip()
            area.previous_area = data.previous_area
            if data.name is not None:
                area.number = data.number
                area.name = data.name.strip()
                area.description = data.description.strip()
                area.granted = data.granted
                if fields is not None:
                    fields += ["number", "name", "description", "granted"]
            area.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError(
            "Det finns redan ett område med det numret eller namnet i överenskommelsen.",
            code="unique",
        ) from None
    return area
