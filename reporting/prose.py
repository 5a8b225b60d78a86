"""The officials' prose: plain text with paragraphs, bullet lists and footnotes, never HTML.

A blank line separates paragraphs; a line starting with "- " (or "– ", "• ") is a bullet
point; a line starting with "### " is a subheading (the examples per priority area).
`[^text]` right after a word is a footnote with that text; `[^föreningar]` is the generated
footnote that lists the year's föreningar (or points to the bilaga, as the document
chooses). `prose_blocks` turns the text into blocks whose parts the template renders with
Django's autoescaping, so anything that looks like HTML is shown as text, not interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

_BULLET_RE = re.compile(r"^\s*[-–•]\s+")
_HEADING_RE = re.compile(r"^\s*###\s+")
# A footnote: "[^" + text without brackets or line breaks + "]".
FOOTNOTE_RE = re.compile(r"\[\^([^\[\]\n]{1,1000})\]")
ASSOCIATIONS_NOTE = "föreningar"
# Years and figures in carried text, highlighted for review: "2023", "93 procent", "30-tal",
# "1 400", "16–24".
FIGURE_RE = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[,.]\d+)?(?:-tal)?(?:\s?(?:%|procent))?")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")

# A number followed by a money unit: "45,2 mnkr", "1 500 000 kr", "850 tkr", "3 miljoner".
_MONEY_RE = re.compile(
    r"\d[\d\s\u00a0\u202f.,]*\s*"
    r"(?:mnkr|mkr|tkr|kr\b|kronor|sek\b|msek|miljon(?:er)?\b|milj\b|mdkr|miljard(?:er)?\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    """A run of a paragraph: plain text, a highlighted figure ("mark") or a footnote."""

    kind: str  # "text", "mark" or "note"
    text: str
    number: int = 0  # a footnote's number in the document, set by the rendering


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "ul" or "h"
    text: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)

    @property
    def parts(self) -> list[Part]:
        return text_parts(self.text)

    @property
    def item_parts(self) -> list[list[Part]]:
        return [text_parts(item) for item in self.items]


def text_parts(text: str) -> list[Part]:
    """Split a paragraph at its footnote markers."""
    parts: list[Part] = []
    position = 0
    for match in FOOTNOTE_RE.finditer(text):
        before = text[position : match.start()]
        if before:
            parts.append(Part("text", before))
        parts.append(Part("note", match.group(1).strip()))
        position = match.end()
    if position < len(text):
        parts.append(Part("text", text[position:]))
    return parts


def highlighted(parts: list[Part]) -> list[Part]:
    """The same parts with every year and figure in the text marked, for review."""
    result: list[Part] = []
    for part in parts:
        if part.kind != "text":
            result.append(part)
            continue
        position = 0
        for match in FIGURE_RE.finditer(part.text):
            if match.start() > position:
                result.append(Part("text", part.text[position : match.start()]))
            result.append(Part("mark", match.group(0)))
            position = match.end()
        if position < len(part.text):
            result.append(Part("text", part.text[position:]))
    return result


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
            if _HEADING_RE.match(line):
                if paragraph:
                    blocks.append(Block("p", _join(paragraph)))
                    paragraph = []
                if items:
                    blocks.append(Block("ul", items=tuple(_join(item) for item in items)))
                    items = []
                blocks.append(Block("h", _join([_HEADING_RE.sub("", line, count=1)])))
            elif _BULLET_RE.match(line):
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


def validate_footnotes(text: str) -> None:
    """Refuse a footnote marker that is not closed, or one with nothing in it."""
    without = FOOTNOTE_RE.sub("", text or "")
    if "[^" in without:
        raise ValidationError(
            "En fotnot är inte avslutad. Skriv fotnoter som [^fotnotens text], utan "
            "hakparenteser eller radbrytningar inne i texten.",
            code="footnote_syntax",
        )
