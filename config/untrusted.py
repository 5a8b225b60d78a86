"""Bounds on untrusted input before it is parsed: request bodies by Content-Length, JSON by
size and nesting depth, .xlsx workbooks by their parts' uncompressed sizes and counts.

Every refusal is Swedish and costs no more than reading a header, a zip directory or the
text once. docs/operations.md gives the same body limits for the proxy.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from io import BytesIO

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

KB = 1024
MB = 1024 * KB
# Body limits per kind of URL (by URL name), with room for the form around the file; every
# other request is a form. Keep docs/operations.md (client_max_body_size) in step.
FORM_BODY_BYTES = 1 * MB
BODY_LIMITS = {
    "attachment_upload": 6 * MB,  # attachments: 5 MB (calls.models.MAX_ATTACHMENT_BYTES)
    "organisation_settings": 512 * KB,  # logos: 200 kB (reporting.logos.MAX_LOGO_BYTES)
    "allocation_import": 3 * MB,  # workbooks: 2 MB (funds' allocation import)
    "recipient_import": 2 * MB,  # recipient lists: 1 MB (funds.onboarding.sheets)
    "allocation_matrix": 4 * MB,  # the matrix's batch save (`celler`, or 4 800 fields)
}

# JSON posted by the page's own scripts.
MAX_JSON_BYTES = 2 * MB
_JSON_BRACKETS = re.compile(r'[\[\]{}"\\]')

# An .xlsx is a zip of XML parts; openpyxl parses each part whole. These bound what it may
# be asked to read: a few hundred styles and some thousand strings is a large real workbook.
MAX_PARTS = 200
MAX_PART_BYTES = {
    "xl/styles.xml": 2 * MB,
    "xl/sharedStrings.xml": 8 * MB,
}
MAX_SHEET_BYTES = 20 * MB
MAX_OTHER_PART_BYTES = 2 * MB
MAX_WORKBOOK_BYTES = 40 * MB
# Elements counted in a streaming pass (no tree is built) of the parts openpyxl reads whole.
MAX_STYLE_ELEMENTS = 20_000
MAX_SHARED_STRINGS = 200_000
_COUNTED = {
    "xl/styles.xml": (re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|numFmt|dxf)\b"), 0),
    "xl/sharedStrings.xml": (re.compile(rb"<(?:\w+:)?si\b"), 1),
}

WORKBOOK_TOO_LARGE = (
    "Filen är för stor eller för komplicerad att läsa in (för många format, texter eller "
    "blad). Kopiera raderna till en ny arbetsbok, spara den och försök igen."
)


class BodyTooLargeMiddleware:
    """Refuse a request body by its Content-Length before anything reads it: 413 and a
    Swedish page. The limit depends on the kind of URL (BODY_LIMITS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.path_info)
        if length > limit:
            # A page of its own (not base.html): nothing about the user is known yet.
            html = render_to_string("body_too_large.html", {"limit": _readable(limit)})
            response = HttpResponse(html, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def body_limit(path: str) -> int:
    try:
        name = resolve(path).url_name
    except Resolver404:
        return FORM_BODY_BYTES
    return BODY_LIMITS.get(name, FORM_BODY_BYTES)


def _readable(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{size // KB} kB"


def json_loads_bounded(text: str, *, max_depth: int, max_bytes: int = MAX_JSON_BYTES):
    """json.loads, after refusing (BadRequest, a Swedish 400) text longer than `max_bytes`
    or nested deeper than `max_depth`, counted in one pass outside strings."""
    if len(text) > max_bytes:
        raise BadRequest("Uppgifterna är för många för att sparas på en gång.")
    depth = 0
    in_string = escaped = False
    for match in _JSON_BRACKETS.finditer(text):
        char = match.group()
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = match.end() < len(text) and _escape_consumes(text, match.end())
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise BadRequest("Uppgifterna har fel form. Ladda om sidan och försök igen.")
        elif char in "]}":
            depth -= 1
    return json.loads(text)


def _escape_consumes(text: str, position: int) -> bool:
    """Whether the backslash before `position` escapes a character the scan looks at."""
    return text[position] in '"\\'


def workbook_check(data: bytes, error: type[Exception]) -> None:
    """Raise `error` (Swedish message) unless every part of the .xlsx zip in `data` is
    within its uncompressed size limit and the parts openpyxl parses whole (styles, shared
    strings) within their element counts. Reads the zip directory, then streams those two
    parts through a counter; no XML is parsed."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise error(WORKBOOK_TOO_LARGE)
            if sum(member.file_size for member in members) > MAX_WORKBOOK_BYTES:
                raise error(WORKBOOK_TOO_LARGE)
            for member in members:
                if member.file_size > _part_limit(member.filename):
                    raise error(WORKBOOK_TOO_LARGE)
            for member in members:
                if member.filename in _COUNTED:
                    _count_elements(archive, member, error)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: the caller's own check answers that


def _part_limit(name: str) -> int:
    if name in MAX_PART_BYTES:
        return MAX_PART_BYTES[name]
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_BYTES
    return MAX_OTHER_PART_BYTES


def _count_elements(archive: zipfile.ZipFile, member: zipfile.ZipInfo, error) -> None:
    pattern, kind = _COUNTED[member.filename]
    limit = MAX_SHARED_STRINGS if kind else MAX_STYLE_ELEMENTS
    count, tail = 0, b""
    # zipfile stops at the declared size, which was checked above.
    with archive.open(member) as part:
        while chunk := part.read(256 * KB):
            block = tail + chunk
            count += len(pattern.findall(block[: len(block) - 16]))
            tail = block[len(block) - 16 :]
            if count > limit:
                raise error(WORKBOOK_TOO_LARGE)
    count += len(pattern.findall(tail))
    if count > limit:
        raise error(WORKBOOK_TOO_LARGE)
