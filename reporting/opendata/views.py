"""The public open data pages: the index, the allocation files, their schema and the catalogue.

They need no login and list decided, followed-up and closed years only. Each body is built
once per change of the published data (published.py) and answered with an ETag and a
Last-Modified, so a revalidating client or CDN gets 304.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from reporting.opendata.files import (
    allocations_csv,
    allocations_csv_semicolon,
    allocations_json,
    csvw_metadata,
    published_agreement,
    published_years,
    schema_document,
    years_by_county,
)
from reporting.opendata.published import built, conditional_response

CSV_TYPE = "text/csv; charset=utf-8; header=present"


def _file(request: HttpRequest, kind: str, build, content_type: str, filename: str, link=""):
    def response_for(body: bytes) -> HttpResponse:
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        if link:
            response["Link"] = link
        return response

    return conditional_response(request, built(kind, build), response_for)


def base_url() -> str:
    """The site's configured address (settings.SITE_URL), never the request's host."""
    return settings.SITE_URL.rstrip("/")


def _described_by(code: str, year: int) -> str:
    """The CSVW way to find a CSV file's metadata (W3C CSVW, section 5.2)."""
    url = base_url() + reverse("open_data_csvw_metadata", args=[code, year])
    return f'<{url}>; rel="describedby"; type="application/csvm+json"'


@require_safe
def open_data_allocations_csv(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _file(
        request,
        f"csv:{code}:{year}",
        lambda: allocations_csv(published_agreement(code, year)).encode(),
        CSV_TYPE,
        f"fordelning-{code}-{year}.csv",
        _described_by(code, year),
    )


@require_safe
def open_data_allocations_csv_semicolon(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _file(
        request,
        f"csv-semikolon:{code}:{year}",
        lambda: allocations_csv_semicolon(published_agreement(code, year)).encode(),
        CSV_TYPE,
        f"fordelning-{code}-{year}-semikolon.csv",
        _described_by(code, year),
    )


@require_safe
def open_data_allocations_json(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _file(
        request,
        f"json:{code}:{year}",
        lambda: allocations_json(published_agreement(code, year)).encode(),
        "application/json; charset=utf-8",
        f"fordelning-{code}-{year}.json",
    )


def _metadata(code: str, year: int) -> bytes:
    published_agreement(code, year)  # 404 unless the year is public
    base = base_url()
    document = csvw_metadata(
        base + reverse("open_data_csvw_metadata", args=[code, year]),
        base + reverse("open_data_allocations_csv", args=[code, year]),
        base + reverse("open_data_allocations_csv_semicolon", args=[code, year]),
    )
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


@require_safe
def open_data_csvw_metadata(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The CSVW metadata of a year's two CSV files (url, dialect, table schema)."""
    return _file(
        request,
        f"csvw:{code}:{year}",
        lambda: _metadata(code, year),
        "application/csvm+json; charset=utf-8",
        f"fordelning-{code}-{year}-metadata.json",
    )


def _index_list() -> bytes:
    counties = years_by_county(published_years())
    return render_to_string("reporting/open_data_index_list.html", {"counties": counties}).encode()


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    """Public: every organisation's published years by county, the files and the catalogue."""
    entry = built("index", _index_list)

    def response_for(body: bytes) -> HttpResponse:
        # The listing is render_to_string's output: its values were escaped when it was built.
        listing = mark_safe(body.decode())  # noqa: S308
        context = {"listing": listing, "licence": settings.OPEN_DATA_LICENSE}
        return render(request, "reporting/open_data_index.html", context)

    if request.user.is_authenticated:  # the page's header names the user: no shared copy
        return response_for(entry.body)
    return conditional_response(request, entry, response_for)


def _catalogue(request: HttpRequest, fmt: str, content_type: str, filename: str) -> HttpResponse:
    def build() -> bytes:
        from reporting.opendata.catalogue import catalogue_graph  # rdflib: on the first build

        return catalogue_graph(base_url(), published_years()).serialize(format=fmt).encode()

    return _file(request, f"catalogue:{fmt}", build, content_type, filename)


@require_safe
def open_data_catalogue_ttl(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "turtle", "text/turtle; charset=utf-8", "katalog.ttl")


@require_safe
def open_data_catalogue_rdf(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "xml", "application/rdf+xml; charset=utf-8", "katalog.rdf")


@require_safe
def open_data_schema(request: HttpRequest) -> HttpResponse:
    document = schema_document(base_url() + reverse("open_data_schema"))
    return _file(
        request,
        "schema",
        lambda: json.dumps(document, ensure_ascii=False, indent=1).encode(),
        "application/csvm+json; charset=utf-8",
        "fordelning-schema.json",
    )
