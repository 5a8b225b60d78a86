"""Start a new year from the last one.

The previous year's allocations are carried to the new year's priority areas through a
mapping chosen by the coordinator (areas change between years: 2023's five became 2024's
four), to the recipients that exist in the new year (a merged district's money goes to its
successor), and optionally scaled so that each new area adds up exactly to its grant.
Everything is written through `allocation_set`, so the audit trail says where it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from funds.allocation.workflows import AllocationConflict, allocation_set
from funds.models import ZERO, Agreement, Allocation, PriorityArea, Recipient
from funds.money import ORE, format_kr
from funds.year.lineage import area_predecessors


@dataclass(frozen=True)
class AreaOutcome:
    area: PriorityArea
    carried: Decimal  # the previous year's money mapped to this area
    allocated: Decimal  # what the area got (equal to carried unless scaled)
    recipients: int


@dataclass(frozen=True)
class RolloverResult:
    previous: Agreement
    current: Agreement
    scaled: bool
    areas: list[AreaOutcome] = field(default_factory=list)
    # Money that had nowhere to go: a recipient gone without a successor in the new year.
    not_carried: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(outcome.recipients for outcome in self.areas)


def previous_agreement(current: Agreement) -> Agreement | None:
    return Agreement.objects.filter(
        organisation_id=current.organisation_id, year=current.year - 1
    ).first()


def rollover_areas(
    *, previous: Agreement, current: Agreement
) -> tuple[list[PriorityArea], list[PriorityArea]]:
    """The previous year's areas (with what was allocated in each) and the current year's,
    in number order: the two sides of the mapping the coordinator chooses."""
    previous_areas = list(
        PriorityArea.objects.filter(agreement=previous)
        .annotate(allocated=Sum("allocations__amount"))
        .order_by("number")
    )
    current_areas = list(PriorityArea.objects.filter(agreement=current).order_by("number"))
    return previous_areas, current_areas


def rollover_refusal(*, previous: Agreement | None, current: Agreement) -> str | None:
    """Why the new year cannot be started from the previous one, or None."""
    if previous is None:
        return (
            f"Det finns ingen överenskommelse för {current.year - 1} att utgå från. Fördela "
            f"{current.year} direkt i fördelningen i stället."
        )
    if current.status != Agreement.Status.DRAFT:
        return (
            f"Fördelningen för {current.year} är redan beslutad. Ett nytt år kan bara "
            "startas från föregående år medan det är ett utkast."
        )
    if not PriorityArea.objects.filter(agreement=current).exists():
        return (
            f"Överenskommelsen för {current.year} har inga prioriterade områden ännu. Lägg in "
            "områdena och deras tilldelade belopp först."
        )
    # Cells typed and then emptied again (amount 0) are no allocations.
    if Allocation.objects.filter(priority_area__agreement=current, amount__gt=0).exists():
        return (
            f"{current.year} har redan fördelningar. Föregående års fördelning kan bara föras "
            f"över till ett år utan fördelningar; ändra beloppen i fördelningen i stället."
        )
    return None


def default_mapping(
    previous_areas: Iterable[PriorityArea], current_areas: Iterable[PriorityArea]
) -> dict[int, int | None]:
    """Each previous area to the new area that continues it (funds.year.lineage: the
    coordinator's choice or the national mapping, never the name), else to none."""
    continued_by = {
        predecessor.pk: area_pk
        for area_pk, predecessor in area_predecessors(current_areas).items()
        if predecessor is not None
    }
    return {area.pk: continued_by.get(area.pk) for area in previous_areas}


def scale_exact(amounts: dict[Recipient, Decimal], target: Decimal) -> dict[Recipient, Decimal]:
    """Scale amounts in proportion so they add up exactly to target, to the öre.

    Largest remainder in integer öre: each share is rounded down, and the öre still missing
    go one each to the largest remainders; ties go by recipient name (then id), so the
    result does not depend on the order of the input.
    """
    ore = {recipient: int(amount.quantize(ORE).scaleb(2)) for recipient, amount in amounts.items()}
    total = sum(ore.values())
    target_ore = int(target.quantize(ORE).scaleb(2))
    if total == 0:
        return dict.fromkeys(amounts, ZERO)
    shares = {recipient: value * target_ore // total for recipient, value in ore.items()}
    remainders = {recipient: value * target_ore % total for recipient, value in ore.items()}
    missing = target_ore - sum(shares.values())
    order = sorted(ore, key=lambda r: (-remainders[r], r.name, r.pk))
    for recipient in order[:missing]:
        shares[recipient] += 1
    return {
        recipient: Decimal(share).scaleb(-2).quantize(ORE) for recipient, share in shares.items()
    }


def _heir(recipient: Recipient, recipients: dict[int, Recipient], year: int) -> Recipient | None:
    """The recipient itself if it exists in year, else its successor, however many steps on."""
    seen: set[int] = set()
    while not recipient.is_valid_in_year(year):
        if recipient.successor_id is None or recipient.pk in seen:
            return None
        seen.add(recipient.pk)
        successor = recipients.get(recipient.successor_id)
        if successor is None:
            return None
        recipient = successor
    return recipient


def allocations_roll_over(
    *,
    previous: Agreement,
    current: Agreement,
    mapping: dict[int, int | None],
    scale: bool,
    user,
) -> RolloverResult:
    """Create the current year's allocations from the previous year's, all or nothing.

    `mapping` takes each previous priority area (id) to a current one (id) or None (not
    carried over). Raises ValidationError with a Swedish message when refused.
    """
    with transaction.atomic():
        # The lock makes two coordinators starting the year at once run one after the other;
        # the second then finds allocations and is refused.
        current = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=current.pk)
        )
        previous = Agreement.objects.get(pk=previous.pk)
        if previous.organisation_id != current.organisation_id or previous.year != current.year - 1:
            raise ValidationError("Året att utgå från måste vara föregående år.", code="year")
        refusal = rollover_refusal(previous=previous, current=current)
        if refusal:
            raise ValidationError(refusal, code="refused")
        old_areas, new_areas = _mapped_areas(previous, current, mapping)
        carried, not_carried = _carried(previous, current, mapping, old_areas, new_areas)
        # Only cells emptied to 0 can exist here (rollover_refusal); name their version.
        versions = {
            (allocation.priority_area_id, allocation.recipient_id): allocation.version
            for allocation in Allocation.objects.filter(priority_area__agreement=current)
        }
        outcomes = [
            _area_write(
                area, carried[area.pk], scale=scale, versions=versions, user=user, previous=previous
            )
            for area in new_areas.values()
        ]
    return RolloverResult(
        previous=previous,
        current=current,
        scaled=scale,
        areas=outcomes,
        not_carried=not_carried,
    )


def _mapped_areas(
    previous: Agreement, current: Agreement, mapping: dict[int, int | None]
) -> tuple[dict[int, PriorityArea], dict[int, PriorityArea]]:
    """The two years' areas by id, after checking that the mapping names only them."""
    old_areas = {area.pk: area for area in PriorityArea.objects.filter(agreement=previous)}
    new_areas = {
        area.pk: area for area in PriorityArea.objects.filter(agreement=current).order_by("number")
    }
    for area in new_areas.values():
        area.agreement = current  # allocation_set reads it; no query per cell
    if not set(mapping) <= set(old_areas) or not {
        target for target in mapping.values() if target is not None
    } <= set(new_areas):
        raise ValidationError("Okänt prioriterat område i överföringen.", code="mapping")
    return old_areas, new_areas


def _carried(
    previous: Agreement,
    current: Agreement,
    mapping: dict[int, int | None],
    old_areas: dict[int, PriorityArea],
    new_areas: dict[int, PriorityArea],
) -> tuple[dict[int, dict[Recipient, Decimal]], list[str]]:
    """The previous year's money per new area and heir, and the lines of what had nowhere to
    go (a recipient gone without a successor)."""
    recipients = {
        recipient.pk: recipient
        for recipient in Recipient.objects.filter(organisation_id=current.organisation_id)
    }
    carried: dict[int, dict[Recipient, Decimal]] = {pk: {} for pk in new_areas}
    not_carried = []
    for allocation in Allocation.objects.filter(
        priority_area__agreement=previous, amount__gt=0
    ).order_by("priority_area__number", "recipient__name"):
        target = mapping.get(allocation.priority_area_id)
        if target is None:
            continue
        recipient = recipients[allocation.recipient_id]
        heir = _heir(recipient, recipients, current.year)
        if heir is None:
            not_carried.append(
                f"{recipient.name} ({old_areas[allocation.priority_area_id].name}): "
                f"{format_kr(allocation.amount)} – mottagaren finns inte {current.year} "
                "och har ingen efterträdare."
            )
            continue
        carried[target][heir] = carried[target].get(heir, ZERO) + allocation.amount
    return carried, not_carried


def _area_write(
    area: PriorityArea,
    sources: dict[Recipient, Decimal],
    *,
    scale: bool,
    versions: dict[tuple[int, int], int],
    user,
    previous: Agreement,
) -> AreaOutcome:
    """Write one new area's allocations through allocation_set, scaled to its grant if asked."""
    amounts = scale_exact(sources, area.granted) if scale and sources else sources
    written = 0
    for recipient in sorted(amounts, key=lambda r: (r.name, r.pk)):
        if not amounts[recipient]:
            continue
        try:
            allocation_set(
                area=area,
                recipient=recipient,
                amount=amounts[recipient],
                expected_version=versions.get((area.pk, recipient.pk), 0),
                user=user,
                reason=f"Överfört från {previous.year}",
            )
        except AllocationConflict:
            raise ValidationError(
                f"Någon har börjat fördela {area.agreement.year} under tiden. Inget fördes "
                "över; ladda om sidan och försök igen.",
                code="conflict",
            ) from None
        written += 1
    return AreaOutcome(
        area=area,
        carried=sum(sources.values(), ZERO),
        allocated=sum(amounts.values(), ZERO),
        recipients=written,
    )
