"""Forms of reporting: the tjänsteutlåtande's text and header, the organisation's settings."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxLengthValidator

from config.forms import SwedishDateField
from funds.models import Agreement, Intervention, Organisation
from reporting.logos import MAX_LOGO_BYTES, logo_check
from reporting.models import PROSE_FIELDS, PROSE_LABELS, DecisionDocument
from reporting.prose import highlighted, prose_blocks, validate_footnotes, validate_no_amounts
from reporting.review import CARRIED, CONFIRMED, review_state

PROSE_MAX_LENGTH = 20_000
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")

PROSE_HELP = (
    "Tom rad mellan stycken. Rader som börjar med ”- ” blir en punktlista. "
    "En fotnot skrivs [^fotnotens text] direkt efter ordet; [^föreningar] blir fotnoten "
    "med årets föreningar. Skriv inga belopp: dokumentet hämtar dem ur fördelningen."
)

# The form's sections, in the order of the page (and of the document).
HEADER_FIELDS = (
    "administration",
    "department",
    "address",
    "registry_number",
    "document_date",
    "meeting_date",
    "committee",
    "case_officer_name",
    "case_officer_phone",
)
WORDING_FIELDS = ("programme", "delegate", "associations_placement")
SIGNATURE_FIELDS = ("director_name", "director_title", "head_name", "head_title")


class DecisionDocumentForm(forms.ModelForm):
    """The prose, the header and the chosen examples of a draft tjänsteutlåtande.

    `revision` is the draft's revision when the form was shown; a save that names an older
    one is refused instead of overwriting someone else's text.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    examples = forms.TypedMultipleChoiceField(
        label="Exempel på insatser",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="De valda insatserna beskrivs under sitt prioriterade område.",
    )

    class Meta:
        model = DecisionDocument
        fields = HEADER_FIELDS + WORDING_FIELDS + SIGNATURE_FIELDS + PROSE_FIELDS
        field_classes = {"document_date": SwedishDateField, "meeting_date": SwedishDateField}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.Textarea(attrs={"rows": 10}) for name in PROSE_FIELDS},
            "associations_placement": forms.RadioSelect,
        }
        labels = {
            "administration": "Förvaltning",
            "department": "Avdelning",
            "address": "Adress i sidfoten",
            "registry_number": "Diarienummer",
            "document_date": "Datum",
            "meeting_date": "Sammanträdesdatum",
            "committee": "Till (nämnd)",
            "case_officer_name": "Handläggare",
            "case_officer_phone": "Handläggarens telefon",
            "programme": "Satsningens namn",
            "delegate": "Delegat",
            "director_name": "Förvaltningschefens namn",
            "director_title": "Förvaltningschefens titel",
            "head_name": "Avdelningschefens namn",
            "head_title": "Avdelningschefens titel",
            "associations_placement": "Föreningarna som fått medel",
            **PROSE_LABELS,
        }
        help_texts = {
            "registry_number": "Till exempel 2025/123.",
            "address": "Förvaltningens postadress, visas längst ner på varje sida.",
            "committee": "Till exempel Socialnämnden eller Kommunstyrelsen.",
            "delegate": "I bestämd form, till exempel socialdirektören.",
            "case_officer_phone": "Till exempel 0123-45 67 89.",
            "reporting_intro": "Visas före listan över årets prioriterade områden.",
            "reporting_text": "Visas efter fördelningen per mottagartyp.",
            "examples_intro": "Visas före exemplen, och bara när det finns exempel.",
            "examples_text": "Exemplen i löptext. En rad som börjar med ”### ” blir en "
            "underrubrik, till exempel ”### Suicidprevention”.",
            "next_agreement_text": "Visas före listan över nästa års prioriterade områden.",
        }

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self._set_example_choices()
        self.fields["revision"].initial = self.instance.revision if self.instance.pk else 0
        if self.instance.pk:
            self.fields["examples"].initial = list(
                self.instance.example_interventions.values_list("pk", flat=True)
            )
        for name in PROSE_FIELDS:
            field = self.fields[name]
            field.max_length = PROSE_MAX_LENGTH
            field.widget.attrs["maxlength"] = str(PROSE_MAX_LENGTH)
            field.validators += [
                MaxLengthValidator(PROSE_MAX_LENGTH),
                validate_no_amounts,
                validate_footnotes,
            ]
            field.help_text = f"{field.help_text} {PROSE_HELP}".strip()
        self._add_review_fields()
        self.fields["address"].validators.append(MaxLengthValidator(500))
        for name in ("administration", "programme", "committee", "delegate"):
            self.fields[name].required = True

    def _set_example_choices(self) -> None:
        """The year's interventions, grouped by priority area, as the examples to pick."""
        self.interventions = {
            intervention.pk: intervention
            for intervention in Intervention.objects.filter(
                follow_up__allocation__priority_area__agreement=self.agreement
            )
            .select_related(
                "follow_up__allocation__priority_area", "follow_up__allocation__recipient"
            )
            .order_by("follow_up__allocation__priority_area__number", "name", "pk")
        }
        groups: dict[str, list[tuple[int, str]]] = {}
        for intervention in self.interventions.values():
            allocation = intervention.follow_up.allocation
            area = allocation.priority_area
            groups.setdefault(f"{area.number}. {area.name}", []).append(
                (intervention.pk, f"{intervention.name} ({allocation.recipient.name})")
            )
        self.fields["examples"].choices = list(groups.items())

    def _add_review_fields(self) -> None:
        """A carried section (from last year's document) gets a checkbox to confirm it."""
        self.reviewed = [
            name
            for name in PROSE_FIELDS
            if review_state(self.instance, name) in (CARRIED, CONFIRMED)
        ]
        for name in self.reviewed:
            self.fields[f"review_{name}"] = forms.BooleanField(
                label=f"Jag har granskat texten och den stämmer för {self.instance.year}",
                required=False,
                initial=review_state(self.instance, name) == CONFIRMED,
            )

    def clean_case_officer_phone(self) -> str:
        phone = self.cleaned_data["case_officer_phone"].strip()
        if phone and not _PHONE_RE.fullmatch(phone):
            raise forms.ValidationError("Ange telefonnumret med siffror, t.ex. 0123-45 67 89.")
        return phone

    def clean_examples(self) -> list[Intervention]:
        return [self.interventions[pk] for pk in self.cleaned_data["examples"]]

    def clean(self) -> dict:
        cleaned = super().clean()
        document_date, meeting_date = cleaned.get("document_date"), cleaned.get("meeting_date")
        if document_date and meeting_date and meeting_date < document_date:
            self.add_error("meeting_date", "Sammanträdet kan inte ligga före dokumentets datum.")
        return cleaned

    def section(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def header_fields(self) -> list[forms.BoundField]:
        return self.section(HEADER_FIELDS + WORDING_FIELDS)

    @property
    def signature_fields(self) -> list[forms.BoundField]:
        return self.section(SIGNATURE_FIELDS)

    @property
    def prose_fields(self) -> list[forms.BoundField]:
        return self.section(PROSE_FIELDS)

    @property
    def prose_entries(self) -> list[dict]:
        """Each prose field, with its review box when it was carried from last year: the
        carried text with its years and figures highlighted, and the confirm checkbox."""
        entries = []
        for name in PROSE_FIELDS:
            review = None
            if name in self.reviewed:
                carried = self.instance.section_review[name]
                text = getattr(self.instance, name)
                review = {
                    "year": self.instance.carried_from_year,
                    "state": review_state(self.instance, name),
                    "blocks": [
                        {
                            "kind": block.kind,
                            "parts": highlighted(block.parts),
                            "items": [highlighted(item) for item in block.item_parts],
                        }
                        for block in prose_blocks(text)
                    ],
                    "confirm": self[f"review_{name}"],
                    "digest": carried.get("digest"),
                }
            entries.append({"field": self[name], "review": review})
        return entries

    @property
    def confirmed(self) -> set[str]:
        return {name for name in self.reviewed if self.cleaned_data.get(f"review_{name}")}

    @property
    def example_groups(self) -> list[tuple[str, list]]:
        """The example checkboxes grouped by priority area, each group a fieldset."""
        widgets = {int(widget.data["value"]): widget for widget in self["examples"].subwidgets}
        return [
            (label, [widgets[pk] for pk, _ in options])
            for label, options in self.fields["examples"].choices
        ]

    @property
    def document_values(self) -> dict:
        """The cleaned values that belong on the model (not the revision or the examples)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class OrganisationSettingsForm(forms.ModelForm):
    """What the organisation's documents say of it, set by its administrator."""

    logo_file = forms.FileField(
        label="Logotyp",
        required=False,
        help_text="PNG eller SVG, högst 200 kB. Visas i brevhuvudet på första sidan.",
    )
    remove_logo = forms.BooleanField(label="Ta bort logotypen", required=False)

    class Meta:
        model = Organisation
        fields = (
            "committee",
            "delegate",
            "signatory_title",
            "second_signatory_title",
            "administration",
            "address",
        )
        labels = {
            "committee": "Nämnd",
            "delegate": "Delegat",
            "signatory_title": "Titel för första underskrift",
            "second_signatory_title": "Titel för andra underskrift",
            "administration": "Förvaltning",
            "address": "Postadress",
        }
        help_texts = {
            "committee": "Den nämnd som beslutar, t.ex. Socialnämnden eller Kommunstyrelsen.",
            "delegate": "I bestämd form, t.ex. socialdirektören eller kommundirektören.",
            "signatory_title": "T.ex. Socialdirektör.",
            "second_signatory_title": "T.ex. Avdelningschef.",
            "administration": "T.ex. Socialförvaltningen.",
            "address": "Visas längst ner på första sidan.",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.logo_content_type = ""
        self.fields["address"].validators.append(MaxLengthValidator(500))
        self.fields["address"].widget.attrs["maxlength"] = "500"

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(
                f"Logotypen är för stor ({upload.size // 1024} kB). Den får vara högst "
                f"{MAX_LOGO_BYTES // 1024} kB.",
                code="too_large",
            )
        data = upload.read(MAX_LOGO_BYTES + 1)
        self.logo_content_type = logo_check(data)
        return data

    def save(self, commit: bool = True) -> Organisation:
        organisation = super().save(commit=False)
        if self.cleaned_data.get("logo_file"):
            organisation.logo = self.cleaned_data["logo_file"]
            organisation.logo_content_type = self.logo_content_type
        elif self.cleaned_data.get("remove_logo"):
            organisation.logo = None
            organisation.logo_content_type = ""
        if commit:
            organisation.save()
        return organisation
