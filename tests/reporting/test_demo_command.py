"""`manage.py load_demo_documents`: the demo's tjänsteutlåtanden, 2023 issued as the
officials did, 2024 a draft; a second run changes nothing."""

import io

import pikepdf
import pytest
from django.core.management import CommandError, call_command
from docx import Document

from reporting.models import DecisionDocument, IssuedDocument
from tests.demo_image import demo_restore
from tests.reporting.pdfs import pdf_text


@pytest.mark.django_db
def test_load_demo_documents_is_idempotent_and_needs_the_funds_demo(capsys):
    with pytest.raises(CommandError):
        call_command("load_demo_documents")
    demo_restore()
    call_command("load_demo_documents")
    first = capsys.readouterr().out
    call_command("load_demo_documents")
    second = capsys.readouterr().out

    assert "utfärdades som version 1" in first and "utfärdades" not in second
    assert "fanns redan" in second
    assert DecisionDocument.objects.filter(year=2023).count() == 1
    assert DecisionDocument.objects.get(year=2023).status == DecisionDocument.Status.ISSUED
    assert DecisionDocument.objects.get(year=2024).status == DecisionDocument.Status.DRAFT
    assert IssuedDocument.objects.count() == 1


@pytest.mark.django_db
def test_the_issued_2023_is_stored_as_pdf_ua_pdf_a_and_word_without_utkast():
    demo_restore()
    call_command("load_demo_documents", stdout=io.StringIO())
    issued = IssuedDocument.objects.get(document__year=2023)

    text = pdf_text(bytes(issued.pdf))
    assert "UTKAST" not in text and "Tjänsteutlåtande" in text
    assert "16 föreningar inom civilsamhället" in text
    for data, part in ((issued.pdf, "pdfuaid"), (issued.archival_pdf, "pdfaid")):
        with pikepdf.open(io.BytesIO(bytes(data))) as pdf:
            assert part in str(pdf.open_metadata())
    word = Document(io.BytesIO(bytes(issued.docx)))
    assert "UTKAST" not in "\n".join(p.text for p in word.paragraphs)
