"""The tjänsteutlåtande's content: what both renderers, the PDF and the Word file, read.

`decision_document_rendering` gathers the figures (reporting/figures.py, read from the
database at that moment), the prose as numbered blocks and footnotes, and what is missing
before issue; `decision_document_html` renders it with the one template the browser
preview, the PDF (reporting/pdf.py) and the Word file (reporting/word.py) share. Neither
renderer imports the other; the workflows (reporting/documents.py) call both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from funds.models import Agreement
from reporting.figures import (
    DecisionFigures,
    decision_figures,
    example_interventions,
    join_sv,
    swedish_sort_key,
)
from reporting.letterhead import letterhead_context
from reporting.models import PROSE_FIELDS, PROSE_LABELS, DecisionDocument
from reporting.prose import ASSOCIATIONS_NOTE, Part, highlighted, prose_blocks
from reporting.review import CARRIED, review_state, unreviewed_sections

PDF_TEMPLATE = "reporting/decision_pdf.html"


def missing_settings(document: DecisionDocument) -> list[str]:
    """The organisation-specific wording a document has no value for, in Swedish."""
    labels = {
        "committee": "nämnd",
        "delegate": "delegat",
        "director_title": "titel för första underskrift",
        "head_title": "titel för andra underskrift",
        "administration": "förvaltning",
    }
    return [label for name, label in labels.items() if not getattr(document, name).strip()]


@dataclass(frozen=True)
class RenderedBlock:
    kind: str  # "p", "ul" or "h"
    parts: list[Part]
    items: list[list[Part]]


@dataclass(frozen=True)
class ProseSection:
    name: str
    label: str
    blocks: list[RenderedBlock]
    review_year: int | None  # set when the preview marks it "Från <year> – granska"


class _Notes:
    """Numbers the footnotes in document order, as WeasyPrint and Word number them."""

    def __init__(self, association_note: str) -> None:
        self.count = 0
        self.association_note = association_note

    def number(self, parts: list[Part]) -> list[Part]:
        numbered = []
        for part in parts:
            if part.kind == "note":
                self.count += 1
                text = part.text
                if text.casefold() == ASSOCIATIONS_NOTE:
                    text = self.association_note
                part = Part("note", text, self.count)
            numbered.append(part)
        return numbered


def _association_note(document: DecisionDocument, figures: DecisionFigures) -> str:
    if document.associations_placement == DecisionDocument.AssociationsPlacement.ATTACHMENT:
        return f"Föreningarna som fått medel {figures.year}, med belopp, finns i bilaga 1."
    # The föreningar after the call, as seed 004's footnote 2: the IOP partners are named
    # apart in the sentence on recipients.
    names = sorted((line.name for line in figures.call_associations), key=swedish_sort_key)
    if not names and figures.partners:
        return (
            f"Inga föreningar utöver dem i idéburet offentligt partnerskap har fått medel "
            f"{figures.year}."
        )
    if not names:
        return f"Inga föreningar har fått medel {figures.year}."
    return f"Följande föreningar har erhållit medel {figures.year}: {join_sv(names)}."


@dataclass(frozen=True)
class Rendering:
    document: DecisionDocument
    figures: DecisionFigures
    draft: bool
    screen: bool = False  # the browser preview: review marks, footnotes inline
    prose: dict[str, ProseSection] | None = None
    recipients_parts: list[Part] | None = None  # the generated sentence on recipients

    @property
    def missing(self) -> list[str]:
        return issue_problems(self.document, self.figures)

    @property
    def has_examples(self) -> bool:
        return bool(self.figures.examples) or bool(self.document.examples_text.strip())

    @property
    def missing_settings(self) -> list[str]:
        return missing_settings(self.document)

    @property
    def letterhead(self) -> dict:
        return letterhead_context(
            self.document.organisation,
            pdf=not self.screen,
            administration=self.document.administration,
            department=self.document.department,
        )

    @property
    def associations_as_attachment(self) -> bool:
        return (
            self.document.associations_placement
            == DecisionDocument.AssociationsPlacement.ATTACHMENT
        )


def _prose_sections(
    document: DecisionDocument, figures: DecisionFigures, *, screen: bool, has_examples: bool
) -> tuple[dict[str, ProseSection], list[Part]]:
    notes = _Notes(_association_note(document, figures))
    marker_used = any(
        f"[^{ASSOCIATIONS_NOTE}]" in getattr(document, name).casefold() for name in PROSE_FIELDS
    )
    sections: dict[str, ProseSection] = {}
    recipients: list[Part] = []
    for name in PROSE_FIELDS:
        if name in ("examples_intro", "examples_text") and not has_examples:
            sections[name] = ProseSection(name, PROSE_LABELS[name], [], None)
            continue
        if name == "reporting_text":
            # The generated sentence on recipients comes first in this part of the section;
            # without a [^föreningar] marker in the prose, the föreningar footnote goes there.
            recipients = _recipients_parts(figures, notes, with_note=not marker_used)
        marked = screen and review_state(document, name) == CARRIED
        blocks = []
        for block in prose_blocks(getattr(document, name)):

            def prepare(parts: list[Part], marked: bool = marked) -> list[Part]:
                parts = notes.number(parts)
                return highlighted(parts) if marked else parts

            if block.kind == "ul":
                blocks.append(RenderedBlock("ul", [], [prepare(p) for p in block.item_parts]))
            else:
                blocks.append(RenderedBlock(block.kind, prepare(block.parts), []))
        sections[name] = ProseSection(
            name, PROSE_LABELS[name], blocks, document.carried_from_year if marked else None
        )
    return sections, recipients


def _recipients_parts(figures: DecisionFigures, notes: _Notes, *, with_note: bool) -> list[Part]:
    """ "13 stadsdelsförvaltningar, fyra fackförvaltningar och 16 föreningar inom
    civilsamhället[2] samt till X och Y inom idéburna offentliga partnerskap (IOP)" """
    phrases = figures.recipient_phrases
    partners = figures.partners_phrase
    if not phrases and not partners:
        return []
    parts: list[Part] = []
    text = ""
    for index, (phrase, kind) in enumerate(phrases):
        if index:
            text += " och " if index == len(phrases) - 1 else ", "
        text += phrase
        if with_note and kind == "association":
            parts.append(Part("text", text))
            parts += notes.number([Part("note", ASSOCIATIONS_NOTE)])
            text = ""
    if partners:
        text += f" samt till {partners}" if phrases else partners
    if text:
        parts.append(Part("text", text))
    return parts


def decision_document_rendering(
    document: DecisionDocument,
    agreement: Agreement,
    *,
    draft: bool | None = None,
    screen: bool = False,
) -> Rendering:
    figures = decision_figures(
        agreement, example_interventions(document), administration=document.administration
    )
    has_examples = bool(figures.examples) or bool(document.examples_text.strip())
    prose, recipients = _prose_sections(document, figures, screen=screen, has_examples=has_examples)
    return Rendering(
        document=document,
        figures=figures,
        draft=document.is_draft if draft is None else draft,
        screen=screen,
        prose=prose,
        recipients_parts=recipients,
    )


def decision_document_html(rendering: Rendering) -> str:
    return render_to_string(PDF_TEMPLATE, {"r": rendering, "document": rendering.document})


def issue_problems(document: DecisionDocument, figures: DecisionFigures) -> list[str]:
    """What has to be filled in before the document can be issued, in Swedish."""
    problems = []
    required = {
        "registry_number": "diarienummer",
        "document_date": "datum",
        "meeting_date": "sammanträdesdatum",
        "case_officer_name": "handläggare",
        "director_name": "förvaltningschefens namn",
    }
    for name, label in required.items():
        if not getattr(document, name):
            problems.append(f"Ange {label}.")
    for label in missing_settings(document):
        problems.append(f"Ange {label}.")
    for name in unreviewed_sections(document):
        problems.append(
            f"Avsnittet ”{PROSE_LABELS[name]}” är hämtat från {document.carried_from_year} "
            "och inte granskat: bekräfta det eller skriv om det."
        )
    if figures.next_agreement is None:
        problems.append(
            f"Överenskommelsen för {figures.next_year} är inte registrerad: beslutet om "
            "delegation behöver dess belopp."
        )
    if document.pk is None:
        problems.append("Spara utkastet först.")
    return problems
