"""The analysis pages: an organisation's year and its years side by side (its members), a
county's and the nation's (public: they add up only years already published as open data,
see report.py); and the county's for its länssamordnare, with the years members granted it
(the grant rule, funds/onboarding/county.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from analysis.cache import public_cached
from analysis.pages import (
    analysis_response,
    national_filters,
    organisation_filters,
    years_filters,
    years_response,
)
from analysis.report import county_members, organisation_analysis, public_analysis
from analysis.years import organisation_years, public_years
from funds.access import (
    VIEWER_ROLES,
    agreement_for_user,
    county_partnership_for_user,
    organisation_for_user,
)
from funds.identifiers import COUNTY_CODES
from funds.models import Membership
from funds.onboarding.county import county_coordinator_partnership, granted_organisation_ids

# A länssamordnare reads its own county partnership's analysis as a reader would.
ANALYSIS_ROLES = VIEWER_ROLES | {Membership.Role.COUNTY_COORDINATOR}


def _county(county: str) -> str:
    if county not in COUNTY_CODES:
        raise Http404("Det finns inget län med den länskoden.")
    return county


@login_required
@require_safe
def analysis_organisation(
    request: HttpRequest, code: str, year: int, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, ANALYSIS_ROLES)
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
    form = national_filters(request, year)
    filters = form.filters()
    analysis, version = public_cached(
        f"county:{_county(county)}:{year}:{filters!r}",
        lambda: public_analysis(
            title=f"Länet med länskod {county}",
            members=county_members(county),
            year=year,
            filters=filters,
        ),
    )
    context = {
        "cache_version": version,
        "slug": f"lan-{county}",
        "scope": "county",
        "url_name": "analysis_county",
        "url_kwargs": {"county": county, "year": year},
        "county_coordinator": county_coordinator_partnership(request.user, county),
    }
    return analysis_response(
        request, analysis, form=form, fmt=fmt, dimension=dimension, context=context
    )


@login_required
@require_safe
def analysis_county_coordinator(
    request: HttpRequest, county: str, year: int, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    """The county's year for its länssamordnare: the public years, and the years of the
    members that granted the partnership more (funds/onboarding/county.py)."""
    partnership = county_partnership_for_user(request, _county(county))
    form = national_filters(request, year)
    analysis = public_analysis(
        title=f"Länet med länskod {county}",
        members=county_members(county),
        year=year,
        filters=form.filters(),
        granted=granted_organisation_ids(partnership),
    )
    context = {
        "slug": f"lan-{county}-samordnare",
        "scope": "county_coordinator",
        "partnership": partnership,
        "url_name": "analysis_county_coordinator",
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
    filters = form.filters()
    analysis, version = public_cached(
        f"nation:{year}:{filters!r}",
        lambda: public_analysis(title="Hela landet", members=Q(), year=year, filters=filters),
    )
    context = {
        "cache_version": version,
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
    organisation = organisation_for_user(request, code, ANALYSIS_ROLES)
    context = {
        "organisation": organisation,
        "slug": code,
        "scope": "organisation",
        "url_name": "analysis_organisation",
        "url_kwargs": {"code": code},
    }
    form = years_filters(request, organisation)
    across = organisation_years(organisation=organisation, filters=form.filters())
    return years_response(request, across, form=form, fmt=fmt, dimension=dimension, context=context)


@require_safe
def analysis_county_years(
    request: HttpRequest, county: str, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    form = years_filters(request, None)
    filters = form.filters()
    across, version = public_cached(
        f"county-years:{_county(county)}:{filters!r}",
        lambda: public_years(
            title=f"Länet med länskod {county}", members=county_members(county), filters=filters
        ),
    )
    context = {
        "cache_version": version,
        "slug": f"lan-{county}",
        "scope": "county",
        "url_name": "analysis_county",
        "url_kwargs": {"county": county},
        "county_coordinator": county_coordinator_partnership(request.user, county),
    }
    return years_response(request, across, form=form, fmt=fmt, dimension=dimension, context=context)


@login_required
@require_safe
def analysis_county_coordinator_years(
    request: HttpRequest, county: str, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    partnership = county_partnership_for_user(request, _county(county))
    form = years_filters(request, None)
    across = public_years(
        title=f"Länet med länskod {county}",
        members=county_members(county),
        filters=form.filters(),
        granted=granted_organisation_ids(partnership),
    )
    context = {
        "slug": f"lan-{county}-samordnare",
        "scope": "county_coordinator",
        "partnership": partnership,
        "url_name": "analysis_county_coordinator",
        "url_kwargs": {"county": county},
    }
    return years_response(request, across, form=form, fmt=fmt, dimension=dimension, context=context)


@require_safe
def analysis_nation_years(
    request: HttpRequest, fmt: str = "html", dimension: str = ""
) -> HttpResponse:
    form = years_filters(request, None)
    filters = form.filters()
    across, version = public_cached(
        f"nation-years:{filters!r}",
        lambda: public_years(title="Hela landet", members=Q(), filters=filters),
    )
    context = {
        "slug": "riket",
        "scope": "nation",
        "url_name": "analysis_nation",
        "url_kwargs": {},
        "cache_version": version,
    }
    return years_response(request, across, form=form, fmt=fmt, dimension=dimension, context=context)
