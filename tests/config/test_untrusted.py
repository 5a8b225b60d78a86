"""Bounds before parsing (config/untrusted.py): request bodies by Content-Length, JSON by
size and depth, workbooks by their parts; each refusal Swedish and at once."""

from __future__ import annotations

import io
import json
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import BadRequest
from django.urls import reverse

from config.untrusted import MB, body_limit, json_loads_bounded, workbook_check
from funds.allocation.upload import COLUMNS, read_import_rows
from funds.onboarding.sheets import read_recipient_rows
from funds.xlsx import ImportFileError
from tests import factories as f
from tests.cost import cpu_seconds

pytestmark = pytest.mark.django_db


def timed(call):
    return cpu_seconds(call)


@pytest.mark.parametrize(
    ("path", "length", "refused"),
    [
        ("/logga-in/", 300 * MB, True),
        ("/logga-in/", 2 * MB, True),
        ("/logga-in/", 900 * 1024, False),
        ("/ansokningar/1/bilagor/", 5 * MB + 100 * 1024, False),
        ("/ansokningar/1/bilagor/", 7 * MB, True),
        ("/0180/installningar/", 300 * 1024, False),
        ("/0180/installningar/", 600 * 1024, True),
        ("/0180/mottagare/import/", 1 * MB + 100 * 1024, False),
        ("/0180/2024/fordelning/import/", 2 * MB + 100 * 1024, False),
        ("/0180/2024/fordelning/import/", 4 * MB, True),
        ("/0180/2024/fordelning/", 3 * MB, False),
        ("/finns/inte/", 2 * MB, True),
    ],
)
def test_a_body_is_refused_by_its_length_before_it_is_read(client, path, length, refused):
    client.get("/halsa/")  # warm: the first request of a run also imports every view
    response, seconds = timed(
        lambda: client.post(path, data=b"x", content_type="text/plain", CONTENT_LENGTH=str(length))
    )
    assert seconds < 1
    if refused:
        assert response.status_code == 413
        assert "Det du skickade är för stort" in response.content.decode()
    else:
        assert response.status_code != 413


def test_the_upload_limits_cover_the_documented_file_sizes():
    from calls.models import MAX_ATTACHMENT_BYTES
    from funds.onboarding.sheets import MAX_FILE_BYTES as RECIPIENT_FILE_BYTES
    from funds.xlsx import MAX_FILE_BYTES as IMPORT_FILE_BYTES
    from reporting.logos import MAX_LOGO_BYTES

    assert body_limit("/ansokningar/1/bilagor/") > MAX_ATTACHMENT_BYTES + 64 * 1024
    assert body_limit("/0180/installningar/") > MAX_LOGO_BYTES + 64 * 1024
    assert body_limit("/0180/2024/fordelning/import/") > IMPORT_FILE_BYTES + 64 * 1024
    assert body_limit("/0180/mottagare/import/") > RECIPIENT_FILE_BYTES + 64 * 1024


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "[[[1]]]",
        '[{"a": [1]}]',
        "x" * (3 * MB),
    ],
)
def test_json_deeper_or_larger_than_allowed_is_a_bad_request(text):
    with pytest.raises(BadRequest):
        json_loads_bounded(text, max_depth=2)


@pytest.mark.parametrize(
    "text", ['[["1-2", "10", "3"]]', '[["[[[[", "\\"]]]]\\\\", "{{{"]]', "[]", '"[[["']
)
def test_brackets_inside_strings_do_not_count(text):
    assert json_loads_bounded(text, max_depth=2) == json.loads(text)


def test_a_deep_celler_post_is_a_swedish_400(client):
    org = f.organisation()
    agreement = f.agreement(org, 2024)
    f.area(agreement, "1000000.00")
    client.force_login(f.user(org, "coordinator"))
    url = reverse("allocation_matrix", args=[org.code, 2024])
    response, seconds = timed(lambda: client.post(url, {"celler": "[" * 10_000 + "]" * 10_000}))
    assert response.status_code == 400
    assert "Sidan kunde inte visas" in response.content.decode()
    assert seconds < 1


def workbook_with(part: str, content: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Import"
    book.active.append(list(COLUMNS))
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = content if item.filename == part else source.read(item)
            target.writestr(item.filename, data)
        if part not in source.namelist():
            target.writestr(part, content)
    return out.getvalue()


def styles(count: int) -> bytes:
    xfs = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * count
    return (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cellXfs count="%d">' % count + xfs + b"</cellXfs></styleSheet>"
    )


def shared_strings(count: int) -> bytes:
    return (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * count
        + b"</sst>"
    )


HOSTILE_WORKBOOKS = {
    "450 000 styles": ("xl/styles.xml", styles(450_000)),
    "30 000 styles in a small part": ("xl/styles.xml", b"<xf/>" * 30_000),
    "1,3 M shared strings": ("xl/sharedStrings.xml", shared_strings(1_300_000)),
    "300 000 short shared strings": ("xl/sharedStrings.xml", b"<si/>" * 300_000),
    "a 30 MB sheet": ("xl/worksheets/sheet1.xml", b" " * (30 * MB)),
}


@pytest.mark.parametrize("name", list(HOSTILE_WORKBOOKS))
def test_a_workbook_with_oversized_parts_is_refused_before_parsing(name):
    data = workbook_with(*HOSTILE_WORKBOOKS[name])
    assert len(data) < 2 * MB
    for read in (read_import_rows, lambda d: read_recipient_rows("mottagare.xlsx", d)):
        with pytest.raises(ImportFileError, match="Filen är för stor") as refused:
            timed_read = time.process_time()
            read(data)
        assert time.process_time() - timed_read < 1, refused


def test_an_ordinary_workbook_passes():
    data = workbook_with("xl/sharedStrings.xml", shared_strings(5_000))
    workbook_check(data, ImportFileError)
    workbook_check(workbook_with("docProps/extra.xml", b"<x/>"), ImportFileError)
