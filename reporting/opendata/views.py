"""The public open data pages: the index, the allocation files, their schema and the catalogue.

They need no login and list decided, followed-up and closed years only.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reporting.opendata.catalogue import catalogue_graph
from reporting.opendata.files import (
    allocations_csv,
    allocations_csv_semicolon,
    allocations_json,
    open_data_filename,
    published_agreement,
    published_years,
    schema_document,
)

# Open data changes only through amendments; a short shared cache keeps load off the app.
OPEN_DATA_CACHE = "public, max-age=300"


def _open_data_response(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = OPEN_DATA_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_allocations_csv(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = published_agreement(code, year)
    return _open_data_response(
        allocations_csv(agreement),
        "text/csv; charset=utf-8; header=present",
        open_data_filename(agreement, "csv"),
    )


@require_safe
def open_data_allocations_csv_semicolon(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = published_agreement(code, year)
    return _open_data_response(
        allocations_csv_semicolon(agreement),
        "text/csv; charset=utf-8; header=present",
        open_data_filename(agreement, "csv", "semikolon"),
    )


@require_safe
def open_data_allocations_json(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = published_agreement(code, year)
    return _open_data_response(
        allocations_json(agreement),
        "application/json; charset=utf-8",
        open_data_filename(agreement, "json"),
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    """Public: every organisation's published years, the files and the catalogue."""
    years = published_years()
    organisations: dict[int, dict] = {}
    for year in years:
        organisation = year.agreement.organisation
        organisations.setdefault(organisation.pk, {"organisation": organisation, "years": []})
        organisations[organisation.pk]["years"].append(year)
    response = render(
        request,
        "reporting/open_data_index.html",
        {"organisations": list(organisations.values()), "licence": settings.OPEN_DATA_LICENSE},
    )
    response["Cache-Control"] = OPEN_DATA_CACHE
    return response


def _catalogue(request: HttpRequest, fmt: str, content_type: str, filename: str) -> HttpResponse:
    graph = catalogue_graph(_base_url(request), published_years())
    return _open_data_response(graph.serialize(format=fmt), content_type, filename)


@require_safe
def open_data_catalogue_ttl(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "turtle", "text/turtle; charset=utf-8", "katalog.ttl")


@require_safe
def open_data_catalogue_rdf(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "xml", "application/rdf+xml; charset=utf-8", "katalog.rdf")


@require_safe
def open_data_schema(request: HttpRequest) -> HttpResponse:
    document = schema_document(request.build_absolute_uri())
    return _open_data_response(
        json.dumps(document, ensure_ascii=False, indent=1),
        "application/csvm+json; charset=utf-8",
        "fordelning-schema.json",
    )
