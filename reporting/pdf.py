"""The one PDF helper for every document the app produces (WeasyPrint).

Every PDF is tagged (structure tree, /Lang from <html lang>, title and author from <title>
and <meta name="author">). The default variant is PDF/UA-1; ARCHIVAL is PDF/A-3b, which
WeasyPrint also tags here, so the archival copy stays accessible. WeasyPrint writes one
variant's identification; the archival copy adds PDF/UA-1's (pdfuaid:part, with the PDF/A
extension schema that declares it) to the one rdf:RDF of WeasyPrint's XMP packet.

WeasyPrint may fetch only our own static files and the resources the caller gives (the
organisation's stored logo): the HTML links them as `/static/<path>` (whatever STATIC_URL is,
so a CDN in production changes nothing here), the fetcher serves them from the staticfiles
finders, and refuses every other URL, also one named inside a logo. A refused or failed fetch
leaves that resource out; it never stops the rendering. Prose is escaped by the templates,
but a document must never reach the network or the file system whatever it contains. Fonts
come from the system through fontconfig; the stylesheet names them.

Footnotes are written as `<doc-note class="footnote">` (the stylesheet floats them to the
foot of the page). WeasyPrint tags an element by its HTML name and has no tag for notes, so
`_pdf_tag` maps that one element name to the structure type Note (its call in the text to
Reference, its number to Lbl), and `_note_ids` gives every Note the /ID PDF/UA-1 requires.

Any error while rendering, of whatever class, becomes PdfRenderError with a Swedish message;
config.middleware turns it into a page, and a workflow that renders inside its transaction
is rolled back by it.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from urllib.parse import unquote, urlsplit

import pikepdf
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3b"

# Relative links in the HTML resolve against this made-up origin; the fetcher answers it.
BASE_URL = "https://pdf.invalid/"
STATIC_PREFIX = "/static/"


NOTE_ELEMENT = "doc-note"
_NOTE_PARTS = {
    NOTE_ELEMENT: "Note",
    f"{NOTE_ELEMENT}::footnote-call": "Reference",
    f"{NOTE_ELEMENT}::footnote-marker": "Lbl",
}
_weasyprint_pdf_tag = weasyprint_tags._get_pdf_tag


def _pdf_tag(tag: str | None) -> str:
    """WeasyPrint's structure type for an element, with footnotes as Note."""
    return _NOTE_PARTS.get(tag or "") or _weasyprint_pdf_tag(tag)


weasyprint_tags._get_pdf_tag = _pdf_tag


def _note_ids(document: pikepdf.Pdf) -> None:
    """Give every Note structure element a unique /ID (PDF/UA-1, 7.9)."""
    root = document.Root.get("/StructTreeRoot")
    pending = [root] if root is not None else []
    number = 0
    while pending:
        node = pending.pop()
        if node.get("/S") == pikepdf.Name.Note:
            number += 1
            node.ID = pikepdf.String(f"fotnot-{number}")
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            pending.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
        elif isinstance(kids, pikepdf.Dictionary):
            pending.append(kids)


def _claim_pdfua(document: pikepdf.Pdf) -> None:
    """Add PDF/UA-1's identification to the archival copy's XMP packet."""
    stream = document.Root.Metadata
    packet = stream.read_bytes()
    end = packet.index(b"</rdf:RDF>")
    stream.write(packet[:end] + PDFUA_IN_PDFA_XMP + packet[end:])


def _finish(pdf: bytes, *, archival: bool) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _note_ids(document)
        if archival:
            _claim_pdfua(document)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


# PDF/A allows only declared XMP schemas: pdfuaid comes with its extension schema.
PDFUA_IN_PDFA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
"""


class PdfRenderError(RuntimeError):
    """The PDF could not be rendered; the message says so in Swedish."""

    def __init__(self) -> None:
        super().__init__(
            "PDF-dokumentet kunde inte skapas. Ingenting har sparats eller skickats. Försök "
            "igen om en stund; kvarstår felet, kontakta förvaltningen."
        )


class StaticFilesOnly(URLFetcher):
    """Serve /static/ paths from the app's static files and the given resources; refuse
    every other URL. A refusal leaves the resource out (fail_on_errors=False: WeasyPrint
    logs it as a warning instead of raising FatalURLFetchingError)."""

    def __init__(self, resources: dict[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(allowed_protocols={"https"}, fail_on_errors=False)
        self.resources = resources or {}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" == BASE_URL and parts.path in self.resources:
            body, content_type = self.resources[parts.path]
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(
            STATIC_PREFIX
        ):
            raise ValueError(f"PDF rendering may not fetch {url}")
        relative = unquote(parts.path.removeprefix(STATIC_PREFIX))
        path = finders.find(relative) if ".." not in relative.split("/") else None
        if not path:
            raise ValueError(f"No static file {relative!r}")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_pdf(
    html: str,
    *,
    variant: str | None = ACCESSIBLE,
    resources: dict[str, tuple[bytes, str]] | None = None,
) -> bytes:
    """Render a complete HTML document to PDF bytes; `variant` is a WeasyPrint PDF variant.

    `resources` maps paths (e.g. "/resource/logo") to (bytes, content type) served to the
    renderer besides the static files: the organisation's logo, held in the database.
    Raises PdfRenderError for any failure."""
    try:
        source = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(resources))
        pdf = source.write_pdf(pdf_variant=variant, pdf_tags=True)
        return _finish(pdf, archival=variant == ARCHIVAL)
    except (Exception, FatalURLFetchingError, RecursionError) as error:
        logger.exception("PDF rendering failed")
        raise PdfRenderError() from error
