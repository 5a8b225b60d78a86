"""The demo's tjänsteutlåtande: created once, never overwriting what officials did."""

from io import StringIO

import pytest
from django.core.management import call_command

from funds.demo import DemoDataError
from reporting.demo import PROSE, decision_demo_load
from reporting.forms import DecisionDocumentForm
from reporting.models import PROSE_FIELDS, DecisionDocument

pytestmark = pytest.mark.django_db


def test_it_needs_the_funds_demo():
    with pytest.raises(DemoDataError, match="kör load_demo först"):
        decision_demo_load()


def test_it_loads_once_and_leaves_edits_alone():
    call_command("load_demo", stdout=StringIO())
    first = decision_demo_load()
    assert first.created
    document = first.document
    assert document.registry_number == "SOF 2023/567"
    assert document.example_interventions.count() == 13
    assert all(getattr(document, name) for name in PROSE_FIELDS)

    DecisionDocument.objects.filter(pk=document.pk).update(summary="Ändrad av en handläggare.")
    second = decision_demo_load()
    assert not second.created
    assert DecisionDocument.objects.count() == 1
    assert DecisionDocument.objects.get().summary == "Ändrad av en handläggare."


def test_the_demo_text_passes_the_edit_form():
    call_command("load_demo", stdout=StringIO())
    document = decision_demo_load().document
    agreement = document.organisation.agreements.get(year=2023)
    form = DecisionDocumentForm(instance=document, agreement=agreement)
    for name, text in PROSE.items():
        for validator in form.fields[name].validators:
            validator(text)
