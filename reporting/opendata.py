"""Open data: a year's allocations per recipient and priority area, as CSV and JSON.

Who got what is public information (offentlighetsprincipen), so these need no login; they
exist only for years that are decided, in follow-up or closed (a draft is not a decision
and answers 404, as does an unknown organisation or year).

Format choices, stable once published:
  * Column names are English snake_case ASCII and the same in both formats (`COLUMNS`);
    a column is never renamed or removed, new ones are appended.
  * Amounts are exact decimal strings with two decimals and a point, "1500000.00": no
    float, no thousands separator, no locale. The JSON keeps them as strings too, because
    a JSON number is a binary float for most readers.
  * CSV: RFC 4180 (comma, double quotes where needed, CRLF line ends), UTF-8 *without* a
    byte order mark. The file is for programs: with a BOM, many CSV readers would make the
    first column "\\ufeffyear". People who want a spreadsheet use the enkät workbook.
  * Values are the data as stored, not neutralised for spreadsheets (names come from
    coordinators, not from the public); consumers that open the CSV in Excel should import
    it as text.
  * Only allocations above 0 kr are listed; the allocation's internal comment is not.
  * Rows are ordered by priority area number, recipient name, recipient id.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.http import Http404
from django.utils import translation

from funds.models import Agreement, Allocation, Recipient

PUBLISHED_STATUSES = (
    Agreement.Status.DECIDED,
    Agreement.Status.FOLLOW_UP,
    Agreement.Status.CLOSED,
)
COLUMNS = (
    "year",
    "organisation_code",
    "organisation_name",
    "priority_area_number",
    "priority_area",
    "recipient",
    "recipient_kind",
    "recipient_kind_sv",
    "recipient_organisation_number",
    "amount_sek",
)


def _decimal(amount: Decimal) -> str:
    return f"{amount:.2f}"


def published_agreement(code: str, year: int) -> Agreement:
    """The agreement if its allocations are public, else 404."""
    agreement = (
        Agreement.objects.select_related("organisation")
        .filter(organisation__code=code, year=year, status__in=PUBLISHED_STATUSES)
        .first()
    )
    if agreement is None:
        raise Http404("Det finns inga publicerade fördelningar för det året.")
    return agreement


def allocation_rows(agreement: Agreement) -> list[dict[str, object]]:
    """One dict per allocation above 0 kr, keyed by COLUMNS. One query."""
    with translation.override("sv"):
        kinds = {value: str(label) for value, label in Recipient.Kind.choices}
    organisation = agreement.organisation
    allocations = (
        Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
        .order_by("priority_area__number", "recipient__name", "recipient_id")
        .values_list(
            "priority_area__number",
            "priority_area__name",
            "recipient__name",
            "recipient__kind",
            "recipient__organisation_number",
            "amount",
        )
    )
    return [
        {
            "year": agreement.year,
            "organisation_code": organisation.code,
            "organisation_name": organisation.name,
            "priority_area_number": number,
            "priority_area": area,
            "recipient": recipient,
            "recipient_kind": kind,
            "recipient_kind_sv": kinds.get(kind, kind),
            "recipient_organisation_number": organisation_number,
            "amount_sek": _decimal(amount),
        }
        for number, area, recipient, kind, organisation_number, amount in allocations
    ]


def allocations_csv(agreement: Agreement) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(allocation_rows(agreement))
    return buffer.getvalue()


def allocations_json(agreement: Agreement) -> str:
    rows = allocation_rows(agreement)
    organisation = agreement.organisation
    total = sum((Decimal(row["amount_sek"]) for row in rows), Decimal("0.00"))
    document = {
        "year": agreement.year,
        "organisation": {
            "code": organisation.code,
            "name": organisation.name,
            "organisation_number": organisation.organisation_number,
        },
        "agreement_status": agreement.status,
        "currency": "SEK",
        "columns": list(COLUMNS),
        "allocations": rows,
        "total_amount_sek": _decimal(total),
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def open_data_filename(agreement: Agreement, extension: str) -> str:
    return f"fordelning-{agreement.organisation.code}-{agreement.year}.{extension}"
