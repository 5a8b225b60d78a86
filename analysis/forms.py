"""The analysis's filters: a kind of recipient and an area, read from the query string."""

from __future__ import annotations

from django import forms

from analysis.data import Filters
from funds.models import Recipient


class FilterForm(forms.Form):
    """Filters as a GET form; a value that is not among the choices is an error on the
    form, and the analysis then shows everything."""

    mottagartyp = forms.ChoiceField(label="Typ av mottagare", required=False)
    omrade = forms.TypedChoiceField(label="Område", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, areas: list[tuple[int, str]], area_field: str) -> None:
        super().__init__(data)
        self.area_field = area_field
        self.fields["mottagartyp"].choices = [("", "Alla typer"), *Recipient.Kind.choices]
        self.fields["omrade"].choices = [("", "Alla områden"), *areas]
        if area_field != "number":
            self.fields["omrade"].label = "Nationellt prioriterat område"

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters(area_field=self.area_field)
        return Filters(
            recipient_kind=self.cleaned_data["mottagartyp"],
            area_number=self.cleaned_data["omrade"],
            area_field=self.area_field,
        )

    def description(self) -> str:
        """The chosen filters in words, for the text that says the analysis is narrowed."""
        if not self.is_valid():
            return ""
        parts = []
        for name in ("mottagartyp", "omrade"):
            value = self.cleaned_data[name]
            if value not in ("", None):
                label = dict(self.fields[name].choices)[value]
                parts.append(f"{self.fields[name].label.lower()} {label}")
        return ", ".join(parts)


class YearsFilterForm(FilterForm):
    """The same filters on the pages across years, applied to every year: the area is
    chosen by its name, which stays from year to year where its number does not."""

    omrade = forms.ChoiceField(label="Område", required=False)

    def __init__(self, data, *, area_names: list[str], area_field: str) -> None:
        super().__init__(data, areas=[(name, name) for name in area_names], area_field=area_field)

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters(area_field=self.area_field)
        return Filters(
            recipient_kind=self.cleaned_data["mottagartyp"],
            area_name=self.cleaned_data["omrade"],
            area_field=self.area_field,
        )
