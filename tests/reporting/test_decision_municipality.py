"""Another municipality's first tjänsteutlåtande: its own committee and titles (never
Stockholm's), districts counted through a merge, and every figure equal to the database's,
in the PDF and in the Word file."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from funds.models import Recipient
from funds.money import format_kr
from reporting.documents import (
    decision_document_current,
    decision_document_docx,
    decision_document_pdf,
    decision_document_save,
)
from tests import factories as f
from tests.reporting.pdfs import flat, pdf_text
from tests.reporting.word import docx_tables, docx_text

pytestmark = pytest.mark.django_db

STOCKHOLM_WORDS = ("Socialnämnden", "socialdirektören", "Socialdirektör", "Stockholm")
GRANTED = [
    "1234567.89",
    "2500000.00",
    "987654.32",
    "3000000.50",
    "450000.00",
    "1827777.29",
]


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        org = f.municipality_with_settings()
        agreement = f.agreement(org, 2023, registry_number="KS 2024/12")
        areas = [
            f.area(agreement, amount, name=f"Område {chr(65 + index)}")
            for index, amount in enumerate(GRANTED)
        ]
        merge_day = datetime.date(2023, 7, 1)
        successor = f.recipient(org, name="Centrum stadsdelsförvaltning", valid_from=merge_day)
        north = f.recipient(
            org, name="Norr", valid_to=merge_day - datetime.timedelta(days=1), successor=successor
        )
        south = f.recipient(
            org, name="Söder", valid_to=merge_day - datetime.timedelta(days=1), successor=successor
        )
        east = f.recipient(org, name="Öster stadsdelsförvaltning")
        school = f.recipient(org, name="Skolförvaltningen", kind=Recipient.Kind.DEPARTMENT)
        club = f.recipient(
            org,
            name="Föreningen Gläntan",
            kind=Recipient.Kind.ASSOCIATION,
            organisation_number="802400-1011",
        )
        f.allocation(areas[0], north, "400000.00")
        f.allocation(areas[0], south, "300000.00")
        f.allocation(areas[0], successor, "534567.89")
        f.allocation(areas[1], successor, "2500000.00")
        f.allocation(areas[2], east, "987654.32")
        f.allocation(areas[3], school, "2800000.25")  # leaves 200 000,25 kr of area D
        f.allocation(areas[4], club, "450000.00")
        f.allocation(areas[5], east, "1827777.29")
        next_agreement = f.agreement(org, 2024)
        f.area(next_agreement, "6000000.00", name="Område A")
        document = decision_document_current(agreement)
        assert document.pk is None
        saved = decision_document_save(
            document=document,
            values={
                "document_date": datetime.date(2024, 3, 1),
                "meeting_date": datetime.date(2024, 3, 20),
                "case_officer_name": "Test Handläggare",
                "director_name": "Test Direktör",
                "head_name": "Test Chef",
                "summary": "Kommunens sammanfattning.",
            },
            examples=[],
            expected_revision=0,
            user=f.user(org),
        )
        saved.organisation = org
        pdf = decision_document_pdf(saved, agreement)
        docx = decision_document_docx(saved, agreement)
        yield {
            "pdf": flat(pdf_text(pdf)),
            "docx": flat(docx_text(docx)),
            "tables": docx_tables(docx),
            "document": saved,
            "granted": [area.granted for area in areas],
        }
        transaction.set_rollback(True)


def test_the_first_document_takes_the_organisations_settings(files):
    document = files["document"]
    assert document.committee == "Kommunstyrelsen"
    assert document.delegate == "kommundirektören"
    assert document.director_title == "Kommundirektör"
    assert document.head_title == "Enhetschef"
    assert document.administration == "Kommunledningsförvaltningen"


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_it_names_its_committee_and_titles_never_stockholms(files, name):
    text = files[name]
    assert "Till Kommunstyrelsen" in text
    assert "Kommunstyrelsen ger kommundirektören delegation" in text
    assert "Kommundirektör" in text and "Enhetschef" in text
    assert "Ekby kommun" in text
    for word in STOCKHOLM_WORDS:
        assert word not in text, word


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_it_counts_districts_through_the_merge(files, name):
    # Norr and Söder merged into Centrum; all three held 2023 money: one unit. Öster: two.
    assert (
        "medel till två stadsdelsförvaltningar, en fackförvaltning och en förening" in files[name]
    )


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_its_districts_got_no_youth_clinic_money_so_none_is_included(files, name):
    assert "procent av medlen har fördelats till stadsdelsförvaltningarna, " in files[name]
    assert "ungdomsmottagningarna" not in files[name]


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_it_says_six_areas_and_shows_ore_in_running_text(files, name):
    text = files[name]
    assert "fördelat på sex prioriterade områden" in text
    assert "200 000,25 kr återstår att fördela" in text
    # The year is not followed up: no repayment statements.
    assert "betalas tillbaka till staten" not in text
    assert "återbetalades" not in text


def test_every_area_amount_is_the_databases_in_the_pdf(files):
    for index, granted in enumerate(files["granted"]):
        row = f"{index + 1}. Område {chr(65 + index)} {format_kr(granted)}".replace("\u00a0", " ")
        assert row in files["pdf"], row
    total = format_kr(sum(files["granted"], Decimal(0))).replace("\u00a0", " ")
    assert f"Totalt {total}" in files["pdf"]


def test_every_area_amount_is_the_databases_in_the_word_table(files):
    table = next(t for t in files["tables"] if t[0][0] == "Prioriterat område")
    rows = {row[0]: row[1] for row in table[1:]}
    for index, granted in enumerate(files["granted"]):
        assert rows[f"{index + 1}. Område {chr(65 + index)}"] == format_kr(granted)
    assert rows["Totalt"] == format_kr(sum(files["granted"], Decimal(0)))
