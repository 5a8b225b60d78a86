"""Loads the national reference data files into the database, idempotently.

Each `data/<year>.toml` describes one year's national agreement and names the categories file
its enkät uses. The files are the authority for the years they cover: running the loader
again updates names, amounts and routes in place and adds what is new. Enkät categories are
never deleted here, because reported insatser point at them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from funds.models import (
    NationalAgreement,
    NationalArea,
    NationalAreaFunding,
    SurveyCategory,
    SurveyCategorySet,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


class ReferenceDataError(ValueError):
    """A data file that does not say what the loader needs; the message names the file."""


@dataclass
class LoadSummary:
    years: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1


def _amount(raw: str | None, where: str) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ReferenceDataError(f"{where}: beloppet {raw!r} är inte ett tal.") from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise ReferenceDataError(
            f"{where}: beloppet {raw!r} ska vara kronor med högst två decimaler."
        )
    return value.quantize(Decimal("0.01"))


def _flag(raw, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ReferenceDataError(f"{where}: {raw!r} ska vara true eller false.")
    return raw


def year_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(path for path in data_dir.glob("*.toml") if path.stem.isdigit())


def _upsert(model, lookup: dict, values: dict, summary: LoadSummary):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        summary.count(created=True, changed=False)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    summary.count(created=False, changed=bool(changed))
    return obj


def _load_categories(year: int, path: Path, summary: LoadSummary) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = data.get("groups", {})
    known = set(SurveyCategory.Group.values)
    for group, renames in data.get("renamed", {}).items():
        for old, new in renames.items():
            year_group = SurveyCategory.objects.filter(year=year, group=group)
            if not year_group.filter(label=new).exists() and year_group.filter(label=old).update(
                label=new
            ):
                summary.count(created=False, changed=True)
    for group, spec in groups.items():
        if group not in known:
            raise ReferenceDataError(f"{path.name}: okänd grupp {group!r}.")
        for position, label in enumerate(spec.get("options", []), start=1):
            _upsert(
                SurveyCategory,
                {"year": year, "group": group, "label": label},
                {"position": position},
                summary,
            )
    _upsert(
        SurveyCategorySet,
        {"year": year},
        {"origin": SurveyCategorySet.Origin.DATA_FILE, "copied_from_year": None},
        summary,
    )


def _load_year(path: Path, summary: LoadSummary) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    year = data.get("year")
    if year != int(path.stem):
        raise ReferenceDataError(f"{path.name}: year = {year!r} stämmer inte med filnamnet.")
    agreement = _upsert(
        NationalAgreement,
        {"year": year},
        {
            "title": data["title"],
            "total": _amount(data.get("total"), path.name),
            "source": data.get("source", ""),
            "origin": NationalAgreement.Origin.DATA_FILE,
        },
        summary,
    )
    routes = set(NationalAreaFunding.Route.values)
    huvudmän = set(NationalAreaFunding.Huvudman.values)
    for area_data in data.get("areas", []):
        where = f"{path.name}, område {area_data.get('number')}"
        area = _upsert(
            NationalArea,
            {"national_agreement": agreement, "number": area_data["number"]},
            {
                "name": area_data["name"],
                "short_name": area_data["short_name"],
                "previous_number": area_data.get("previous_number"),
                "youth_clinics": _flag(area_data.get("youth_clinics", False), where),
            },
            summary,
        )
        listed = set()
        for funding in area_data.get("funding", []):
            if funding.get("huvudman") not in huvudmän or funding.get("route") not in routes:
                raise ReferenceDataError(f"{where}: okänd huvudman eller uppföljning {funding}.")
            listed.add(funding["huvudman"])
            _upsert(
                NationalAreaFunding,
                {"area": area, "huvudman": funding["huvudman"]},
                {"amount": _amount(funding.get("amount"), where), "route": funding["route"]},
                summary,
            )
        # Nothing points at a funding row: one the file no longer lists is simply gone.
        area.fundings.exclude(huvudman__in=listed).delete()
    if data.get("survey"):
        _load_categories(year, path.parent / data["survey"], summary)
    summary.years.append(year)


def reference_data_load(*, data_dir: Path = DATA_DIR) -> LoadSummary:
    """Load every year file in `data_dir`; safe to run any number of times."""
    summary = LoadSummary()
    with transaction.atomic():
        for path in year_files(data_dir):
            _load_year(path, summary)
    return summary


def survey_categories_copy_source(year: int) -> int | None:
    """The year whose categories a year without its own would copy: the latest earlier year
    that has some, else the earliest year that has some (a year before all reference data),
    else None."""
    years = SurveyCategory.objects.values_list("year", flat=True)
    return years.filter(year__lt=year).order_by("-year").first() or years.order_by("year").first()


def survey_categories_ensure(year: int) -> SurveyCategorySet:
    """A year never has zero enkät categories: it has its own (from the reference data or an
    administrator), or it takes a copy of the latest earlier year's set. The returned row says
    which, for the coordinator to see."""
    with transaction.atomic():
        existing = SurveyCategorySet.objects.select_for_update().filter(year=year).first()
        has_own = SurveyCategory.objects.filter(year=year).exists()
        if existing is not None and has_own:
            return existing
        if has_own:
            return SurveyCategorySet.objects.create(
                year=year, origin=SurveyCategorySet.Origin.ADMINISTRATOR
            )
        source_year = survey_categories_copy_source(year)
        if source_year is None:
            raise ReferenceDataError(
                "Det finns inga enkätkategorier att utgå från; kör load_reference_data."
            )
        SurveyCategory.objects.bulk_create(
            [
                SurveyCategory(year=year, group=c.group, label=c.label, position=c.position)
                for c in SurveyCategory.objects.filter(year=source_year)
            ]
        )
        if existing is not None:
            existing.origin = SurveyCategorySet.Origin.COPIED
            existing.copied_from_year = source_year
            existing.save(update_fields=["origin", "copied_from_year", "updated_at"])
            return existing
        return SurveyCategorySet.objects.create(
            year=year, origin=SurveyCategorySet.Origin.COPIED, copied_from_year=source_year
        )
