from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxLengthValidator

from config.forms import SwedishDateField
from funds.models import Agreement, Intervention
from reporting.models import PROSE_FIELDS, DecisionDocument
from reporting.prose import validate_no_amounts

PROSE_MAX_LENGTH = 20_000
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")

PROSE_HELP = (
    "Tom rad mellan stycken. Rader som börjar med ”- ” blir en punktlista. "
    "Skriv inga belopp: dokumentet hämtar dem ur fördelningen."
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
WORDING_FIELDS = ("programme", "delegate")
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
            "summary": "Sammanfattning",
            "background": "Bakgrund",
            "matter": "Ärendet",
            "reporting_intro": "Rapportering av medel: inledning",
            "reporting_text": "Rapportering av medel: om fördelningen",
            "examples_intro": "Rapportering av medel: inledning till exemplen",
            "next_agreement_text": "Nästa års överenskommelse",
            "equality": "Jämställdhets- och jämlikhetsperspektiv",
            "child_rights": "Barnrättsperspektiv",
            "preparation": "Ärendets beredning",
            "opinion": "Förvaltningens synpunkter och förslag",
        }
        help_texts = {
            "registry_number": "Till exempel SOF 2023/567.",
            "address": "Förvaltningens postadress, visas längst ner på varje sida.",
            "committee": "Till exempel Socialnämnden.",
            "delegate": "I bestämd form, till exempel socialdirektören.",
            "case_officer_phone": "Till exempel 08-508 25 000.",
            "reporting_intro": "Visas före listan över årets prioriterade områden.",
            "reporting_text": "Visas efter fördelningen per mottagartyp.",
            "examples_intro": "Visas före exemplen på insatser.",
            "next_agreement_text": "Visas före listan över nästa års prioriterade områden.",
        }

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.interventions = {
            intervention.pk: intervention
            for intervention in Intervention.objects.filter(
                follow_up__allocation__priority_area__agreement=agreement
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
        self.fields["revision"].initial = self.instance.revision if self.instance.pk else 0
        if self.instance.pk:
            self.fields["examples"].initial = list(
                self.instance.example_interventions.values_list("pk", flat=True)
            )
        for name in PROSE_FIELDS:
            field = self.fields[name]
            field.max_length = PROSE_MAX_LENGTH
            field.widget.attrs["maxlength"] = str(PROSE_MAX_LENGTH)
            field.validators += [MaxLengthValidator(PROSE_MAX_LENGTH), validate_no_amounts]
            field.help_text = f"{field.help_text} {PROSE_HELP}".strip()
        self.fields["address"].validators.append(MaxLengthValidator(500))
        for name in ("administration", "programme", "committee", "delegate"):
            self.fields[name].required = True

    def clean_case_officer_phone(self) -> str:
        phone = self.cleaned_data["case_officer_phone"].strip()
        if phone and not _PHONE_RE.fullmatch(phone):
            raise forms.ValidationError("Ange telefonnumret med siffror, t.ex. 08-508 25 000.")
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
