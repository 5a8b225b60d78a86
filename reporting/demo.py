"""Demo tjänsteutlåtanden for Stockholms stad: 2023 (issued-ready) and a 2024 draft.

`decision_demo_load()` runs after funds.demo.loader.demo_load() and is idempotent: it creates a
year's document only when the year has none, so a second run, or a run after officials have
edited or issued a document in the app, changes nothing.

The text lives in data files (reporting/demo_data/<year>.toml); this module only loads them.
2023 is seed 004 section by section without its amounts (the document states them from the
data, and the edit form refuses amounts in prose), with its three footnotes in the editor's
[^text] syntax. 2024 is invented demo text written for 2024, started from 2023 the way the
app starts a new year: two perennial sections are left as carried, so they show
"Från 2023 – granska" and block issuing until they are reviewed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from funds.demo.loader import demo_coordinator
from funds.demo.rows import DemoDataError, demo_file
from funds.models import Agreement
from reporting.models import PROSE_FIELDS, DecisionDocument, IssuedDocument
from reporting.prose import validate_footnotes, validate_no_amounts

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
YEAR = 2023
NEXT_YEAR = 2024


def demo_text(year: int) -> dict:
    """The parsed data file of a year, its prose checked like the edit form checks it."""
    with open(DATA_DIR / f"{year}.toml", "rb") as file:
        data = tomllib.load(file)
    for name, text in data.get("prose", {}).items():
        if name not in PROSE_FIELDS:
            raise DemoDataError(f"Demotexten {year} har ett okänt avsnitt: {name}.")
        try:
            validate_no_amounts(text)
            validate_footnotes(text)
        except ValidationError as error:
            raise DemoDataError(f"Demotexten {year}, {name}: {error.messages[0]}") from error
    return data


def _prose(data: dict) -> dict[str, str]:
    return {name: text.strip() for name, text in data.get("prose", {}).items()}


@dataclass(frozen=True)
class DecisionDemoSummary:
    created: bool
    document: DecisionDocument
    created_next: bool = False


def _agreement(year: int) -> Agreement | None:
    return (
        Agreement.objects.select_related("organisation")
        .filter(organisation__code=demo_file("organisation")["code"], year=year)
        .first()
    )


def _latest(agreement: Agreement) -> DecisionDocument | None:
    return (
        DecisionDocument.objects.filter(organisation=agreement.organisation, year=agreement.year)
        .order_by("-version")
        .first()
    )


def decision_demo_load() -> DecisionDemoSummary:
    """Create the demo's 2023 document and 2024 draft unless the years already have one.

    Raises DemoDataError when the funds demo (funds.demo.loader.demo_load) has not been loaded.
    """
    from reporting.documents import decision_document_start

    data = demo_text(YEAR)
    if set(_prose(data)) != set(PROSE_FIELDS):
        raise DemoDataError("Demotexterna täcker inte alla avsnitt i tjänsteutlåtandet.")
    next_data = demo_text(NEXT_YEAR)
    agreement = _agreement(YEAR)
    if agreement is None:
        raise DemoDataError(
            f"Överenskommelsen {YEAR} för {demo_file('organisation')['name']} saknas: "
            "kör load_demo först."
        )
    with transaction.atomic():
        document = _latest(agreement)
        created = document is None
        if created:
            document = DecisionDocument(
                organisation=agreement.organisation,
                year=YEAR,
                version=1,
                associations_placement=data["associations_placement"],
                address=agreement.organisation.address,  # invented in funds/demo/data
                **data["meta"],
                **_prose(data),
            )
            document.full_clean()
            document.save()

        next_agreement = _agreement(NEXT_YEAR)
        created_next = False
        if next_agreement is not None and _latest(next_agreement) is None:
            from reporting.review import review_update

            draft = decision_document_start(next_agreement)  # carries 2023, marked for review
            carried = set(next_data.get("carried", []))
            for name, text in _prose(next_data).items():
                if name not in carried:
                    setattr(draft, name, text)
            draft.associations_placement = next_data["associations_placement"]
            review_update(draft, confirmed=set())
            draft.full_clean()
            draft.save()
            created_next = True
    return DecisionDemoSummary(created=created, document=document, created_next=created_next)


def decision_demo_issue() -> IssuedDocument | None:
    """Issue the demo's 2023 document (its year is closed and was decided on), as the
    officials did: the PDF/UA, the PDF/A and the Word file stored and frozen. None when it is
    issued already. Issued by the demo's first coordinator."""
    from reporting.documents import decision_document_issue

    agreement = _agreement(YEAR)
    document = _latest(agreement) if agreement is not None else None
    if document is None:
        raise DemoDataError("Tjänsteutlåtandet för 2023 saknas: kör load_demo_documents.")
    if document.status != DecisionDocument.Status.DRAFT:
        return None
    return decision_document_issue(
        document=document,
        agreement=agreement,
        expected_revision=document.revision,
        user=demo_coordinator(agreement.organisation),
    )
