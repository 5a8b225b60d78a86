"""One form look: every form renders through the site's renderer and its templates, in
Swedish, whatever language the browser asks for."""

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from config.forms import SiteFormRenderer, SwedishDateField
from funds.followup.forms import DeadlineForm, RepaymentForm
from funds.forms import RecipientAddForm
from tests import factories as f


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
    # A Swedish date: the browser's date picker, the hint and the message in Swedish.
    assert 'type="date"' in html
    assert "år-månad-dag, till exempel 2025-02-15" in html
    assert "Ange ett datum som år-månad-dag" in html
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
    assert "2025-02-15" in field.help_text


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
