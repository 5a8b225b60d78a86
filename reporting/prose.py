"""The officials' prose: plain text with paragraphs and bullet lists, never HTML.

A blank line separates paragraphs; a line starting with "- " (or "– ", "• ") is a bullet
point. `prose_blocks` turns the text into blocks that the template renders with Django's
autoescaping, so anything that looks like HTML is shown as text, not interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

_BULLET_RE = re.compile(r"^\s*[-–•]\s+")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")

# A number followed by a money unit: "45,2 mnkr", "1 500 000 kr", "850 tkr", "3 miljoner".
_MONEY_RE = re.compile(
    r"\d[\d\s\u00a0\u202f.,]*\s*"
    r"(?:mnkr|mkr|tkr|kr\b|kronor|sek\b|msek|miljon(?:er)?\b|milj\b|mdkr|miljard(?:er)?\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    text: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)


def _join(lines: list[str]) -> str:
    return _SPACES_RE.sub(" ", " ".join(line.strip() for line in lines)).strip()


def prose_blocks(text: str) -> list[Block]:
    """Paragraphs and bullet lists of one prose field, in order."""
    blocks: list[Block] = []
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    for chunk in _BLANK_LINE_RE.split(text):
        paragraph: list[str] = []
        items: list[list[str]] = []
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            if _BULLET_RE.match(line):
                if paragraph:
                    blocks.append(Block("p", _join(paragraph)))
                    paragraph = []
                items.append([_BULLET_RE.sub("", line, count=1)])
            elif items and line[:1].isspace():
                items[-1].append(line)  # an indented line continues the bullet point
            else:
                if items:
                    blocks.append(Block("ul", items=tuple(_join(item) for item in items)))
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("p", _join(paragraph)))
        if items:
            blocks.append(Block("ul", items=tuple(_join(item) for item in items)))
    return blocks


def validate_no_amounts(text: str) -> None:
    """Refuse amounts typed into prose: every amount in the document comes from the data."""
    match = _MONEY_RE.search(text or "")
    if match:
        raise ValidationError(
            "Skriv inte belopp i texten (här: ”%(amount)s”). Dokumentet hämtar alla belopp "
            "ur fördelningen, så att de alltid stämmer med siffrorna.",
            code="amount_in_prose",
            params={"amount": match.group(0).strip()},
        )
