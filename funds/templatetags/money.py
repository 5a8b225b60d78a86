"""Template filter for money: {% load money %} {{ amount|money }}, |money:"mnkr", |money:"kr0"."""

from decimal import Decimal

from django import template

from funds.money import format_kr, format_mnkr_or_kr

register = template.Library()


@register.filter
def money(value: Decimal | int | None, style: str = "kr") -> str:
    """Format an amount as "1 500 000 kr" (style "kr"), "45,2 mnkr" or whole kronor ("kr0").

    "mnkr" shows a non-zero amount below 0,1 mnkr in kronor: never "0,0 mnkr" for money repaid.
    """
    # "" is what Django passes for a missing variable; show it like None.
    if value is None or value == "":
        return "\u2013"
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money-filtret kräver Decimal eller int, fick {type(value).__name__}")
    if style == "kr":
        return format_kr(value)
    if style == "kr0":
        return format_kr(value, decimals=0)
    if style == "mnkr":
        return format_mnkr_or_kr(value)
    raise ValueError(f'Okänt format för money-filtret: "{style}" (använd kr, kr0 eller mnkr)')
