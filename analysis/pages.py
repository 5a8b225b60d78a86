"""What the analysis views share: the filters' choices and one response per format (the
page, a table's CSV, the lägesrapport as PDF/UA or Word)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from analysis.forms import FilterForm
from analysis.report import Analysis
from funds.models import Agreement, NationalArea
from reporting.pdf import render_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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


def _csv(analysis: Analysis, dimension: str, filename: str) -> HttpResponse:
    table = next((table for table in analysis.tables if table.key == dimension), None)
    if table is None:
        raise Http404("Tabellen finns inte.")
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(
        [
            table.heading,
            "Insatser",
            "Andel av insatserna (procent)",
            "Medel (kr, delat lika mellan valda alternativ)",
            "Andel av medlen (procent)",
            "Medel i insatser där alternativet ingår (kr)",
        ]
    )
    for row, count_share, money_share in table.shares():
        writer.writerow(
            [row.label, row.count, count_share, row.money, money_share, row.money_whole]
        )
    writer.writerow(["Summa", table.insatser, "", table.money_sum, "", ""])
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{dimension}.csv"'
    return response


def _links(name: str, kwargs: dict, analysis: Analysis) -> dict:
    """The page's own URLs: itself, the documents and each table's CSV."""
    return {
        "page": reverse(name, kwargs=kwargs),
        "pdf": reverse(f"{name}_pdf", kwargs=kwargs),
        "docx": reverse(f"{name}_docx", kwargs=kwargs),
        "csv": {
            table.key: reverse(f"{name}_csv", kwargs={**kwargs, "dimension": table.key})
            for table in analysis.tables
        },
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
    if fmt == "csv":
        return _csv(analysis, dimension, filename)
    if fmt == "html":
        return render(request, "analysis/analysis.html", context)
    context["printed"] = timezone.localdate()
    html = render_to_string("analysis/lagesrapport.html", context)
    if fmt == "pdf":
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
    else:
        from analysis.documents import lagesrapport_docx  # python-docx, Pillow: when asked

        response = HttpResponse(lagesrapport_docx(html, analysis), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="lagesrapport-{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
