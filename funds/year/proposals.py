"""A year started before the state's agreement: its areas wait ("nationellt område ej
fastställt") for the successor of an earlier national area. When the year's national data
arrives (the data files or /referensdata/), the lineage (funds/year/lineage.py) proposes that
successor for every waiting area of every organisation; a coordinator accepts a year's
proposals in one step. Nothing is stored for a proposal: it is computed from the lineage, so
it appears the moment the national data does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from funds.models import Agreement, NationalAgreement, NationalArea, PriorityArea
from funds.year.lineage import national_translation


@dataclass(frozen=True)
class NationalProposal:
    area: PriorityArea
    proposed: NationalArea | None  # None: the lineage names no successor; choose by hand


def _waiting(agreement: Agreement):
    return (
        PriorityArea.objects.filter(agreement=agreement, awaiting_successor_of__isnull=False)
        .select_related("awaiting_successor_of__national_agreement")
        .order_by("number")
    )


def national_proposals(agreement: Agreement) -> list[NationalProposal]:
    """Each waiting area of the year with the national area the lineage proposes, once the
    year has a national agreement; [] before that. A few queries per earlier year."""
    if not NationalAgreement.objects.filter(year=agreement.year).exists():
        return []
    areas = list(_waiting(agreement))
    translations: dict[int, dict[int, NationalArea]] = {}
    proposals = []
    for area in areas:
        earlier = area.awaiting_successor_of
        from_year = earlier.national_agreement.year
        if from_year not in translations:
            translations[from_year] = national_translation(from_year, agreement.year)
        proposals.append(NationalProposal(area, translations[from_year].get(earlier.pk)))
    return proposals


def waiting_areas(agreement: Agreement) -> list[PriorityArea]:
    return list(_waiting(agreement))


def national_proposals_accept(*, agreement: Agreement) -> list[PriorityArea]:
    """Map every waiting area that has a proposal to it, all at once; the others keep
    waiting. Refused once the year is decided (the year's areas are then fixed)."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != Agreement.Status.DRAFT:
            raise ValidationError(
                f"{locked.year} är inte längre ett utkast; koppla områdena på sidan "
                "Prioriterade områden.",
                code="not_draft",
            )
        proposals = [p for p in national_proposals(locked) if p.proposed is not None]
        if not proposals:
            raise ValidationError("Det finns inga förslag att godta.", code="none")
        for proposal in proposals:
            # The version moves on, so an area form opened before this is refused on save.
            PriorityArea.objects.filter(pk=proposal.area.pk).update(
                national_area=proposal.proposed,
                awaiting_successor_of=None,
                version=F("version") + 1,
            )
    return [proposal.area for proposal in proposals]
