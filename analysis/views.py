"""The analysis pages: an organisation's year and its years side by side (its members), a
county's and the nation's (public: they add up only years already published as open data,
see report.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from analysis.pages import (
    analysis_response,
    national_filters,
    organisation_filters,
    years_response,
)
from analysis.report import county_members, organisation_analysis, public_analysis
from analysis.years import organisation_years, public_years
from funds.access import VIEWER_ROLES, agreement_for_user, organisation_for_user
from funds.identifiers import COUNTY_CODES


@login_required
@require_safe
def analysis_organisation(
    request: HttpRequest, code: str, year: int, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    form = organisation_filters(request, agreement)
    analysis = organisation_analysis(agreement=agreement, filters=form.filters())
    context = {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "slug": code,
        "scope": "organisation",
        "url_name": "analysis_organisation",
        "url_kwargs": {"code": code, "year": year},
    }
    return analysis_response(
        request, analysis, form=form, fmt=fmt, dimension=dimension, context=context
    )


@require_safe
def analysis_county(
    request: HttpRequest, county: str, year: int, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    if county not in COUNTY_CODES:
        raise Http404("Det finns inget län med den länskoden.")
    form = national_filters(request, year)
    analysis = public_analysis(
        title=f"Länet med länskod {county}",
        members=county_members(county),
        year=year,
        filters=form.filters(),
    )
    context = {
        "slug": f"lan-{county}",
        "scope": "county",
        "url_name": "analysis_county",
        "url_kwargs": {"county": county, "year": year},
    }
    return analysis_response(
        request, analysis, form=form, fmt=fmt, dimension=dimension, context=context
    )


@require_safe
def analysis_nation(
    request: HttpRequest, year: int, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    form = national_filters(request, year)
    analysis = public_analysis(title="Hela landet", members=Q(), year=year, filters=form.filters())
    context = {
        "slug": "riket",
        "scope": "nation",
        "url_name": "analysis_nation",
        "url_kwargs": {"year": year},
    }
    return analysis_response(
        request, analysis, form=form, fmt=fmt, dimension=dimension, context=context
    )


# --- Across years -------------------------------------------------------------------------


@login_required
@require_safe
def analysis_organisation_years(
    request: HttpRequest, code: str, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    organisation = organisation_for_user(request, code, VIEWER_ROLES)
    context = {
        "organisation": organisation,
        "slug": code,
        "scope": "organisation",
        "url_name": "analysis_organisation",
        "url_kwargs": {"code": code},
    }
    across = organisation_years(organisation=organisation)
    return years_response(request, across, fmt=fmt, dimension=dimension, context=context)


@require_safe
def analysis_county_years(
    request: HttpRequest, county: str, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    if county not in COUNTY_CODES:
        raise Http404("Det finns inget län med den länskoden.")
    across = public_years(title=f"Länet med länskod {county}", members=county_members(county))
    context = {
        "slug": f"lan-{county}",
        "scope": "county",
        "url_name": "analysis_county",
        "url_kwargs": {"county": county},
    }
    return years_response(request, across, fmt=fmt, dimension=dimension, context=context)


@require_safe
def analysis_nation_years(
    request: HttpRequest, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    across = public_years(title="Hela landet", members=Q())
    context = {"slug": "riket", "scope": "nation", "url_name": "analysis_nation", "url_kwargs": {}}
    return years_response(request, across, fmt=fmt, dimension=dimension, context=context)
