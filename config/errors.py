"""Swedish error pages: the handlers in config/urls.py, and a middleware that shows the same
pages with DEBUG on (the demo), where Django would show its English technical pages.

400 and 500 render without a request: no context processors, no session, no database, so
they still work when the error came from one of those.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("django.request")


def _plain(template_name: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template_name).render(), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _plain("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain("500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired or missing CSRF token: say what to do, in Swedish."""
    return render(request, "403.html", {"csrf": True}, status=403)


class SwedishErrorPagesInDebugMiddleware:
    """With DEBUG and SWEDISH_ERROR_PAGES_IN_DEBUG on, answer with the Swedish error pages.

    Without DEBUG this does nothing: Django calls the handlers itself. With DEBUG, Django
    answers a 404 with technical_404_response and a 400 or 500 with technical_500_response,
    bypassing the handlers; this catches the exception first (process_exception), and a URL
    that matched no pattern (Resolver404 is raised before any view, so it only shows here as
    a 404 response with no resolver_match). PermissionDenied needs nothing: Django uses
    handler403 with DEBUG on too.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and getattr(settings, "SWEDISH_ERROR_PAGES_IN_DEBUG", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._active() and response.status_code == 404 and request.resolver_match is None:
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            logger.warning("Bad request: %s", request.path, exc_info=exception)
            return bad_request(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)
