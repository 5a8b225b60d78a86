"""Parsing and formatting of money (Swedish kronor as Decimal with two decimals).

Every amount the app reads or shows goes through this module, so users can type
"1 500 000", "1 500 000,50 kr" or "45,2 mnkr" and always see the same notation.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)
NBSP = "\u00a0"
ORE = Decimal("0.01")
_FLOAT_NOISE = Decimal("0.000001")
MINUS = "\u2212"

_SPACES_RE = re.compile("[\u00a0\u202f\u2009]")
_NUMBER_RE = re.compile(r"(?P<int>[0-9]+|[0-9]{1,3}(?: [0-9]{3})+)(?:[.,](?P<frac>[0-9]+))?")
_DOT_DECIMAL_RE = re.compile(r"[^.]*\.[0-9]{1,2}")
_NEGATIVE_SIGNS = ("-", MINUS, "\u2013")  # hyphen, minus sign, en dash

# Unit suffix (lower case) -> power of ten it multiplies by.
_UNITS = {
    "kr": 0,
    "kronor": 0,
    "sek": 0,
    # "1 500:-" and "100,-": whole kronor, as on a price tag (hyphen, en or em dash).
    ":-": 0,
    ":\u2013": 0,
    ":\u2014": 0,
    ",-": 0,
    ",\u2013": 0,
    ",\u2014": 0,
    "tkr": 3,
    "tsek": 3,
    "tusen": 3,
    "tusen kr": 3,
    "tusen kronor": 3,
    "mkr": 6,
    "mnkr": 6,
    "mn kr": 6,
    "msek": 6,
    "milj": 6,
    "milj.": 6,
    "milj kr": 6,
    "miljon": 6,
    "miljoner": 6,
    "miljoner kr": 6,
    "miljoner kronor": 6,
}
# Longest first, so "2 mkr" is read as millions and not as "2 m" + "kr".
_UNIT_SUFFIXES = sorted(_UNITS, key=len, reverse=True)

_MESSAGES = {
    "required": "Ange ett belopp.",
    "invalid": "Ange beloppet i kronor, till exempel 1 500 000 eller 45,2 mnkr.",
    "grouping": "Skriv tusental i grupper om tre siffror, till exempel 1 500 000.",
    "ambiguous": (
        "Punkt är tvetydigt i belopp. Använd mellanslag mellan tusental och komma "
        "före decimaler, till exempel 1 500 000,50."
    ),
    "negative": "Beloppet kan inte vara negativt.",
    "precision": "Ange högst två decimaler (öre), till exempel 1 500 000,50.",
    "sub_ore": "Beloppet blir mer exakt än på öret. Ange färre decimaler.",
    "too_large": "Beloppet är orimligt stort (högst 999 999 999 999,99 kr).",
}


def _error(key: str, code: str | None = None) -> ValidationError:
    return ValidationError(_MESSAGES[key], code=code or key)


def decimal_from_spreadsheet(value: float) -> Decimal:
    """The number a spreadsheet cell holds (a binary float) as the Decimal the user sees.

    repr gives the shortest text that round-trips. A formula such as =0.1+0.2 leaves binary
    noise far below an öre (150000.30000000002); that is the öre amount shown in the cell.
    A huge or non-finite value is returned as it is, for parse_amount to refuse (quantizing
    it would overflow the decimal context).
    """
    exact = Decimal(repr(value))
    if (
        exact.is_finite()
        and abs(exact) <= MAX_AMOUNT
        and abs(exact - exact.quantize(ORE)) < _FLOAT_NOISE
    ):
        return exact.quantize(ORE)
    return exact


def parse_amount(value: str | int | Decimal) -> Decimal:
    """Parse what a user typed (or a spreadsheet cell) into kronor with two decimals.

    Raises ValidationError with a Swedish message and one of the codes required,
    invalid, ambiguous, negative, precision or too_large.
    """
    if value is None:
        raise _error("required")
    if isinstance(value, bool):
        raise _error("invalid")
    if isinstance(value, float):
        value = decimal_from_spreadsheet(value)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        value = _parse_text(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise _error("invalid")
    if value < 0:
        raise _error("negative")
    if value > MAX_AMOUNT:
        raise _error("too_large")
    amount = value.quantize(ORE)
    if amount != value:
        raise _error("precision")
    return amount.copy_abs()  # turns -0.00 into 0.00


def _parse_text(text: str) -> Decimal:
    """Turn typed text into an exact (possibly negative) Decimal; range is checked later."""
    text = _SPACES_RE.sub(" ", text).strip().lower()
    if not text:
        raise _error("required")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    elif text.startswith(_NEGATIVE_SIGNS):
        negative, text = True, text[1:].strip()

    # A full stop after a unit abbreviation ends the abbreviation ("100 kr.", "1,5 mkr."),
    # it is not a decimal point; after a digit it stays ambiguous.
    if text.endswith(".") and text[:-1][-1:].isalpha():
        text = text[:-1].rstrip()

    exponent = 0
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix):
            text, exponent = text[: -len(suffix)].rstrip(), _UNITS[suffix]
            break

    if text.count(".") + text.count(",") > 1:
        raise _error("ambiguous")
    if "." in text and not _DOT_DECIMAL_RE.fullmatch(text):
        raise _error("ambiguous")
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        only_digits = bool(text) and set(text) <= set("0123456789 .,")
        raise _error("grouping" if only_digits else "invalid", "invalid")

    whole = match["int"].replace(" ", "")
    frac = match["frac"] or ""
    if negative and int(whole + frac) != 0:
        raise _error("negative")
    if len(whole.lstrip("0")) > 15:
        raise _error("too_large")
    if exponent == 0 and len(frac) > 2:
        raise _error("precision")  # "1,500" is likely an English thousands separator
    frac = frac.rstrip("0")
    if len(frac) > 2 + exponent:
        raise _error("sub_ore", "precision")
    # At most 15 + 8 digits here, so scaleb stays exact within the default 28-digit context.
    return Decimal(f"{whole}.{frac or '0'}").scaleb(exponent)


def _format_number(amount: Decimal | int, decimals: int, separator: str = NBSP) -> str:
    """Group thousands with separator and use decimal comma, rounding half up."""
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = MINUS if rounded < 0 else ""
    whole, _, frac = f"{rounded.copy_abs():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", separator)
    return f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"


def _ore_decimals(amount: Decimal | int) -> int:
    """0 if the amount is whole kronor (after rounding to öre), else 2."""
    rounded = Decimal(amount).quantize(ORE, rounding=ROUND_HALF_UP)
    return 0 if rounded == rounded.to_integral_value() else 2


def format_kr(amount: Decimal | int, *, decimals: int | None = None) -> str:
    """Format as kronor, e.g. "1 500 000 kr"; öre only when non-zero unless decimals is given."""
    if decimals is None:
        decimals = _ore_decimals(amount)
    return f"{_format_number(amount, decimals)}{NBSP}kr"


def round_mnkr(amount: Decimal | int) -> Decimal:
    """The amount in millions, rounded half up to one decimal: 45 234 567 -> 45.2."""
    return Decimal(amount).scaleb(-6).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_mnkr(amount: Decimal | int) -> str:
    """Format as millions with exactly one decimal, e.g. "45,2 mnkr"."""
    return f"{_format_number(round_mnkr(amount), 1)}{NBSP}mnkr"


SMALL_MNKR = Decimal(100_000)


def format_mnkr_or_kr(amount: Decimal | int) -> str:
    """As format_mnkr, but a non-zero amount below 0,1 mnkr in kronor ("37 654,33 kr"), so that
    an amount that matters is never shown as "0,0 mnkr"."""
    if amount and abs(amount) < SMALL_MNKR:
        return format_kr(amount)
    return format_mnkr(amount)


def format_percent(part: Decimal | int, whole: Decimal | int, *, decimals: int = 0) -> str:
    """Format part as a percentage of whole, e.g. "55 %"; "–" when whole is zero."""
    if whole == 0:
        return "\u2013"
    ratio = Decimal(part) * 100 / Decimal(whole)
    return f"{_format_number(ratio, decimals)}{NBSP}%"


def format_amount_input(amount: Decimal | int) -> str:
    """What an edit field shows: "1 500 000" or "1 500 000,50", plain spaces, no unit."""
    if amount >= 0 and amount == int(amount):  # whole kronor, the common case: no rounding
        return f"{int(amount):,}".replace(",", " ")
    return _format_number(amount, _ore_decimals(amount), separator=" ")


class AmountField(forms.CharField):
    """Form field for kronor that accepts Swedish notation and cleans to Decimal."""

    default_error_messages = {"required": _MESSAGES["required"]}

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return parse_amount(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format_amount_input(value)
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off")
        return attrs
