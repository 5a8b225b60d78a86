"""Starting a new year from an earlier one: `year_start_plan` (the preview, writes nothing)
and `year_start` (writes what the preview showed, all or nothing).

The new year gets the earlier year's areas (number, name, description) with their national
mapping translated to the new year's national areas where the reference data says an area
carries on, `previous_area` links, granted amounts (empty, or a new total split in
proportion to the earlier grants with exact largest remainder), the year's enkät categories,
and the IOP partnerships' yearly amounts as draft allocations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funds.allocation.rollover import scale_exact
from funds.allocation.workflows import allocation_set
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    NationalAgreement,
    NationalArea,
    Organisation,
    Partnership,
    PriorityArea,
    Recipient,
    SurveyCategory,
    SurveyCategorySet,
)
from funds.money import format_kr
from funds.national.loader import (
    ReferenceDataError,
    survey_categories_copy_source,
    survey_categories_ensure,
)
from funds.year.lineage import national_translation


@dataclass
class AreaProposal:
    previous: PriorityArea
    national_area: NationalArea | None
    own_priority_reason: str
    granted: Decimal
    # The year has no national agreement yet: the earlier national area whose successor the
    # new area waits for ("nationellt område ej fastställt"), and the year a carried
    # own-priority reason was written for (it is marked for review).
    awaiting_successor_of: NationalArea | None = None
    reason_carried_from_year: int | None = None

    @property
    def number(self) -> int:
        return self.previous.number

    @property
    def name(self) -> str:
        return self.previous.name

    @property
    def is_mapped(self) -> bool:
        return self.national_area is not None or bool(self.own_priority_reason)


@dataclass
class PartnershipProposal:
    partnership: Partnership
    area_number: int  # the new area's number
    area_name: str
    amount: Decimal


@dataclass
class YearStartPlan:
    organisation: Organisation
    year: int
    source: Agreement | None
    total: Decimal | None
    title: str = ""
    refusal: str = ""
    areas: list[AreaProposal] = field(default_factory=list)
    partnerships: list[PartnershipProposal] = field(default_factory=list)
    categories: str = ""  # where the year's enkät categories come from, in Swedish
    attention: list[str] = field(default_factory=list)

    @property
    def granted_total(self) -> Decimal:
        return sum((area.granted for area in self.areas), ZERO)


def category_origin(year: int) -> str:
    """Where a year's categories come (or would come) from, as the coordinator reads it."""
    found = SurveyCategorySet.objects.filter(year=year).first()
    if found is not None and found.origin == SurveyCategorySet.Origin.COPIED:
        return f"Kopierad från {found.copied_from_year}"
    if found is not None and found.origin == SurveyCategorySet.Origin.DATA_FILE:
        return f"Nationella referensdata {year}"
    if found is not None or SurveyCategory.objects.filter(year=year).exists():
        return f"Inlagd av administratör för {year}"
    earlier = survey_categories_copy_source(year)
    if earlier is None:
        return "Inga enkätkategorier finns; en administratör behöver lägga in dem"
    return f"Kopieras från {earlier} (det finns inga egna enkätkategorier för {year})"


def year_start_plan(
    *, organisation: Organisation, year: int, from_year: int | None = None, total=None
) -> YearStartPlan:
    """What starting `year` would create, and what needs the coordinator's attention.
    Writes nothing. `refusal` says why the year cannot be started."""
    plan = YearStartPlan(organisation=organisation, year=year, source=None, total=total)
    if not 2000 <= year <= 2100:
        plan.refusal = "Året måste ligga mellan 2000 och 2100."
        return plan
    if Agreement.objects.filter(organisation=organisation, year=year).exists():
        plan.refusal = (
            f"{organisation} har redan en överenskommelse för {year}. Inget ändrades; "
            f"ändra den på sidan för prioriterade områden i stället."
        )
        return plan
    earlier = Agreement.objects.filter(organisation=organisation, year__lt=year)
    if from_year is not None:
        earlier = earlier.filter(year=from_year)
    plan.source = earlier.order_by("-year").first()
    if plan.source is None:
        plan.refusal = (
            f"Det finns ingen överenskommelse för {from_year} att utgå från."
            if from_year is not None
            else f"{organisation} har inget tidigare år än {year} att utgå från."
        )
        return plan

    _plan_areas(plan, total)
    _plan_gone_recipients(plan)
    plan.categories = category_origin(year)
    if plan.categories.startswith("Inga"):
        plan.attention.append(plan.categories + ".")
    _plan_partnerships(plan)
    return plan


def _plan_areas(plan: YearStartPlan, total: Decimal | None) -> None:
    """The earlier year's areas as proposals: the national area that carries each on, and
    its share of `total` (none without one)."""
    source, year = plan.source, plan.year
    national = NationalAgreement.objects.filter(year=year).first()
    plan.title = national.title if national else f"Stimulansmedel psykisk hälsa {year}"
    if national is None:
        plan.attention.append(
            f"Det finns ingen nationell överenskommelse för {year} i referensdata, så inget "
            "område kan kopplas till ett nationellt område ännu. En administratör kan lägga "
            "in den under Referensdata."
        )
    translation = national_translation(source.year, year)
    previous_areas = list(
        PriorityArea.objects.filter(agreement=source)
        .select_related("national_area")
        .order_by("number")
    )
    if total is not None:
        weights = {area: area.granted for area in previous_areas}
        scaled = scale_exact(weights, total) if sum(weights.values(), ZERO) else {}
        if not scaled and previous_areas:
            plan.attention.append(
                f"{source.year} hade inga tilldelade belopp att fördela {format_kr(total)} "
                "efter; fyll i beloppen per område."
            )
    else:
        scaled = {}
        plan.attention.append(
            f"Tilldelat belopp för {year} saknas: fyll i beloppen per område, eller ange "
            "det nya totala beloppet så räknas de om."
        )
    for old in previous_areas:
        _plan_area(plan, old, translation.get(old.national_area_id), scaled, national is None)
    if not previous_areas:
        plan.attention.append(f"{source.year} har inga prioriterade områden att föra över.")


def _plan_area(
    plan: YearStartPlan,
    old: PriorityArea,
    target: NationalArea | None,
    scaled: dict,
    before_state: bool,
) -> None:
    """One earlier area as a proposal; before the state's agreement (`before_state`) a
    nationally mapped area waits for its successor, and a carried own-priority reason is
    marked for review either way."""
    source, year = plan.source, plan.year
    reason = old.own_priority_reason if not old.national_area_id else ""
    proposal = AreaProposal(
        previous=old,
        national_area=target if old.national_area_id else None,
        own_priority_reason=reason,
        granted=scaled.get(old, ZERO),
        awaiting_successor_of=old.national_area if before_state else None,
        reason_carried_from_year=source.year if reason else None,
    )
    plan.areas.append(proposal)
    if proposal.awaiting_successor_of is not None:
        plan.attention.append(
            f"Området {old.number}. {old.name} märks ”nationellt område ej fastställt”: "
            f"det väntar på det område {year} som fortsätter {old.national_area} "
            f"({source.year}). Fördelningen kan göras under tiden."
        )
    elif not proposal.is_mapped:
        was = f" (var {old.national_area} {source.year})" if old.national_area_id else ""
        plan.attention.append(
            f"Området {old.number}. {old.name}{was} har inget nationellt område {year}: "
            "välj ett, eller ange egen prioritering med skäl, innan året beslutas."
        )


def _plan_gone_recipients(plan: YearStartPlan) -> None:
    """Recipients with money in the earlier year that do not exist in the new one."""
    source, year = plan.source, plan.year
    gone = (
        Recipient.objects.filter(
            allocations__priority_area__agreement=source, allocations__amount__gt=0
        )
        .select_related("successor")
        .distinct()
        .order_by("name")
    )
    for recipient in gone:
        if recipient.is_valid_in_year(year):
            continue
        successor = f"; efterträdare: {recipient.successor.name}" if recipient.successor_id else ""
        plan.attention.append(f"Mottagaren {recipient.name} finns inte {year}{successor}.")


def _plan_partnerships(plan: YearStartPlan) -> None:
    partnerships = (
        Partnership.objects.filter(
            organisation=plan.organisation, first_year__lte=plan.year, last_year__gte=plan.year
        )
        .select_related("recipient", "national_area__national_agreement")
        .order_by("recipient__name", "pk")
    )
    translations: dict[int, dict[int, NationalArea]] = {}
    for partnership in partnerships:
        label = f"IOP med {partnership.recipient.name}"
        if not partnership.recipient.is_valid_in_year(plan.year):
            plan.attention.append(
                f"{label}: föreningen finns inte {plan.year}; beloppet föreslås inte."
            )
            continue
        matches: list[AreaProposal] = []
        if partnership.national_area_id:
            national = partnership.national_area
            from_year = national.national_agreement.year
            if from_year == plan.year:
                target = national
            else:
                if from_year not in translations:
                    translations[from_year] = national_translation(from_year, plan.year)
                target = translations[from_year].get(national.pk)
            if target is not None:
                matches = [
                    a for a in plan.areas if a.national_area and a.national_area.pk == target.pk
                ]
        elif partnership.area_description.strip():
            wanted = partnership.area_description.strip().casefold()
            matches = [a for a in plan.areas if a.name.strip().casefold() == wanted]
        if len(matches) != 1:
            why = "flera områden passar" if matches else "inget område passar"
            plan.attention.append(
                f"{label} ({format_kr(partnership.yearly_amount)} per år): {why}; lägg in "
                "beloppet i fördelningen för hand."
            )
            continue
        plan.partnerships.append(
            PartnershipProposal(
                partnership=partnership,
                area_number=matches[0].number,
                area_name=matches[0].name,
                amount=partnership.yearly_amount,
            )
        )


def year_start(
    *, organisation: Organisation, year: int, from_year: int | None = None, total=None, user
) -> tuple[Agreement, YearStartPlan]:
    """Create the draft agreement for `year` as `year_start_plan` shows it. Raises
    ValidationError (Swedish) when refused; then nothing is written."""
    try:
        with transaction.atomic():
            # Two coordinators starting the same year: the organisation's row lock lets one
            # in at a time, and the second then finds the year and is refused.
            Organisation.objects.select_for_update().get(pk=organisation.pk)
            plan = year_start_plan(
                organisation=organisation, year=year, from_year=from_year, total=total
            )
            if plan.refusal:
                raise ValidationError(plan.refusal, code="refused")
            agreement = Agreement.objects.create(
                organisation=organisation,
                year=year,
                title=plan.title,
                status=Agreement.Status.DRAFT,
            )
            areas = {
                proposal.number: PriorityArea.objects.create(
                    agreement=agreement,
                    number=proposal.number,
                    name=proposal.name,
                    description=proposal.previous.description,
                    granted=proposal.granted,
                    national_area=proposal.national_area,
                    own_priority_reason=proposal.own_priority_reason,
                    previous_area=proposal.previous,
                    awaiting_successor_of=proposal.awaiting_successor_of,
                    reason_carried_from_year=proposal.reason_carried_from_year,
                )
                for proposal in plan.areas
            }
            try:
                survey_categories_ensure(year)
            except ReferenceDataError as error:
                raise ValidationError(str(error), code="categories") from None
            _partnerships_allocate(plan, areas, user)
    except IntegrityError:
        raise ValidationError(
            f"{organisation} har redan en överenskommelse för {year}. Inget ändrades.",
            code="refused",
        ) from None
    return agreement, plan


def _partnerships_allocate(plan: YearStartPlan, areas: dict[int, PriorityArea], user) -> None:
    """The IOP partnerships' yearly amounts as draft allocations, added to what is there."""
    for proposal in plan.partnerships:
        area = areas[proposal.area_number]
        recipient = proposal.partnership.recipient
        current = Allocation.objects.filter(priority_area=area, recipient=recipient).first()
        allocation_set(
            area=area,
            recipient=recipient,
            amount=(current.amount if current else ZERO) + proposal.amount,
            expected_version=current.version if current else 0,
            user=user,
            reason=_partnership_reason(proposal.partnership),
        )


def _partnership_reason(partnership: Partnership) -> str:
    registry = f", Dnr {partnership.registry_number}" if partnership.registry_number else ""
    return f"Förslag från IOP {partnership.first_year}–{partnership.last_year}{registry}"
