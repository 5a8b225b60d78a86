"""The tjänsteutlåtande's pages: access, editing, the draft PDF, issuing and versions."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from funds.models import Allocation, Intervention, Membership, Recipient
from reporting.documents import decision_document_start
from reporting.models import DecisionDocument, DocumentIsIssued, IssuedDocument
from tests import factories as f
from tests.reporting.conftest import draft_document
from tests.reporting.pdfs import flat, pdf_objects, pdf_text

pytestmark = pytest.mark.django_db


def url(year, name: str, *extra) -> str:
    return reverse(name, args=[year.code, year.agreement.year, *extra])


def login(client, year, role: str = Membership.Role.COORDINATOR):
    recipient = year.district if role == Membership.Role.REPORTER else None
    user = f.user(year.organisation, role, recipient=recipient)
    client.force_login(user)
    return user


def form_data(document: DecisionDocument, **changes) -> dict:
    data = {
        name: ("" if value is None else value)
        for name, value in model_to_dict(document).items()
        if name not in {"id", "organisation", "example_interventions", "updated_by"}
    }
    for name in ("document_date", "meeting_date"):
        if data[name]:
            data[name] = data[name].isoformat()
    data["revision"] = document.revision if document.pk else 0
    data["examples"] = (
        [intervention.pk for intervention in document.example_interventions.all()]
        if document.pk
        else []
    )
    data.update(changes)
    return data


def snapshot(document: DecisionDocument) -> dict:
    document.refresh_from_db()
    state = model_to_dict(document)
    state["examples"] = sorted(state.pop("example_interventions", []), key=lambda i: i.pk)
    return state


@pytest.fixture
def fake_pdf(monkeypatch):
    """For tests of the workflow rather than the PDF: a stand-in for WeasyPrint that is
    instant and still differs whenever the document's HTML differs."""

    def render(html: str, *, variant: str | None = None, resources=None) -> bytes:
        return f"%PDF-stand-in {variant} {hashlib.sha256(html.encode()).hexdigest()}".encode()

    monkeypatch.setattr("reporting.documents.render_pdf", render)


GET_VIEWS = ["decision_preview", "decision_pdf", "decision_edit"]
POST_VIEWS = ["decision_edit", "decision_issue", "decision_new_version"]


# --- Access -----------------------------------------------------------------------------


@pytest.mark.smoke
def test_it_works(client, year):
    login(client, year, Membership.Role.READER)
    response = client.get(url(year, "decision_preview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Rapportering av medel 2023" in body
    assert "2,1\u00a0mnkr" in body
    assert '<th scope="col" class="num">Tilldelat</th>' in body
    assert "Föreningen Öppna dörren" in body
    assert "Samtalsgrupper" in body
    # CSP allows styles only from our own files: no inline styles anywhere.
    assert " style=" not in body
    assert "<style" not in body


@pytest.mark.parametrize("name", GET_VIEWS)
def test_it_sends_anonymous_visitors_to_login(client, year, name):
    response = client.get(url(year, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", GET_VIEWS)
def test_it_checks_ownership_for_reading(client, year, name):
    client.force_login(f.user(f.organisation(), Membership.Role.ADMINISTRATOR))
    assert client.get(url(year, name)).status_code == 404


@pytest.mark.parametrize("name", POST_VIEWS)
def test_it_checks_ownership_for_changes(client, year, name):
    client.force_login(f.user(f.organisation(), Membership.Role.ADMINISTRATOR))
    before = snapshot(year.document)
    assert client.post(url(year, name), form_data(year.document)).status_code == 404
    assert snapshot(year.document) == before


def test_it_checks_ownership_for_issued_versions(client, year, fake_pdf):
    document = year.document
    login(client, year)
    client.post(url(year, "decision_issue"), {"revision": document.revision})
    client.force_login(f.user(f.organisation(), Membership.Role.ADMINISTRATOR))
    assert client.get(url(year, "decision_version_pdf", 1)).status_code == 404


def test_it_answers_404_for_a_year_without_agreement(client, year):
    login(client, year)
    assert client.get(reverse("decision_preview", args=[year.code, 2031])).status_code == 404


@pytest.mark.parametrize("name", POST_VIEWS)
def test_it_requires_an_editor_role_to_change(client, year, name):
    login(client, year, Membership.Role.READER)
    before = snapshot(year.document)
    assert client.post(url(year, name), form_data(year.document)).status_code == 403
    assert snapshot(year.document) == before
    assert not IssuedDocument.objects.exists()


def test_a_reader_may_not_open_the_edit_form(client, year):
    login(client, year, Membership.Role.READER)
    assert client.get(url(year, "decision_edit")).status_code == 403


@pytest.mark.parametrize("name", GET_VIEWS)
def test_a_reporter_sees_nothing(client, year, name):
    login(client, year, Membership.Role.REPORTER)
    assert client.get(url(year, name)).status_code == 403


def test_a_reader_may_download_the_draft(client, year):
    login(client, year, Membership.Role.READER)
    response = client.get(url(year, "decision_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


# --- Editing ----------------------------------------------------------------------------


def test_it_saves_prose_header_and_examples(client, year):
    login(client, year)
    document = year.document
    response = client.post(
        url(year, "decision_edit"),
        form_data(document, summary="Ny sammanfattning.", registry_number="SOF 2023/99"),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.summary == "Ny sammanfattning."
    assert document.registry_number == "SOF 2023/99"
    assert document.revision == 2
    assert list(document.example_interventions.all()) == [year.intervention]


def test_the_edit_form_has_labels_for_every_field(client, year):
    login(client, year)
    body = client.get(url(year, "decision_edit")).content.decode()
    assert '<label for="id_summary">Sammanfattning' in body
    assert '<label for="id_registry_number">Diarienummer' in body
    assert f'value="{year.intervention.pk}"' in body
    assert " style=" not in body


def other_organisations_intervention() -> Intervention:
    org = f.organisation()
    area = f.area(f.agreement(org, 2023))
    allocation = f.allocation(area, f.recipient(org), "100.00")
    return Intervention.objects.create(follow_up=f.follow_up(allocation, "100.00"), name="Fel")


@pytest.mark.parametrize(
    "changes",
    [
        {"document_date": "5 mars"},
        {"meeting_date": "2024-02-30"},
        {"summary": "Staden fick 45,2 mnkr."},
        {"opinion": "Vi föreslår 1 500 000 kr till föreningarna."},
        {"administration": ""},
        {"case_officer_phone": "ring mig"},
        {"document_date": "2024-03-20", "meeting_date": "2024-03-19"},
        {"summary": "x" * 20_001},
        {"examples": ["999999"]},
        {"examples": ["inte-ett-id"]},
        {"revision": "inte-ett-tal"},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_bad_input_changes_nothing(client, year, changes):
    login(client, year)
    before = snapshot(year.document)
    response = client.post(url(year, "decision_edit"), form_data(year.document, **changes))
    assert response.status_code == 422
    assert "kunde inte sparas" in response.content.decode()
    assert snapshot(year.document) == before


def test_an_intervention_of_another_organisation_cannot_be_picked(client, year):
    login(client, year)
    before = snapshot(year.document)
    foreign = other_organisations_intervention()
    response = client.post(
        url(year, "decision_edit"), form_data(year.document, examples=[foreign.pk])
    )
    assert response.status_code == 422
    assert snapshot(year.document) == before


def test_a_stale_form_does_not_overwrite_a_newer_save(client, year):
    """Two officials open the form at revision 1; the second save is refused, not lost."""
    login(client, year)
    stale = form_data(year.document, summary="Den andras text.")
    first = client.post(url(year, "decision_edit"), form_data(year.document, summary="Min text."))
    assert first.status_code == 302
    second = client.post(url(year, "decision_edit"), stale)
    assert second.status_code == 422
    assert "Någon annan har ändrat" in second.content.decode()
    year.document.refresh_from_db()
    assert year.document.summary == "Min text."
    assert year.document.revision == 2


def test_prose_is_escaped_and_keeps_its_paragraphs_and_bullets(client, year):
    login(client, year)
    text = '<script>alert("x")</script> <b>fet</b>\n\nInledning:\n- första punkten\n- andra'
    client.post(url(year, "decision_edit"), form_data(year.document, background=text))
    body = client.get(url(year, "decision_preview")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;fet&lt;/b&gt;" in body
    assert (
        '<p>Inledning:</p>\n<ul class="prose-list"><li>första punkten</li><li>andra</li></ul>'
        in (body)
    )


def test_a_new_year_starts_from_last_years_text(client, year):
    year.document.delete()
    draft_document(year.organisation, 2022, summary="Förra årets sammanfattning.")
    login(client, year)
    response = client.get(url(year, "decision_edit"))
    assert "Förra årets sammanfattning." in response.content.decode()
    assert not DecisionDocument.objects.filter(year=2023).exists()  # nothing saved by a GET

    data = form_data(decision_document_start(year.agreement))
    assert client.post(url(year, "decision_edit"), data).status_code == 302
    created = DecisionDocument.objects.get(organisation=year.organisation, year=2023)
    assert created.summary == "Förra årets sammanfattning."
    assert created.registry_number == "SOF 2023/1"  # from the year's agreement, not last year


# --- The draft PDF ----------------------------------------------------------------------


def test_the_draft_pdf_says_utkast_on_every_page(client, year):
    login(client, year)
    text = pdf_text(client.get(url(year, "decision_pdf")).content)
    pages = [page for page in text.split("\f") if page.strip()]
    assert pages
    assert all("UTKAST" in page for page in pages)
    assert all(f"Sida {n} ({len(pages)})" in page for n, page in enumerate(pages, start=1))


def test_the_archival_draft_is_pdf_a(client, year):
    login(client, year)
    data = client.get(url(year, "decision_pdf") + "?arkiv=1").content
    assert b'pdfaid:part="3"' in pdf_objects(data)


# --- Issuing ----------------------------------------------------------------------------


def issue(client, year):
    return client.post(url(year, "decision_issue"), {"revision": year.document.revision})


def test_issuing_stores_the_exact_bytes_and_freezes_the_version(client, year):
    user = login(client, year)
    response = issue(client, year)
    assert response.status_code == 302

    issued = IssuedDocument.objects.get(document=year.document)
    assert issued.registry_number == "SOF 2023/1"
    assert issued.issued_by == user
    assert issued.pdf_sha256 == hashlib.sha256(bytes(issued.pdf)).hexdigest()
    assert issued.archival_pdf_sha256 == hashlib.sha256(bytes(issued.archival_pdf)).hexdigest()
    year.document.refresh_from_db()
    assert year.document.status == DecisionDocument.Status.ISSUED

    text = pdf_text(bytes(issued.pdf))
    assert "UTKAST" not in text
    assert "Dnr SOF 2023/1" in text


def test_an_issued_version_downloads_unchanged_after_the_data_changed(client, year):
    login(client, year)
    issue(client, year)
    first = client.get(url(year, "decision_version_pdf", 1))
    assert first.status_code == 200
    assert first["ETag"].strip('"') == hashlib.sha256(first.content).hexdigest()
    assert "2,1 mnkr" in flat(pdf_text(first.content))

    # The money changes after the decision (the demo's 2023 is closed, so straight in the
    # database): the stored version must not follow.
    Allocation.objects.filter(recipient=year.district).update(amount=Decimal("9549999.00"))
    year.areas[0].granted = Decimal("10049999.00")
    year.areas[0].save()

    again = client.get(url(year, "decision_version_pdf", 1))
    assert again.content == first.content
    assert hashlib.sha256(again.content).hexdigest() == hashlib.sha256(first.content).hexdigest()
    # ... while a new version reads the new figures.
    client.post(url(year, "decision_new_version"))
    draft = flat(pdf_text(client.get(url(year, "decision_pdf")).content))
    assert "11,1 mnkr" in draft
    assert client.get(url(year, "decision_version_pdf", 1)).content == first.content


def test_the_pdf_link_of_an_issued_year_gives_the_stored_version(client, year, fake_pdf):
    login(client, year)
    issue(client, year)
    response = client.get(url(year, "decision_pdf"))
    assert response.status_code == 302
    assert response.url == url(year, "decision_version_pdf", 1)
    archival = client.get(url(year, "decision_pdf") + "?arkiv=1", follow=True)
    issued = IssuedDocument.objects.get()
    assert archival.content == bytes(issued.archival_pdf)


def test_an_issued_version_cannot_be_edited_or_deleted(client, year, fake_pdf):
    login(client, year)
    issue(client, year)
    before = snapshot(year.document)
    response = client.post(url(year, "decision_edit"), form_data(year.document, summary="Nytt"))
    assert response.status_code == 302
    assert snapshot(year.document) == before

    document = DecisionDocument.objects.get(pk=year.document.pk)
    document.summary = "Ändrad i efterhand"
    with pytest.raises(DocumentIsIssued):
        document.save()
    with pytest.raises(DocumentIsIssued):
        document.delete()
    issued = IssuedDocument.objects.get()
    with pytest.raises(DocumentIsIssued):
        issued.save()
    with pytest.raises(DocumentIsIssued):
        issued.delete()


def test_issuing_twice_is_refused(client, year, fake_pdf):
    login(client, year)
    issue(client, year)
    issue(client, year)
    assert IssuedDocument.objects.count() == 1


def test_issuing_a_draft_changed_since_it_was_read_is_refused(client, year):
    login(client, year)
    response = client.post(url(year, "decision_issue"), {"revision": year.document.revision - 1})
    assert response.status_code == 302
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("field", ["registry_number", "meeting_date", "case_officer_name"])
def test_issuing_needs_the_header_filled_in(client, year, field):
    DecisionDocument.objects.filter(pk=year.document.pk).update(
        **{field: None if field.endswith("date") else ""}
    )
    login(client, year)
    response = issue(client, year)
    assert response.status_code == 302
    assert not IssuedDocument.objects.exists()
    body = client.get(url(year, "decision_preview")).content.decode()
    assert "Innan tjänsteutlåtandet kan utfärdas" in body


def test_issuing_needs_next_years_agreement(client, year):
    year.next_agreement.priority_areas.all().delete()
    year.next_agreement.delete()
    login(client, year)
    issue(client, year)
    assert not IssuedDocument.objects.exists()


def test_a_new_version_starts_from_the_issued_text(client, year, fake_pdf):
    login(client, year)
    issue(client, year)
    response = client.post(url(year, "decision_new_version"))
    assert response.status_code == 302
    assert response.url == url(year, "decision_edit")
    second = DecisionDocument.objects.get(organisation=year.organisation, year=2023, version=2)
    assert second.status == DecisionDocument.Status.DRAFT
    assert second.summary == year.document.summary
    assert second.registry_number == year.document.registry_number
    assert list(second.example_interventions.all()) == [year.intervention]
    assert client.post(url(year, "decision_new_version")).status_code == 302
    assert DecisionDocument.objects.filter(year=2023).count() == 2  # one draft at a time

    preview = client.get(url(year, "decision_preview")).content.decode()
    assert "<br>Version 2</p>" in preview
    assert '<p class="draft-mark">UTKAST</p>' in preview
    assert client.get(url(year, "decision_version_pdf", 1)).status_code == 200
    assert client.get(url(year, "decision_version_pdf", 2)).status_code == 404


def test_the_preview_lists_issued_versions_with_their_checksums(client, year, fake_pdf):
    login(client, year, Membership.Role.ADMINISTRATOR)
    issue(client, year)
    body = client.get(url(year, "decision_preview")).content.decode()
    issued = IssuedDocument.objects.get()
    assert issued.pdf_sha256 in body
    assert url(year, "decision_version_pdf", 1) in body
    assert "Starta version 2" in body


def test_other_recipients_count_in_the_split(client, year):
    other = f.recipient(
        year.organisation, name="Regionens samverkansenhet", kind=Recipient.Kind.OTHER
    )
    f.allocation(year.areas[1], other, "1.00")
    login(client, year)
    body = client.get(url(year, "decision_preview")).content.decode()
    assert "Övriga mottagare" in body
