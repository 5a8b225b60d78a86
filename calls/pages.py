"""What the calls pages share: the year's context, file downloads, a form saved by a workflow."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from funds.models import Agreement


def year_context(agreement: Agreement) -> dict:
    return {"agreement": agreement, "organisation": agreement.organisation}


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def form_saved(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[], object], success: str
) -> bool:
    """Validate `form`, then run `save` (a workflow reading the cleaned data). A workflow's
    refusal becomes an error on the form; on success `success` is shown on the next page."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, success)
    return True
