"""Attachments: PDF only, size-limited, nothing active inside; kept in the database, never on
disk.

The file is opened with qpdf (pikepdf), which decodes every filter, object stream and
cross-reference stream, so nothing can hide behind an encoding. Refused: encrypted files (an
empty password too), JavaScript, actions other than going to a page in the document, embedded
files, RichMedia and XFA forms. The check reads each object's canonical text once (qpdf
writes names unescaped there), never decodes a stream's data, and page and object limits
keep it linear and under a second for any file within MAX_ATTACHMENT_BYTES. A PDF qpdf
cannot read without repairing it is refused.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler

from calls.models import MAX_ATTACHMENT_BYTES

if TYPE_CHECKING:
    import pikepdf

PDF_MAGIC = b"%PDF-"
# Limits that keep the check linear and under a second for any file within the size limit
# (qpdf and the scan read about 15 000 objects a second on a busy two-core server). A 5 MB
# report saved from Word has a few thousand objects.
MAX_PAGES = 500
MAX_OBJECTS = 10_000

MESSAGES = {
    "size": f"Filen är för stor. En bilaga får vara högst {MAX_ATTACHMENT_BYTES // 2**20} MB.",
    "empty": "Filen är tom.",
    "not_pdf": "Bara PDF-filer kan bifogas. Spara dokumentet som PDF och försök igen.",
    "broken": "PDF-filen går inte att läsa. Spara om den som PDF och försök igen.",
    "encrypted": (
        "PDF-filen är krypterad eller lösenordsskyddad och kan inte tas emot. Spara den utan "
        "lösenord eller skydd och försök igen."
    ),
    "too_many": (
        f"PDF-filen är för stor eller för komplicerad: högst {MAX_PAGES} sidor tas emot. "
        "Dela upp den i flera bilagor."
    ),
    "javascript": (
        "PDF-filen innehåller JavaScript eller automatiska åtgärder och kan inte tas emot. "
        "Skriv ut den till en ny PDF (Skriv ut → Spara som PDF) och försök igen."
    ),
    "action": (
        "PDF-filen innehåller automatiska åtgärder eller länkar som öppnar adresser, program "
        "eller andra filer och kan inte tas emot. Skriv ut den till en ny PDF (Skriv ut → "
        "Spara som PDF) och försök igen."
    ),
    "embedded": (
        "PDF-filen innehåller inbäddade filer, ljud, film eller ett inbyggt formulär och kan inte "
        "tas emot. Skriv ut den till en ny PDF (Skriv ut → Spara som PDF) och försök igen."
    ),
}

# Names refused wherever they stand (outside strings), with the message they get: keys and
# types that carry JavaScript, embedded files and media, and the action types that open
# something outside the document.
_REFUSED_NAMES = {
    **dict.fromkeys(["/JS", "/JavaScript"], "javascript"),
    **dict.fromkeys(
        [
            "/EmbeddedFiles",
            "/EmbeddedFile",
            "/EF",
            "/FileAttachment",
            "/XFA",
            "/RichMedia",
            "/RichMediaContent",
            "/RichMediaSettings",
            "/RichMediaExecute",
            "/Movie",
            "/Sound",
            "/Screen",
        ],
        "embedded",
    ),
    **dict.fromkeys(
        ["/Launch", "/URI", "/SubmitForm", "/GoToR", "/GoToE", "/GoTo3DView", "/ImportData"]
        + ["/Rendition"],
        "action",
    ),
}
# Strings in qpdf's canonical text: parentheses and backslashes inside are escaped.
_STRING = re.compile(rb"\((?:[^\\)]|\\.)*\)", re.DOTALL)
_NAME = re.compile(rb"/[^\s/<>\[\](){}%]*")
# Additional actions (/AA) that only go to a page, in qpdf's canonical text (keys sorted, one
# space between tokens): each entry a destination array or a /GoTo dictionary.
_DESTINATION = rb"(?:\[[^\[\]<>()]*\]|\(\)|/[^\s/<>\[\](){}%]+)"
_PAGE_ACTION = rb"(?:\[[^\[\]<>()]*\]|<< /D " + _DESTINATION + rb" /S /GoTo(?: /Type /Action)? >>)"
_ADDITIONAL_ACTIONS = re.compile(rb"/AA << (?:/[^\s/<>\[\](){}%]+ " + _PAGE_ACTION + rb" )*>>")


class _Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _refuse(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _check_action(action: pikepdf.Object) -> None:
    """An automatic action (/OpenAction, an /AA entry): a destination in this document."""
    import pikepdf

    if isinstance(action, pikepdf.Array):
        return  # an explicit destination: [page /Fit] and the like
    if (
        isinstance(action, pikepdf.Dictionary)
        and action.get("/S") == pikepdf.Name.GoTo
        and "/Next" not in action
    ):
        return
    raise _Refused("action")


def _canonical(item: pikepdf.Object) -> bytes:
    """qpdf's text of the object (a stream's dictionary, never its data), strings removed.
    Names are written unescaped there (/J#61vaScript is /JavaScript)."""
    import pikepdf

    if isinstance(item, pikepdf.Stream):
        item = item.stream_dict
    return _STRING.sub(b"()", item.unparse(resolved=True))


def _check_object(item: pikepdf.Object) -> None:
    text = _canonical(item)
    names = _NAME.findall(text)
    for name in set(names):
        code = _REFUSED_NAMES.get(name.decode("latin-1"))
        if code:
            raise _Refused(code)
    if b"/AA" in names and names.count(b"/AA") != len(_ADDITIONAL_ACTIONS.findall(text)):
        raise _Refused("action")


def _inspect(data: bytes) -> None:
    import pikepdf  # qpdf loads with the first attachment, not when the app starts

    # No recovery: a damaged cross-reference table would make qpdf scan the whole file
    # object by object; such a file is refused (re-saving it repairs it).
    try:
        with pikepdf.open(BytesIO(data), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                raise _Refused("encrypted")
            declared = pdf.trailer.get("/Size", 0)
            if not isinstance(declared, int) or declared > MAX_OBJECTS + 1:
                raise _Refused("too_many")
            objects = pdf.objects
            if len(objects) > MAX_OBJECTS or len(pdf.pages) > MAX_PAGES:
                raise _Refused("too_many")
            _check_object(pdf.trailer)
            for item in objects:
                _check_object(item)
            if "/OpenAction" in pdf.Root:
                _check_action(pdf.Root.OpenAction)
    except pikepdf.PasswordError:
        raise _Refused("encrypted") from None
    except (pikepdf.PdfError, RecursionError, ValueError, TypeError, KeyError):
        raise _Refused("broken") from None


def attachment_check(data: bytes) -> None:
    """Raise ValidationError (Swedish message) unless `data` is an acceptable PDF."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _refuse("size")
    if not data:
        raise _refuse("empty")
    if not data.startswith(PDF_MAGIC):
        raise _refuse("not_pdf")
    try:
        _inspect(data)
    except _Refused as refused:
        raise _refuse(refused.code) from None


class InMemoryUpload(MemoryFileUploadHandler):
    """Keep the upload in memory (the request's size was checked before parsing), so an
    attachment never touches the disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
