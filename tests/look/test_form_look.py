"""One form look: every form renders through the site's renderer and its templates, in
Swedish, whatever language the browser asks for."""

import datetime
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import get_default_renderer
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from config.forms import (
    DATE_HINT,
    SiteFormRenderer,
    SwedishDateField,
    SwedishDateInput,
    SwedishDateTimeField,
    SwedishDateTimeInput,
)
from funds.followup.forms import DeadlineForm, RepaymentForm
from funds.forms import RecipientAddForm
from tests import factories as f

PROJECT_APPS = ("analysis", "calls", "config", "funds", "plans", "reporting", "signin")


class RenderedTemplates:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, sender, template, context, **kwargs) -> None:
        self.names.append(template.name)

    def __enter__(self):
        template_rendered.connect(self)
        return self.names

    def __exit__(self, *exc) -> None:
        template_rendered.disconnect(self)


def test_the_site_renderer_is_the_default():
    renderer = get_default_renderer()
    assert isinstance(renderer, SiteFormRenderer)
    assert (renderer.form_template_name, renderer.field_template_name) == (
        "forms/form.html",
        "forms/field.html",
    )


def test_a_field_has_its_label_hint_and_error_tied_to_the_input():
    form = DeadlineForm(data={"deadline": "15/2 2025"})
    with RenderedTemplates() as names:
        html = form["deadline"].as_field_group()
    assert "forms/field.html" in names
    assert '<label for="id_deadline">Sista dag för redovisning</label>' in html
    assert '<p class="hint" id="id_deadline_helptext">' in html
    assert 'id="id_deadline_error"' in html
    assert 'aria-describedby="id_deadline_helptext id_deadline_error"' in html
    assert 'aria-invalid="true"' in html
    # A Swedish date: a text box (not the browser's picker), the hint and the message in
    # Swedish.
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'inputmode="numeric"' in html and 'autocomplete="off"' in html
    assert "åååå-mm-dd (år-månad-dag), till exempel 2025-02-15" in html
    assert "Skriv datumet som åååå-mm-dd" in html
    # The label comes before the input (label above input).
    assert html.index("<label") < html.index("<input")


def test_a_whole_form_has_an_error_summary_linking_to_the_fields():
    form = RepaymentForm(data={}, areas=[], recipients=[])
    with RenderedTemplates() as names:
        html = str(form)
    assert "forms/form.html" in names and "forms/field.html" in names
    assert 'class="error-summary" role="alert"' in html
    assert "<h2>Återbetalningen registrerades inte</h2>" in html
    assert '<a href="#id_amount">Belopp: Ange ett belopp.</a>' in html
    assert '<a href="#id_paid_on">Betalt: Detta fält måste fyllas i.</a>' in html


def test_a_checkbox_group_is_a_fieldset_with_a_legend():
    class Form(forms.Form):
        groups = forms.MultipleChoiceField(
            label="Målgrupp",
            choices=[("a", "Barn"), ("b", "Unga")],
            widget=forms.CheckboxSelectMultiple,
            help_text="Välj alla som gäller.",
        )

    html = str(Form())
    assert '<fieldset class="field field-choices" aria-describedby="id_groups_helptext">' in html
    assert "<legend>Målgrupp</legend>" in html


@pytest.mark.django_db
def test_an_empty_choice_is_swedish():
    org = f.organisation()
    html = str(RecipientAddForm(organisation=org, year=2024)["kind"])
    assert "– Välj –" in html and "---------" not in html
    assert "Select" not in html


def test_a_model_date_field_keeps_the_swedish_hint():
    field = SwedishDateField(label="Datum", help_text="")
    assert field.help_text == DATE_HINT
    field = SwedishDateField(label="Datum", help_text="Lämna tomt om inget beslut finns.")
    assert field.help_text == f"Lämna tomt om inget beslut finns. {DATE_HINT}"


@pytest.mark.parametrize(
    "typed", ["2025-03-04", "2025-3-4", "20250304", " 2025-03-04 ", "2025 – 03 – 04"]
)
def test_a_date_is_read_as_swedes_write_it(typed):
    assert SwedishDateField().clean(typed) == datetime.date(2025, 3, 4)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("03/04/2025", "Skriv datumet som åååå-mm-dd, till exempel 2025-02-15."),
        ("4/3 2025", "Skriv datumet som åååå-mm-dd, till exempel 2025-02-15."),
        ("2025034", "Skriv datumet som åååå-mm-dd, till exempel 2025-02-15."),
        ("2025-02-30", "Det datumet finns inte."),
        ("2025-13-01", "Det datumet finns inte."),
        ("2" * 5000, "Skriv datumet som åååå-mm-dd"),
    ],
)
def test_a_date_that_is_not_one_gets_a_swedish_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        SwedishDateField().clean(typed)
    assert refused.value.messages[0].startswith(message)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-03-04 12:00", (2025, 3, 4, 12, 0)),
        ("2025-03-04T12:00", (2025, 3, 4, 12, 0)),
        ("2025-3-4 9.05", (2025, 3, 4, 9, 5)),
        ("20250304 12:00", (2025, 3, 4, 12, 0)),
        ("2025-03-04", (2025, 3, 4, 0, 0)),
    ],
)
def test_a_date_and_time_is_read_as_swedes_write_it(typed, expected):
    value = SwedishDateTimeField().clean(typed)
    assert timezone.localtime(value).timetuple()[:5] == expected
    assert str(timezone.localtime(value).tzinfo) == settings.TIME_ZONE


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("03/04/2025 12:00 PM", "Skriv dag och klockslag som åååå-mm-dd tt:mm"),
        ("2025-03-04 25:00", "Det klockslaget finns inte."),
        ("2025-02-30 12:00", "Det datumet finns inte."),
    ],
)
def test_a_date_and_time_that_is_not_one_gets_a_swedish_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        SwedishDateTimeField().clean(typed)
    assert refused.value.messages[0].startswith(message)


def _project_form_classes() -> list[type]:
    """Every form class defined in the project's apps (each module imported first)."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


def test_every_date_field_of_every_form_is_the_swedish_one():
    """Issue 22: Chromium shows type=date in the browser's locale (mm/dd/yyyy), so no form
    may fall back to Django's DateField or a DateInput of its own."""
    checked = []
    for cls in _project_form_classes():
        for name, field in cls.base_fields.items():
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            if isinstance(field, forms.DateField):
                assert isinstance(field, SwedishDateField), where
                assert type(field.widget) is SwedishDateInput, where
                checked.append(where)
            elif isinstance(field, forms.DateTimeField):
                assert isinstance(field, SwedishDateTimeField), where
                assert type(field.widget) is SwedishDateTimeInput, where
                checked.append(where)
    assert len(checked) >= 10, checked  # the walk found the forms at all


def test_no_template_writes_a_date_input_of_its_own():
    templates = Path(settings.BASE_DIR) / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert 'type="date"' not in text and 'type="datetime-local"' not in text, path


@pytest.mark.django_db
def test_an_english_browser_still_gets_swedish():
    client = Client(headers={"accept-language": "en-GB,en;q=0.9"})
    page = client.get(reverse("login")).content.decode()
    assert "Användarnamn" in page and "Lösenord" in page
    assert "Username" not in page and "Password" not in page
    refused = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    body = refused.content.decode()
    assert "Ange ett korrekt användarnamn och lösenord" in body
    assert "Please enter" not in body
    assert refused.headers.get("Content-Language", "sv") == "sv"


@pytest.mark.django_db
def test_an_english_browser_gets_swedish_form_errors(client):
    org = f.organisation()
    agr = f.agreement(org, 2024, status="decided")
    f.area(agr)
    client.force_login(f.user(org))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("repayments", args=[org.code, 2024])
    body = client.post(url, {}).content.decode()
    assert "Detta fält måste fyllas i." in body
    assert "This field is required" not in body
