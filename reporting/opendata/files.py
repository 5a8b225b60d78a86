"""Open data: a year's allocations per recipient and priority area, as CSV and JSON.

Who got what is public information (offentlighetsprincipen), so these need no login; they
exist only for years that are decided, in follow-up or closed (a draft is not a decision
and answers 404, as does an unknown organisation or year).

Format choices, stable once published:
  * Column names are English snake_case ASCII and the same in every format (`COLUMNS`);
    a column is never renamed or removed, new ones are appended. The columns are described
    by a CSVW schema document (`open_data_schema`, W3C "CSV on the Web").
  * Amounts are exact decimals with two decimals, "1500000.00": no float, no thousands
    separator. The JSON keeps them as strings, because a JSON number is a binary float for
    most readers.
  * Two CSV files, both UTF-8 *with* a byte order mark, so Excel and LibreOffice read
    å, ä and ö right, and RFC 4180 quoting with CRLF line ends:
      - `fordelning.csv`: comma separated, decimal point ("1500000.00");
      - `fordelning-semikolon.csv`: semicolon separated, decimal comma ("1500000,00"), what
        a Swedish Excel or LibreOffice opens directly as numbers.
    Every text column is quoted, so codes (a kommunkod's leading zero) and organisationsnummer
    ("802400-1011") are text in both; numbers (year, area number, amount) are not.
  * Spreadsheet safety: in the CSV files, a text value that begins with =, +, -, @, a tab
    or a carriage return gets a leading apostrophe (') so that a spreadsheet shows it as
    text instead of running it as a formula. The JSON carries the values unchanged.
  * Only allocations above 0 kr are listed; the allocation's internal comment is not.
  * Rows are ordered by priority area number, recipient name, recipient id.

The DCAT-AP-SE catalogue of these files is in catalogue.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.db.models.functions import Greatest
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


BOM = "\ufeff"
_SPREADSHEET_LEADS = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = frozenset(
    {
        "organisation_code",
        "organisation_name",
        "priority_area",
        "recipient",
        "recipient_kind",
        "recipient_kind_sv",
        "recipient_organisation_number",
    }
)


def neutralised(text: str) -> str:
    """Text a spreadsheet will show as text: a formula-like start gets an apostrophe."""
    return "'" + text if text.startswith(_SPREADSHEET_LEADS) else text


class _Number:
    """An amount as the CSV writes it: not a str, so QUOTE_STRINGS leaves it unquoted."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def _csv(agreement: Agreement, *, delimiter: str, decimal_comma: bool) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_STRINGS
    )
    writer.writerow(COLUMNS)
    for row in allocation_rows(agreement):
        values = []
        for column in COLUMNS:
            value = row[column]
            if column == "amount_sek":
                value = _Number(value.replace(".", ",") if decimal_comma else value)
            elif column in TEXT_COLUMNS:
                value = neutralised(value or "")
            values.append(value)
        writer.writerow(values)
    return buffer.getvalue()


def allocations_csv(agreement: Agreement) -> str:
    """Comma separated, decimal point: for programs and an English-locale spreadsheet."""
    return _csv(agreement, delimiter=",", decimal_comma=False)


def allocations_csv_semicolon(agreement: Agreement) -> str:
    """Semicolon separated, decimal comma: what a Swedish spreadsheet opens as numbers."""
    return _csv(agreement, delimiter=";", decimal_comma=True)


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


def open_data_filename(agreement: Agreement, extension: str, variant: str = "") -> str:
    suffix = f"-{variant}" if variant else ""
    return f"fordelning-{agreement.organisation.code}-{agreement.year}{suffix}.{extension}"


# --- The published years ------------------------------------------------------------


@dataclass(frozen=True)
class PublishedYear:
    agreement: Agreement
    modified: datetime.datetime | None  # when an allocation or the year's status last changed


def published_years() -> list[PublishedYear]:
    """Every decided, followed-up or closed year of every organisation. One query."""
    agreements = (
        Agreement.objects.filter(status__in=PUBLISHED_STATUSES)
        .select_related("organisation")
        # A reopened or closed year has changed too (the status trail), not only its money.
        .annotate(
            modified=Greatest(
                Max("priority_areas__allocations__updated_at"), Max("status_changes__changed_at")
            )
        )
        .order_by("organisation__name", "organisation__code", "-year")
    )
    return [PublishedYear(agreement, agreement.modified) for agreement in agreements]


# The column descriptions of the schema document, in Swedish, with their CSVW datatypes.
COLUMN_DESCRIPTIONS = {
    "year": ("integer", "Året som medlen avser."),
    "organisation_code": ("string", "Huvudmannens kod, till exempel kommunkod (fyra siffror)."),
    "organisation_name": ("string", "Huvudmannens namn."),
    "priority_area_number": ("integer", "Det prioriterade områdets nummer i överenskommelsen."),
    "priority_area": ("string", "Det prioriterade områdets namn."),
    "recipient": ("string", "Mottagaren av medlen."),
    "recipient_kind": (
        "string",
        "Mottagartyp, kod: district, department, association eller other.",
    ),
    "recipient_kind_sv": ("string", "Mottagartyp på svenska."),
    "recipient_organisation_number": (
        "string",
        "Mottagarens organisationsnummer (NNNNNN-NNNN) när det finns, annars tomt.",
    ),
    "amount_sek": (
        "decimal",
        "Fördelat belopp i kronor med två decimaler (punkt i fordelning.csv, komma i "
        "fordelning-semikolon.csv).",
    ),
}


def schema_document(schema_url: str) -> dict:
    """A CSVW table schema (W3C CSV on the Web) for both CSV files."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "sv"}],
        "@id": schema_url,
        "dc:title": "Fördelning av statliga stimulansmedel per mottagare och område",
        "dc:description": (
            "Kolumnerna i fordelning.csv och fordelning-semikolon.csv. Textvärden som börjar "
            "med =, +, -, @, tabb eller vagnretur har en inledande apostrof (') i CSV-filerna "
            "så att kalkylprogram visar dem som text; JSON-filen har värdena oförändrade."
        ),
        "columns": [
            {
                "name": name,
                "titles": name,
                "datatype": datatype,
                "dc:description": description,
                "required": name not in ("recipient_organisation_number",),
            }
            for name, (datatype, description) in COLUMN_DESCRIPTIONS.items()
        ],
    }
