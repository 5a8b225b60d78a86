"""Reading real PDFs in tests: text through poppler's pdftotext, objects through zlib.

poppler-utils (pdftotext, pdfinfo) is a test dependency: `apt-get install poppler-utils`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest

_STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} saknas: installera poppler-utils för att testa PDF:erna.")
    return path


def pdf_text(data: bytes) -> str:
    """The text pdftotext extracts (what copy and paste gives), page breaks as form feeds."""
    result = subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def pdf_layout_text(data: bytes) -> str:
    """pdftotext in layout mode: a table row stays on one line (the default mode reads the
    bold header and footer cells after the body)."""
    result = subprocess.run(
        [_poppler("pdftotext"), "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Whitespace (line breaks, non-breaking spaces) collapsed to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def pdf_info(data: bytes, *options: str) -> str:
    result = subprocess.run(
        [_poppler("pdfinfo"), *options, "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def pdf_fonts(data: bytes) -> list[str]:
    """pdffonts' rows, one per font (name type encoding emb sub uni object ID)."""
    result = subprocess.run(
        [_poppler("pdffonts"), "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").splitlines()[2:]


def pdf_objects(data: bytes) -> bytes:
    """The file with every compressed stream inflated, to look for catalog entries that
    WeasyPrint writes into compressed object streams (/StructTreeRoot, /Lang, /MarkInfo)."""
    parts = [data]
    for match in _STREAM_RE.finditer(data):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # images, fonts with other filters: not needed here
    return b"\n".join(parts)
