"""Views that belong to the site rather than to an app."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import statements

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when this app server can query the database, else 503.

    Public and cheap (one `SELECT 1`); it says nothing about any organisation's data.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: the database does not answer: %s", error)
        return JsonResponse({"status": "fel", "databas": "svarar inte"}, status=503)
    return JsonResponse({"status": "ok", "databas": "ok"})


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The tillgänglighetsredogörelse in DIGG's model (DOS-lagen 2018:1937): public."""
    return render(request, "public/accessibility.html", statements.accessibility_context())


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What personal data the service keeps, why and for how long (GDPR art. 13): public."""
    return render(request, "public/privacy.html", statements.privacy_context())
