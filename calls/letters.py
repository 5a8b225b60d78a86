"""Decision letters and a call's public record as PDF, through reporting's one PDF helper.

The PDFs are tagged PDF/UA and Swedish.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from calls.models import Application, Call
from calls.queries import application_totals
from funds.legal_dates import appeal_last_day
from reporting.letterhead import letterhead_context, logo_resources
from reporting.pdf import render_pdf


def letter_pdf(application: Application) -> bytes:
    call = application.call
    decision = call.decision
    html = render_to_string(
        "calls/letter_pdf.html",
        {
            "application": application,
            "call": call,
            "decision": decision,
            "organisation": call.agreement.organisation,
            "appeal_deadline": appeal_last_day(decision.announced_on),
            "show_appeal": application.status == Application.Status.REJECTED
            or (application.granted_amount or 0) < (application.amount_requested or 0),
            "letterhead": letterhead_context(
                call.agreement.organisation, pdf=True, with_address=True
            ),
        },
    )
    return render_pdf(html, resources=logo_resources(call.agreement.organisation))


def record_pdf(call: Call, applications: list[Application]) -> bytes:
    html = render_to_string(
        "calls/record_pdf.html",
        {
            "call": call,
            "organisation": call.agreement.organisation,
            "applications": applications,
            "totals": application_totals(applications),
            "decision": getattr(call, "decision", None),
            "letterhead": letterhead_context(
                call.agreement.organisation, pdf=True, with_address=True
            ),
        },
    )
    return render_pdf(html, resources=logo_resources(call.agreement.organisation))
