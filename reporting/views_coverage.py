"""The coverage page: which priorities of the plan the year's money and work serve."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from funds.access import VIEWER_ROLES, agreement_for_user
from reporting.coverage import coverage_build


@login_required
@require_safe
def coverage(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = agreement_for_user(request, code, year, VIEWER_ROLES)
    report = coverage_build(organisation=agreement.organisation, year=year)
    return render(
        request,
        "reporting/coverage.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "coverage": report,
            "chart": report.chart(),
        },
    )
