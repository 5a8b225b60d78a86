"""Models of calls for applications (utlysningar): calls, applications, reviews, decisions.

A call reserves part of a priority area's money, associations apply, reviewers declare jäv
and score, and a decision turns grants into allocations through funds' own workflow.

Money is `DecimalField(max_digits=14, decimal_places=2)` as in funds; nothing an allocation
or a decision points at can be deleted (PROTECT).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.fields import BoundedTextField
from funds.legal_dates import appeal_last_day
from funds.models import (
    Agreement,
    AppendOnly,
    PriorityArea,
    Recipient,
    SurveyCategory,
    money_field,
    non_negative,
)

# Bounds on what one applicant can make the server store and scan.
MAX_TEXT = 5000
MAX_BUDGET_ROWS = 20
MAX_QUESTIONS = 10
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


class ApplicantKind(models.TextChoices):
    """The kinds of organisations a call can be open to."""

    NON_PROFIT = "ideell_forening", _("Ideell förening")
    FOUNDATION = "stiftelse", _("Stiftelse")
    COOPERATIVE = "ekonomisk_forening", _("Ekonomisk förening")
    FAITH = "trossamfund", _("Registrerat trossamfund")
    OTHER = "annan", _("Annan idéburen organisation")


class Call(models.Model):
    """A call for applications for part of one priority area's money in one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        OPEN = "open", _("Publicerad")
        CLOSED = "closed", _("Stängd")
        DECIDED = "decided", _("Beslutad")

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="calls", verbose_name=_("överenskommelse")
    )
    priority_area = models.ForeignKey(
        PriorityArea, models.PROTECT, related_name="calls", verbose_name=_("prioriterat område")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    purpose = BoundedTextField(_("syfte"), max_length=MAX_TEXT)
    eligibility = BoundedTextField(
        _("vem kan söka"),
        max_length=MAX_TEXT,
        blank=True,
        help_text=_("Villkor utöver organisationstyp, t.ex. verksamhet i kommunen."),
    )
    eligible_kinds = models.JSONField(_("organisationstyper som kan söka"), default=list)
    amount = money_field(_("belopp att fördela"))
    opens_at = models.DateTimeField(_("öppnar"))
    closes_at = models.DateTimeField(_("sista ansökningstid"))
    questions = models.JSONField(
        _("egna frågor"), default=list, blank=True, help_text=_("En fråga per rad.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    registry_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    # Whom applicants ask about the call: shown on the public list and the call's page.
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("utlysning")
        verbose_name_plural = _("utlysningar")
        ordering = ["-closes_at", "pk"]
        constraints = [
            non_negative("amount", "call"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_applications(self, now=None) -> bool:
        """Open, published and before the deadline: the one check every change relies on."""
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() >= self.closes_at

    @property
    def reserves_money(self) -> bool:
        """Until the decision the whole amount is held back from the area's unallocated
        money; after it, the allocations hold what was granted."""
        return self.status != self.Status.DECIDED

    def eligible_kind_labels(self) -> list[str]:
        labels = dict(ApplicantKind.choices)
        return [str(labels[kind]) for kind in self.eligible_kinds if kind in labels]

    def public_state(self) -> str:
        now = timezone.now()
        if self.status == self.Status.DECIDED:
            return "Beslutad"
        if self.status == self.Status.OPEN and now < self.opens_at:
            return "Öppnar snart"
        if self.accepts_applications(now):
            return "Öppen för ansökningar"
        if self.status == self.Status.DRAFT:
            return "Utkast"
        return "Stängd för ansökningar"


class Criterion(models.Model):
    """One assessment criterion of a call, with its weight in the weighted score."""

    call = models.ForeignKey(
        Call, models.CASCADE, related_name="criteria", verbose_name=_("utlysning")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    name = models.CharField(_("kriterium"), max_length=200)
    description = BoundedTextField(_("beskrivning"), max_length=MAX_TEXT, blank=True)
    weight = models.PositiveSmallIntegerField(_("vikt"), default=1)

    class Meta:
        verbose_name = _("bedömningskriterium")
        verbose_name_plural = _("bedömningskriterier")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicantProfile(models.Model):
    """An association's contact person: a local account with a verified e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="applicant_profile"
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    verified_at = models.DateTimeField(_("e-post bekräftad"), null=True, blank=True)

    class Meta:
        verbose_name = _("sökandekonto")
        verbose_name_plural = _("sökandekonton")

    def __str__(self) -> str:
        return self.user.email


class ApplicationQuerySet(models.QuerySet):
    def submitted(self) -> ApplicationQuerySet:
        return self.exclude(status=Application.Status.DRAFT)


class Application(models.Model):
    """One association's application to one call: a draft until submitted, then frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        GRANTED = "granted", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")

    call = models.ForeignKey(
        Call, models.PROTECT, related_name="applications", verbose_name=_("utlysning")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="applications",
        verbose_name=_("sökande"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    organisation_name = models.CharField(_("organisationens namn"), max_length=200, blank=True)
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    organisation_kind = models.CharField(
        _("organisationstyp"), max_length=30, choices=ApplicantKind.choices, blank=True
    )
    # Personal data: never in public exports.
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)

    project_title = models.CharField(_("projektets namn"), max_length=200, blank=True)
    description = BoundedTextField(_("beskrivning"), max_length=MAX_TEXT, blank=True)
    expected_results = BoundedTextField(_("förväntade resultat"), max_length=MAX_TEXT, blank=True)
    answers = models.JSONField(_("svar på egna frågor"), default=list, blank=True)
    target_groups = models.ManyToManyField(
        SurveyCategory, blank=True, related_name="+", verbose_name=_("målgrupper")
    )
    amount_requested = money_field(_("sökt belopp"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    recipient = models.ForeignKey(
        Recipient,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("mottagare"),
    )
    # The coordinator's proposal and then the decision, both to the öre.
    proposed_amount = money_field(_("föreslaget belopp"), null=True, blank=True)
    granted_amount = money_field(_("beviljat belopp"), null=True, blank=True)
    decision_reason = BoundedTextField(_("motivering"), max_length=MAX_TEXT, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        ordering = ["call", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant"], name="application_one_per_call"),
            non_negative("amount_requested", "application"),
            non_negative("proposed_amount", "application"),
            non_negative("granted_amount", "application"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name or f"Ansökan {self.pk}"

    @property
    def receipt_number(self) -> str:
        return f"{self.call_id}-{self.pk:04d}"

    @property
    def audit_source(self) -> str:
        """What the allocation's audit row names as the cause of a grant."""
        return f"calls.application:{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT and self.call.accepts_applications()

    @property
    def budget_total(self) -> Decimal:
        return sum((row.amount for row in self.budget_rows.all()), Decimal("0.00"))


class BudgetRow(models.Model):
    application = models.ForeignKey(
        Application, models.CASCADE, related_name="budget_rows", verbose_name=_("ansökan")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    item = models.CharField(_("kostnad"), max_length=200)
    amount = money_field(_("belopp"))

    class Meta:
        verbose_name = _("budgetrad")
        verbose_name_plural = _("budgetrader")
        ordering = ["application", "position", "pk"]
        constraints = [non_negative("amount", "budgetrow")]

    def __str__(self) -> str:
        return self.item


class Attachment(models.Model):
    """A PDF attached to an application, stored in the database and served only after the
    same access check as the application itself."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="attachments", verbose_name=_("ansökan")
    )
    name = models.CharField(_("filnamn"), max_length=200)
    content = models.BinaryField(_("innehåll"))
    size = models.PositiveIntegerField(_("storlek"))
    sha256 = models.CharField(_("kontrollsumma"), max_length=64)
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.name


class ReviewerAssignment(models.Model):
    call = models.ForeignKey(
        Call, models.CASCADE, related_name="assignments", verbose_name=_("utlysning")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("bedömare"),
    )
    assigned_at = models.DateTimeField(_("tilldelad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bedömare")
        verbose_name_plural = _("bedömare")
        constraints = [
            models.UniqueConstraint(fields=["call", "reviewer"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.call}"


class ConflictDeclaration(models.Model):
    """A reviewer's declaration of jäv for one application, made before seeing it in full and
    never changed afterwards: the record of who was allowed to judge what."""

    assignment = models.ForeignKey(ReviewerAssignment, models.PROTECT, related_name="declarations")
    application = models.ForeignKey(
        Application, models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("jäv"))
    explanation = BoundedTextField(_("förklaring"), max_length=MAX_TEXT, blank=True)
    declared_at = models.DateTimeField(_("anmäld"), auto_now_add=True)

    class Meta:
        verbose_name = _("jävsdeklaration")
        verbose_name_plural = _("jävsdeklarationer")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "application"], name="declaration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.application} ({'jäv' if self.has_conflict else 'ej jäv'})"


class Review(models.Model):
    """One reviewer's assessment of one application; frozen once submitted."""

    assignment = models.ForeignKey(ReviewerAssignment, models.PROTECT, related_name="reviews")
    application = models.ForeignKey(Application, models.PROTECT, related_name="reviews")
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "application"], name="review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.application}"


class Score(models.Model):
    review = models.ForeignKey(Review, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("poäng"))
    justification = BoundedTextField(_("motivering"), max_length=MAX_TEXT)

    class Meta:
        verbose_name = _("poäng")
        verbose_name_plural = _("poäng")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class CallDecision(models.Model):
    """The decision on a call: who decided, when, and when it was announced (the appeal's
    three weeks count from the announcement on the anslagstavla)."""

    call = models.OneToOneField(Call, models.PROTECT, related_name="decision")
    registry_number = models.CharField(_("diarienummer"), max_length=50)
    decided_on = models.DateField(_("beslutsdatum"))
    announced_on = models.DateField(_("anslaget på anslagstavlan"))
    decided_by = models.CharField(_("beslutat av"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("beslut om utlysning")
        verbose_name_plural = _("beslut om utlysningar")

    def __str__(self) -> str:
        return f"{self.call} ({self.registry_number})"

    @property
    def appeal_last_day(self):
        """The last day of appeal, moved off weekends and holidays (lag 1930:173)."""
        return appeal_last_day(self.announced_on)


class DecisionLetter(models.Model):
    """The letter as sent, byte for byte: what the applicant received is kept."""

    application = models.OneToOneField(Application, models.PROTECT, related_name="letter")
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("kontrollsumma"), max_length=64)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_to = models.CharField(_("skickat till"), max_length=254, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("beslutsbrev")
        verbose_name_plural = _("beslutsbrev")

    def __str__(self) -> str:
        return f"Beslutsbrev: {self.application}"


class AccountLink(AppendOnly):
    """A coordinator's decision that an applicant's account speaks for an existing recipient
    (after checking it outside the system): the account becomes the recipient's reporter.
    A matching organisationsnummer alone never does this. Never edited or deleted."""

    application = models.ForeignKey(
        Application, models.PROTECT, related_name="account_links", verbose_name=_("ansökan")
    )
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="account_links", verbose_name=_("mottagare")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("konto")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("kopplat av")
    )
    linked_at = models.DateTimeField(_("kopplat"), auto_now_add=True)

    class Meta:
        verbose_name = _("koppling av konto till mottagare")
        verbose_name_plural = _("kopplingar av konton till mottagare")
        ordering = ["-linked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account} → {self.recipient}"
