from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from funds.balance import agreement_balance
from funds.models import Agreement, Organisation


def _get_agreement_for_user(request: HttpRequest, code: str, year: int) -> Agreement:
    """One query: the agreement, its organisation, and the check that the user may see it."""
    return get_object_or_404(
        Agreement.objects.select_related("organisation"),
        organisation__in=Organisation.objects.for_user(request.user),
        organisation__code=code,
        year=year,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Take the user to their organisation's latest year."""
    agreement = (
        Agreement.objects.filter(organisation__in=Organisation.objects.for_user(request.user))
        .select_related("organisation")
        .order_by("-year", "organisation__name")
        .first()
    )
    if agreement is None:
        return render(request, "funds/no_agreement.html")
    return redirect("year_overview", code=agreement.organisation.code, year=agreement.year)


@login_required
def year_overview(request: HttpRequest, code: str, year: int) -> HttpResponse:
    agreement = _get_agreement_for_user(request, code, year)
    years = list(
        Agreement.objects.filter(organisation=agreement.organisation)
        .order_by("year")
        .values_list("year", flat=True)
    )
    return render(
        request,
        "funds/year_overview.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "balance": agreement_balance(agreement),
            "years": years,
        },
    )
