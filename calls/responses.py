"""What the calls pages share in their responses: the year's page context and file downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from funds.models import Agreement


def year_context(agreement: Agreement) -> dict:
    return {"agreement": agreement, "organisation": agreement.organisation}


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
