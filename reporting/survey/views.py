"""The enkät pages: the validation list and the workbook download.

Both go through funds.access.agreement_for_user (404 outside the user's organisations) and
require a viewer role (403 for reporters); a draft download, which bypasses the checks,
requires an editor role.
"""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from funds.access import EDITOR_ROLES, VIEWER_ROLES, agreement_for_user, can_edit
from funds.models import Agreement
from reporting.survey.checks import SurveyCheck, SurveyRefused, problems_for, survey_check
from reporting.survey.workbook import XLSX_CONTENT_TYPE, survey_export, survey_filename

CHECK_TEMPLATE = "reporting/survey_check.html"


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
            # Only the links this user can open: a reader sees the problems, not dead ends.
            "problems": problems_for(check.problems, request.user, agreement.user_role),
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
