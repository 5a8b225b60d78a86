"""What touches WeasyPrint itself: the fetcher and the call, imported on the first render.

reporting/pdf.py is the module the app calls; it imports this one lazily, so that starting
the app (`manage.py check`, a worker booting) does not pay for WeasyPrint's half-second
import. Both read their shared names from reporting/pdf_names.py.
"""

from __future__ import annotations

import io
import mimetypes
from urllib.parse import unquote, urlsplit

import pikepdf
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reporting.pdf_names import ARCHIVAL, BASE_URL, NOTE_ELEMENT, STATIC_PREFIX


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


def write_pdf(
    html: str, *, variant: str | None, resources: dict[str, tuple[bytes, str]] | None
) -> bytes:
    """WeasyPrint's PDF of `html`; its FatalURLFetchingError (a BaseException) is re-raised as
    a RuntimeError so that reporting.pdf.render_pdf turns it into PdfRenderError."""
    try:
        source = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(resources))
        pdf = source.write_pdf(pdf_variant=variant, pdf_tags=True)
    except FatalURLFetchingError as error:
        raise RuntimeError("WeasyPrint stopped fetching") from error
    return _finish(pdf, archival=variant == ARCHIVAL)
