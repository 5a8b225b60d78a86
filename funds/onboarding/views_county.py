"""The member's page for its county's länssamordnare: the grant in force, give or revoke it
(the page is the confirmation: it says what the grant opens before the button), and the
record of earlier grants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from funds.access import organisation_admin_roles, organisation_for_user
from funds.models import CountyGrant
from funds.onboarding.county import (
    county_grant_give,
    county_grant_revoke,
    county_partnership_for,
    grant_in_force,
)


@login_required
@require_http_methods(["GET", "POST"])
def county_grant(request: HttpRequest, code: str) -> HttpResponse:
    organisation = organisation_for_user(request, code, organisation_admin_roles())
    partnership = county_partnership_for(organisation)
    if request.method == "POST" and partnership is not None:
        workflow = county_grant_revoke if request.POST.get("action") == "revoke" else None
        workflow = workflow or county_grant_give
        try:
            workflow(organisation=organisation, partnership=partnership, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            done = "återkallat" if workflow is county_grant_revoke else "givet"
            messages.success(request, f"Medgivandet till {partnership} är {done}.")
        return redirect("county_grant", code=code)
    history = CountyGrant.objects.filter(organisation=organisation).select_related(
        "partnership", "granted_by", "revoked_by"
    )
    context = {
        "organisation": organisation,
        "partnership": partnership,
        "grant": grant_in_force(organisation, partnership) if partnership else None,
        "history": history,
    }
    return render(request, "onboarding/county_grant.html", context)
