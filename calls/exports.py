"""The call's public record for the diarium: the call, the applicants and the decision.

Contact persons' names, e-mail addresses and phone numbers are personal data and never
appear here; the applying organisations, their organisationsnummer and the amounts are
public records.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from calls.models import Application, Call

MONEY_FORMAT = '#,##0.00 "kr"'


def record_applications(call: Call) -> list[Application]:
    return list(call.applications.submitted().order_by("submitted_at", "pk"))


def _safe(text: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def record_xlsx(call: Call) -> bytes:
    workbook = Workbook()
    _call_sheet(workbook.active, call)
    _applicants_sheet(workbook.create_sheet("Sökande"), call)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _call_sheet(sheet: Worksheet, call: Call) -> None:
    sheet.title = "Utlysning"
    decision = getattr(call, "decision", None)
    rows = [
        ("Organisation", call.agreement.organisation.name),
        ("År", call.agreement.year),
        ("Prioriterat område", call.priority_area.name),
        ("Rubrik", call.title),
        ("Syfte", call.purpose),
        ("Vem kan söka", ", ".join(call.eligible_kind_labels())),
        ("Villkor", call.eligibility),
        ("Belopp att fördela", call.amount),
        ("Öppnade", call.opens_at.strftime("%Y-%m-%d %H:%M")),
        ("Sista ansökningstid", call.closes_at.strftime("%Y-%m-%d %H:%M")),
        ("Diarienummer", decision.registry_number if decision else call.registry_number),
    ]
    if decision:
        rows += [
            ("Beslutsdatum", decision.decided_on.isoformat()),
            ("Beslutat av", decision.decided_by),
            ("Anslaget på anslagstavlan", decision.announced_on.isoformat()),
        ]
    for label, value in rows:
        sheet.append([label, _safe(value) if isinstance(value, str) else value])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet["B8"].number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80


def _applicants_sheet(applicants: Worksheet, call: Call) -> None:
    header = ["Kvittonummer", "Organisation", "Organisationsnummer", "Projekt", "Inskickad",
              "Sökt belopp", "Beslut", "Beviljat belopp", "Motivering"]  # fmt: skip
    applicants.append(header)
    for cell in applicants[1]:
        cell.font = Font(bold=True)
    for application in record_applications(call):
        decided = application.status in (Application.Status.GRANTED, Application.Status.REJECTED)
        applicants.append(
            [
                application.receipt_number,
                _safe(application.organisation_name),
                application.organisation_number,
                _safe(application.project_title),
                application.submitted_at.strftime("%Y-%m-%d %H:%M"),
                application.amount_requested,
                application.get_status_display() if decided else "Ej beslutad",
                application.granted_amount if decided else None,
                _safe(application.decision_reason) if decided else "",
            ]
        )
        for column in (6, 8):
            applicants.cell(applicants.max_row, column).number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEFGHI", (14, 36, 20, 36, 18, 16, 14, 16, 60), strict=True):
        applicants.column_dimensions[letter].width = width
