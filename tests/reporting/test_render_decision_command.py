"""`manage.py render_decision`: writes the year's PDF; refuses what does not exist."""

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from reporting.documents import decision_document_issue
from tests import factories as f
from tests.reporting.pdfs import pdf_objects, pdf_text

pytestmark = pytest.mark.django_db


def test_it_writes_the_draft(year, tmp_path):
    output = tmp_path / "tu.pdf"
    call_command("render_decision", organisation=year.code, year=2023, output=output)
    data = output.read_bytes()
    assert data.startswith(b"%PDF-1.7")
    text = pdf_text(data)
    assert "UTKAST" in text
    assert "Rapportering 2023 samt delegation för 2024" in text


def test_it_writes_the_archival_variant(year, tmp_path):
    output = tmp_path / "tu.pdf"
    call_command("render_decision", organisation=year.code, year=2023, output=output, archival=True)
    assert b'pdfaid:part="3"' in pdf_objects(output.read_bytes())


def test_it_writes_an_issued_version_as_stored(year, tmp_path):
    issued = decision_document_issue(
        document=year.document,
        agreement=year.agreement,
        expected_revision=year.document.revision,
        user=f.user(year.organisation),
    )
    output = tmp_path / "tu.pdf"
    call_command("render_decision", organisation=year.code, year=2023, output=output)
    assert output.read_bytes() == bytes(issued.pdf)


@pytest.mark.parametrize(
    ("code", "year_number"), [("0180", 2031), ("9999", 2023)], ids=["year", "organisation"]
)
def test_it_refuses_an_unknown_year_or_organisation(year, tmp_path, code, year_number):
    code = year.code if code == "0180" else code
    output = tmp_path / "tu.pdf"
    with pytest.raises(CommandError, match="Det finns ingen överenskommelse"):
        call_command("render_decision", organisation=code, year=year_number, output=output)
    assert not output.exists()


def test_it_exits_non_zero_from_the_command_line(year, tmp_path, capsys):
    argv = [
        "manage.py",
        "render_decision",
        "--organisation",
        year.code,
        "--year",
        "2031",
        "--output",
        str(tmp_path / "tu.pdf"),
    ]
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(argv).execute()
    assert exit_info.value.code == 1
    assert "Det finns ingen överenskommelse för organisation" in capsys.readouterr().err


def test_it_writes_word_from_the_suffix(year, tmp_path):
    output = tmp_path / "tu.docx"
    call_command("render_decision", organisation=year.code, year=2023, output=output)
    data = output.read_bytes()
    assert data.startswith(b"PK")
    from tests.reporting.word import docx_text

    assert "Rapportering 2023 samt delegation för 2024" in docx_text(data)


def test_an_issued_version_stores_and_writes_its_word_file(year, tmp_path):
    issued = decision_document_issue(
        document=year.document,
        agreement=year.agreement,
        expected_revision=year.document.revision,
        user=f.user(year.organisation),
    )
    import hashlib

    assert issued.docx_sha256 == hashlib.sha256(bytes(issued.docx)).hexdigest()
    output = tmp_path / "tu.docx"
    call_command("render_decision", organisation=year.code, year=2023, output=output)
    assert output.read_bytes() == bytes(issued.docx)


def test_it_refuses_other_suffixes(year, tmp_path):
    with pytest.raises(CommandError, match=r"\.pdf eller \.docx"):
        call_command(
            "render_decision", organisation=year.code, year=2023, output=tmp_path / "tu.odt"
        )
