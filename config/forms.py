"""One form look for the whole site: the renderer every form uses (settings.FORM_RENDERER)
and the Swedish date field.

The templates are ordinary project templates (templates/forms/), found through
settings.TEMPLATES, so a page's `{{ form }}` and `{{ field.as_field_group }}` render the
same label-above-input markup, hint and error ids (tied to the input with
aria-describedby) and error summary everywhere.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting

DATE_FORMAT = "%Y-%m-%d"
DATE_HINT = "Skriv datumet som år-månad-dag, till exempel 2025-02-15."


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class SwedishDateInput(forms.DateInput):
    """The browser's date picker (type=date) with the value in ISO form, which is also how
    Swedes write dates (2025-02-15): a browser without a picker shows the same text."""

    input_type = "date"

    def __init__(self, attrs=None, format=None) -> None:
        super().__init__(attrs, format=format or DATE_FORMAT)


class SwedishDateField(forms.DateField):
    """A date field with the Swedish hint and error message; use it for every date."""

    widget = SwedishDateInput
    input_formats = [DATE_FORMAT]
    default_error_messages = {
        "invalid": "Ange ett datum som år-månad-dag, till exempel 2025-02-15."
    }

    def __init__(self, *, help_text: str = "", **kwargs) -> None:
        # A model's DateField passes its own (often empty) help text: keep the hint then too.
        super().__init__(help_text=help_text or DATE_HINT, **kwargs)
