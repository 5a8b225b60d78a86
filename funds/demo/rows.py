"""The demo loader's tools: data files, amounts, writing changed rows, splitting by weight.

demo_file reads data/<name>.toml; RowWriter writes a row only when it is missing or differs;
split_exact splits whole kronor by weight so the parts add up to the krona.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")


class DemoDataError(Exception):
    """The demo data does not add up, or the database holds rows that contradict it."""


def check(condition: bool, message: str) -> None:
    # Not `assert`: these checks guard the books and must also run under python -O.
    if not condition:
        raise DemoDataError(message)


def demo_file(name: str) -> dict[str, Any]:
    """The parsed data file data/<name>.toml."""
    path = DATA_DIR / f"{name}.toml"
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path.name}: {error}") from error


def kr(amount: int | str) -> Decimal:
    """An amount from a data file; a float is refused, because it cannot be exact."""
    check(
        isinstance(amount, int | str) and not isinstance(amount, bool),
        f"Beloppet {amount!r} ska vara ett heltal eller en sträng.",
    )
    return Decimal(amount).quantize(CENT)


def named(rows: dict[Any, Any], key: Any, what: str) -> Any:
    """rows[key], or a DemoDataError naming what a data file got wrong."""
    check(key in rows, f"Demodatan nämner {what} {key!r}, som inte finns.")
    return rows[key]


def split_exact(total: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """Whole kronor in proportion to weights, adding up exactly to total (largest remainder).

    Integer arithmetic throughout; ties go to the earlier weight, so the result is
    deterministic.
    """
    check(total == total.to_integral_value(), f"{total} är inte hela kronor.")
    check(bool(weights) and all(w > 0 for w in weights), "Vikterna måste vara positiva.")
    whole, weight_sum = int(total), sum(weights)
    shares = [whole * weight // weight_sum for weight in weights]
    remainders = [whole * weight % weight_sum for weight in weights]
    missing = whole - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:missing]:
        shares[index] += 1
    return [kr(share) for share in shares]


class RowWriter:
    """Writes rows only when they are missing or differ, and counts what it did."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any] | None = None,
        *,
        update: bool = True,
    ) -> models.Model:
        """get_or_create/update_or_create that runs full_clean() and skips no-op saves.

        update=False only creates: rows a user is expected to edit in the app are left alone.
        Rows with a version column get a new version when changed, so an open edit form
        notices that the row changed under it.
        """
        values = values or {}
        try:
            obj = model.objects.get(**lookup)
        except model.DoesNotExist:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
            return obj
        if not update:
            return obj
        changed = [name for name, value in values.items() if not same(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if hasattr(obj, "version"):
                obj.version += 1
            obj.full_clean()
            obj.save()
            self.updated += 1
        return obj


def same(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # Compare keys, so checking does not load the related row.
        return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value
