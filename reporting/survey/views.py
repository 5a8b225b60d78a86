"""The enkät pages: the validation list, the workbook download, and the public open data.

The validation page and the download go through funds.access.agreement_for_user (404
outside the user's organisations) and require a viewer role (403 for reporters); a draft
download, which bypasses the checks, requires an editor role. The open data (index,
catalogue, schema, files) needs no login and lists decided, followed-up and closed years
only.
"""

from __future__ import annotations

import json
import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit
from funds.models import Agreement
from reporting.opendata.files import (
    allocations_csv,
    allocations_csv_semicolon,
    allocations_json,
    catalogue_graph,
    open_data_filename,
    published_agreement,
    published_years,
    schema_document,
)
from reporting.survey.checks import SurveyCheck, SurveyRefused, survey_check
from reporting.survey.workbook import XLSX_CONTENT_TYPE, survey_export, survey_filename

CHECK_TEMPLATE = "reporting/survey_check.html"
# Open data changes only through amendments; a short shared cache keeps load off the app.
OPEN_DATA_CACHE = "public, max-age=300"


def _render_check(
    request: HttpRequest, agreement: Agreement, check: SurveyCheck, *, refused: bool = False
) -> HttpResponse:
    return render(
        request,
        CHECK_TEMPLATE,
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "check": check,
            "refused": refused,
            "can_export_draft": can_edit(agreement),
        },
        status=409 if refused else 200,
    )


@login_required
@require_safe
def survey_check_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    return _render_check(request, agreement, survey_check(agreement))


@login_required
@require_safe
def survey_download(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The workbook; refused (409, with the problems) while problems remain, unless ?utkast=1."""
    draft = request.GET.get("utkast") == "1"
    agreement = agreement_for_user(request, code, year, EDITOR_ROLES if draft else VIEWER_ROLES)
    # Write-only openpyxl streams to disk; so does the file, and FileResponse streams it out.
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        survey_export(
            agreement=agreement,
            output=output,
            exported_by=request.user.get_full_name() or request.user.get_username(),
            draft=draft,
        )
    except SurveyRefused as refused:
        output.close()
        return _render_check(request, agreement, refused.check, refused=True)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    response = FileResponse(
        output,
        as_attachment=True,
        filename=survey_filename(agreement, draft=draft),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response


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
