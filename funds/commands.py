"""Helpers shared by the management commands that work on one organisation's year."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from funds.models import Agreement


def agreement_for_command(code: str, year: int) -> Agreement:
    """The agreement named by --organisation and --year, or a CommandError saying why not."""
    agreement = (
        Agreement.objects.select_related("organisation")
        .filter(organisation__code=code, year=year)
        .first()
    )
    if agreement is None:
        raise CommandError(f"Det finns ingen överenskommelse för organisation {code} år {year}.")
    return agreement


def require_output_dir(output: Path) -> None:
    if not output.parent.is_dir():
        raise CommandError(f"Katalogen {output.parent} finns inte.")
