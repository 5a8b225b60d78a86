"""{% load plan_numbers %} {{ value|figure }}: an indicator value as Swedes write it.

"12,5", "1 250", "−3": no trailing zeros, a decimal comma, non-breaking spaces between
thousands and a real minus sign. Indicator values are not money; money uses |money.
"""

from decimal import Decimal

from django import template

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"


@register.filter
def figure(value: Decimal | int | None, signed: str = "") -> str:
    """Format a number; |figure:"signed" also puts "+" before positive numbers."""
    if value is None or value == "":
        return "\u2013"
    number = Decimal(value)
    text = f"{abs(number):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) + ("," + fraction if fraction else "")
    if number < 0:
        return MINUS + text
    if signed and number > 0:
        return "+" + text
    return text
