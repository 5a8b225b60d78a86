"""The tjänsteutlåtande: prose and header fields per organisation, year and version.

A `DecisionDocument` holds only what officials write (prose, names, dates, the Dnr) and
which interventions serve as examples; every figure is read from the funds app when the
document is rendered. Issuing freezes a version: its exact PDF bytes are stored in an
`IssuedDocument`, and neither row can change or be deleted afterwards. Changes after that
go into a new version, which starts as a copy of the issued one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.fields import BoundedTextField
from funds.models import Intervention, Organisation


class DocumentIsIssued(Exception):
    """An issued document (or its stored PDF) was about to be changed or deleted."""


# The prose sections in the order the document shows them; each is plain text where a
# blank line separates paragraphs and lines starting with "- " are bullet points.
PROSE_FIELDS = (
    "summary",
    "background",
    "matter",
    "reporting_intro",
    "reporting_text",
    "examples_intro",
    "examples_text",
    "next_agreement_text",
    "equality",
    "child_rights",
    "preparation",
    "opinion",
)
# What the editor, the review marks and the refusals call each prose section.
PROSE_LABELS = {
    "summary": "Sammanfattning",
    "background": "Bakgrund",
    "matter": "Ärendet",
    "reporting_intro": "Rapportering av medel: inledning",
    "reporting_text": "Rapportering av medel: om fördelningen",
    "examples_intro": "Rapportering av medel: inledning till exemplen",
    "examples_text": "Rapportering av medel: exempel per område",
    "next_agreement_text": "Nästa års överenskommelse",
    "equality": "Jämställdhets- och jämlikhetsperspektiv",
    "child_rights": "Barnrättsperspektiv",
    "preparation": "Ärendets beredning",
    "opinion": "Förvaltningens synpunkter och förslag",
}
# Header fields that carry over from last year's document to this year's first draft.
CARRIED_META_FIELDS = (
    "programme",
    "committee",
    "delegate",
    "administration",
    "department",
    "address",
    "case_officer_name",
    "case_officer_phone",
    "director_name",
    "director_title",
    "head_name",
    "head_title",
)


# One section of the tjänsteutlåtande: seed 004's longest is about 4 000 characters.
PROSE_MAX_LENGTH = 20000


def prose_field(verbose_name: str, help_text: str = "") -> models.TextField:
    return BoundedTextField(
        verbose_name, max_length=PROSE_MAX_LENGTH, blank=True, help_text=help_text
    )


class DecisionDocument(models.Model):
    """One version of the tjänsteutlåtande that reports `year` and delegates `year + 1`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ISSUED = "issued", _("Utfärdad")

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="decision_documents",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(
        _("rapporteringsår"), help_text=_("Året som rapporteras; året efter delegeras.")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Incremented on every save: a form that names an older revision would lose an update.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    # Names and titles used in the generated sentences.
    programme = models.CharField(_("satsningens namn"), max_length=200)
    committee = models.CharField(_("nämnd"), max_length=200)
    delegate = models.CharField(
        _("delegat"), max_length=200, help_text=_("I bestämd form, t.ex. socialdirektören.")
    )
    # The page header and the first page.
    administration = models.CharField(_("förvaltning"), max_length=200)
    department = models.CharField(_("avdelning"), max_length=200, blank=True)
    address = BoundedTextField(_("adress i sidfoten"), max_length=500, blank=True)
    registry_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    document_date = models.DateField(_("datum"), null=True, blank=True)
    meeting_date = models.DateField(_("sammanträdesdatum"), null=True, blank=True)
    case_officer_name = models.CharField(_("handläggare"), max_length=200, blank=True)
    case_officer_phone = models.CharField(_("handläggarens telefon"), max_length=50, blank=True)
    # Signatures.
    director_name = models.CharField(_("förvaltningschefens namn"), max_length=200, blank=True)
    director_title = models.CharField(_("förvaltningschefens titel"), max_length=200)
    head_name = models.CharField(_("avdelningschefens namn"), max_length=200, blank=True)
    head_title = models.CharField(_("avdelningschefens titel"), max_length=200)

    summary = prose_field(_("sammanfattning"))
    background = prose_field(_("bakgrund"))
    matter = prose_field(_("ärendet"))
    reporting_intro = prose_field(
        _("rapportering: inledning"), _("Före listan över de prioriterade områdena.")
    )
    reporting_text = prose_field(
        _("rapportering: fördelningen"),
        _("Efter fördelningen per mottagartyp, före uppgiften om återbetalda medel."),
    )
    examples_intro = prose_field(
        _("rapportering: exempel"), _("Före exemplen på insatser per prioriterat område.")
    )
    examples_text = prose_field(
        _("rapportering: exempel per område"),
        _("Exemplen i löptext; en rad som börjar med ”### ” blir en underrubrik."),
    )
    next_agreement_text = prose_field(
        _("nästa års överenskommelse"), _("Före listan över nästa års prioriterade områden.")
    )
    equality = prose_field(_("jämställdhets- och jämlikhetsperspektiv"))
    child_rights = prose_field(_("barnrättsperspektiv"))
    preparation = prose_field(_("ärendets beredning"))
    opinion = prose_field(_("förvaltningens synpunkter och förslag"))

    # Review of prose carried over from last year's document: {field: {"state": ...,
    # "digest": sha256 of the carried text}}. A carried section blocks issuing until it is
    # confirmed or rewritten (reporting/review.py).
    carried_from_year = models.PositiveSmallIntegerField(
        _("texterna hämtade från år"), null=True, blank=True
    )
    section_review = models.JSONField(_("granskning av hämtade texter"), default=dict, blank=True)

    class AssociationsPlacement(models.TextChoices):
        FOOTNOTE = "footnote", _("Som fotnot")
        ATTACHMENT = "attachment", _("Som bilaga med belopp")

    associations_placement = models.CharField(
        _("föreningarna som fått medel"),
        max_length=20,
        choices=AssociationsPlacement.choices,
        default=AssociationsPlacement.ATTACHMENT,
    )

    example_interventions = models.ManyToManyField(
        Intervention, blank=True, related_name="+", verbose_name=_("exempel på insatser")
    )

    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )

    class Meta:
        verbose_name = _("tjänsteutlåtande")
        verbose_name_plural = _("tjänsteutlåtanden")
        ordering = ["organisation", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="decisiondocument_unique_version"
            ),
            # Officials work on one draft per year at a time.
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(status="draft"),
                name="decisiondocument_one_draft_per_year",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="decisiondocument_version"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="decisiondocument_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Tjänsteutlåtande {self.organisation} {self.year}, version {self.version}"

    def save(self, *args, **kwargs) -> None:
        # Checked against the database, not the instance: a stale copy must not overwrite an
        # issued version either. Issuing itself flips the status with a queryset update.
        if (
            self.pk is not None
            and DecisionDocument.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists()
        ):
            raise DocumentIsIssued("An issued document cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.ISSUED or (
            self.pk is not None
            and DecisionDocument.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists()
        ):
            raise DocumentIsIssued("An issued document cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def next_year(self) -> int:
        return self.year + 1

    @property
    def title(self) -> str:
        return f"{self.programme} – Rapportering {self.year} samt delegation för {self.next_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class IssuedDocument(models.Model):
    """The exact bytes the nämnd was sent, kept byte for byte (allmän handling).

    Two renderings are stored at the moment of issue: the accessible PDF (PDF/UA-1) that is
    sent and downloaded, and the archival PDF (PDF/A-3b, also tagged) for the registry.
    Regenerating later would use later data, so neither is ever rendered again.
    """

    document = models.OneToOneField(
        DecisionDocument, models.PROTECT, related_name="issued", verbose_name=_("dokument")
    )
    registry_number = models.CharField(_("diarienummer"), max_length=50)
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 för PDF"), max_length=64)
    archival_pdf = models.BinaryField(_("arkiv-PDF (PDF/A)"))
    archival_pdf_sha256 = models.CharField(_("SHA-256 för arkiv-PDF"), max_length=64)
    # The Word file rendered at the same moment; empty for versions issued before it existed.
    docx = models.BinaryField(_("Word-fil"), default=b"", blank=True)
    docx_sha256 = models.CharField(_("SHA-256 för Word-fil"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("utfärdad"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("utfärdad av"),
    )

    class Meta:
        verbose_name = _("utfärdat tjänsteutlåtande")
        verbose_name_plural = _("utfärdade tjänsteutlåtanden")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pdf_sha256__regex=r"^[0-9a-f]{64}$")
                & Q(archival_pdf_sha256__regex=r"^[0-9a-f]{64}$"),
                name="issueddocument_sha256_hex",
            ),
            models.CheckConstraint(
                condition=Q(docx_sha256="") | Q(docx_sha256__regex=r"^[0-9a-f]{64}$"),
                name="issueddocument_docx_sha256_hex",
            ),
            models.CheckConstraint(
                condition=~Q(registry_number=""), name="issueddocument_has_registry_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} (Dnr {self.registry_number})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise DocumentIsIssued("An issued document is stored once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentIsIssued("An issued document is never deleted.")
