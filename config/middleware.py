"""Site-wide response rules that every view gets without asking."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class PrivateCacheMiddleware:
    """Pages for a signed-in user carry money and names: no shared cache and no browser
    cache may keep them (`Cache-Control: private, no-store`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class DatabaseBusyMiddleware:
    """A database that stays locked past its timeout (the demo's SQLite under concurrent
    saves) answers 503 with a Swedish "försök igen", not a 500. The transaction was rolled
    back, so nothing was saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (isinstance(exception, OperationalError) and _is_lock(exception)):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        response = TemplateResponse(request, "busy.html", status=503)
        response["Retry-After"] = "2"
        return response.render()


def _is_lock(exception: OperationalError) -> bool:
    text = str(exception).lower()
    return "database is locked" in text or "database table is locked" in text


class PdfRenderErrorMiddleware:
    """A PDF that could not be rendered (reporting.pdf.PdfRenderError) answers a Swedish page
    with status 503; the workflow's transaction was rolled back, so nothing was half done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from reporting.pdf import PdfRenderError

        if not isinstance(exception, PdfRenderError):
            return None
        response = TemplateResponse(
            request, "pdf_error.html", {"message": str(exception)}, status=503
        )
        return response.render()
