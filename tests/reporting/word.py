"""Reading the Word files in tests: python-docx for paragraphs, tables and headings; the
zip for the footnotes part python-docx does not read; LibreOffice for a PDF of it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document


def docx_document(data: bytes):
    return Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of the body, in order, one per line."""
    document = docx_document(data)
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def docx_headings(data: bytes) -> list[tuple[str, str]]:
    return [
        (paragraph.style.name, paragraph.text)
        for paragraph in docx_document(data).paragraphs
        if paragraph.style.name.startswith("Heading")
    ]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in docx_document(data).tables
    ]


def docx_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def docx_footnotes(data: bytes) -> list[str]:
    xml = docx_part(data, "word/footnotes.xml")
    notes = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', xml, re.DOTALL)
    return [
        "".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", body)).strip()
        for number, body in notes
        if int(number) > 0
    ]


def docx_to_pdf(data: bytes, tmp_path: Path) -> bytes:
    """The .docx converted by LibreOffice (soffice --headless --convert-to pdf)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice saknas: scripts/browser_deps.sh installerar libreoffice-writer.")
    source = tmp_path / "document.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "document.pdf").read_bytes()
