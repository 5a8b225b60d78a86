"""Attachments: PDF only, at most 5 MB, no JavaScript; refused with a Swedish message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from calls.models import MAX_ATTACHMENT_BYTES
from tests import factories as f
from tests.calls.pdfs import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    area = f.area(f.agreement(f.organisation(), 2024))
    return f.application(f.call(area), status="draft", submitted_at=None)


def upload(application, name: str, data: bytes):
    client = Client()
    client.force_login(application.applicant)
    response = client.post(
        f"/ansokningar/{application.pk}/bilagor/",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_pdf_is_stored_in_the_database_and_served_back(draft):
    page = upload(draft, "plan.pdf", pdf())
    assert "Bilagan plan.pdf är sparad" in page
    attachment = draft.attachments.get()
    assert bytes(attachment.content) == pdf()
    client = Client()
    client.force_login(draft.applicant)
    response = client.get(f"/ansokningar/{draft.pk}/bilagor/{attachment.pk}/")
    assert response.content == pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.docx", b"PK\x03\x04 word", "Bara PDF-filer kan bifogas"),
        ("tom.pdf", b"", "Den skickade filen är tom."),
        ("js.pdf", pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), "JavaScript"),
        ("aa.pdf", pdf(b"/AA << /O 5 0 R >> "), "JavaScript"),
        ("escaped.pdf", pdf(b"/OpenAction << /S /J#61vaScript /J#53 (x) >> "), "JavaScript"),
        ("hidden.pdf", pdf(compressed=b"<< /S /JavaScript /JS (app.alert(1)) >>"), "JavaScript"),
    ],
)
def test_a_wrong_file_is_refused_in_swedish(draft, name, data, message):
    page = upload(draft, name, data)
    assert message in page
    assert draft.attachments.count() == 0


def test_an_oversized_file_is_refused(draft):
    page = upload(draft, "stor.pdf", b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES)
    assert "Filen är för stor. En bilaga får vara högst 5 MB." in page
    assert draft.attachments.count() == 0


def test_a_plain_open_action_is_accepted(draft):
    upload(draft, "ok.pdf", pdf(b"/OpenAction [3 0 R /Fit] "))
    assert draft.attachments.count() == 1


def test_nothing_is_attached_after_the_deadline(draft):
    from django.utils import timezone

    type(draft.call).objects.filter(pk=draft.call_id).update(closes_at=timezone.now())
    page = upload(draft, "sen.pdf", pdf())
    assert "Ansökningstiden har gått ut" in page
    assert draft.attachments.count() == 0
