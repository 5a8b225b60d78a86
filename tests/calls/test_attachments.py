"""Attachments: PDF only, at most 5 MB, no JavaScript; refused with a Swedish message."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pikepdf import Name, String

from calls.attachments import MAX_OBJECTS, attachment_check
from calls.models import MAX_ATTACHMENT_BYTES
from tests import factories as f
from tests.calls import pdfs
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
        ("aa.pdf", pdf(b"/AA << /O << /S /Named /N /Print >> >> "), "automatiska åtgärder"),
        ("escaped.pdf", pdf(b"/OpenAction << /S /J#61vaScript /J#53 (x) >> "), "JavaScript"),
        ("hidden.pdf", pdfs.javascript_in_object_stream("flate_predictor"), "JavaScript"),
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


def refusal(data: bytes) -> tuple[str, float]:
    started = time.process_time()
    try:
        attachment_check(data)
    except ValidationError as refused:
        return refused.code, time.process_time() - started
    return "accepted", time.process_time() - started


HOSTILE = {
    **{
        f"javascript behind {encoding}": (pdfs.javascript_in_object_stream(encoding), "javascript")
        for encoding in pdfs.ENCODINGS
    },
    "javascript after stream\\r": (
        pdfs.javascript_in_object_stream("ascii_hex", eol=b"\r"),
        "javascript",
    ),
    "rc4 with an empty password": (
        pdfs.built(pdfs.open_action(pdfs.JAVASCRIPT_ACTION), encryption=pdfs.RC4_EMPTY_PASSWORD),
        "encrypted",
    ),
    "rc4, nothing else": (pdfs.built(encryption=pdfs.RC4_EMPTY_PASSWORD), "encrypted"),
    "open action uri": (
        pdfs.built(pdfs.open_action({"/S": Name.URI, "/URI": String("https://example.org/")})),
        "action",
    ),
    "submit form link": (
        pdfs.built(pdfs.link_annotation({"/S": Name.SubmitForm, "/F": String("https://x.se")})),
        "action",
    ),
    "goto remote unc": (
        pdfs.built(
            pdfs.open_action(
                {"/S": Name.GoToR, "/F": String(r"\\evil\share\x.pdf"), "/D": [0, Name.Fit]}
            )
        ),
        "action",
    ),
    "launch": (
        pdfs.built(pdfs.open_action({"/S": Name.Launch, "/F": String("calc.exe")})),
        "action",
    ),
    "named action on open": (
        pdfs.built(pdfs.open_action({"/S": Name.Named, "/N": Name.Print})),
        "action",
    ),
    "additional action uri": (pdf(b"/AA << /WC << /S /URI /URI (https://x.se) >> >> "), "action"),
    "embedded exe": (pdfs.built(pdfs.embedded_exe), "embedded"),
    "xfa": (pdfs.built(pdfs.xfa_form), "embedded"),
    "damaged cross-reference table": (pdf().replace(b"xref", b"xref 9"), "broken"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hiding_trick_is_refused_at_once(name):
    data, code = HOSTILE[name]
    refused, seconds = refusal(data)
    assert refused == code
    assert seconds < 1


@pytest.mark.parametrize(
    "data",
    [
        pdf(),
        pdfs.built(pages=3),
        pdfs.built(pdfs.page_open_action),
        pdfs.built(pdfs.goto_page_action),
        pdf(b"/AA << /WC [3 0 R /Fit] >> "),
    ],
)
def test_plain_pdfs_and_page_destinations_are_accepted(data):
    assert refusal(data)[0] == "accepted"


def test_the_refusal_is_shown_in_swedish_and_nothing_is_stored(draft):
    page = upload(draft, "dold.pdf", pdfs.javascript_in_object_stream("ascii85"))
    assert "innehåller JavaScript" in page
    page = upload(draft, "krypterad.pdf", pdfs.built(encryption=pdfs.RC4_EMPTY_PASSWORD))
    assert "krypterad eller lösenordsskyddad" in page
    assert draft.attachments.count() == 0


def test_the_check_takes_linear_time_and_under_a_second():
    """The worst case the limits allow: as many objects as may be read, each with additional
    actions and a link to read through, the rest a stream of `stream` tokens."""
    count = MAX_OBJECTS - 10
    small = pdfs.many_objects(50_000, count=count // 100)
    large = pdfs.many_objects(MAX_ATTACHMENT_BYTES - 1000, count=count)
    tokens = pdfs.many_stream_tokens(MAX_ATTACHMENT_BYTES - 1000)
    times = {}
    for name, data in {"small": small, "large": large, "tokens": tokens}.items():
        results = [refusal(data) for _ in range(3)]
        assert {code for code, _ in results} == {"accepted"}
        times[name] = min(seconds for _, seconds in results)
    assert times["large"] < 1
    assert times["tokens"] < 1
    size_ratio = len(large) / len(small)
    assert times["large"] / max(times["small"], 1e-4) < 3 * size_ratio
    too_many = pdfs.many_objects(MAX_ATTACHMENT_BYTES - 1000, count=MAX_OBJECTS + 1)
    assert refusal(too_many)[0] == "too_many"
    assert refusal(too_many)[1] < 1


def _typed(**changes) -> dict:
    """The application form as the browser sends it with the upload button: what was typed."""
    data = {
        "organisation_name": "Föreningen Exempel",
        "organisation_number": "802000-0009",
        "project_title": "Samtalsgrupper",
        "description": "Texten som inte får försvinna.",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "20",
        "budget-0-item": "",
        "budget-0-amount": "",
        "action": "upload",
    }
    return {**data, **changes}


def test_uploading_saves_what_was_typed_first(draft):
    client = Client()
    client.force_login(draft.applicant)
    file = SimpleUploadedFile("plan.pdf", pdf(), content_type="application/pdf")
    response = client.post(f"/ansokningar/{draft.pk}/bilagor/", {**_typed(), "file": file})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.description == "Texten som inte får försvinna."
    assert draft.organisation_number == "802000-0009"
    assert [a.name for a in draft.attachments.all()] == ["plan.pdf"]


def test_text_that_cannot_be_saved_comes_back_and_the_file_waits(draft):
    client = Client()
    client.force_login(draft.applicant)
    file = SimpleUploadedFile("plan.pdf", pdf(), content_type="application/pdf")
    typed = _typed(organisation_number="802000-0000")
    response = client.post(f"/ansokningar/{draft.pk}/bilagor/", {**typed, "file": file})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Texten som inte får försvinna." in text
    assert "Bilagan laddades inte upp" in text
    assert 'class="error-summary"' in text
    assert not draft.attachments.exists()
    draft.refresh_from_db()
    assert draft.description != "Texten som inte får försvinna."


def test_the_hints_example_organisation_number_passes_its_own_check():
    import re

    from calls.forms import ApplicationForm
    from funds.identifiers import validate_organisation_number

    hint = ApplicationForm.Meta.help_texts["organisation_number"]
    example = re.search(r"\d{6}-\d{4}", hint).group()
    validate_organisation_number(example)
