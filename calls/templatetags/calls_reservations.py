"""The {% call_reservations agreement balance %} tag: what undecided calls hold back per area.

For pages outside the calls app (the year overview; the matrix may use it later). One query,
whatever the number of areas or calls.
"""

from django import template

from calls.queries import reserved_by_calls
from funds.models import ZERO

register = template.Library()


@register.inclusion_tag("calls/_year_reservations.html")
def call_reservations(agreement, balance) -> dict:
    reserved = reserved_by_calls(agreement)
    rows = [(line, reserved[line.area_id]) for line in balance.lines if line.area_id in reserved]
    return {
        "agreement": agreement,
        "rows": rows,
        "total": sum((amount for _, amount in rows), ZERO),
    }
