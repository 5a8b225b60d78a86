"""One form look for the whole site: the renderer every form uses (settings.FORM_RENDERER)
and the Swedish date and date-and-time fields (text boxes, not the browser's pickers).

The templates are ordinary project templates (templates/forms/), found through
settings.TEMPLATES, so a page's `{{ form }}` and `{{ field.as_field_group }}` render the
same label-above-input markup, hint and error ids (tied to the input with
aria-describedby) and error summary everywhere.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import from_current_timezone

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_HINT = "Skriv datumet som åååå-mm-dd (år-månad-dag), till exempel 2025-02-15."
DATE_INVALID = "Skriv datumet som åååå-mm-dd, till exempel 2025-02-15."
DATE_NO_SUCH_DAY = "Det datumet finns inte. Skriv datumet som åååå-mm-dd, till exempel 2025-02-15."
# 2025-02-15, 2025-2-15 (also with spaces or another dash around the numbers) and 20250215.
_DASH = r"\s*[-\u2010-\u2015\u2212]\s*"  # a hyphen, or a dash that Word put in its place
_DATE_RE = re.compile(
    rf"(?P<y>[0-9]{{4}}){_DASH}(?P<m>[0-9]{{1,2}}){_DASH}(?P<d>[0-9]{{1,2}})"
    r"|(?P<y8>[0-9]{4})(?P<m8>[0-9]{2})(?P<d8>[0-9]{2})"
)
_DATE_MAX_LENGTH = 30
DATETIME_HINT = "Skriv dag och klockslag som åååå-mm-dd tt:mm, till exempel 2025-02-15 12:00."
DATETIME_INVALID = "Skriv dag och klockslag som åååå-mm-dd tt:mm, till exempel 2025-02-15 12:00."
DATETIME_NO_SUCH_TIME = "Det klockslaget finns inte. Skriv tt:mm, till exempel 12:00."
# A date as above, then (after a space, or the T of an ISO value) hh:mm or hh.mm.
_DATETIME_RE = re.compile(r"(?P<date>.*?)(?:[T\s]+(?P<h>[0-9]{1,2})[:.](?P<m>[0-9]{2}))?")


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class SwedishDateInput(forms.DateInput):
    """A plain text box for a date written åååå-mm-dd. Not the browser's date picker
    (type=date): Chromium shows that in the browser's locale (mm/dd/yyyy in an English
    browser) whatever the page's language, beside our hint. No `pattern` either: the
    browser's own message would be in the browser's language, the field's is Swedish."""

    input_type = "text"

    def __init__(self, attrs=None, format=None) -> None:
        defaults = {
            "class": "input-date",
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "size": "12",
            "maxlength": str(_DATE_MAX_LENGTH),
        }
        super().__init__({**defaults, **(attrs or {})}, format=format or DATE_FORMAT)


def parse_swedish_date(text: str) -> datetime.date:
    """A date as Swedes write it: 2025-02-15, 2025-2-15 or 20250215. Raises ValueError with
    the Swedish message to show."""
    match = _DATE_RE.fullmatch(text.strip()[: _DATE_MAX_LENGTH + 1])
    if match is None:
        raise ValueError(DATE_INVALID)
    parts = [int(value) for value in match.groups() if value is not None]
    try:
        return datetime.date(*parts)
    except ValueError:
        raise ValueError(DATE_NO_SUCH_DAY) from None


class SwedishDateTimeInput(SwedishDateInput):
    """The text box of a date and time, åååå-mm-dd tt:mm (not type=datetime-local, which
    Chromium shows in the browser's locale, with AM/PM in an English browser). The ordinary
    keyboard: a phone's number pad has no space or colon."""

    def __init__(self, attrs=None, format=None) -> None:
        defaults = {"inputmode": "text", "size": "18"}
        super().__init__({**defaults, **(attrs or {})}, format=format or DATETIME_FORMAT)


class SwedishDateField(forms.DateField):
    """The one date field of the site: the text box above, the Swedish hint and messages.
    Every form's date goes through it (tests/look/test_form_look.py checks every form)."""

    widget = SwedishDateInput
    input_formats = [DATE_FORMAT]
    default_error_messages = {"invalid": DATE_INVALID}

    def __init__(self, *, help_text: str = "", **kwargs) -> None:
        # A model's DateField passes its own (often empty) help text: the hint is kept after it.
        super().__init__(help_text=f"{help_text} {DATE_HINT}".strip(), **kwargs)

    def to_python(self, value) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_swedish_date(str(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


def parse_swedish_datetime(text: str) -> datetime.datetime:
    """A date and time: 2025-02-15 12:00 (or 12.00, or 2025-02-15T12:00); a date alone is
    midnight. Raises ValueError with the Swedish message to show."""
    match = _DATETIME_RE.fullmatch(text.strip()[: _DATE_MAX_LENGTH + 1])
    if match is None:
        raise ValueError(DATETIME_INVALID)
    try:
        day = parse_swedish_date(match["date"])
    except ValueError as error:
        raise ValueError(DATETIME_INVALID if str(error) == DATE_INVALID else str(error)) from None
    try:
        time = datetime.time(int(match["h"] or 0), int(match["m"] or 0))
    except ValueError:
        raise ValueError(DATETIME_NO_SUCH_TIME) from None
    return datetime.datetime.combine(day, time)


class SwedishDateTimeField(forms.DateTimeField):
    """The one date-and-time field of the site, read in the current time zone (TIME_ZONE)."""

    widget = SwedishDateTimeInput
    input_formats = [DATETIME_FORMAT]
    default_error_messages = {"invalid": DATETIME_INVALID}

    def __init__(self, *, help_text: str = "", **kwargs) -> None:
        super().__init__(help_text=f"{help_text} {DATETIME_HINT}".strip(), **kwargs)

    def to_python(self, value) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return from_current_timezone(value)
        if isinstance(value, datetime.date):
            return from_current_timezone(datetime.datetime.combine(value, datetime.time()))
        try:
            return from_current_timezone(parse_swedish_datetime(str(value)))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
