"""Checking an uploaded logo before it goes into the database (Organisation.logo).

A logo ends up in every PDF and on pages, so only two plain formats are taken, and small:
PNG (decoded with Pillow under its strict settings, whatever another module set for the
process: a real, complete PNG of sensible dimensions) and SVG. An SVG is decoded in its real
encoding (a byte-order mark, UTF-16 without one, or the XML declaration), refused if it has
a DOCTYPE or entity, and then checked against an allowlist of SVG elements, attributes and
style properties: no <style> element, no CSS escapes or at-rules, and no reference of any
kind except to a `#fragment` inside the file. Every refusal is a Swedish ValidationError,
never a 500.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError

MAX_LOGO_BYTES = 200 * 1024
MAX_PNG_SIDE = 2000
MIN_PNG_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "lineargradient", "radialgradient",
    "stop", "clippath", "mask",
}  # fmt: skip
# Not rendered; editors (Inkscape, Illustrator) write RDF there. Its subtree is not read.
IGNORED_ELEMENTS = {"metadata"}
# Presentation properties, allowed as attributes and inside style="…".
PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "mask", "color", "display",
    "visibility", "overflow", "font-family", "font-size", "font-weight", "font-style",
    "font-variant", "font-stretch", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "stop-color",
    "stop-opacity", "vector-effect", "shape-rendering", "text-rendering", "paint-order",
    "isolation", "mix-blend-mode", "enable-background", "writing-mode", "direction",
    "line-height", "white-space",
}  # fmt: skip
ATTRIBUTES = PROPERTIES | {
    "id", "class", "version", "baseprofile", "width", "height", "x", "y", "x1", "y1", "x2",
    "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "viewbox",
    "preserveaspectratio", "transform", "dx", "dy", "rotate", "textlength", "lengthadjust",
    "offset", "gradientunits", "gradienttransform", "spreadmethod", "clippathunits",
    "maskunits", "maskcontentunits", "pathlength", "style", "href", "space", "lang",
}  # fmt: skip
_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?![\s'\"#])", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_EXTERNAL = "SVG-filen får inte hänvisa till andra filer eller adresser."


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].casefold()


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def logo_check(data: bytes) -> str:
    """The content type of an acceptable logo ("image/png" or "image/svg+xml")."""
    if len(data) > MAX_LOGO_BYTES:
        raise _refuse(
            f"Logotypen är för stor ({len(data) // 1024} kB). Den får vara högst "
            f"{MAX_LOGO_BYTES // 1024} kB.",
            "too_large",
        )
    if not data:
        raise _refuse("Filen är tom.", "empty")
    if data.startswith(PNG_SIGNATURE):
        return _png_check(data)
    text = _decoded(data)
    head = (text or "")[:1024].lstrip().lower()
    if head.startswith("<?xml") or "<svg" in head:
        return _svg_check(text)
    raise _refuse("Logotypen ska vara en PNG- eller SVG-fil.", "format")


def _decoded(data: bytes) -> str | None:
    """The text of `data` in its real encoding, or None when it cannot be read as text."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    else:
        if data[:2] == b"<\x00":
            encoding = "utf-16-le"
        elif data[:2] == b"\x00<":
            encoding = "utf-16-be"
        elif match := _DECLARED_ENCODING.match(data):
            encoding = match.group(1).decode("ascii")
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeError):
        return None


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Pillow's own limits, whatever was set for the process before (WeasyPrint sets
    LOAD_TRUNCATED_IMAGES when it is imported). Workers run one request at a time."""
    from PIL import Image, ImageFile  # Pillow loads with the first logo, not at start-up

    saved = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = MAX_PNG_SIDE * MAX_PNG_SIDE
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = saved


def _png_check(data: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    try:
        with _strict_pillow():
            _png_read(data)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise _refuse(
            "PNG-filen går inte att läsa. Spara om den och försök igen.", "broken"
        ) from None
    return "image/png"


def _png_read(data: bytes) -> None:
    """Check the header, the chunks' checksums, and decode every pixel (at most
    MAX_PNG_SIDE², so bounded); a truncated or oversized image raises."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if image.format != "PNG":
            raise _refuse("Filen är inte en PNG-bild.", "format")
        if not (MIN_PNG_SIDE <= width <= MAX_PNG_SIDE and MIN_PNG_SIDE <= height <= MAX_PNG_SIDE):
            raise _refuse(
                f"PNG-bilden är {width} × {height} bildpunkter. Sidorna ska vara mellan "
                f"{MIN_PNG_SIDE} och {MAX_PNG_SIDE} bildpunkter.",
                "dimensions",
            )
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def _svg_check(text: str | None) -> str:
    if text is None:
        raise _refuse(
            "SVG-filen går inte att läsa (okänd teckenkodning). Spara om den, eller använd PNG.",
            "svg_broken",
        )
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise _refuse(
            "SVG-filen innehåller delar som inte tas emot (DOCTYPE eller entiteter). "
            "Spara logotypen som PNG i stället.",
            "svg_doctype",
        )
    try:
        # Safe here: any DOCTYPE or entity was refused above, and expat fetches nothing. The
        # declaration goes: the text is already decoded.
        root = ET.fromstring(_XML_DECLARATION.sub("", text, count=1))  # noqa: S314
    except ET.ParseError:
        raise _refuse(
            "SVG-filen är trasig och går inte att läsa som XML. Spara om den, eller använd PNG.",
            "svg_broken",
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg" and root.tag != "svg":
        raise _refuse("Filen är inte en SVG-bild.", "format")
    _svg_element_check(root)
    return "image/svg+xml"


def _svg_element_check(element: ET.Element) -> None:
    name = _local(element.tag) if isinstance(element.tag, str) else ""
    if name in IGNORED_ELEMENTS:
        return
    namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else SVG_NS
    if name in {"image", "a", "feimage"}:
        raise _refuse(_EXTERNAL, "svg_external")
    if namespace != SVG_NS or name not in ELEMENTS:
        raise _refuse(f"SVG-filen får inte innehålla <{name}>.", "svg_script")
    for attribute, value in element.attrib.items():
        _svg_attribute_check(attribute, value)
    for child in element:
        _svg_element_check(child)


def _svg_attribute_check(attribute: str, value: str) -> None:
    namespace = attribute[1:].split("}", 1)[0] if attribute.startswith("{") else ""
    local = _local(attribute)
    if local.startswith("on"):
        raise _refuse(
            "SVG-filen innehåller skript och tas inte emot. Spara logotypen som PNG i stället.",
            "svg_script",
        )
    if local == "href" and namespace in {"", XLINK_NS}:
        if not value.strip().startswith("#"):
            raise _refuse(_EXTERNAL, "svg_external")
        return
    known = namespace == "" or (namespace == XML_NS and local in {"space", "lang"})
    if known and local not in ATTRIBUTES:
        raise _refuse(f"SVG-filen får inte innehålla attributet {local}.", "svg_attribute")
    if local == "style" and known:
        for declaration in value.split(";"):
            prop, _, prop_value = declaration.partition(":")
            prop = prop.strip().casefold()
            if prop and prop not in PROPERTIES:
                raise _refuse(f"SVG-filen får inte ange stilen {prop[:40]}.", "svg_attribute")
            _svg_value_check(prop_value)
    else:
        # Attributes of editors' own namespaces (inkscape:, sodipodi:) are not rendered, but
        # may not reference anything either.
        _svg_value_check(value)


def _svg_value_check(value: str) -> None:
    """No reference except url(#fragment); no CSS escape, comment or at-rule to hide one."""
    folded = value.casefold()
    if (
        "\\" in value
        or "@" in value
        or "/*" in value
        or _URL.search(value)
        or "javascript:" in folded
        or "expression(" in folded
        or "image-set(" in folded
    ):
        raise _refuse(_EXTERNAL, "svg_external")
