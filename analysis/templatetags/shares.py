"""The analysis's filters: `share` ("35,0 %"), `ore` ("1 500 000,00 kr", exact to the öre)
and `item` (a dict's value by key)."""

from decimal import Decimal

from django import template

from funds.money import NBSP, format_kr

register = template.Library()


@register.filter
def share(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",") + f"{NBSP}%"


@register.filter
def ore(value: Decimal) -> str:
    return format_kr(value, decimals=2)


@register.filter
def item(mapping: dict, key: str):
    return mapping.get(key, "")


@register.filter
def count_share(row, table) -> str:
    """A row's share of its table's insatser, as `share` writes it."""
    return share(row.count_share(table.insatser))


@register.filter
def money_share(row, table) -> str:
    """A row's share of its table's money, as `share` writes it."""
    return share(row.money_share(table.spent))
