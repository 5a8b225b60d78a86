"""Swedish identifiers: kommunkod (SCB) and organisationsnummer (Bolagsverket/Skatteverket)."""

import re
import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError

# SCB's län in force, as data (funds/national/data/counties.toml): code → name.
COUNTY_NAMES: dict[str, str] = tomllib.loads(
    (Path(__file__).parent / "national" / "data" / "counties.toml").read_text(encoding="utf-8")
)["counties"]
COUNTY_CODES = frozenset(COUNTY_NAMES)

_ORGANISATION_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by Swedish personnummer and organisationsnummer (10 digits)."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_organisation_number(value: str) -> str:
    """Return NNNNNN-NNNN, or raise ValidationError with a Swedish message."""
    cleaned = (value or "").strip().replace(" ", "")
    match = _ORGANISATION_NUMBER.match(cleaned)
    if not match:
        raise ValidationError(
            "Organisationsnumret ska ha tio siffror, till exempel 212000-0142.",
            code="format",
        )
    digits = match.group(1) + match.group(2)
    if digits[2] < "2":
        # The third digit of an organisationsnummer is always 2 or more (unlike a personnummer).
        raise ValidationError(
            "Det ser ut som ett personnummer, inte ett organisationsnummer.", code="personal"
        )
    if not luhn_ok(digits):
        raise ValidationError(
            "Organisationsnumret är inte giltigt (kontrollsiffran stämmer inte).", code="luhn"
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)


def validate_municipality_code(value: str) -> None:
    """Four digits from SCB: two for the län, two for the kommun (0180, 1480)."""
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError("Kommunkoden ska ha fyra siffror, till exempel 0180.", code="format")
    if value[:2] not in COUNTY_CODES:
        raise ValidationError("Kommunkoden börjar inte med en giltig länskod.", code="county")


def validate_county_code(value: str) -> None:
    if value not in COUNTY_CODES:
        raise ValidationError("Länskoden ska vara två siffror, till exempel 01.", code="county")
