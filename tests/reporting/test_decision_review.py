"""Carried prose is reviewed, never silently reused: a 2024 draft started from 2023 marks
every carried section "Från 2023 – granska" in the editor and the preview (not in the PDF),
and cannot be issued until each is confirmed or rewritten."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from funds.models import Membership
from reporting.documents import (
    decision_document_current,
    decision_document_issue,
    decision_document_pdf,
)
from reporting.models import DecisionDocument, IssuedDocument
from reporting.review import CARRIED, CONFIRMED, REWRITTEN, review_state
from tests import factories as f
from tests.reporting.pdfs import pdf_text
from tests.reporting.test_decision_views import fake_pdf, form_data  # noqa: F401

pytestmark = pytest.mark.django_db


def edit_url(year) -> str:
    return f"/{year.code}/2024/tjansteutlatande/redigera/"


@pytest.fixture
def next_year(year, client):
    """The 2023 document with years and figures in it, a 2025 agreement so 2024 can be
    issued, and a coordinator logged in."""
    DecisionDocument.objects.filter(pk=year.document.pk).update(
        summary="Under 2023 fick 93 procent av eleverna stöd.",
        background="Bakgrunden 2023.",
    )
    f.area(f.agreement(year.organisation, 2025), "1000000.00", name="Barn och unga")
    client.force_login(f.user(year.organisation, Membership.Role.COORDINATOR))
    return year


def save_2024(client, year, **changes):
    agreement = year.organisation.agreements.get(year=2024)
    document = decision_document_current(agreement)
    data = form_data(
        document,
        registry_number="SOF 2024/9",
        document_date="2025-03-04",
        meeting_date="2025-03-18",
        **changes,
    )
    return client.post(edit_url(year), data)


def test_the_editor_marks_carried_sections_with_years_and_figures(client, next_year):
    page = client.get(edit_url(next_year)).content.decode()
    assert "Från 2023 – granska" in page
    assert "<mark>2023</mark>" in page
    assert "<mark>93 procent</mark>" in page
    assert 'name="review_summary"' in page


def test_the_2024_document_cannot_be_issued_with_an_unconfirmed_2023_section(
    client,
    next_year,
    fake_pdf,  # noqa: F811
):
    response = save_2024(client, next_year)
    assert response.status_code == 302
    draft = DecisionDocument.objects.get(organisation=next_year.organisation, year=2024)
    assert draft.carried_from_year == 2023
    assert review_state(draft, "summary") == CARRIED

    response = client.post(
        f"/{next_year.code}/2024/tjansteutlatande/utfarda/", {"revision": draft.revision}
    )
    assert response.status_code == 302
    assert not IssuedDocument.objects.filter(document=draft).exists()
    page = client.get(response.url).content.decode()
    assert "Avsnittet ”Sammanfattning” är hämtat från 2023 och inte granskat" in page

    agreement = next_year.organisation.agreements.get(year=2024)
    with pytest.raises(ValidationError, match="hämtat från 2023"):
        decision_document_issue(
            document=draft, agreement=agreement, expected_revision=draft.revision, user=None
        )


def test_confirming_or_rewriting_every_section_allows_issuing(
    client,
    next_year,
    fake_pdf,  # noqa: F811
):
    save_2024(client, next_year)
    draft = DecisionDocument.objects.get(organisation=next_year.organisation, year=2024)
    carried = [name for name, entry in draft.section_review.items() if entry["state"] == CARRIED]
    assert set(carried) == {"summary", "background", "opinion"}
    changes = {"summary": "Under 2024 fick eleverna stöd."}
    changes.update({f"review_{name}": "on" for name in carried if name != "summary"})
    data = form_data(draft, **changes)
    assert client.post(edit_url(next_year), data).status_code == 302
    draft.refresh_from_db()
    assert review_state(draft, "summary") == REWRITTEN
    assert review_state(draft, "background") == CONFIRMED
    client.post(f"/{next_year.code}/2024/tjansteutlatande/utfarda/", {"revision": draft.revision})
    issued = IssuedDocument.objects.get(document=draft)
    assert issued.docx_sha256 and bytes(issued.docx).startswith(b"PK")


def test_the_preview_marks_carried_sections_and_the_pdf_does_not(client, next_year):
    save_2024(client, next_year)
    preview = client.get(f"/{next_year.code}/2024/tjansteutlatande/").content.decode()
    assert "Från 2023 – granska" in preview
    assert "<mark>93 procent</mark>" in preview
    agreement = next_year.organisation.agreements.select_related("organisation").get(year=2024)
    text = pdf_text(decision_document_pdf(decision_document_current(agreement), agreement))
    assert "granska" not in text
    assert "93 procent" in text  # the text itself is there, unmarked


def test_a_document_without_a_previous_year_has_nothing_to_review(year):
    assert year.document.section_review == {}
    assert year.document.carried_from_year is None
    assert datetime.date(2024, 3, 5) == year.document.document_date
