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
reporting/pdf_engine.py's `_pdf_tag` maps that one element name to the structure type Note
(its call in the text to Reference, its number to Lbl), and `_note_ids` gives every Note the
/ID PDF/UA-1 requires.

Any error while rendering, of whatever class, becomes PdfRenderError with a Swedish message;
config.middleware turns it into a page, and a workflow that renders inside its transaction
is rolled back by it.

WeasyPrint itself (half a second to import) is loaded by reporting/pdf_engine.py on the
first render, not when the URLconf imports the views.
"""

from __future__ import annotations

import logging

from reporting.pdf_names import ACCESSIBLE, ARCHIVAL

logger = logging.getLogger(__name__)

__all__ = ["ACCESSIBLE", "ARCHIVAL", "PdfRenderError", "render_pdf"]


class PdfRenderError(RuntimeError):
    """The PDF could not be rendered; the message says so in Swedish."""

    def __init__(self) -> None:
        super().__init__(
            "PDF-dokumentet kunde inte skapas. Ingenting har sparats eller skickats. Försök "
            "igen om en stund; kvarstår felet, kontakta förvaltningen."
        )


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
        from reporting import pdf_engine

        return pdf_engine.write_pdf(html, variant=variant, resources=resources)
    except (Exception, RecursionError) as error:  # WeasyPrint's fetch errors: see pdf_engine
        logger.exception("PDF rendering failed")
        raise PdfRenderError() from error
