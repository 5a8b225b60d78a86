"""The demo's tjänsteutlåtanden: created once from the data files, never overwriting what
officials did."""

import pytest

from funds.demo.rows import DemoDataError
from reporting.demo import decision_demo_load, demo_text
from reporting.forms import DecisionDocumentForm
from reporting.models import PROSE_FIELDS, DecisionDocument
from reporting.review import CARRIED, REWRITTEN, review_state
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


def test_it_needs_the_funds_demo():
    with pytest.raises(DemoDataError, match="kör load_demo först"):
        decision_demo_load()


def test_it_loads_once_and_leaves_edits_alone():
    demo_restore()
    first = decision_demo_load()
    assert first.created and first.created_next
    document = first.document
    assert document.registry_number == "SOF 2023/567"
    assert all(getattr(document, name) for name in PROSE_FIELDS)
    assert document.associations_placement == "footnote"

    DecisionDocument.objects.filter(pk=document.pk).update(summary="Ändrad av en handläggare.")
    second = decision_demo_load()
    assert not second.created and not second.created_next
    assert DecisionDocument.objects.count() == 2
    assert DecisionDocument.objects.get(year=2023).summary == "Ändrad av en handläggare."


def test_the_2024_draft_is_written_for_2024_with_two_sections_left_for_review():
    demo_restore()
    decision_demo_load()
    draft = DecisionDocument.objects.get(year=2024)
    assert draft.carried_from_year == 2023
    assert review_state(draft, "equality") == CARRIED
    assert review_state(draft, "child_rights") == CARRIED
    assert review_state(draft, "summary") == REWRITTEN
    assert "varav fem" not in draft.reporting_intro
    assert draft.examples_text == "" and draft.examples_intro == ""


def test_the_demo_text_passes_the_edit_form():
    demo_restore()
    document = decision_demo_load().document
    agreement = document.organisation.agreements.get(year=2023)
    form = DecisionDocumentForm(instance=document, agreement=agreement)
    for year in (2023, 2024):
        for name, text in demo_text(year)["prose"].items():
            for validator in form.fields[name].validators:
                validator(text)
