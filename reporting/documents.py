"""Workflows of the tjänsteutlåtande: start, save, render, issue and start a new version.

The document's content (reporting/rendering.py) is read from the database at that moment;
the PDF (reporting/pdf.py) and the Word file (reporting/word.py) are both rendered from it.
Issuing renders the PDF once more, stores its bytes with their SHA-256 and freezes the
version.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from funds.models import Agreement, Intervention
from reporting.letterhead import logo_resources
from reporting.models import CARRIED_META_FIELDS, PROSE_FIELDS, DecisionDocument, IssuedDocument
from reporting.pdf import ACCESSIBLE, ARCHIVAL, render_pdf
from reporting.rendering import decision_document_html, decision_document_rendering
from reporting.review import review_carry, review_update

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


def rendering_docx(rendering) -> bytes:
    """reporting.word's Word file of `rendering`: python-docx loads with the first Word file,
    not when the app starts."""
    from reporting import word

    return word.rendering_docx(rendering)


def decision_document_docx(document: DecisionDocument, agreement: Agreement) -> bytes:
    """The same document as a Word file (reporting/word.py), UTKAST on every page of a draft."""
    return rendering_docx(decision_document_rendering(document, agreement))


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
