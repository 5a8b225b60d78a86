"""What touches WeasyPrint itself: the fetcher and the call, imported on the first render.

reporting/pdf.py is the module the app calls; it imports this one lazily, so that starting
the app (`manage.py check`, a worker booting) does not pay for WeasyPrint's half-second import.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reporting.pdf import BASE_URL, STATIC_PREFIX


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


def write_pdf(
    html: str, *, variant: str | None, resources: dict[str, tuple[bytes, str]] | None
) -> bytes:
    """WeasyPrint's PDF of `html`; its FatalURLFetchingError (a BaseException) is re-raised as
    a RuntimeError so that reporting.pdf.render_pdf turns it into PdfRenderError."""
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(resources))
        return document.write_pdf(pdf_variant=variant, pdf_tags=True)
    except FatalURLFetchingError as error:
        raise RuntimeError("WeasyPrint stopped fetching") from error
