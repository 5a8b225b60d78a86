"""The funds domain: who receives the state's money, how it is split, spent and repaid.

Money is `DecimalField(max_digits=14, decimal_places=2)` everywhere (kronor with öre); the
database refuses negative amounts and duplicates even when forms are bypassed, and nothing
that money points at can be deleted while the money exists (PROTECT).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.fields import BoundedTextField
from funds.identifiers import (
    normalise_organisation_number,
    validate_county_code,
    validate_municipality_code,
)

ZERO = Decimal("0.00")


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def non_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}), name=f"{model}_{field}_non_negative"
    )


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganisationQuerySet:
        """The organisations a user may see: superusers all, others through memberships."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    """A huvudman: a kommun, a region or a county-wide partnership."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("Kommun")
        REGION = "region", _("Region")
        COUNTY_PARTNERSHIP = "lansgemensam", _("Länsgemensam")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    # The key in URLs: kommunkod for a kommun, länskod for a region, "L" + länskod for a
    # county-wide partnership.
    code = models.CharField(
        _("kod"),
        max_length=4,
        unique=True,
        help_text=_(
            "Kommunkod (fyra siffror), länskod för en region, L + länskod för länsgemensamt."
        ),
    )
    organisation_number = models.CharField(
        _("organisationsnummer"), max_length=11, blank=True, help_text=_("NNNNNN-NNNN")
    )
    administration = models.CharField(
        _("förvaltning"), max_length=200, blank=True, help_text=_("T.ex. Socialförvaltningen")
    )
    address = BoundedTextField(_("postadress"), max_length=500, blank=True)

    # What the organisation's documents and letters say of it: set once by its
    # administrator, never taken from another organisation's wording.
    committee = models.CharField(
        _("nämnd"),
        max_length=200,
        blank=True,
        help_text=_("Den nämnd som beslutar, t.ex. Socialnämnden eller Kommunstyrelsen."),
    )
    delegate = models.CharField(
        _("delegat"),
        max_length=200,
        blank=True,
        help_text=_(
            "Den som fördelar medlen på delegation, i bestämd form, t.ex. socialdirektören."
        ),
    )
    signatory_title = models.CharField(
        _("titel för första underskrift"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Socialdirektör"),
    )
    second_signatory_title = models.CharField(
        _("titel för andra underskrift"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Avdelningschef"),
    )
    # The letterhead's logo lives in the database, so any number of app servers serve it.
    logo = models.BinaryField(_("logotyp"), blank=True, null=True, editable=False)
    logo_content_type = models.CharField(_("logotypens filtyp"), max_length=50, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def decided_by_default(self) -> str:
        """Who decides on delegation, in this organisation's own words (empty if not set):
        "Socialdirektören genom delegation från socialnämnden" from its delegate and committee."""
        delegate, committee = self.delegate.strip(), self.committee.strip()
        who = f"{delegate[:1].upper()}{delegate[1:]}"
        if delegate and committee:
            return f"{who} genom delegation från {committee[:1].lower()}{committee[1:]}"
        return who if delegate else committee

    def clean(self) -> None:
        errors = {}
        try:
            if self.kind == self.Kind.MUNICIPALITY:
                validate_municipality_code(self.code)
            elif self.kind == self.Kind.REGION:
                validate_county_code(self.code)
            elif self.kind == self.Kind.COUNTY_PARTNERSHIP:
                if not self.code.startswith("L"):
                    raise ValidationError(
                        "Länsgemensam kod skrivs L följt av länskoden, t.ex. L01."
                    )
                validate_county_code(self.code[1:])
        except ValidationError as error:
            errors["code"] = error
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError as error:
                errors["organisation_number"] = error
        if errors:
            raise ValidationError(errors)


COUNTY_COORDINATOR_ONLY = _(
    "Rollen länssamordnare finns bara i länets gemensamma organisation (länsgemensam)."
)


class Membership(models.Model):
    """A user's role in one organisation; a reporter also belongs to one recipient."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Administratör")
        COORDINATOR = "coordinator", _("Samordnare")
        REPORTER = "reporter", _("Rapportör")
        READER = "reader", _("Läsare")
        # An applicant granted money after a call: reports on those grants and nothing else
        # of the recipient (its other years, areas and plans) until a coordinator links the
        # account to the recipient.
        GRANTEE = "grantee", _("Bidragsmottagare")
        # Held only in a county partnership (Organisation.Kind.COUNTY_PARTNERSHIP): sees the
        # county's analysis, and the years a member has granted it before they are public
        # (CountyGrant). The forms and member_invite refuse it elsewhere.
        COUNTY_COORDINATOR = "county_coordinator", _("Länssamordnare")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("användare"),
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    recipient = models.ForeignKey(
        "Recipient",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("mottagare"),
        help_text=_("Krävs för rapportörer: den mottagare de rapporterar för."),
    )
    granted_allocations = models.ManyToManyField(
        "Allocation",
        blank=True,
        related_name="grantees",
        verbose_name=_("beviljade fördelningar"),
        help_text=_("För bidragsmottagare: de fördelningar kontot får redovisa."),
    )

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role="reporter", recipient__isnull=False)
                | (~Q(role="reporter") & Q(recipient__isnull=True)),
                name="membership_reporter_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.recipient_id and self.recipient.organisation_id != self.organisation_id:
            raise ValidationError({"recipient": _("Mottagaren hör till en annan organisation.")})
        if (
            self.role == self.Role.COUNTY_COORDINATOR
            and self.organisation_id
            and self.organisation.kind != Organisation.Kind.COUNTY_PARTNERSHIP
        ):
            raise ValidationError({"role": COUNTY_COORDINATOR_ONLY})


class Agreement(models.Model):
    """One organisation's share of one year's överenskommelse."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        DECIDED = "decided", _("Beslutad")
        FOLLOW_UP = "follow_up", _("Under uppföljning")
        CLOSED = "closed", _("Avslutad")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="agreements", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("titel"), max_length=300)
    agreed_on = models.DateField(_("överenskommelsen träffad"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    registry_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.CharField(
        _("beslutat av"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Socialdirektören genom delegation från socialnämnden"),
    )

    # The day every follow-up of the year is due; reminders count from it.
    follow_up_deadline = models.DateField(_("sista dag för redovisning"), null=True, blank=True)

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="agreement_unique_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="agreement_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def changes_need_reason(self) -> bool:
        """After the decision every change is an amendment and must say why."""
        return self.status in (self.Status.DECIDED, self.Status.FOLLOW_UP)


class NationalAgreement(models.Model):
    """The state's agreement with SKR for one year: national reference data, loaded from the
    data files in funds/national/data/ and editable by an administrator for other years."""

    class Origin(models.TextChoices):
        DATA_FILE = "data_file", _("Nationella referensdata")
        ADMINISTRATOR = "administrator", _("Inlagd av administratör")

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    title = models.CharField(_("titel"), max_length=300)
    total = money_field(_("totalt belopp"), null=True, blank=True)
    source = BoundedTextField(_("källa"), max_length=2000, blank=True)
    origin = models.CharField(
        _("ursprung"), max_length=20, choices=Origin.choices, default=Origin.ADMINISTRATOR
    )

    class Meta:
        verbose_name = _("nationell överenskommelse")
        verbose_name_plural = _("nationella överenskommelser")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="nationalagreement_year_range"
            ),
            non_negative("total", "nationalagreement"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class NationalArea(models.Model):
    """A priority area of the national agreement; an organisation's areas map onto these."""

    national_agreement = models.ForeignKey(
        NationalAgreement,
        models.PROTECT,
        related_name="areas",
        verbose_name=_("nationell överenskommelse"),
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=400)
    short_name = models.CharField(_("kortnamn"), max_length=100)
    # The national numbering changes between agreements (2024's area 5 "Suicidprevention" is
    # 2025's area 4): the reference data says which area of the previous year's agreement
    # this one continues. Null: the same number, unless the year declares its lineage.
    previous_number = models.PositiveSmallIntegerField(
        _("fortsätter föregående års område nummer"), null=True, blank=True
    )
    # Money the state earmarked for the youth clinics (2023's area 5). What lets the
    # tjänsteutlåtande say that the districts' share includes the youth clinics': a later
    # area that only covers them among other work (2024's area 1, seed 003: "inte längre
    # öronmärkt") is not flagged.
    youth_clinics = models.BooleanField(_("öronmärkt för ungdomsmottagningarna"), default=False)

    class Meta:
        verbose_name = _("nationellt prioriterat område")
        verbose_name_plural = _("nationellt prioriterade områden")
        ordering = ["national_agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_agreement", "number"], name="nationalarea_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name}"

    def funding_for(self, kind: str) -> NationalAreaFunding | None:
        """How money of this area reaches an organisation of `kind` (Organisation.Kind):
        its own share if the area funds that kind of huvudman, else the county-wide share
        (a kommun's part of länsgemensamma medel). Uses prefetched `fundings` when present."""
        fundings = {funding.huvudman: funding for funding in self.fundings.all()}
        own = {
            Organisation.Kind.MUNICIPALITY: NationalAreaFunding.Huvudman.MUNICIPALITIES,
            Organisation.Kind.REGION: NationalAreaFunding.Huvudman.REGIONS,
            Organisation.Kind.COUNTY_PARTNERSHIP: NationalAreaFunding.Huvudman.COUNTY,
        }[kind]
        return fundings.get(own) or fundings.get(NationalAreaFunding.Huvudman.COUNTY)


class NationalAreaFunding(models.Model):
    """Which kind of huvudman a national area gives money to, how much, and how that money is
    followed up nationally (an enkät, or a länsdialog instead of one)."""

    class Huvudman(models.TextChoices):
        MUNICIPALITIES = "kommuner", _("Kommuner")
        REGIONS = "regioner", _("Regioner")
        COUNTY = "lansgemensamt", _("Länsgemensamt")

    class Route(models.TextChoices):
        MUNICIPALITY_SURVEY = "kommun_enkat", _("Kommunenkät")
        REGION_SURVEY = "region_enkat", _("Regionenkät")
        COUNTY_SURVEY = "lansgemensam_enkat", _("Länsgemensam enkät")
        COUNTY_DIALOGUE = "lansdialog", _("Länsdialog")
        NOT_SET = "ej_faststalld", _("Ej fastställd")

    area = models.ForeignKey(
        NationalArea, models.CASCADE, related_name="fundings", verbose_name=_("område")
    )
    huvudman = models.CharField(_("huvudman"), max_length=20, choices=Huvudman.choices)
    amount = money_field(_("belopp"), null=True, blank=True)
    route = models.CharField(_("uppföljning"), max_length=20, choices=Route.choices)

    class Meta:
        verbose_name = _("medel inom nationellt område")
        verbose_name_plural = _("medel inom nationella områden")
        ordering = ["area", "huvudman"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "huvudman"], name="nationalareafunding_unique_huvudman"
            ),
            non_negative("amount", "nationalareafunding"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_huvudman_display()} ({self.get_route_display()})"


class PriorityArea(models.Model):
    """A budget line of an agreement, with the amount granted (tilldelat belopp)."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="priority_areas", verbose_name=_("överenskommelse")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=300)
    description = BoundedTextField(_("beskrivning"), max_length=5000, blank=True)
    granted = money_field(_("tilldelat belopp"))
    # Every area belongs to a national area of its year, or is the organisation's own
    # priority with a reason; a year cannot be decided while an area has neither.
    national_area = models.ForeignKey(
        NationalArea,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="priority_areas",
        verbose_name=_("nationellt område"),
    )
    own_priority_reason = BoundedTextField(
        _("skäl till egen prioritering"),
        max_length=2000,
        blank=True,
        help_text=_("Fylls i när området inte hör till något nationellt område."),
    )
    # --- Year set-up (funds/year/): the previous year's area this one continues ---
    # Set by start_year and editable on the areas page; comparisons between years follow it
    # (funds.year.lineage.area_predecessor), never the name.
    previous_area = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="following_areas",
        verbose_name=_("föregående års område"),
    )
    # Incremented on every edit on the areas page: a save naming an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # --- A year before the state's agreement (funds/year/proposals.py) ---
    # "Nationellt område ej fastställt": the earlier year's national area whose successor this
    # area expects; when the year's national data arrives, the lineage proposes the successor.
    awaiting_successor_of = models.ForeignKey(
        NationalArea,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="awaiting_areas",
        verbose_name=_("väntar på efterföljaren till"),
    )
    # The own-priority reason was carried word for word from this year's agreement and has
    # not been reviewed; cleared when the coordinator saves the area.
    reason_carried_from_year = models.PositiveSmallIntegerField(
        _("skälet hämtat från år"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("prioriterat område")
        verbose_name_plural = _("prioriterade områden")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="priorityarea_unique_number"
            ),
            models.UniqueConstraint(fields=["agreement", "name"], name="priorityarea_unique_name"),
            non_negative("granted", "priorityarea"),
            models.CheckConstraint(
                condition=Q(national_area__isnull=True) | Q(own_priority_reason=""),
                name="priorityarea_national_or_own",
            ),
            models.CheckConstraint(
                condition=Q(awaiting_successor_of__isnull=True)
                | Q(national_area__isnull=True, own_priority_reason=""),
                name="priorityarea_awaiting_is_unmapped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def is_mapped(self) -> bool:
        """Tied to a national area, or declared the organisation's own priority."""
        return self.national_area_id is not None or bool(self.own_priority_reason.strip())

    def clean(self) -> None:
        if (
            self.national_area_id
            and self.agreement_id
            and self.national_area.national_agreement.year != self.agreement.year
        ):
            raise ValidationError(
                {"national_area": _("Det nationella området hör till ett annat år.")}
            )


class RecipientQuerySet(models.QuerySet):
    def valid_in_year(self, year: int) -> RecipientQuerySet:
        """Recipients that existed for at least one day of the year."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
        )

    def valid_on(self, day: datetime.date) -> RecipientQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Recipient(models.Model):
    """A unit that receives money. Units end, are renamed and merge: the dates say when."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Stadsdelsförvaltning")
        DEPARTMENT = "department", _("Fackförvaltning")
        ASSOCIATION = "association", _("Förening")
        OTHER = "other", _("Övrig")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="recipients", verbose_name=_("organisation")
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("mottagartyp"), max_length=20, choices=Kind.choices)
    organisation_number = models.CharField(
        _("organisationsnummer"), max_length=11, blank=True, help_text=_("NNNNNN-NNNN")
    )
    valid_from = models.DateField(_("giltig från"), null=True, blank=True)
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("efterträdare"),
        help_text=_("Den mottagare som tog över vid en sammanslagning eller ett namnbyte."),
    )
    # A unit of a förvaltning (socialförvaltningen's Enheten för hemlösa) receives money of
    # its own, but the document counts förvaltningar: the unit counts as its förvaltning.
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("förvaltning"),
        help_text=_("Den förvaltning enheten hör till, om den är en enhet inom en förvaltning."),
    )

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("mottagare")
        verbose_name_plural = _("mottagare")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="recipient_unique_name"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="recipient_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=models.F("pk")),
                name="recipient_not_own_successor",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("pk")),
                name="recipient_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError as error:
                errors["organisation_number"] = error
        elif self.kind == self.Kind.ASSOCIATION:
            errors["organisation_number"] = _("En förening måste ha ett organisationsnummer.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Slutdatumet ligger före startdatumet.")
        if self.successor_id:
            if self.successor_id == self.pk:
                errors["successor"] = _("En mottagare kan inte efterträda sig själv.")
            elif self.successor.organisation_id != self.organisation_id:
                errors["successor"] = _("Efterträdaren hör till en annan organisation.")
        if self.parent_id:
            errors.update(self._parent_errors())
        if errors:
            raise ValidationError(errors)

    def _parent_errors(self) -> dict[str, str]:
        """One level: a unit belongs to a förvaltning of the same organisation, which is no
        unit itself."""
        if self.parent_id == self.pk:
            return {"parent": _("En mottagare kan inte höra till sig själv.")}
        if self.parent.organisation_id != self.organisation_id:
            return {"parent": _("Förvaltningen hör till en annan organisation.")}
        if self.parent.parent_id:
            return {
                "parent": _("%(name)s är själv en enhet inom en förvaltning.")
                % {"name": self.parent.name}
            }
        if self.pk and self.units.exists():
            return {"parent": _("Mottagaren har egna enheter och kan inte vara en enhet.")}
        return {}

    def is_valid_in_year(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= datetime.date(year, 12, 31)) and (
            self.valid_to is None or self.valid_to >= datetime.date(year, 1, 1)
        )

    def lineage_ids(self) -> set[int]:
        """This recipient and every predecessor merged into it, however many steps back.

        A merged successor reports for the allocations of the units it replaced.
        """
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Recipient.objects.filter(successor_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids


class Allocation(models.Model):
    """Money from one priority area to one recipient (fördelning)."""

    priority_area = models.ForeignKey(
        PriorityArea,
        models.PROTECT,
        related_name="allocations",
        verbose_name=_("prioriterat område"),
    )
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="allocations", verbose_name=_("mottagare")
    )
    amount = money_field(_("belopp"))
    comment = BoundedTextField(_("kommentar"), max_length=2000, blank=True)
    # Incremented on every change: a save that names an older version is a lost update.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    plan_priorities = models.ManyToManyField(
        "plans.PlanPriority",
        blank=True,
        related_name="allocations",
        verbose_name=_("prioriteringar i handlingsplan"),
    )

    class Meta:
        verbose_name = _("fördelning")
        verbose_name_plural = _("fördelningar")
        ordering = ["priority_area", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority_area", "recipient"], name="allocation_unique_area_recipient"
            ),
            non_negative("amount", "allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.priority_area}"

    def clean(self) -> None:
        if not (self.priority_area_id and self.recipient_id):
            return
        agreement = self.priority_area.agreement
        if self.recipient.organisation_id != agreement.organisation_id:
            raise ValidationError({"recipient": _("Mottagaren hör till en annan organisation.")})
        if not self.recipient.is_valid_in_year(agreement.year):
            raise ValidationError(
                {"recipient": _("Mottagaren fanns inte under %(year)s.") % {"year": agreement.year}}
            )


class AppendOnly(models.Model):
    """An audit trail row: written once, never updated or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit trail is append-only.")


class AllocationChange(AppendOnly):
    """The audit trail: one row per change of an allocation's amount. Never edited or deleted."""

    allocation = models.ForeignKey(
        Allocation, models.PROTECT, related_name="changes", verbose_name=_("fördelning")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="allocation_changes",
        verbose_name=_("ändrad av"),
    )
    changed_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    old_amount = money_field(_("tidigare belopp"), null=True)
    new_amount = money_field(_("nytt belopp"))
    # Bounded: the reason goes into the append-only trail, so an unbounded one would grow it
    # for ever (2,4 million characters once went in). REASON_MAX_LENGTH in
    # funds/allocation/workflows.py.
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    is_amendment = models.BooleanField(_("ändring efter beslut"), default=False)
    # --- calls for applications: what caused the change ---
    # A reference such as "calls.application:42" when a workflow outside funds made the
    # change (a decision on a call); text, not a foreign key, so funds knows nothing of calls.
    source = models.CharField(_("källa"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ändring av fördelning")
        verbose_name_plural = _("ändringar av fördelningar")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            non_negative("new_amount", "allocationchange"),
            models.CheckConstraint(
                condition=Q(is_amendment=False) | ~Q(reason=""),
                name="allocationchange_amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.old_amount} → {self.new_amount}"


class AgreementStatusChange(AppendOnly):
    """The year's status trail: every decision, start of follow-up, closing and reopening,
    who did it, why, and the warnings that were overridden. Never edited or deleted."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="status_changes", verbose_name=_("överenskommelse")
    )
    from_status = models.CharField(
        _("från status"), max_length=20, choices=Agreement.Status.choices
    )
    to_status = models.CharField(_("till status"), max_length=20, choices=Agreement.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="agreement_status_changes",
        verbose_name=_("ändrad av"),
    )
    changed_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    reason = BoundedTextField(_("skäl"), max_length=2000, blank=True)
    # What stood in the way and was overridden with the reason, one line each, as the
    # confirmation page showed it.
    overridden = BoundedTextField(_("åsidosatta hinder"), max_length=20000, blank=True)

    class Meta:
        verbose_name = _("statusändring för året")
        verbose_name_plural = _("statusändringar för året")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden="") | ~Q(reason=""),
                name="agreementstatuschange_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.from_status} → {self.to_status}"

    @property
    def is_reopening(self) -> bool:
        order = list(Agreement.Status.values)
        return order.index(self.to_status) < order.index(self.from_status)


class Requisition(models.Model):
    """Money requisitioned from the state for an agreement (rekvisition)."""

    agreement = models.ForeignKey(
        Agreement, models.PROTECT, related_name="requisitions", verbose_name=_("överenskommelse")
    )
    amount = money_field(_("belopp"))
    requested_on = models.DateField(_("rekvirerat"))
    received_on = models.DateField(_("mottaget"), null=True, blank=True)
    reference = models.CharField(_("referens"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("rekvisition")
        verbose_name_plural = _("rekvisitioner")
        ordering = ["agreement", "requested_on"]
        constraints = [non_negative("amount", "requisition")]

    def __str__(self) -> str:
        return f"{self.agreement} {self.requested_on}"


class FollowUp(models.Model):
    """A recipient's report for one allocation: what was spent and what came of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        RETURNED = "returned", _("Återsänd")
        APPROVED = "approved", _("Godkänd")

    allocation = models.OneToOneField(
        Allocation, models.PROTECT, related_name="follow_up", verbose_name=_("fördelning")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    spent = money_field(_("förbrukat belopp"), null=True, blank=True)
    results = BoundedTextField(_("resultat"), max_length=10000, blank=True)
    coordinator_comment = BoundedTextField(_("samordnarens kommentar"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    # The coordinator's approved exception: only then may spent exceed the allocation.
    overspend_approved = models.BooleanField(_("överskridande godkänt"), default=False)
    overspend_reason = BoundedTextField(_("skäl till överskridande"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("redovisning")
        verbose_name_plural = _("redovisningar")
        constraints = [non_negative("spent", "followup")]

    def __str__(self) -> str:
        return f"Redovisning: {self.allocation}"

    @property
    def unspent(self) -> Decimal | None:
        """Unspent money is computed, never typed."""
        if self.spent is None:
            return None
        return self.allocation.amount - self.spent


class SurveyCategory(models.Model):
    """One answer option of the national enkät, kept per year as data, not as code."""

    class Group(models.TextChoices):
        ACTIVITY_TYPE = "activity_type", _("Typ av aktivitet")
        PERFORMANCE = "performance", _("Prestation")
        GOAL = "goal", _("Mål")
        EFFECT = "effect", _("Effekt")
        TARGET_GROUP = "target_group", _("Målgrupp")
        PERSPECTIVE = "perspective", _("Perspektiv")
        COLLABORATION = "collaboration", _("Samverkan")
        INVOLVEMENT = "involvement", _("Brukarinflytande")
        RESPONSIBLE_UNIT = "responsible_unit", _("Ansvarig verksamhet")
        PARTNER = "partner", _("Samarbetspartner")

    year = models.PositiveSmallIntegerField(_("år"))
    group = models.CharField(_("grupp"), max_length=20, choices=Group.choices)
    label = models.CharField(_("benämning"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("enkätkategori")
        verbose_name_plural = _("enkätkategorier")
        ordering = ["year", "group", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "group", "label"], name="surveycategory_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_group_display()}: {self.label}"


class SurveyCategorySet(models.Model):
    """Where a year's enkät categories came from, so the coordinator can see it: the national
    reference data for that year, a copy of an earlier year's set, or an administrator."""

    class Origin(models.TextChoices):
        DATA_FILE = "data_file", _("Nationella referensdata")
        COPIED = "copied", _("Kopierad från tidigare år")
        ADMINISTRATOR = "administrator", _("Inlagd av administratör")

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    origin = models.CharField(_("ursprung"), max_length=20, choices=Origin.choices)
    copied_from_year = models.PositiveSmallIntegerField(
        _("kopierad från år"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("enkätkategorier för ett år")
        verbose_name_plural = _("enkätkategorier per år")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="copied", copied_from_year__isnull=False)
                | (~Q(origin="copied") & Q(copied_from_year__isnull=True)),
                name="surveycategoryset_copied_names_year",
            ),
        ]

    def __str__(self) -> str:
        if self.origin == self.Origin.COPIED:
            return f"{self.year}: kopierad från {self.copied_from_year}"
        return f"{self.year}: {self.get_origin_display()}"


class Intervention(models.Model):
    """One reported activity (insats) under a follow-up, with the enkät's categories."""

    follow_up = models.ForeignKey(
        FollowUp, models.PROTECT, related_name="interventions", verbose_name=_("redovisning")
    )
    name = models.CharField(_("namn"), max_length=300)
    description = BoundedTextField(_("beskrivning"), max_length=5000, blank=True)
    responsible_unit = models.CharField(_("ansvarig enhet"), max_length=200, blank=True)
    amount_spent = money_field(_("förbrukat belopp"), default=ZERO)
    results = BoundedTextField(_("resultat och effekter"), max_length=5000, blank=True)
    categories = models.ManyToManyField(
        SurveyCategory, blank=True, related_name="interventions", verbose_name=_("enkätkategorier")
    )
    plan_priorities = models.ManyToManyField(
        "plans.PlanPriority",
        blank=True,
        related_name="interventions",
        verbose_name=_("prioriteringar i handlingsplan"),
    )
    # --- Enkät: answered question groups (issue 13) ---
    # The groups (SurveyCategory.Group codes) the reporter answered. An answered group with
    # no category chosen is a considered "Nej"; a group not listed (and without categories)
    # is "Ej besvarat", which the enkät must not read as "Nej".
    answered_groups = models.JSONField(_("besvarade frågegrupper"), default=list, blank=True)

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["follow_up", "pk"]
        constraints = [non_negative("amount_spent", "intervention")]

    def __str__(self) -> str:
        return self.name


class Repayment(models.Model):
    """Unspent money paid back: a recipient to the administration, or it to the state."""

    class Kind(models.TextChoices):
        FROM_RECIPIENT = "from_recipient", _("Från mottagare till förvaltningen")
        TO_STATE = "to_state", _("Från förvaltningen till staten")

    priority_area = models.ForeignKey(
        PriorityArea,
        models.PROTECT,
        related_name="repayments",
        verbose_name=_("prioriterat område"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        Recipient,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="repayments",
        verbose_name=_("mottagare"),
    )
    amount = money_field(_("belopp"))
    paid_on = models.DateField(_("betalt"))
    reference = models.CharField(_("referens"), max_length=100, blank=True)

    # Who recorded the repayment and when: repayments are never edited, so the row is its
    # own audit trail. Null for rows recorded before these columns existed.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_repayments",
        verbose_name=_("registrerad av"),
    )
    recorded_at = models.DateTimeField(_("registrerad"), null=True, blank=True)

    class Meta:
        verbose_name = _("återbetalning")
        verbose_name_plural = _("återbetalningar")
        ordering = ["priority_area", "paid_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="from_recipient", recipient__isnull=False)
                | Q(kind="to_state", recipient__isnull=True),
                name="repayment_recipient_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.priority_area}"


class FollowUpChange(AppendOnly):
    """The follow-up's audit trail: every save, submission and decision, with the money
    before and after. Never edited or deleted."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Sparad")
        SUBMITTED = "submitted", _("Inskickad")
        RETURNED = "returned", _("Återsänd")
        APPROVED = "approved", _("Godkänd")
        OVERSPEND_APPROVED = "overspend_approved", _("Överskridande godkänt")

    follow_up = models.ForeignKey(
        FollowUp, models.PROTECT, related_name="changes", verbose_name=_("redovisning")
    )
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="follow_up_changes",
        verbose_name=_("ändrad av"),
    )
    changed_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    old_spent = money_field(_("tidigare förbrukat"), null=True, blank=True)
    new_spent = money_field(_("förbrukat"), null=True, blank=True)
    comment = BoundedTextField(_("kommentar"), max_length=2000, blank=True)
    # Changes to the interventions' amounts, one line each ("Insats X: 10 000 kr → 12 000 kr").
    detail = BoundedTextField(_("ändrade insatsbelopp"), max_length=50000, blank=True)

    class Meta:
        verbose_name = _("ändring av redovisning")
        verbose_name_plural = _("ändringar av redovisningar")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            non_negative("old_spent", "followupchange"),
            non_negative("new_spent", "followupchange"),
        ]

    def __str__(self) -> str:
        return f"{self.follow_up}: {self.get_action_display()}"


class FollowUpReminder(models.Model):
    """A reminder e-mail sent about one allocation's follow-up; the unique constraint is what
    keeps a daily cron job from sending the same reminder twice."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("Före sista dag")
        OVERDUE = "overdue", _("Efter sista dag")

    # The allocation, not the follow-up: a follow-up nobody has started has no row yet.
    allocation = models.ForeignKey(
        Allocation, models.PROTECT, related_name="reminders", verbose_name=_("fördelning")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    deadline = models.DateField(_("sista dag"))
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)
    sent_to = BoundedTextField(_("skickad till"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("påminnelse om redovisning")
        verbose_name_plural = _("påminnelser om redovisning")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "kind"], name="followupreminder_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.get_kind_display()}"


# --- Year set-up: idéburet offentligt partnerskap (IOP), funds/year/ ------------------------


class Partnership(models.Model):
    """A multi-year agreement with an association (IOP). Starting a year proposes its yearly
    amount as a draft allocation in the area that matches it."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="partnerships", verbose_name=_("organisation")
    )
    recipient = models.ForeignKey(
        Recipient, models.PROTECT, related_name="partnerships", verbose_name=_("förening")
    )
    area_description = models.CharField(
        _("prioriterat område (beskrivning)"),
        max_length=300,
        blank=True,
        help_text=_("Det lokala område partnerskapet hör till, om inget nationellt anges."),
    )
    national_area = models.ForeignKey(
        NationalArea,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("nationellt område"),
    )
    first_year = models.PositiveSmallIntegerField(_("första år"))
    last_year = models.PositiveSmallIntegerField(_("sista år"))
    yearly_amount = money_field(_("belopp per år"))
    registry_number = models.CharField(_("diarienummer"), max_length=50, blank=True)
    note = BoundedTextField(_("anteckning"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("idéburet offentligt partnerskap")
        verbose_name_plural = _("idéburna offentliga partnerskap")
        ordering = ["organisation", "recipient__name", "first_year"]
        constraints = [
            non_negative("yearly_amount", "partnership"),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="partnership_year_order",
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=2000, last_year__lte=2100),
                name="partnership_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"IOP {self.recipient} {self.first_year}–{self.last_year}"

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


# --- A member's consent to its county's länssamordnare (funds/onboarding/county.py) ------


class CountyGrant(models.Model):
    """A kommun's or region's consent that the länssamordnare of its county partnership see
    its years before they are public (drafts) in the county's analysis. Revoking sets
    `revoked_at` and keeps the row: the table is the record of who granted and who revoked,
    and when. At most one grant in force per organisation and partnership."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="county_grants", verbose_name=_("organisation")
    )
    partnership = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="county_grants_received",
        verbose_name=_("länsgemensam organisation"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("medgivet av"),
    )
    granted_at = models.DateTimeField(_("medgivet"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallat av"),
    )
    revoked_at = models.DateTimeField(_("återkallat"), null=True, blank=True)

    class Meta:
        verbose_name = _("medgivande till länets samordnare")
        verbose_name_plural = _("medgivanden till länets samordnare")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partnership"],
                condition=Q(revoked_at__isnull=True),
                name="countygrant_one_in_force",
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("partnership")), name="countygrant_not_own"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("granted_at")),
                name="countygrant_revoked_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.partnership}"


# --- Invitations and the mail queue (funds/onboarding/invitations.py, funds/outbox.py) -----


class Invitation(models.Model):
    """An invitation to one organisation for one e-mail address. Nothing is granted until the
    link is used: then the account (new or existing) gets a new password and the membership.
    Only the token's SHA-256 is stored, so the table does not hold usable links."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-postadress"))
    role = models.CharField(_("roll"), max_length=20, choices=Membership.Role.choices)
    recipient = models.ForeignKey(
        "Recipient", models.CASCADE, null=True, blank=True, verbose_name=_("mottagare")
    )
    first_name = models.CharField(_("förnamn"), max_length=150, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inbjuden av"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gäller till"))
    accepted_at = models.DateTimeField(_("accepterad"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            # One open invitation per address and organisation: a double submit is refused.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role="reporter", recipient__isnull=False)
                | (~Q(role="reporter") & Q(recipient__isnull=True)),
                name="invitation_reporter_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.organisation})"


class MailDelivery(models.Model):
    """One e-mail waiting for, or done by, the task worker. Created in the same transaction as
    the change it announces; the worker sends it, retries with a growing wait, and records
    the outcome for the coordinator's list of sent mail."""

    class State(models.TextChoices):
        QUEUED = "queued", _("köad")
        SENT = "sent", _("skickad")
        FAILED = "failed", _("misslyckad")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Inbjudan")
        DECISION_LETTER = "decision_letter", _("Beslutsbrev")
        RECEIPT = "receipt", _("Kvitto på ansökan")
        REMINDER = "reminder", _("Påminnelse om redovisning")

    organisation = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="mail_deliveries",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    # What the mail is about (an application, an invitation), for the sender's hook.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    to = BoundedTextField(_("till"), max_length=2000)
    subject = models.CharField(_("ämne"), max_length=300)
    body = BoundedTextField(_("text"), max_length=100_000)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = BoundedTextField(_("senaste fel"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("köad"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} till {self.to}"

    def recipients(self) -> list[str]:
        return [address for address in self.to.split(",") if address]
