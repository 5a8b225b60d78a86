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
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import translation

from funds.identifiers import COUNTY_NAMES
from funds.models import Agreement, Allocation, AllocationChange, Recipient
from reporting.survey.routes import area_routes

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
    # Appended 2026: where the money belongs nationally and how it is followed up.
    "national_area_number",
    "national_area",
    "route",
    "route_sv",
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
    """One dict per allocation above 0 kr, keyed by COLUMNS. Three queries."""
    with translation.override("sv"):
        kinds = {value: str(label) for value, label in Recipient.Kind.choices}
    organisation = agreement.organisation
    routes = area_routes(agreement)
    allocations = (
        Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
        .order_by("priority_area__number", "recipient__name", "recipient_id")
        .values_list(
            "priority_area_id",
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
            "national_area_number": routes[area_id].national_number,
            "national_area": routes[area_id].national_name,
            "route": routes[area_id].route,
            "route_sv": routes[area_id].route_label,
        }
        for area_id, number, area, recipient, kind, organisation_number, amount in allocations
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
        "national_area",
        "route",
        "route_sv",
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
    # The last change after the decision: an amended amount, or the year's status (a reopened
    # or closed year has changed too), if any.
    modified: datetime.datetime | None

    @property
    def issued(self) -> datetime.date | None:
        """The day the year was decided: when its allocations became public."""
        return self.agreement.decided_on


def published_years() -> list[PublishedYear]:
    """Every decided, followed-up or closed year of every organisation. One query."""
    agreements = (
        Agreement.objects.filter(status__in=PUBLISHED_STATUSES)
        .select_related("organisation")
        .annotate(
            amended=Max(
                "priority_areas__allocations__changes__changed_at",
                filter=Q(priority_areas__allocations__changes__is_amendment=True),
            ),
            # The decision itself is `issued`; what came after it (follow-up, closing) is a
            # modification.
            status_changed=Max(
                "status_changes__changed_at",
                filter=~Q(
                    status_changes__from_status=Agreement.Status.DRAFT,
                    status_changes__to_status=Agreement.Status.DECIDED,
                ),
            ),
        )
        # Greatest of the two that exist (SQLite's GREATEST is NULL when one of them is).
        .annotate(
            modified=Greatest(
                Coalesce("amended", "status_changed"), Coalesce("status_changed", "amended")
            )
        )
        .order_by("organisation__name", "organisation__code", "-year")
    )
    return [PublishedYear(agreement, agreement.modified) for agreement in agreements]


# The version is read from the database at most once per VERSION_SECONDS in a process, so a
# warm public answer costs no query at all; a change made in this process forgets it at once
# (reporting/apps.py connects published_version_forget to the saves that change the public
# data), other processes see it within VERSION_SECONDS.
VERSION_SECONDS = 2
VERSION_KEY = "opendata:version"


def published_version() -> str:
    """A short key that changes whenever the public data may have changed (see
    `published_version_read`), kept VERSION_SECONDS."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = published_version_read()
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def published_version_forget(**_signal) -> None:
    """Forget the kept version now, and again when the transaction commits (a request in
    between may have read the old one)."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def published_version_read() -> str:
    """A year decided, moved to follow-up, closed or reopened (the published years and their
    status and decision date), or any allocation amount changed (the audit trail's newest
    row; every amount change writes one). One query: an index scan of the published
    agreements and one index lookup of the trail."""
    newest_change = AllocationChange.objects.order_by("-pk").values("pk")[:1]
    rows = (
        Agreement.objects.filter(status__in=PUBLISHED_STATUSES)
        .annotate(newest_change=Subquery(newest_change))
        .order_by("pk")
        .values_list("pk", "status", "decided_on", "newest_change")
    )
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:20]


def county_code(organisation_code: str) -> str:
    """A kommunkod starts with its länskod, a region's code is its länskod, a county
    partnership's is "L" and the länskod."""
    return organisation_code.removeprefix("L")[:2]


def years_by_county(years: list[PublishedYear]) -> list[dict]:
    """The published years grouped by county, then organisation, in county-code order:
    [{"code", "name", "organisations": [{"organisation", "years"}]}]."""
    counties: dict[str, dict[int, dict]] = {}
    for year in years:
        organisation = year.agreement.organisation
        entries = counties.setdefault(county_code(organisation.code), {})
        entries.setdefault(organisation.pk, {"organisation": organisation, "years": []})
        entries[organisation.pk]["years"].append(year)
    return [
        {
            "code": code,
            "name": COUNTY_NAMES.get(code, f"Län {code}"),
            "organisations": list(counties[code].values()),
        }
        for code in sorted(counties)
    ]


# The columns of the schema: (CSVW datatype, Swedish title, Swedish description).
COLUMN_DESCRIPTIONS = {
    "year": ("integer", "År", "Året som medlen avser."),
    "organisation_code": (
        "string",
        "Huvudmannens kod",
        "Huvudmannens kod, till exempel kommunkod (fyra siffror).",
    ),
    "organisation_name": ("string", "Huvudman", "Huvudmannens namn."),
    "priority_area_number": (
        "integer",
        "Områdesnummer",
        "Det prioriterade områdets nummer i överenskommelsen.",
    ),
    "priority_area": ("string", "Prioriterat område", "Det prioriterade områdets namn."),
    "recipient": ("string", "Mottagare", "Mottagaren av medlen."),
    "recipient_kind": (
        "string",
        "Mottagartyp (kod)",
        "Mottagartyp, kod: district, department, association eller other.",
    ),
    "recipient_kind_sv": ("string", "Mottagartyp", "Mottagartyp på svenska."),
    "recipient_organisation_number": (
        "string",
        "Mottagarens organisationsnummer",
        "Mottagarens organisationsnummer (NNNNNN-NNNN) när det finns, annars tomt.",
    ),
    "amount_sek": (
        "decimal",
        "Belopp (kronor)",
        "Fördelat belopp i kronor med två decimaler (punkt i fordelning.csv, komma i "
        "fordelning-semikolon.csv).",
    ),
    "national_area_number": (
        "integer",
        "Nationellt områdesnummer",
        "Numret på det nationella prioriterade område i årets överenskommelse mellan staten "
        "och SKR som området hör till; tomt för en egen prioritering.",
    ),
    "national_area": (
        "string",
        "Nationellt område",
        "Det nationella områdets namn, eller Egen prioritering eller Utan nationellt område.",
    ),
    "route": (
        "string",
        "Uppföljning (kod)",
        "Hur medlen följs upp nationellt, kod: kommun_enkat, region_enkat, "
        "lansgemensam_enkat, lansdialog, ej_faststalld, egen_prioritering eller ej_kopplad.",
    ),
    "route_sv": ("string", "Uppföljning", "Hur medlen följs upp nationellt, på svenska."),
}
OPTIONAL_COLUMNS = frozenset({"recipient_organisation_number", "national_area_number"})
CONTEXT = ["http://www.w3.org/ns/csvw", {"@language": "sv"}]
NEUTRALISING_NOTE = (
    "Textvärden som börjar med =, +, -, @, tabb eller vagnretur har en inledande apostrof (') "
    "i CSV-filerna så att kalkylprogram visar dem som text; JSON-filen har värdena oförändrade."
)


def table_schema(*, decimal_comma: bool = False) -> dict:
    """The CSVW table schema of a CSV file: every column with its machine name, its name
    and Swedish title as titles (a header row matches either), datatype and description."""
    columns = []
    for name, (datatype, title, description) in COLUMN_DESCRIPTIONS.items():
        column = {
            "name": name,
            "titles": [name, title],
            "datatype": datatype,
            "dc:description": description,
            "required": name not in OPTIONAL_COLUMNS,
        }
        if datatype == "decimal" and decimal_comma:
            column["datatype"] = {"base": "decimal", "format": {"decimalChar": ","}}
        columns.append(column)
    return {"columns": columns}


def schema_document(schema_url: str) -> dict:
    """The shared CSVW schema (W3C CSV on the Web) of every year's comma-separated file;
    each year's metadata document (`csvw_metadata`) describes its two files with it."""
    return {
        "@context": CONTEXT,
        "@id": schema_url,
        "dc:title": "Fördelning av statliga stimulansmedel per mottagare och område",
        "dc:description": "Kolumnerna i fordelning.csv och fordelning-semikolon.csv. "
        + NEUTRALISING_NOTE,
        **table_schema(),
    }


def csvw_metadata(metadata_url: str, csv_url: str, semicolon_url: str) -> dict:
    """A CSVW metadata document (a table group) for one year's two CSV files: the comma
    file with the default dialect, the semicolon file with its delimiter and decimal comma.
    All three addresses are absolute."""
    dialect = {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]}
    return {
        "@context": CONTEXT,
        "@id": metadata_url,
        "dc:title": "Fördelning av statliga stimulansmedel per mottagare och område",
        "dc:description": NEUTRALISING_NOTE,
        "tables": [
            {"url": csv_url, "dialect": dialect, "tableSchema": table_schema()},
            {
                "url": semicolon_url,
                "dialect": {**dialect, "delimiter": ";"},
                "tableSchema": table_schema(decimal_comma=True),
            },
        ],
    }
