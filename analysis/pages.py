"""What the analysis views share: the filters' choices and one response per format (the
page, a table's CSV in two variants, the lägesrapport as PDF/UA or Word)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from analysis.cache import public_body
from analysis.forms import FilterForm, YearsFilterForm
from analysis.report import Analysis
from analysis.years import AcrossYears, area_names
from funds.models import Agreement, NationalArea, Organisation
from reporting.opendata.files import BOM, neutralised
from reporting.opendata.published import conditional_response
from reporting.pdf import render_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_TYPE = "text/csv; charset=utf-8"
# The analyses anybody may read (of published years only): their files are cached.
PUBLIC_SCOPES = {"county", "nation"}
YEARS = range(2000, 2101)  # Agreement's year range


def organisation_filters(request: HttpRequest, agreement: Agreement) -> FilterForm:
    areas = agreement.priority_areas.order_by("number").values_list("number", "name")
    return FilterForm(request.GET, areas=list(areas), area_field="number")


def national_filters(request: HttpRequest, year: int) -> FilterForm:
    if year not in YEARS:
        raise Http404("Året finns inte.")
    areas = NationalArea.objects.filter(national_agreement__year=year).order_by("number")
    choices = [(area.number, f"{area.number}. {area.short_name}") for area in areas]
    return FilterForm(request.GET, areas=choices, area_field="national_area__number")


def years_filters(request: HttpRequest, organisation: Organisation | None) -> YearsFilterForm:
    """The filters across years: the organisation's own areas by name, or (None, a county's
    or the nation's pages) the national areas by name."""
    field = "number" if organisation is not None else "national_area__number"
    return YearsFilterForm(request.GET, area_names=area_names(organisation), area_field=field)


def _cell(value: object, decimal_comma: bool) -> object:
    if isinstance(value, str):
        return neutralised(value)  # a label that looks like a formula stays text
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.replace(".", ",") if decimal_comma else text
    return value


def csv_body(rows: list[list], *, semicolon: bool) -> bytes:
    """UTF-8 with a byte order mark, CRLF: comma and decimal point, or (`semicolon`) the
    semicolon and decimal comma a Swedish Excel or LibreOffice opens as numbers, as the open
    data's fordelning-semikolon.csv (reporting/opendata/files.py)."""
    output = io.StringIO()
    output.write(BOM)
    writer = csv.writer(output, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value, semicolon) for value in row])
    return output.getvalue().encode()


def download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: list[list], filename: str, *, semicolon: bool) -> HttpResponse:
    name = f"{filename}-semikolon.csv" if semicolon else f"{filename}.csv"
    return download(csv_body(rows, semicolon=semicolon), CSV_TYPE, name)


def _file(request: HttpRequest, context: dict, key: str, build, content_type: str, name: str):
    """A file of the analysis: for a county's or the nation's public analysis built once per
    change of its data (analysis/cache.py) and answered with ETag and Last-Modified; for an
    organisation's or a länssamordnare's, built now and kept by no cache."""
    if context["scope"] not in PUBLIC_SCOPES:
        response = download(build(), content_type, name)
        response["Cache-Control"] = "no-store"
        return response
    # The key holds the filters as cleaned (a bounded set), never the raw query string, and
    # the day, which the lägesrapport prints.
    kind = f"{context['slug']}:{key}:{timezone.localdate()}"
    entry = public_body(kind, build, version=context["cache_version"])
    return conditional_response(request, entry, lambda body: download(body, content_type, name))


def _csv_rows(analysis: Analysis, dimension: str) -> list[list]:
    table = next((table for table in analysis.tables if table.key == dimension), None)
    if table is None:
        raise Http404("Tabellen finns inte.")
    header = [
        table.heading,
        "Insatser",
        "Andel av insatserna (procent)",
        "Medel (kr, delat lika mellan valda alternativ)",
        "Andel av medlen (procent)",
        "Medel i insatser där alternativet ingår (kr)",
    ]
    rows = [
        [row.label, row.count, count_share, row.money, money_share, row.money_whole]
        for row, count_share, money_share in table.shares()
    ]
    rows.append(["Summa", table.insatser, "", table.money_sum, "", ""])
    return [header, *rows]


def _links(name: str, kwargs: dict, analysis: Analysis) -> dict:
    """The page's own URLs: itself, the documents and each table's CSV."""
    return {
        "page": reverse(name, kwargs=kwargs),
        "pdf": reverse(f"{name}_pdf", kwargs=kwargs),
        "docx": reverse(f"{name}_docx", kwargs=kwargs),
        "years": reverse(f"{name}_years", kwargs=_without_year(kwargs)),
        **table_links(name, kwargs, [table.key for table in analysis.tables]),
    }


def _without_year(kwargs: dict) -> dict:
    return {key: value for key, value in kwargs.items() if key != "year"}


def table_links(name: str, kwargs: dict, keys: list[str]) -> dict:
    """Each table's two CSV files: "csv" and "csv_semicolon", by the table's key."""
    return {
        variant: {
            key: reverse(f"{name}_{variant}", kwargs={**kwargs, "dimension": key}) for key in keys
        }
        for variant in ("csv", "csv_semicolon")
    }


def analysis_response(
    request: HttpRequest,
    analysis: Analysis,
    *,
    form: FilterForm,
    fmt: str,
    dimension: str,
    context: dict,
) -> HttpResponse:
    """The analysis in the format the URL asked for."""
    filename = f"analys-{context['slug']}-{analysis.year}"
    context = {
        **context,
        "analysis": analysis,
        "form": form,
        "query": request.GET.urlencode(),
        "filter_text": form.description(),
        "links": _links(context["url_name"], context["url_kwargs"], analysis),
    }
    if context.get("county_coordinator"):
        context["links"]["coordinator"] = reverse(
            "analysis_county_coordinator", kwargs=context["url_kwargs"]
        )
    if fmt == "html":
        return render(request, "analysis/analysis.html", context)
    key = f"{analysis.year}:{fmt}:{dimension}:{form.filters()!r}"
    if fmt in ("csv", "csv_semicolon"):
        semicolon = fmt == "csv_semicolon"
        name = f"{filename}-{dimension}{'-semikolon' if semicolon else ''}.csv"
        rows = lambda: _csv_rows(analysis, dimension)  # noqa: E731
        return _file(
            request, context, key, lambda: csv_body(rows(), semicolon=semicolon), CSV_TYPE, name
        )

    def document() -> bytes:
        context["printed"] = timezone.localdate()
        html = render_to_string("analysis/lagesrapport.html", context)
        if fmt == "pdf":
            return render_pdf(html)
        from analysis.documents import lagesrapport_docx  # python-docx, Pillow: when asked

        return lagesrapport_docx(html, analysis)

    content_type = "application/pdf" if fmt == "pdf" else DOCX_TYPE
    return _file(request, context, key, document, content_type, f"lagesrapport-{filename}.{fmt}")


def _years_csv_rows(across: AcrossYears, dimension: str) -> list[list]:
    table = next((table for table in across.tables if table.key == dimension), None)
    if table is None:
        raise Http404("Tabellen finns inte.")
    header = [table.heading]
    for year in across.years:
        header += [
            f"Insatser {year}",
            f"Medel {year} (kr, delat lika mellan valda alternativ)",
            f"Andel av medlen {year} (procent)",
        ]
    rows = [header]
    for row in table.rows:
        rows.append([row.label, *(v for c in row.cells for v in (c.count, c.money, c.share))])
    rows.append(["Summa", *(v for t, money in table.columns for v in (t.insatser, money, ""))])
    return rows


def years_response(
    request: HttpRequest,
    across: AcrossYears,
    *,
    form: YearsFilterForm,
    fmt: str,
    dimension: str,
    context: dict,
) -> HttpResponse:
    """The analysis across years as a page, or one question's table as CSV; both with the
    filters of the query string applied to every year."""
    if fmt in ("csv", "csv_semicolon"):
        semicolon = fmt == "csv_semicolon"
        name = (
            f"analys-{context['slug']}-over-aren-{dimension}{'-semikolon' if semicolon else ''}.csv"
        )
        key = f"years:{fmt}:{dimension}:{form.filters()!r}"
        body = lambda: csv_body(_years_csv_rows(across, dimension), semicolon=semicolon)  # noqa: E731
        return _file(request, context, key, body, CSV_TYPE, name)
    name, kwargs = context["url_name"], context["url_kwargs"]
    links = {
        "page": reverse(f"{name}_years", kwargs=kwargs),
        "year_pages": {
            year: reverse(name, kwargs={**kwargs, "year": year}) for year in across.years
        },
        **table_links(f"{name}_years", kwargs, [table.key for table in across.tables]),
    }
    if context.get("county_coordinator"):
        links["coordinator"] = reverse("analysis_county_coordinator_years", kwargs=kwargs)
    context = {
        **context,
        "across": across,
        "links": links,
        "form": form,
        "query": request.GET.urlencode(),
        "filter_text": form.description(),
    }
    return render(request, "analysis/years.html", context)
