"""Template filters for the tjänsteutlåtande: {% load decision %}."""

from decimal import Decimal

from django import template

from funds.money import format_kr, format_mnkr
from reporting.prose import Block, prose_blocks

register = template.Library()

MILLION = Decimal(1_000_000)


@register.filter
def prose_money(value: Decimal) -> str:
    """An amount in running text: "1,5 mnkr" from a million up (as seed 004 writes it),
    "850 000 kr" below it, with öre when the amount has öre ("200 000,25 kr")."""
    if abs(value) >= MILLION:
        return format_mnkr(value)
    return format_kr(value)


@register.filter
def blocks(text: str) -> list[Block]:
    """The paragraphs and bullet lists of a prose field (rendered escaped by the template)."""
    return prose_blocks(text)
