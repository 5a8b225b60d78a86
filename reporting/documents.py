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
from reporting.figures import DecisionFigures, decision_figures, example_interventions
from reporting.models import (
    CARRIED_META_FIELDS,
    PROSE_FIELDS,
    DecisionDocument,
    IssuedDocument,
)
from reporting.pdf import ACCESSIBLE, ARCHIVAL, render_pdf

PDF_TEMPLATE = "reporting/decision_pdf.html"

# Defaults for a first document when there is no earlier year to copy from.
DEFAULTS = {
    "programme": "Uppdrag Psykisk Hälsa",
    "committee": "Socialnämnden",
    "delegate": "socialdirektören",
    "director_title": "Socialdirektör",
    "head_title": "Avdelningschef",
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
        administration=organisation.administration,
        address=organisation.address,
        registry_number=agreement.registry_number,
        **DEFAULTS,
    )
    previous = (
        DecisionDocument.objects.filter(organisation=organisation, year=agreement.year - 1)
        .order_by("-version")
        .first()
    )
    if previous is not None:
        for name in PROSE_FIELDS + CARRIED_META_FIELDS:
            setattr(document, name, getattr(previous, name))
    return document


def decision_document_save(
    *,
    document: DecisionDocument,
    values: dict,
    examples: list[Intervention],
    expected_revision: int,
    user,
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
class Rendering:
    document: DecisionDocument
    figures: DecisionFigures
    draft: bool

    @property
    def missing(self) -> list[str]:
        return issue_problems(self.document, self.figures)


def decision_document_rendering(
    document: DecisionDocument, agreement: Agreement, *, draft: bool | None = None
) -> Rendering:
    figures = decision_figures(agreement, example_interventions(document))
    return Rendering(
        document=document, figures=figures, draft=document.is_draft if draft is None else draft
    )


def decision_document_html(rendering: Rendering) -> str:
    return render_to_string(PDF_TEMPLATE, {"r": rendering, "document": rendering.document})


def decision_document_pdf(
    document: DecisionDocument, agreement: Agreement, *, archival: bool = False
) -> bytes:
    """Render the document as it reads now (a draft is marked UTKAST on every page)."""
    html = decision_document_html(decision_document_rendering(document, agreement))
    return render_pdf(html, variant=ARCHIVAL if archival else ACCESSIBLE)


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
        pdf = render_pdf(html, variant=ACCESSIBLE)
        archival_pdf = render_pdf(html, variant=ARCHIVAL)
        issued = IssuedDocument.objects.create(
            document=locked,
            registry_number=locked.registry_number,
            pdf=pdf,
            pdf_sha256=sha256(pdf),
            archival_pdf=archival_pdf,
            archival_pdf_sha256=sha256(archival_pdf),
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
        .defer("pdf", "archival_pdf")
        .filter(document__organisation_id=agreement.organisation_id, document__year=agreement.year)
        .order_by("-document__version")
    )
