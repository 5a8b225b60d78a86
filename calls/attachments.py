"""Attachments: PDF only, size-limited, no JavaScript; kept in the database, never on disk.

A PDF can hide its JavaScript behind name escapes (/J#61vaScript) and inside compressed
object streams, so names are unescaped and Flate streams are inflated (bounded) before the
scan. A PDF we cannot read through is refused rather than let through.
"""

from __future__ import annotations

import re
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler

from calls.models import MAX_ATTACHMENT_BYTES

PDF_MAGIC = b"%PDF-"
# Inflated content scanned per file at most; a zip bomb stops here.
MAX_INFLATED = 50 * 1024 * 1024
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE = re.compile(rb"/(?:JS|JavaScript|AA|Launch|RichMedia)(?![A-Za-z0-9])")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)

MESSAGES = {
    "size": f"Filen är för stor. En bilaga får vara högst {MAX_ATTACHMENT_BYTES // 2**20} MB.",
    "empty": "Filen är tom.",
    "not_pdf": "Bara PDF-filer kan bifogas. Spara dokumentet som PDF och försök igen.",
    "javascript": (
        "PDF-filen innehåller JavaScript eller automatiska åtgärder och kan inte tas emot. "
        "Skriv ut den till en ny PDF (Skriv ut → Spara som PDF) och försök igen."
    ),
}


def _unescaped(data: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _has_active_content(data: bytes) -> bool:
    if _ACTIVE.search(_unescaped(data)):
        return True
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (an image, say): nothing to read inside
        budget -= len(inflated)
        if _ACTIVE.search(_unescaped(inflated)):
            return True
        if budget <= 0 or inflater.unconsumed_tail:
            return True  # too much to read through: refuse rather than guess
    return False


def attachment_check(data: bytes) -> None:
    """Raise ValidationError (Swedish message) unless `data` is an acceptable PDF."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(MESSAGES["size"], code="size")
    if not data:
        raise ValidationError(MESSAGES["empty"], code="empty")
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf")
    if _has_active_content(data):
        raise ValidationError(MESSAGES["javascript"], code="javascript")


class InMemoryUpload(MemoryFileUploadHandler):
    """Keep the upload in memory (the request's size was checked before parsing), so an
    attachment never touches the disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
