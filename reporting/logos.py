"""Checking an uploaded logo before it goes into the database (Organisation.logo).

A logo ends up in every PDF and on pages, so only two plain formats are taken, and small:
PNG (read with Pillow: a real PNG of sensible dimensions) and SVG (parsed with the standard
library after refusing any DOCTYPE or entity, then refused if it has scripts, event
handlers, foreign content or references outside itself). Every refusal is a Swedish
ValidationError, never a 500.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 200 * 1024
MAX_PNG_SIDE = 2000
MIN_PNG_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video"}
_URL_RE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


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
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return _svg_check(data)
    raise _refuse("Logotypen ska vara en PNG- eller SVG-fil.", "format")


def _png_check(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != "PNG":
                raise _refuse("Filen är inte en PNG-bild.", "format")
            if not (
                MIN_PNG_SIDE <= width <= MAX_PNG_SIDE and MIN_PNG_SIDE <= height <= MAX_PNG_SIDE
            ):
                raise _refuse(
                    f"PNG-bilden är {width} × {height} bildpunkter. Sidorna ska vara mellan "
                    f"{MIN_PNG_SIDE} och {MAX_PNG_SIDE} bildpunkter.",
                    "dimensions",
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(
            "PNG-filen går inte att läsa. Spara om den och försök igen.", "broken"
        ) from None
    return "image/png"


def _svg_check(data: bytes) -> str:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise _refuse("SVG-filen får inte innehålla DOCTYPE eller entiteter.", "svg_doctype")
    try:
        # Safe here: any DOCTYPE or entity was refused above, and expat fetches nothing.
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError:
        raise _refuse("SVG-filen går inte att läsa som XML.", "svg_broken") from None
    if _local(root.tag) != "svg":
        raise _refuse("Filen är inte en SVG-bild.", "format")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        if name in FORBIDDEN_ELEMENTS:
            raise _refuse(f"SVG-filen får inte innehålla <{name}>.", "svg_script")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                raise _refuse(
                    "SVG-filen får inte innehålla skript (händelseattribut).", "svg_script"
                )
            if local == "href" and not value.strip().startswith("#"):
                raise _refuse(
                    "SVG-filen får inte hänvisa till andra filer eller adresser.", "svg_external"
                )
            if _URL_RE.search(value) or "javascript:" in value.casefold():
                raise _refuse(
                    "SVG-filen får inte hänvisa till andra filer eller adresser.", "svg_external"
                )
        if (
            name == "style"
            and element.text
            and (_URL_RE.search(element.text) or "@import" in element.text.casefold())
        ):
            raise _refuse(
                "SVG-filen får inte hänvisa till andra filer eller adresser.", "svg_external"
            )
    return "image/svg+xml"
