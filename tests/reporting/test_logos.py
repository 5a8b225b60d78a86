"""The logo check: SVGs read in their real encoding against an allowlist, PNGs decoded under
Pillow's strict limits even after WeasyPrint has changed them for the process."""

from __future__ import annotations

import io
import random
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from reporting.logos import logo_check

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'


def svg(body: str, head: str = SVG_HEAD) -> bytes:
    return f"{head}{body}</svg>".encode()


def refused(data: bytes) -> str:
    started = time.process_time()
    try:
        logo_check(data)
    except ValidationError as error:
        assert time.process_time() - started < 1
        return error.code
    return "accepted"


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE svg [\n<!ENTITY a "lollollollol">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
    + ']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>'
).encode("utf-16")

REAL_LOGOS = [
    svg('<rect width="120" height="40" fill="#00529b"/>'),
    svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
        '<stop offset="1" style="stop-color:#00529b;stop-opacity:1"/></linearGradient>'
        '<clipPath id="c"><circle cx="20" cy="20" r="18"/></clipPath></defs>'
        '<g clip-path="url(#c)"><rect width="40" height="40" fill="url(\'#g\')"/></g>'
        '<text x="48" y="26" font-family="Arial" font-size="16" '
        'style="font-weight:bold; fill:#222">Ekby kommun</text>'
        '<use href="#c" x="80"/>'
    ),
    # As Inkscape writes it: its own namespaces, metadata with RDF, a UTF-8 byte-order mark.
    b"\xef\xbb\xbf"
    + svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
        '</metadata><path d="M0 0 L10 10 Z" inkscape:label="Lager 1" '
        'style="fill:none;stroke:#000;stroke-width:2"/>',
        head='<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40" version="1.1">',
    ),
    svg('<rect width="120" height="40" fill="#00529b"/>').decode().encode("utf-16"),
]


@pytest.mark.parametrize("data", REAL_LOGOS)
def test_real_logos_pass(data):
    assert refused(data) == "accepted"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION_LAUGHS, "svg_doctype"),
        (BILLION_LAUGHS.decode("utf-16").encode("utf-16-be"), "svg_doctype"),
        (svg("<style>rect { fill: u\\72l(https://example.org/x) }</style>"), "svg_script"),
        (svg("<style>@\\69mport 'https://example.org/x.css';</style>"), "svg_script"),
        (svg('<rect style="fill: u\\72l(https://example.org/x)"/>'), "svg_external"),
        (svg('<rect style="fill: red; @\\69mport: x"/>'), "svg_attribute"),
        (svg('<rect fill="url(https://example.org/x)"/>'), "svg_external"),
        (svg('<rect fill="&#117;rl(https://example.org/x)"/>'), "svg_external"),
        (svg('<rect style="background-image: none"/>'), "svg_attribute"),
        (svg('<rect filter="url(#f)"/>'), "svg_attribute"),
        (svg('<use href="https://example.org/x.svg#a"/>'), "svg_external"),
        (
            svg(
                '<use xlink:href="data:image/svg+xml,x" xmlns:xlink="http://www.w3.org/1999/xlink"/>'
            ),
            "svg_external",
        ),  # noqa: E501
        (svg('<image href="#a"/>'), "svg_external"),
        (
            svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
            "svg_script",
        ),  # noqa: E501
        (svg('<rect x:y="url(https://x)" xmlns:x="urn:x"/>'), "svg_external"),
        (svg("<rect/>").decode().encode("utf-16")[2:], "accepted"),  # UTF-16 without a BOM
    ],
)
def test_hostile_svgs_are_refused_at_once(data, code):
    assert refused(data) == code


def png(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (0, 82, 155)).save(output, "PNG")
    return output.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A PNG that claims side × side pixels: a few kB that would decode to gigabytes."""
    data = bytearray(png(16, 16))
    data[16:24] = side.to_bytes(4, "big") + side.to_bytes(4, "big")
    crc = zlib.crc32(bytes(data[12:29]))
    data[29:33] = crc.to_bytes(4, "big")
    return bytes(data)


def truncated_png() -> bytes:
    """A large noisy image with most of its pixel data cut off."""
    image = Image.frombytes("RGB", (200, 200), random.Random(19).randbytes(200 * 200 * 3))
    output = io.BytesIO()
    image.save(output, "PNG")
    data = output.getvalue()
    return data[: len(data) // 3]


def test_pillow_limits_hold_after_a_pdf_was_rendered():
    from reporting.pdf import render_pdf

    assert render_pdf("<html lang='sv'><title>x</title><p>x</p></html>").startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # what WeasyPrint sets for the process
    assert refused(png_bomb()) == "broken"
    assert refused(png_bomb(1999)) == "broken"
    assert refused(truncated_png()) == "broken"
    assert refused(png(64, 32)) == "accepted"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for WeasyPrint
