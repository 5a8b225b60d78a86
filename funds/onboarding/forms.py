"""Forms of the onboarding pages: organisation, first agreement with its areas, recipients,
members and the recipient sheet. Swedish labels and messages; money through funds/money.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from config.forms import SwedishDateField
from funds.identifiers import normalise_organisation_number
from funds.models import (
    Agreement,
    Membership,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
)
from funds.money import format_kr, parse_amount
from funds.onboarding.sheets import MAX_FILE_BYTES, MAX_ROWS, SheetRow, check_upload
from funds.onboarding.sheets import read_recipient_rows as _read_rows
from funds.xlsx import ImportFileError
from funds.year.forms import national_label, national_warning

MAX_AREAS = 12


class AmountField(forms.Field):
    """Kronor as Swedes type them ("1 500 000", "45,2 mnkr"), parsed by funds/money.py."""

    MAX_LENGTH = 40
    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 40})

    def to_python(self, value) -> Decimal | None:
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        if len(str(value)) > self.MAX_LENGTH:
            raise ValidationError("Beloppet är för långt.", code="max_length")
        return parse_amount(value)


# --- Organisation --------------------------------------------------------------------------


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "code", "organisation_number", "administration", "address"]
        labels = {"address": "Postadress"}
        help_texts = {
            "code": (
                "Kommun: kommunkoden (fyra siffror, t.ex. 0580). Region: länskoden (t.ex. 05). "
                "Länsgemensam: L och länskoden (t.ex. L05)."
            ),
            "organisation_number": "Tio siffror, t.ex. 212000-0142. Kontrolleras.",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation_number"].required = True
        self.fields["organisation_number"].error_messages["required"] = (
            "Ange organisationens organisationsnummer."
        )
        self.fields["kind"].choices = [("", "Välj typ"), *Organisation.Kind.choices]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if Organisation.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Det finns redan en organisation med koden {code}.")
        return code

    def clean_address(self) -> str:
        address = self.cleaned_data["address"].strip()
        if len(address) > 500:
            raise ValidationError("Adressen är för lång (högst 500 tecken).")
        return address


# --- The first agreement and its areas -----------------------------------------------------


class AgreementCreateForm(forms.ModelForm):
    granted_total = AmountField(
        label="Tilldelat belopp totalt",
        required=False,
        help_text=(
            "Organisationens del av årets överenskommelse i kronor, t.ex. 32 300 000 eller "
            "32,3 mnkr. Kontrolleras mot summan av områdena nedan."
        ),
    )

    class Meta:
        model = Agreement
        fields = ["year", "title", "agreed_on"]
        labels = {"agreed_on": "Överenskommelsen träffad"}
        help_texts = {"title": "T.ex. Överenskommelse om psykisk hälsa och suicidprevention 2024"}
        field_classes = {"agreed_on": SwedishDateField}

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = 2100
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError("Ange ett år mellan 2000 och 2100.")
        if Agreement.objects.filter(organisation=self.instance.organisation, year=year).exists():
            raise ValidationError(
                f"{self.instance.organisation} har redan en överenskommelse {year}."
            )
        return year


class AreaForm(forms.Form):
    number = forms.IntegerField(label="Nummer", min_value=1, max_value=99, required=False)
    name = forms.CharField(label="Namn", max_length=300, required=False)
    granted = AmountField(label="Tilldelat belopp", required=False)
    national_area = forms.ModelChoiceField(
        label="Nationellt område",
        queryset=NationalArea.objects.none(),
        required=False,
        empty_label="Egen prioritering (ange skäl)",
    )
    own_priority_reason = forms.CharField(
        label="Skäl till egen prioritering", max_length=1000, required=False
    )

    def __init__(self, *args, national_areas=None, kind: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["national_area"]
        field.queryset = (
            national_areas if national_areas is not None else NationalArea.objects.none()
        )
        # Only the year's own areas are offered; each says how it is followed up for this
        # kind of huvudman, and warns when it gives such a huvudman no money of its own.
        field.label_from_instance = lambda area: (
            national_label(area, kind) if kind else f"{area.number}. {area.short_name}"
        )
        warnings = [national_warning(area, kind) for area in field.queryset] if kind else []
        if any(warnings):
            field.help_text = "Obs: " + " ".join(w for w in warnings if w)

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("granted") is not None or data.get("number"))

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or self.is_blank:
            return data
        if not data.get("name"):
            self.add_error("name", "Ange områdets namn.")
        if data.get("granted") is None:
            self.add_error("granted", "Ange områdets tilldelade belopp.")
        if data.get("national_area") and data.get("own_priority_reason"):
            self.add_error(
                "own_priority_reason",
                "Ett område hör antingen till ett nationellt område eller är en egen "
                "prioritering med skäl, inte båda.",
            )
        return data


class BaseAreaFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "En överenskommelse kan ha högst %(num)d områden.",
        "missing_management_form": "Formuläret var ofullständigt. Ladda om sidan och försök igen.",
    }

    def __init__(self, *args, national_areas=None, kind: str = "", **kwargs) -> None:
        self.national_areas = national_areas
        self.kind = kind
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"national_areas": self.national_areas, "kind": self.kind}

    def filled(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if not form.is_blank]

    def clean(self) -> None:
        if any(self.errors):
            return
        numbers, names = set(), set()
        for position, data in enumerate(self.filled(), start=1):
            number = data.get("number") or position
            data["number"] = number
            if number in numbers:
                raise ValidationError(f"Nummer {number} används av två områden.")
            if data["name"].casefold() in names:
                raise ValidationError(f"Två områden heter {data['name']}.")
            numbers.add(number)
            names.add(data["name"].casefold())


AreaFormSet = forms.formset_factory(
    AreaForm,
    formset=BaseAreaFormSet,
    extra=8,
    max_num=MAX_AREAS,
    absolute_max=MAX_AREAS,
    validate_max=True,
)


def check_areas(form: AgreementCreateForm, formset: BaseAreaFormSet) -> None:
    """The year-dependent checks, once both forms are valid: national areas of the same year,
    and areas that add up to the stated total."""
    year = form.cleaned_data["year"]
    areas = formset.filled()
    for data in areas:
        national = data.get("national_area")
        if national is not None and national.national_agreement.year != year:
            form.add_error(
                None,
                f"Område {data['number']} är kopplat till ett nationellt område för "
                f"{national.national_agreement.year}, men överenskommelsen gäller {year}.",
            )
    total = form.cleaned_data.get("granted_total")
    if total is not None:
        if not areas:
            form.add_error(
                "granted_total",
                "Totalen kontrolleras mot områdenas belopp: lägg in områdena nedan, eller "
                "lämna fältet tomt och lägg in områdena på nästa sida.",
            )
        else:
            summed = sum((data["granted"] for data in areas), Decimal("0"))
            if summed != total:
                form.add_error(
                    "granted_total",
                    f"Områdena summerar till {format_kr(summed)}, inte {format_kr(total)} "
                    f"(skillnad {format_kr(abs(summed - total))}).",
                )


def area_objects(agreement: Agreement, formset: BaseAreaFormSet) -> list[PriorityArea]:
    return [
        PriorityArea(
            agreement=agreement,
            number=data["number"],
            name=data["name"],
            granted=data["granted"],
            national_area=data.get("national_area"),
            own_priority_reason=data.get("own_priority_reason", ""),
        )
        for data in formset.filled()
    ]


# --- Recipients ----------------------------------------------------------------------------


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = [
            "name",
            "kind",
            "organisation_number",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
        ]
        field_classes = {"valid_from": SwedishDateField, "valid_to": SwedishDateField}
        help_texts = {
            "organisation_number": "Krävs för föreningar. Tio siffror, till exempel 802000-0009.",
            "valid_from": "Lämna tomt om mottagaren alltid funnits.",
            "valid_to": "Fyll i när enheten upphör, t.ex. vid en sammanslagning.",
        }

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        successors = Recipient.objects.filter(organisation=organisation).order_by("name")
        if self.instance.pk:
            successors = successors.exclude(pk=self.instance.pk)
        self.fields["successor"].queryset = successors
        self.fields["kind"].choices = [("", "Välj typ"), *Recipient.Kind.choices]
        self.fields["successor"].empty_label = "Ingen"
        # A förvaltning is no unit itself: one level, as Recipient.clean says.
        self.fields["parent"].queryset = successors.filter(parent__isnull=True)
        self.fields["parent"].empty_label = "Ingen (mottagaren är ingen enhet inom en förvaltning)"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Recipient.objects.filter(
            organisation=self.instance.organisation, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"Det finns redan en mottagare som heter {name}.")
        return name

    def clean_organisation_number(self) -> str:
        value = self.cleaned_data["organisation_number"].strip()
        return normalise_organisation_number(value) if value else ""


class RecipientImportForm(forms.Form):
    file = forms.FileField(
        label="Fil (.xlsx eller .csv)",
        help_text=(
            f"Högst {MAX_FILE_BYTES // 1024 // 1024} MB och {MAX_ROWS} rader. Kolumner: namn, "
            "typ, organisationsnummer, giltig från, giltig till, efterträdare och förvaltning."
        ),
        error_messages={
            "required": "Välj en fil att ladda upp.",
            "empty": "Filen är tom.",
            "invalid": "Ingen fil skickades. Välj filen igen.",
        },
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> tuple[str, list[SheetRow]]:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        try:
            check_upload(name, upload.size)
            return name, _read_rows(name, upload.read())
        except ImportFileError as error:
            raise ValidationError(str(error)) from None


# --- Members -------------------------------------------------------------------------------


# A grantee's access comes from a call's decision, never from an invitation or a role change.
INVITABLE_ROLES = [c for c in Membership.Role.choices if c[0] != Membership.Role.GRANTEE]


def roles_for(organisation: Organisation) -> list[tuple[str, str]]:
    """The roles a member of `organisation` can be given: länssamordnare only in a county
    partnership, where it is the point of the organisation."""
    if organisation.kind == Organisation.Kind.COUNTY_PARTNERSHIP:
        return INVITABLE_ROLES
    return [c for c in INVITABLE_ROLES if c[0] != Membership.Role.COUNTY_COORDINATOR]


class _RoleMixin:
    def _setup_role(self, organisation: Organisation) -> None:
        self.fields["role"].choices = roles_for(organisation)
        self.fields["recipient"].queryset = Recipient.objects.filter(
            organisation=organisation
        ).order_by("name")
        self.fields["recipient"].required = False
        self.fields["recipient"].empty_label = "Ingen (krävs bara för rapportörer)"

    def _check_role(self, data: dict) -> dict:
        if data.get("role") == Membership.Role.REPORTER and not data.get("recipient"):
            self.add_error("recipient", "En rapportör måste höra till en mottagare.")
        elif data.get("role") != Membership.Role.REPORTER:
            data["recipient"] = None
        return data


class InviteForm(_RoleMixin, forms.Form):
    email = forms.EmailField(label="E-postadress", max_length=254)
    first_name = forms.CharField(label="Förnamn", max_length=150, required=False)
    last_name = forms.CharField(label="Efternamn", max_length=150, required=False)
    role = forms.ChoiceField(label="Roll", choices=INVITABLE_ROLES)
    recipient = forms.ModelChoiceField(label="Mottagare", queryset=Recipient.objects.none())

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self._setup_role(organisation)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(
            organisation=self.organisation, user__email__iexact=email
        ).exists():
            raise ValidationError(f"{email} är redan medlem i {self.organisation}.")
        return email

    def clean(self) -> dict:
        return self._check_role(super().clean())


class MembershipForm(_RoleMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "recipient"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._setup_role(self.instance.organisation)

    def clean(self) -> dict:
        return self._check_role(super().clean())
