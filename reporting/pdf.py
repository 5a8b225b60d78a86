"""The one PDF helper for every document the app produces (WeasyPrint).

Every PDF is tagged (structure tree, /Lang from <html lang>, title and author from <title>
and <meta name="author">). The default variant is PDF/UA-1; ARCHIVAL is PDF/A-3b, which
WeasyPrint also tags here, so the archival copy stays accessible.

WeasyPrint may fetch only our own static files and the resources the caller gives (the
organisation's stored logo): the HTML links them as `/static/<path>` (whatever STATIC_URL is,
so a CDN in production changes nothing here), the fetcher serves them from the staticfiles
finders, and refuses every other URL, also one named inside a logo. A refused or failed fetch
leaves that resource out; it never stops the rendering. Prose is escaped by the templates,
but a document must never reach the network or the file system whatever it contains. Fonts
come from the system through fontconfig; the stylesheet names them.

Any error while rendering, of whatever class, becomes PdfRenderError with a Swedish message;
config.middleware turns it into a page, and a workflow that renders inside its transaction
is rolled back by it.
"""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3b"

# Relative links in the HTML resolve against this made-up origin; the fetcher answers it.
BASE_URL = "https://pdf.invalid/"
STATIC_PREFIX = "/static/"


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
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(resources))
        return document.write_pdf(pdf_variant=variant, pdf_tags=True)
    except (Exception, FatalURLFetchingError, RecursionError) as error:
        logger.exception("PDF rendering failed")
        raise PdfRenderError() from error
