"""Forms of the year overview: the decision of a year and a new recipient from the matrix."""

from __future__ import annotations

import datetime

from django import forms

from config.forms import SwedishDateField
from funds.models import Organisation, Recipient


class DecisionForm(forms.Form):
    error_heading = "Beslutet kunde inte registreras"
    registry_number = forms.CharField(
        label="Diarienummer", max_length=50, help_text="Till exempel 2025/123"
    )
    decided_on = SwedishDateField(label="Beslutsdatum")
    decided_by = forms.CharField(
        label="Beslutat av",
        max_length=200,
        help_text="Förifyllt från organisationens inställningar för nämnd och delegat.",
    )

    @staticmethod
    def initial_for(organisation: Organisation) -> dict:
        return {
            "decided_on": datetime.date.today(),
            "decided_by": organisation.decided_by_default,
        }


class RecipientAddForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ["name", "kind", "organisation_number"]

    def __init__(self, *args, organisation: Organisation, year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.instance.valid_from = datetime.date(year, 1, 1)

    def clean_name(self) -> str:
        # organisation is not a form field, so ModelForm skips the (organisation, name) check.
        name = self.cleaned_data["name"].strip()
        if Recipient.objects.filter(organisation=self.instance.organisation, name=name).exists():
            raise forms.ValidationError(f"Det finns redan en mottagare som heter {name}.")
        return name
