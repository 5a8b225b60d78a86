"""Template filters that help long Swedish words wrap in narrow columns."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SOFT_HYPHEN = "\u00ad"
# The last parts of the compound words that name recipients and areas: a soft hyphen before
# one lets the browser break "Arbetsmarknads-förvaltningen" there, with a visible hyphen, in a
# column too narrow for the whole word (CSS hyphens: auto does the rest where the browser has
# a Swedish dictionary).
HEADS = (
    "arbete",
    "förvaltning",
    "mottagning",
    "utveckling",
    "organisation",
    "samhälle",
    "prevention",
    "sjuklighet",
    "verksamhet",
    "struktur",
    "material",
)
COMPOUND = re.compile(r"(?<=\w{4})(?=(?:" + "|".join(HEADS) + r"))", re.IGNORECASE)


@register.filter(needs_autoescape=True)
def soft_hyphens(value: object, autoescape: bool = True) -> SafeString:
    """The text, escaped, with soft hyphens before the last part of long compound words."""
    text = conditional_escape(value) if autoescape else str(value)
    # Escaped above; only soft hyphens are added after, so the result is as safe as `text`.
    return mark_safe(COMPOUND.sub(SOFT_HYPHEN, str(text)))  # noqa: S308
