"""Workflows of the tjänsteutlåtande: start, save, render, issue and start a new version.

The same template renders the browser preview and the PDF; the figures are read from the
database at that moment (reporting/figures.py). Issuing renders the PDF once more, stores
its bytes with their SHA-256 and freezes the version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from funds.models import Agreement, Intervention
from reporting.figures import (
    DecisionFigures,
    decision_figures,
    example_interventions,
    join_sv,
    swedish_sort_key,
)
from reporting.letterhead import letterhead_context, logo_resources
from reporting.models import (
    CARRIED_META_FIELDS,
    PROSE_FIELDS,
    PROSE_LABELS,
    DecisionDocument,
    IssuedDocument,
)
from reporting.pdf import ACCESSIBLE, ARCHIVAL, render_pdf
from reporting.prose import ASSOCIATIONS_NOTE, Part, highlighted, prose_blocks
from reporting.review import (
    CARRIED,
    review_carry,
    review_state,
    review_update,
    unreviewed_sections,
)

PDF_TEMPLATE = "reporting/decision_pdf.html"

# The name of the national programme: the same for every organisation; editable per document.
DEFAULTS = {"programme": "Uppdrag Psykisk Hälsa"}
# A first document takes these from the organisation's settings (its administrator sets
# them on the settings page); what is unset stays empty and the editor says so.
ORGANISATION_SETTINGS = {
    "committee": "committee",
    "delegate": "delegate",
    "director_title": "signatory_title",
    "head_title": "second_signatory_title",
    "administration": "administration",
    "address": "address",
}


class DocumentConflict(Exception):
    """Someone saved or issued the document after the caller read it; nothing was changed."""


def decision_document_versions(agreement: Agreement):
    return DecisionDocument.objects.filter(
        organisation_id=agreement.organisation_id, year=agreement.year
    )


def decision_document_current(agreement: Agreement) -> DecisionDocument:
    """The latest version for the agreement's year, or an unsaved draft to start from."""
    document = decision_document_versions(agreement).order_by("-version").first()
    if document is None:
        return decision_document_start(agreement)
    document.organisation = agreement.organisation
    return document


def decision_document_start(agreement: Agreement) -> DecisionDocument:
    """A new, unsaved first draft pre-filled from last year's latest version.

    The prose and the header fields that rarely change carry over; dates and the Dnr do
    not (the Dnr comes from the year's agreement), nor do the examples, which belong to
    last year's interventions.
    """
    organisation = agreement.organisation
    document = DecisionDocument(
        organisation=organisation,
        year=agreement.year,
        version=1,
        registry_number=agreement.registry_number,
        **DEFAULTS,
        **{name: getattr(organisation, setting) for name, setting in ORGANISATION_SETTINGS.items()},
    )
    previous = (
        DecisionDocument.objects.filter(organisation=organisation, year=agreement.year - 1)
        .order_by("-version")
        .first()
    )
    if previous is not None:
        for name in CARRIED_META_FIELDS:
            setattr(document, name, getattr(previous, name))
        document.associations_placement = previous.associations_placement
        # The prose carries over marked for review: it was written for last year.
        review_carry(document, previous)
    return document


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


def decision_document_save(
    *,
    document: DecisionDocument,
    values: dict,
    examples: list[Intervention],
    expected_revision: int,
    user,
    confirmed: set[str] | None = None,
) -> DecisionDocument:
    """Save the form's values on a draft (creating it on the first save).

    Raises DocumentConflict when the stored revision is not the one the form was built
    from, or when the draft was issued meanwhile; nothing is written then.
    """
    with transaction.atomic():
        if document.pk is None:
            if expected_revision != 0:
                raise DocumentConflict()
            saved = document
        else:
            # The row lock makes the check and the write one step (two officials saving at
            # once: the second waits, then sees the new revision and is refused).
            saved = DecisionDocument.objects.select_for_update().get(pk=document.pk)
            if saved.status != DecisionDocument.Status.DRAFT or saved.revision != (
                expected_revision
            ):
                raise DocumentConflict()
            saved.revision += 1
        for name, value in values.items():
            setattr(saved, name, value)
        review_update(saved, confirmed or set())
        saved.updated_by = user
        try:
            # A savepoint, so a lost race for the first save leaves the transaction usable.
            with transaction.atomic():
                saved.save()
        except IntegrityError:
            # Another official created this year's draft at the same moment.
            raise DocumentConflict() from None
        saved.example_interventions.set(examples)
    return saved


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
    names = sorted((line.name for line in figures.associations), key=swedish_sort_key)
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
    if not figures.shares:
        return []
    phrases = [share.phrase for share in figures.shares]
    kinds = [share.kind for share in figures.shares]
    parts: list[Part] = []
    text = ""
    for index, phrase in enumerate(phrases):
        if index:
            text += " och " if index == len(phrases) - 1 else ", "
        text += phrase
        if with_note and kinds[index] == "association":
            parts.append(Part("text", text))
            parts += notes.number([Part("note", ASSOCIATIONS_NOTE)])
            text = ""
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
    figures = decision_figures(agreement, example_interventions(document))
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


def decision_document_pdf(
    document: DecisionDocument, agreement: Agreement, *, archival: bool = False
) -> bytes:
    """Render the document as it reads now (a draft is marked UTKAST on every page)."""
    html = decision_document_html(decision_document_rendering(document, agreement))
    return render_pdf(
        html,
        variant=ARCHIVAL if archival else ACCESSIBLE,
        resources=logo_resources(document.organisation),
    )


def decision_document_docx(document: DecisionDocument, agreement: Agreement) -> bytes:
    """The same document as a Word file (reporting/word.py), UTKAST on every page of a draft."""
    from reporting.word import rendering_docx

    return rendering_docx(decision_document_rendering(document, agreement))


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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decision_document_issue(
    *, document: DecisionDocument, agreement: Agreement, expected_revision: int, user
) -> IssuedDocument:
    """Issue (utfärda) a draft: store the PDF bytes exactly as rendered now, and freeze it.

    Raises ValidationError (Swedish) when something required is missing, and
    DocumentConflict when the draft changed or was issued after the caller read it.
    """
    with transaction.atomic():
        try:
            locked = DecisionDocument.objects.select_for_update().get(pk=document.pk)
        except DecisionDocument.DoesNotExist:
            raise DocumentConflict() from None
        if locked.status != DecisionDocument.Status.DRAFT or locked.revision != expected_revision:
            raise DocumentConflict()
        locked.organisation = agreement.organisation
        rendering = decision_document_rendering(locked, agreement, draft=False)
        problems = rendering.missing
        if problems:
            raise ValidationError(problems, code="incomplete")
        html = decision_document_html(rendering)
        resources = logo_resources(agreement.organisation)
        pdf = render_pdf(html, variant=ACCESSIBLE, resources=resources)
        archival_pdf = render_pdf(html, variant=ARCHIVAL, resources=resources)
        from reporting.word import rendering_docx

        docx = rendering_docx(rendering)
        issued = IssuedDocument.objects.create(
            document=locked,
            registry_number=locked.registry_number,
            pdf=pdf,
            pdf_sha256=sha256(pdf),
            archival_pdf=archival_pdf,
            archival_pdf_sha256=sha256(archival_pdf),
            docx=docx,
            docx_sha256=sha256(docx),
            issued_at=timezone.now(),
            issued_by=user,
        )
        # An update, not save(): save() refuses to touch an issued document.
        DecisionDocument.objects.filter(pk=locked.pk).update(
            status=DecisionDocument.Status.ISSUED, updated_by=user, updated_at=timezone.now()
        )
    return issued


def decision_document_new_version(*, agreement: Agreement, user) -> DecisionDocument:
    """Start the next version as a draft copy of the latest issued one (prose, header,
    examples). Raises DocumentConflict when the latest version is still a draft."""
    with transaction.atomic():
        latest = (
            decision_document_versions(agreement).select_for_update().order_by("-version").first()
        )
        if latest is None or latest.is_draft:
            raise DocumentConflict()
        copy = DecisionDocument(
            organisation=agreement.organisation,
            year=agreement.year,
            version=latest.version + 1,
            registry_number=latest.registry_number,
            document_date=latest.document_date,
            meeting_date=latest.meeting_date,
            updated_by=user,
        )
        for name in PROSE_FIELDS + CARRIED_META_FIELDS:
            setattr(copy, name, getattr(latest, name))
        copy.associations_placement = latest.associations_placement
        copy.carried_from_year = latest.carried_from_year
        copy.section_review = latest.section_review
        try:
            with transaction.atomic():
                copy.save()
        except IntegrityError:
            raise DocumentConflict() from None  # someone else started it at the same time
        copy.example_interventions.set(latest.example_interventions.all())
    return copy


def issued_version(agreement: Agreement, version: int) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.select_related("document", "issued_by")
        .filter(
            document__organisation_id=agreement.organisation_id,
            document__year=agreement.year,
            document__version=version,
        )
        .first()
    )


def issued_versions(agreement: Agreement) -> list[IssuedDocument]:
    """Every issued version of the year, newest first, without loading the PDF bytes."""
    return list(
        IssuedDocument.objects.select_related("document", "issued_by")
        .defer("pdf", "archival_pdf", "docx")
        .filter(document__organisation_id=agreement.organisation_id, document__year=agreement.year)
        .order_by("-document__version")
    )
