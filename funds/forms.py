"""Forms of the year overview: a status change of the year (with the decision's details when
deciding) and a new recipient from the matrix."""

from __future__ import annotations

import datetime

from django import forms

from config.forms import SwedishDateField
from funds.models import Agreement, Organisation, Recipient
from funds.year.status import REASON_MAX_LENGTH, REOPEN, StatusChangePlan


class StatusChangeForm(forms.Form):
    """The confirmation of a status change: the status the page was shown for (a stale page is
    refused) and the reason, required when something is overridden or the year is reopened."""

    error_heading = "Ändringen kunde inte göras"
    STALE = "Sidan saknade årets status. Inget ändrades; läs sidan igen innan du bekräftar."
    expected_status = forms.ChoiceField(
        choices=Agreement.Status.choices,
        widget=forms.HiddenInput,
        error_messages={"required": STALE, "invalid_choice": STALE},
    )
    reason = forms.CharField(
        label="Skäl",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, plan: StatusChangePlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_status"].initial = plan.agreement.status
        reason = self.fields["reason"]
        reason.required = plan.reason_required
        if plan.change == REOPEN:
            reason.help_text = "Varför året öppnas igen. Skälet sparas i årets historik."
        elif plan.soft:
            reason.help_text = (
                "Varför ändringen görs trots det som står i vägen. Skälet sparas i årets "
                "historik tillsammans med hindren."
            )
        else:
            reason.label = "Kommentar (frivillig)"
            reason.help_text = "Sparas i årets historik."

    def clean(self) -> dict:
        data = super().clean()
        # A hidden field's error would name the field in code; say it in the page's words.
        if self.errors.pop("expected_status", None):
            self.add_error(None, self.STALE)
        return data


class DecisionForm(StatusChangeForm):
    error_heading = "Beslutet kunde inte registreras"
    field_order = ["registry_number", "decided_on", "decided_by", "reason"]
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
